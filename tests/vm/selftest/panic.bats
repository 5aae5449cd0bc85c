#!/usr/bin/env bats
# tests/vm/check-harness: the first boot dies in this file's second test
# (sysrq c: panic() itself, not an Oops); a second boot gets past it.

@test "selftest: before the panic" {
	echo "# a comment of the test before the panic" >&3
}

@test "selftest: the first boot panics here" {
	if [ "$VM_BOOT" = 1 ]; then
		echo c > /proc/sysrq-trigger
		sleep 30
	fi
}

@test "selftest: after the panic, in the second boot" {
	[ "$VM_BOOT" = 2 ]
}

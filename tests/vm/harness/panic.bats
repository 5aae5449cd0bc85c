#!/usr/bin/env bats
# tests/vm/check-harness: a boot dies in this file's second test
# (sysrq c: panic() itself, no Oops, so nothing check-kernel resumes after).

@test "selftest: before the panic" {
	echo "# a comment of the test before the panic" >&3
}

@test "selftest: every boot panics here" {
	echo c > /proc/sysrq-trigger
	sleep 30
}

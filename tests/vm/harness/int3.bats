#!/usr/bin/env bats
# tests/vm/check-harness: the first boot dies in this file's second test
# as a guest does when a vCPU runs a stale int3: the Oops header the
# kernel prints for it (as 6.12 and 7.2 did under QEMU TCG, without the
# PREEMPT of 6.12's), then a panic.  A second boot gets past it.

@test "selftest: before the panic" {
	echo "# a comment of the test before the panic" >&3
}

@test "selftest: the first boot panics here" {
	# Once: not again in the boot after the one that died here (a real
	# stale int3 may kill a boot before this test, which then runs later).
	local n=$((BATS_SUITE_TEST_NUMBER + VM_TEST_OFFSET))
	if [ "$VM_BOOT" = 1 ] || [ "$n" != $((VM_RESUMED_AFTER + 1)) ]; then
		echo '<2>Oops: int3: 0000 [#1] SMP NOPTI' > /dev/kmsg
		echo c > /proc/sysrq-trigger
		sleep 30
	fi
}

@test "selftest: after the panic, in a later boot" {
	[ "$VM_BOOT" -ge 2 ]
}

#!/usr/bin/env bats
# Yama's ptrace_scope 3 forbids every ptrace attach, root's included, and
# cannot be lowered again before a reboot: this file runs last in a boot
# (zz-, stock suites after all/).  revoke's pidfd_getfd needs an attach
# check, so it must fail with EXIT_PERM and say why; list only reads
# fdinfo (a read check), which scope 3 leaves alone.
load ../common

@test "ptrace_scope 3: revoke is refused with the scope named; list still sees the holder" {
	[ -e /proc/sys/kernel/yama/ptrace_scope ] || fail "this kernel has no Yama"
	mk_start udmabuf:16K,map
	mk_first
	echo 3 >/proc/sys/kernel/yama/ptrace_scope
	assert_equal "$(cat /proc/sys/kernel/yama/ptrace_scope)" 3
	run --separate-stderr "$DMABUFCTL" revoke -y "$INO" </dev/null
	assert_equal "$status" 4
	assert_output ''
	assert_equal "${stderr_lines[0]}" "dmabufctl: dma-buf $INO: pidfd_getfd: mkbufs[$PID] fd $FD: Operation not permitted"
	assert_equal "${stderr_lines[1]}" "dmabufctl: hint: pidfd_getfd needs CAP_SYS_PTRACE, or the same uid as mkbufs[$PID] and a dumpable process; kernel.yama.ptrace_scope is 3 (no attaching at all, not even root)"
	mk "touch $INO"
	assert_equal "$MK_REPLY" "ok pages=4"
	run -0 "$DMABUFCTL" list -J "$INO"
	assert_equal "$(jq -c "[.dmabufs[0].processes[] | select(.pid == $PID) | .fds]" <<<"$output")" "[[$FD]]"
}

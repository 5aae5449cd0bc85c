#!/usr/bin/env bats
# revoke on the host: this kernel has no dma-buf exporter, so only the
# paths before the ioctl are reachable: input validation, the no-terminal
# refusal, no such buffer, and the JSON object of those outcomes.  The
# ioctl paths run against real buffers in tests/vm/suites/*/revoke.bats.
load common

# An inode no buffer has: dma-buf inodes count up from 1 per boot.  2^53-1
# so that jq keeps it exact.
NOBUF=9007199254740991

# Exactly one error line, then only hint lines.
assert_one_error() {
	local status=$1 line=$2
	assert_equal "$status" "$3"
	local first=${stderr%%$'\n'*}
	assert_equal "$first" "$line"
	local rest=${stderr#"$first"}
	rest=${rest#$'\n'}
	if [ -n "$rest" ] && grep -qv '^dmabufctl: hint: ' <<<"$rest"; then
		fail "more than one error line: $stderr"
	fi
}

usage() {
	run --separate-stderr "$DMABUFCTL" revoke "$@" </dev/null
	assert_equal "$output" ""
}

@test "revoke: non-numeric inode is a usage error" {
	usage -y 12ab
	assert_one_error "$status" "dmabufctl: revoke: '12ab': not an inode number" 64
}

@test "revoke: negative, zero and overflowing inodes are usage errors" {
	usage -y -- -5
	assert_one_error "$status" "dmabufctl: revoke: '-5': not an inode number" 64
	usage -y 0
	assert_one_error "$status" "dmabufctl: revoke: '0': not an inode number" 64
	usage -y 18446744073709551616
	assert_one_error "$status" \
		"dmabufctl: revoke: '18446744073709551616': not an inode number" 64
}

@test "revoke: missing inode is a usage error" {
	usage -y
	assert_one_error "$status" "dmabufctl: revoke: missing INODE: name the dma-buf to revoke" 64
}

@test "revoke: two inodes are a usage error" {
	usage -y 5 6
	assert_one_error "$status" "dmabufctl: revoke: '6': one INODE at a time" 64
}

@test "revoke: --pid without --fd, and --fd without --pid" {
	usage -y --pid 1 5
	assert_one_error "$status" "dmabufctl: revoke: --pid: needs --fd too" 64
	usage -y --fd 3 5
	assert_one_error "$status" "dmabufctl: revoke: --fd: needs --pid too" 64
}

@test "revoke: bad fd and pid numbers" {
	usage -y --pid 1 --fd -1 5
	assert_one_error "$status" "dmabufctl: revoke: --fd: '-1': not a file descriptor number" 64
	usage -y --pid 1 --fd 2147483648 5
	assert_one_error "$status" \
		"dmabufctl: revoke: --fd: '2147483648': not a file descriptor number" 64
	usage -y --pid 1 --fd 3x 5
	assert_one_error "$status" "dmabufctl: revoke: --fd: '3x': not a file descriptor number" 64
	usage -y --pid 0 --fd 3 5
	assert_one_error "$status" "dmabufctl: revoke: --pid: '0': not a process id" 64
	usage -y --pid self --fd 3 5
	assert_one_error "$status" "dmabufctl: revoke: --pid: 'self': not a process id" 64
}

@test "revoke: --sysroot is refused" {
	mkdir -p "$BATS_TEST_TMPDIR/root/proc"
	usage -y --sysroot "$BATS_TEST_TMPDIR/root" 5
	assert_one_error "$status" "dmabufctl: revoke: --sysroot: revoke acts on the live system only" 64
}

@test "revoke: bad --verify timeout, and --verify with --dry-run" {
	usage -y --verify=soon 5
	assert_one_error "$status" \
		"dmabufctl: revoke: --verify: 'soon': not a duration (5, 2.5s, 500ms, 1m)" 64
	usage -y --verify=0 5
	assert_one_error "$status" \
		"dmabufctl: revoke: --verify: '0': not a duration (5, 2.5s, 500ms, 1m)" 64
	usage --dry-run --verify 5
	assert_one_error "$status" "dmabufctl: revoke: --verify: nothing to verify with --dry-run" 64
}

@test "revoke: without a terminal and without --yes it refuses before looking" {
	run --separate-stderr "$DMABUFCTL" revoke "$NOBUF" </dev/null
	assert_one_error "$status" \
		"dmabufctl: dma-buf $NOBUF: revoke: no terminal to confirm on; nothing changed" 12
	assert_equal "${stderr#*$'\n'}" \
		"dmabufctl: hint: add --yes to revoke without asking, or --dry-run to see what would happen"
	assert_equal "$output" ""
}

@test "revoke: on a terminal it goes on to look for the buffer" {
	# script(1) gives stdin and stderr a pty: no up-front refusal, the
	# scan runs and finds nothing to ask about.
	run script -qec "'$DMABUFCTL' revoke $NOBUF" /dev/null
	assert_equal "$status" 2
	assert_output --partial "dmabufctl: dma-buf $NOBUF: revoke: no such buffer"
	refute_output --partial "[y/N]"
}

@test "revoke: no such buffer" {
	run --separate-stderr "$DMABUFCTL" revoke -y "$NOBUF" </dev/null
	assert_one_error "$status" "dmabufctl: dma-buf $NOBUF: revoke: no such buffer" 2
	assert_equal "$output" ""
}

@test "revoke: --dry-run needs no --yes and finds no buffer" {
	run --separate-stderr "$DMABUFCTL" revoke --dry-run "$NOBUF" </dev/null
	assert_one_error "$status" "dmabufctl: dma-buf $NOBUF: revoke: no such buffer" 2
}

@test "revoke: --pid/--fd of a process that does not hold the buffer" {
	# The named holder never matters when the buffer does not exist.
	run --separate-stderr "$DMABUFCTL" revoke -y --pid $$ --fd 0 "$NOBUF" </dev/null
	assert_one_error "$status" "dmabufctl: dma-buf $NOBUF: revoke: no such buffer" 2
}

@test "revoke -J: the outcome as one JSON object, also for errors" {
	run --separate-stderr "$DMABUFCTL" revoke -J -y "$NOBUF" </dev/null
	assert_equal "$status" 2
	run jq -c . <<<"$output"
	assert_output "{\"inode\":$NOBUF,\"size\":null,\"exporter\":null,\"holder\":null,\"checks\":null,\"result\":\"error\",\"status\":2,\"errno\":null,\"message\":\"no such buffer\",\"invalidated\":null,\"confirmations\":null,\"verify_ms\":null,\"tracer_load_ms\":null,\"was_revoked\":null}"

	run --separate-stderr "$DMABUFCTL" revoke -J 7 </dev/null
	assert_equal "$status" 12
	run jq -c '[.result, .status, .holder, .message]' <<<"$output"
	assert_output '["aborted",12,null,"no terminal to confirm on; nothing changed"]'
}

@test "revoke: another user's process is not permitted, with the fix" {
	# As nobody, init's fdinfo is unreadable, so the scan cannot rule the
	# fd out: pidfd_getfd() is tried and refused.
	local as=()
	[ "$(id -u)" != 0 ] || as=(setpriv --reuid=65534 --regid=65534 --clear-groups)
	run --separate-stderr "${as[@]}" "$DMABUFCTL" revoke -y --pid 1 --fd 0 "$NOBUF" </dev/null
	local comm
	comm=$(cat /proc/1/comm)
	assert_one_error "$status" \
		"dmabufctl: dma-buf $NOBUF: pidfd_getfd: $comm[1] fd 0: Operation not permitted" 4
	assert_regex "${stderr#*$'\n'}" \
		"^dmabufctl: hint: pidfd_getfd needs CAP_SYS_PTRACE, or the same uid as .*\[1\] and a dumpable process"
	if [ -r /proc/sys/kernel/yama/ptrace_scope ]; then
		assert_regex "$stderr" "kernel.yama.ptrace_scope is $(cat /proc/sys/kernel/yama/ptrace_scope) "
	else
		assert_regex "$stderr" "no Yama ptrace_scope here"
	fi
	assert_equal "$output" ""
}

#!/usr/bin/env bats
# Faults during revoke on the test kernel: the holder exits between the
# scan and pidfd_getfd, or while revoke --verify runs; SIGINT and SIGTERM
# during --verify.  strace holds dmabufctl at one system call (inject
# delay_enter) while the fault is made, so that each lands where it must.
load ../common

# dmabufctl ARGS under strace, held DELAY s at the entry of each SYSCALLS
# call; in the background, output in $OUT and $ERR, strace's pid in SPID.
held_at() {	# SYSCALLS DELAY ARGS...
	local calls=$1 delay=$2
	shift 2
	OUT=$BATS_TEST_TMPDIR/out
	ERR=$BATS_TEST_TMPDIR/err
	# a background job of a shell without job control ignores SIGINT:
	# give it the default action a terminal's ^C meets
	env --default-signal=INT strace -f -qq -o /dev/null -e trace="$calls" \
		-e inject="$calls":delay_enter=$((delay * 1000000)) \
		"$DMABUFCTL" "$@" >"$OUT" 2>"$ERR" </dev/null &
	SPID=$!
}

# Wait (60 s at most) until dmabufctl sits at the entry of a system call
# whose /proc/PID/syscall line matches REGEX ("NR ARG1 ARG2 ...").
wait_syscall() {	# REGEX
	local i pid
	for ((i = 0; i < 600; i++)); do
		pid=$(pgrep -P "$SPID" -x dmabufctl || true)
		if [ -n "$pid" ] && grep -Eq "$1" "/proc/$pid/syscall" 2>/dev/null; then
			DPID=$pid
			return 0
		fi
		sleep 0.1
	done
	fail "dmabufctl never reached '$1': $(cat "$ERR")"
}

@test "revoke: the holder exits between the scan and pidfd_getfd: status 2, nothing revoked" {
	mk_start udmabuf:16K
	mk_first
	# pidfd_open is 434 on x86_64: the scan is done, the duplicate not yet
	held_at pidfd_open 3 revoke -y "$INO"
	wait_syscall '^434 '
	mk_quit
	local status=0
	wait "$SPID" || status=$?
	assert_equal "$status" 2
	assert_equal "$(cat "$ERR")" "dmabufctl: dma-buf $INO: holder: every process holding it by fd has closed it or exited"
	assert_equal "$(cat "$OUT")" ""
}

@test "revoke -J: the holder closes the fd before pidfd_getfd: status 2, the error as JSON" {
	mk_start udmabuf:16K
	mk_first
	# pidfd_getfd is 438: the pidfd is open, the fd not yet taken
	held_at pidfd_getfd 3 revoke -J -y "$INO"
	wait_syscall '^438 '
	mk "close $INO"
	assert_equal "$MK_REPLY" "ok closed=1"
	local status=0
	wait "$SPID" || status=$?
	assert_equal "$status" 2
	run jq -c '[.result, .status, .errno]' "$OUT"
	assert_output '["error",2,"EBADF"]'
}

@test "revoke --verify: the holder exits while the tracer waits to revoke: a documented status, nothing left behind" {
	io_start --size 64K
	local ino before status=0
	ino=$(field inode "$IO_LINE")
	before=$(bpf_ids)
	# ioctl 16 with DMA_BUF_IOCTL_REVOKE (0x6204): tracer attached, fd
	# duplicated, revoke not issued yet
	held_at ioctl 2 revoke -J -y --verify=10 "$ino"
	wait_syscall '^16 0x[0-9a-f]+ 0x6204 '
	echo quit >&"${IO[1]}"
	wait "$IO_PID" 2>/dev/null || true
	wait "$SPID" || status=$?
	echo "# status $status: $(jq -c '[.result, .invalidated, .confirmations]' "$OUT")" >&3
	# revoked (0), or revoked with an importer that went away unconfirmed (10)
	[[ $status == 0 || $status == 10 ]] || fail "status $status: $(cat "$ERR")"
	run jq -r .result "$OUT"
	assert_output revoked
	assert_bpf_ids "$before"
}

@test "revoke --verify: SIGINT and SIGTERM while it waits for the importers: a report, no BPF program or link left" {
	local sig before status
	for sig in INT TERM; do
		io_start --size 64K
		local ino
		ino=$(field inode "$IO_LINE")
		before=$(bpf_ids)
		# epoll_wait (232) or epoll_pwait (281): revoked, reading the ring
		held_at epoll_wait,epoll_pwait 3 revoke -J -y --verify=10 "$ino"
		wait_syscall '^(232|281) '
		[ "$(bpf_ids)" != "$before" ] || fail "the tracer is not attached"
		kill -"$sig" "$DPID"
		status=0
		wait "$SPID" || status=$?
		echo "# SIG$sig: status $status: $(jq -c '[.result, .invalidated]' "$OUT"): $(cat "$ERR")" >&3
		# The buffer is revoked: the report says so, with what had been
		# confirmed when the signal came (all of it: 0; not yet: 10).
		case $status in
		0) ;;
		10) grep -q "interrupted (SIG$sig) before its invalidate was seen" "$ERR" ||
			fail "status 10 without saying why: $(cat "$ERR")" ;;
		*) fail "SIG$sig: status $status: $(cat "$ERR")" ;;
		esac
		jq -e --argjson i "$ino" '.result == "revoked" and .inode == $i' "$OUT" >/dev/null
		assert_bpf_ids "$before"
		echo quit >&"${IO[1]}"
		wait "$IO_PID" 2>/dev/null || true
	done
}

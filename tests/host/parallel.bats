#!/usr/bin/env bats
# The parallel scan on this machine's live /proc: scan() runs the listing
# (BPF iterator or debugfs, whichever runs here) in a second thread beside
# the fd walk, and both threads then take processes from one list.  In the
# ThreadSanitizer build (tools/sanitize) a data race aborts the binary and
# fails these tests; in every build they check the threads really ran.
load common

setup() {
	# 40 processes with open files, so that the walk has work for two
	# threads: children of one launcher, none holding bats' descriptors.
	bash -c 'for i in $(seq 1 40); do sleep 60 3</dev/null 4</dev/null 5</dev/null & done; wait' \
		</dev/null >/dev/null 2>&1 3>&- 4>&- 5>&- &
	LAUNCHER=$!
}

teardown() {
	pkill -P "$LAUNCHER" sleep 2>/dev/null || true
	wait "$LAUNCHER" 2>/dev/null || true
}

# Threads the command created (strace: clone with CLONE_THREAD).
threads_of() {
	strace -f -qq -e trace=clone,clone3 -o "$BATS_TEST_TMPDIR/strace" "$@" >/dev/null 2>&1
	grep -c 'CLONE_THREAD' "$BATS_TEST_TMPDIR/strace" || true
}

@test "live list -J: listing and fd walk in two threads, valid output" {
	run --separate-stderr "$DMABUFCTL" list -J
	assert_success
	jq -e '.sources | index("procfs")' <<<"$output" >/dev/null
	[ "$(threads_of "$DMABUFCTL" list -J)" -ge 1 ]
}

@test "live procs -J and show of a missing inode take the same threaded path" {
	run --separate-stderr "$DMABUFCTL" procs -J
	assert_success
	jq -e '.processes | type == "array"' <<<"$output" >/dev/null
	run --separate-stderr "$DMABUFCTL" show 18446744073709551615
	assert_failure 2
	[ "$(threads_of "$DMABUFCTL" procs -J)" -ge 1 ]
}

@test "a replayed tree and --source stay in one thread" {
	[ "$(threads_of "$DMABUFCTL" list -J --sysroot "$FIXTURES/7.2")" -eq 0 ]
	[ "$(threads_of "$DMABUFCTL" list -J --source=procfs)" -eq 0 ]
}

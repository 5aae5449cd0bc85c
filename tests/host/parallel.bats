#!/usr/bin/env bats
# The parallel scan on this machine's live /proc: after the listing
# (debugfs), two threads walk the fds, taking processes from one list.
# That is the procfs path, which root takes
# only where the BPF task iterators cannot run: the live cases run as
# nobody, among processes of nobody, so that the walk has fds to read.  And
# list -J's second printer, on a replayed tree.  In the ThreadSanitizer
# build (tools/sanitize) a data race aborts the binary and fails these
# tests; in every build they check the threads really ran, where a second
# CPU is ours (threads_useful(): nproc, as taskset and cpusets set it).
load common

NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"

setup() {
	# 40 processes with open files, so that the walk has work for two
	# threads: children of one launcher, none holding bats' descriptors.
	$NOBODY bash -c 'for i in $(seq 1 40); do sleep 60 3</dev/null 4</dev/null 5</dev/null & done
		wait' </dev/null >/dev/null 2>&1 3>&- 4>&- 5>&- &
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

# threaded COMMAND...: it made a thread where a second CPU is ours, none
# where one is.
threaded() {
	local n
	n=$(threads_of "$@")
	if [ "$(nproc)" -gt 1 ]; then
		[ "$n" -ge 1 ]
	else
		[ "$n" -eq 0 ]
	fi
}


@test "live list -J: the fd walk in two threads, valid output" {
	run --separate-stderr $NOBODY "$DMABUFCTL" list -J
	assert_success
	jq -e '.sources | index("procfs")' <<<"$output" >/dev/null
	threaded $NOBODY "$DMABUFCTL" list -J
}

@test "live procs -J and show of a missing inode take the same threaded path" {
	run --separate-stderr $NOBODY "$DMABUFCTL" procs -J
	assert_success
	jq -e '.processes | type == "array"' <<<"$output" >/dev/null
	run --separate-stderr $NOBODY "$DMABUFCTL" show 18446744073709551615
	assert_failure 2
	threaded $NOBODY "$DMABUFCTL" procs -J
}

@test "list -J of 1,000 replayed buffers: two printers, each its own text and json-c string" {
	# A second thread prints batches ahead (output_json_dmabuf.c); in the
	# ThreadSanitizer build a race between the printers aborts.
	local tree=$BATS_TEST_TMPDIR/many
	many_tree "$tree" 1000
	run -0 --separate-stderr "$DMABUFCTL" list --sysroot "$tree" -J
	assert_equal "$("$UNIT/json-reprint" <<<"$output")" "$output"
	threaded "$DMABUFCTL" list --sysroot "$tree" -J
	# and one CPU: none
	[ "$(threads_of taskset -c 0 "$DMABUFCTL" list --sysroot "$tree" -J)" -eq 0 ]
}

@test "a replayed tree of few buffers stays in one thread; --source=procfs walks in two" {
	[ "$(threads_of "$DMABUFCTL" list -J --sysroot "$FIXTURES/7.2")" -eq 0 ]
	threaded $NOBODY "$DMABUFCTL" list -J --source=procfs
}

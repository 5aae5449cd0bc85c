# Shared by the VM suites (suites/*/*.bats, "load ../common"): bats
# libraries, the paths tests/vm/check-kernel passes in the environment
# (defaults for a run by hand from the source tree), dmabufctl trace -J in
# the background, the test helpers' line protocol (tests/helpers/README.md),
# jq over the JSON Lines.
bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

: "${SRCDIR:=$(cd "$BATS_TEST_DIRNAME/../../../.." && pwd)}"
: "${BUILDDIR:=$SRCDIR}"
: "${DMABUFCTL:=$BUILDDIR/src/dmabufctl}"
: "${TESTS_HELPERS:=$BUILDDIR/tests/helpers}"

# trace -J ARGS in the background; returns once its start line is out.
trace_start() {
	TRACE_OUT=$BATS_TEST_TMPDIR/trace.jsonl
	TRACE_ERR=$BATS_TEST_TMPDIR/trace.err
	"$DMABUFCTL" trace -J "$@" >"$TRACE_OUT" 2>"$TRACE_ERR" &
	TRACE_PID=$!
	local i
	# Loading takes seconds under TCG.
	for ((i = 0; i < 1200; i++)); do
		[ -s "$TRACE_OUT" ] && break
		kill -0 "$TRACE_PID" 2>/dev/null ||
			fail "trace exited before its start line: $(cat "$TRACE_ERR")"
		sleep 0.1
	done
	START=$(head -n 1 "$TRACE_OUT")
	[ "$(jq -r .event <<< "$START")" = start ] || fail "first line is not the start line: $START"
}

# SIGINT, as Ctrl-C: detach, flush, summary.  TRACE_STATUS is its exit status.
trace_stop() {
	kill -INT "$TRACE_PID"
	TRACE_STATUS=0
	wait "$TRACE_PID" || TRACE_STATUS=$?
	TRACE_PID=
	echo "--- trace output"
	cat "$TRACE_OUT" "$TRACE_ERR"
}

# Wait (up to 60 s) until at least N lines match the jq select() filter.
trace_wait_count() {	# FILTER N
	local i
	for ((i = 0; i < 600; i++)); do
		[ "$(jq -c "$1" "$TRACE_OUT" 2>/dev/null | wc -l)" -ge "$2" ] && return 0
		sleep 0.1
	done
	fail "no $2 lines matching '$1' within 60 s: $(tail -n 5 "$TRACE_OUT")"
}
trace_wait() { trace_wait_count "$1" 1; }

# trace ARGS without -J in the background, into TRACE_OUT and TRACE_ERR;
# returns once its header is out.
trace_text_start() {
	TRACE_OUT=$BATS_TEST_TMPDIR/trace.out
	TRACE_ERR=$BATS_TEST_TMPDIR/trace.err
	"$DMABUFCTL" trace "$@" >"$TRACE_OUT" 2>"$TRACE_ERR" &
	TRACE_PID=$!
	local i
	for ((i = 0; i < 1200; i++)); do
		[ -s "$TRACE_OUT" ] && return 0
		kill -0 "$TRACE_PID" 2>/dev/null ||
			fail "trace exited before its header: $(cat "$TRACE_ERR")"
		sleep 0.1
	done
	fail "trace printed no header within 120 s: $(cat "$TRACE_ERR")"
}

# Once N confirm lines are out (60 s at most), end it as trace_stop does;
# it must exit 0.
trace_text_stop() {	# N
	local i
	for ((i = 0; i < 600; i++)); do
		[ "$(grep -c ' confirm ' "$TRACE_OUT")" -ge "$1" ] && break
		sleep 0.1
	done
	trace_stop
	[ "$TRACE_STATUS" = 0 ] || fail "trace exited with status $TRACE_STATUS"
}

events() { jq -c "select($1)" "$TRACE_OUT"; }
summary() { tail -n 1 "$TRACE_OUT" | jq -ce 'select(.event == "summary")'; }

# N udmabufs made from one sealed memfd, each closed at once: 2N events;
# COMM, if given, is the name the process gives itself first.
udmabuf_loop() {	# N [COMM]
	python3 -c '
import ctypes, fcntl, os, struct, sys
if len(sys.argv) > 2:
    ctypes.CDLL(None).prctl(15, sys.argv[2].encode(), 0, 0, 0)  # PR_SET_NAME
dev = os.open("/dev/udmabuf", os.O_RDWR)
mfd = os.memfd_create("udmabuf-loop", os.MFD_ALLOW_SEALING)
os.ftruncate(mfd, 4096)
fcntl.fcntl(mfd, fcntl.F_ADD_SEALS, fcntl.F_SEAL_SHRINK)
arg = bytearray(struct.pack("IIQQ", mfd, 0, 0, 4096))
for _ in range(int(sys.argv[1])):
    os.close(fcntl.ioctl(dev, 0x40187542, arg))
' "$@"
}

# The ids of every BPF program and link in the kernel, sorted.
bpf_ids() {
	echo "$(bpftool -j prog show | jq -c '[.[].id] | sort') $(bpftool -j link show | jq -c '[.[].id] | sort')"
}

# The ids are those of before (IDS): programs and links are freed once their
# last fd is closed, links through a workqueue, so wait 10 s at most.
assert_bpf_ids() {	# IDS
	local i
	for ((i = 0; i < 100; i++)); do
		[ "$(bpf_ids)" = "$1" ] && return 0
		sleep 0.1
	done
	fail "BPF programs or links left behind: before $1, now $(bpf_ids)"
}

kernel_major() { uname -r | cut -d. -f1; }
invalidate_func() {
	if [ "$(kernel_major)" -ge 7 ]; then echo dma_buf_invalidate_mappings; else echo dma_buf_move_notify; fi
}

# Helpers speak a line protocol (tests/helpers/README.md): report lines,
# "ready", then one answer line per command.  One coprocess per helper.
# H_TIMEOUT: seconds to wait for a line (a suite may set its own).
H_TIMEOUT=60

h_ready() {	# NAME FD: report lines into H_LINES until "ready"
	local line
	H_LINES=()
	while read -r -t "$H_TIMEOUT" line <&"$2"; do
		[ "$line" = ready ] && return 0
		H_LINES+=("$line")
	done
	fail "$1 did not start: $(cat "$BATS_TEST_TMPDIR/$1.err")"
}

h_cmd() {	# NAME IN OUT LINE: the answer in H_REPLY
	echo "$4" >&"$2"
	read -r -t "$H_TIMEOUT" H_REPLY <&"$3" || fail "$1 did not answer '$4'"
}

mk_start() {	# SPEC...
	{ coproc MK { exec "$TESTS_HELPERS/mkbufs" "$@" 2>"$BATS_TEST_TMPDIR/mkbufs.err"; }; } 2>/dev/null
	MK_CHILD=$MK_PID
	h_ready mkbufs "${MK[0]}"
	MK_LINES=("${H_LINES[@]}")
}
mk() { h_cmd mkbufs "${MK[1]}" "${MK[0]}" "$1"; MK_REPLY=$H_REPLY; }
# bash clears MK_PID as soon as it reaps mkbufs, which can happen between
# "quit" and the wait; waiting on the pid saved at start still gets its status.
mk_quit() { echo quit >&"${MK[1]}"; wait "$MK_CHILD"; MK_CHILD=; }

# The first buffer mkbufs reported: INO, PID, FD, PAGES.
mk_first() {
	INO=$(field inode "${MK_LINES[0]}")
	PID=$(field pid "${MK_LINES[0]}")
	FD=$(field fds "${MK_LINES[0]}")
	PAGES=$(($(field size "${MK_LINES[0]}") / $(getconf PAGESIZE)))
}

vg_start() {	# ARGS...
	{ coproc VG { exec "$TESTS_HELPERS/dmabuf-vgem" "$@" 2>"$BATS_TEST_TMPDIR/dmabuf-vgem.err"; }; } 2>/dev/null
	h_ready dmabuf-vgem "${VG[0]}"
	VG_LINE=${H_LINES[0]}
}
vg() { h_cmd dmabuf-vgem "${VG[1]}" "${VG[0]}" "$1"; VG_REPLY=$H_REPLY; }

io_start() {	# ARGS...
	{ coproc IO { exec "$TESTS_HELPERS/dmabuf-iommufd" "$@" 2>"$BATS_TEST_TMPDIR/dmabuf-iommufd.err"; }; } 2>/dev/null
	h_ready dmabuf-iommufd "${IO[0]}"
	IO_LINE=${H_LINES[0]}
}
io() { h_cmd dmabuf-iommufd "${IO[1]}" "${IO[0]}" "$1"; IO_REPLY=$H_REPLY; }

# dmabuf-vfio: VF_DEV is its device line, VF_LINES its buffer lines.
vf_start() {	# ARGS...
	{ coproc VF { exec "$TESTS_HELPERS/dmabuf-vfio" "$@" 2>"$BATS_TEST_TMPDIR/dmabuf-vfio.err"; }; } 2>/dev/null
	VF_CHILD=$VF_PID
	h_ready dmabuf-vfio "${VF[0]}"
	VF_DEV=${H_LINES[0]}
	VF_LINES=("${H_LINES[@]:1}")
}
vf() { h_cmd dmabuf-vfio "${VF[1]}" "${VF[0]}" "$1"; VF_REPLY=$H_REPLY; }

field() {	# NAME LINE: the value of NAME= in a report line
	local f
	for f in $2; do
		[ "${f%%=*}" = "$1" ] && { echo "${f#*=}"; return 0; }
	done
	return 1
}

# Stop whatever a test left running (a suite may define its own).
teardown() {
	local p
	[ -z "${TRACE_PID:-}" ] || { kill -INT "$TRACE_PID"; wait "$TRACE_PID" || true; }
	for p in "${VG_PID:-}:${VG[1]:-}" "${IO_PID:-}:${IO[1]:-}" "${MK_CHILD:-}:${MK[1]:-}" \
		"${VF_CHILD:-}:${VF[1]:-}"; do
		# Only a helper still running: one reaped may leave its coproc's
		# fds behind (bash tracks one coproc), and a write to a pipe
		# nobody reads is SIGPIPE, which ends the test unreported.
		[ -n "${p%%:*}" ] || continue
		echo quit >&"${p#*:}" 2>/dev/null || true
		wait "${p%%:*}" 2>/dev/null || true
	done
}

# Long-lived helpers driven through a fifo, for a whole file's tests
# (setup_file): DIR/NAME.in, .out, .err, .pid, .hold.

# start_helper DIR NAME CMD...: run CMD with stdin on a fifo that stays
# open, stdout in DIR/NAME.out; wait for its "ready" line.
start_helper() {
	local dir=$1 name=$2 i
	shift 2
	mkfifo "$dir/$name.in"
	"$@" <"$dir/$name.in" >"$dir/$name.out" 2>"$dir/$name.err" 3>&- &
	echo $! >"$dir/$name.pid"
	sleep 100000 >"$dir/$name.in" 3>&- &
	echo $! >"$dir/$name.hold"
	for ((i = 0; i < 1200; i++)); do
		grep -qx ready "$dir/$name.out" && return 0
		if ! kill -0 "$(cat "$dir/$name.pid")" 2>/dev/null; then
			echo "$name exited before ready: $(cat "$dir/$name.err")" >&2
			return 1
		fi
		sleep 0.1
	done
	echo "$name not ready after 120 s: $(cat "$dir/$name.err")" >&2
	return 1
}

# tell_helper DIR NAME COMMAND: send one command, print its reply line.
tell_helper() {
	local dir=$1 name=$2 n i
	n=$(wc -l <"$dir/$name.out")
	echo "$3" >"$dir/$name.in"
	for ((i = 0; i < 600; i++)); do
		if [ "$(wc -l <"$dir/$name.out")" -gt "$n" ]; then
			tail -n +"$((n + 1))" "$dir/$name.out" | head -n 1
			return 0
		fi
		sleep 0.1
	done
	echo "$name: no reply to '$3'" >&2
	return 1
}

stop_helper() {
	local dir=$1 name=$2 pid i
	[ -f "$dir/$name.pid" ] || return 0
	pid=$(cat "$dir/$name.pid")
	echo quit >"$dir/$name.in" 2>/dev/null || true
	kill "$(cat "$dir/$name.hold")" 2>/dev/null || true
	for ((i = 0; i < 100; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -9 "$pid" 2>/dev/null || true
	rm -f "$dir/$name.pid"
}

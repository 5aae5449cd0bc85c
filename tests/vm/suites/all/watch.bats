#!/usr/bin/env bats
# dmabufctl watch on real buffers that come and go: mkbufs closes one
# buffer (released), swaps another fd for a new buffer (released + new) and
# maps a third (grown) while watch -J runs; each must show up, keyed by its
# inode, in a refresh after the change.  Runs in the guest as root.
load ../common

setup() {
	T=$BATS_TEST_TMPDIR
	mk_start 'udmabuf:64K:gone' 'udmabuf:32K:swapped' 'udmabuf:16K:mapped' 'heap:128K:steady,map'
	GONE=$(field inode "${MK_LINES[0]}")
	SWAPPED=$(field inode "${MK_LINES[1]}")
	SWAPFD=$(field fds "${MK_LINES[1]}")
	MAPPED=$(field inode "${MK_LINES[2]}")
	STEADY=$(field inode "${MK_LINES[3]}")
	PID=$(field pid "${MK_LINES[0]}")
}

teardown() {
	[ -z "${WATCH_PID:-}" ] || { kill -INT "$WATCH_PID" 2>/dev/null; wait "$WATCH_PID" || true; }
	echo quit >&"${MK[1]}" 2>/dev/null || true
	wait "${MK_CHILD:-}" 2>/dev/null || true
}

wait_lines() {	# FILE N: up to 120 s (TCG)
	local i
	for ((i = 0; i < 1200; i++)); do
		[ "$(wc -l <"$1")" -ge "$2" ] && return 0
		kill -0 "$WATCH_PID" 2>/dev/null || break
		sleep 0.1
	done
	fail "$1: fewer than $2 lines: $(cat "$1")"
}

@test "watch -J: released, new and grown buffers of mkbufs, keyed by inode" {
	"$DMABUFCTL" watch -J -p "$PID" -i 2s -c 4 >"$T/out" 2>"$T/err" &
	WATCH_PID=$!
	wait_lines "$T/out" 1
	mk "close $GONE"
	[[ $MK_REPLY == ok* ]] || fail "close: $MK_REPLY"
	mk "swapfd ${SWAPFD%%,*}"
	[[ $MK_REPLY == ok* ]] || fail "swapfd: $MK_REPLY"
	NEW=$(field inode "${MK_REPLY#ok }")
	mk "mmap $MAPPED"
	[[ $MK_REPLY == ok* ]] || fail "mmap: $MK_REPLY"
	wait "$WATCH_PID"
	WATCH_PID=
	assert_equal "$(cat "$T/err")" ''
	assert_equal "$(wc -l <"$T/out")" 4
	# The first refresh: mkbufs' four, none marked.
	run -0 jq -c --argjson p "$PID" '[.dmabufs[] | [.inode, .change]]' <(head -n 1 "$T/out")
	assert_output "[[$GONE,null],[$SWAPPED,null],[$MAPPED,null],[$STEADY,null]]"
	# Each change is marked once, in the refresh that first saw it.
	run -0 jq -r '(.dmabufs + .released)[] | select(.change) | "\(.inode) \(.change)"' "$T/out"
	assert_equal "$(sort <<<"$output")" "$(printf '%s\n' "$GONE released" "$SWAPPED released" \
		"$MAPPED grown" "$NEW new" | sort)"
	# The last refresh lists what is left, with the new buffer.
	run -0 jq -c '[.dmabufs[].inode] | sort' <(tail -n 1 "$T/out")
	assert_output "$(jq -nc --argjson a "$MAPPED" --argjson b "$STEADY" --argjson c "$NEW" '[$a, $b, $c] | sort')"
	# a released buffer is shown with what the refresh before knew of it
	run -0 jq -c --argjson i "$GONE" '.released[] | select(.inode == $i) | [.size, .name]' "$T/out"
	assert_output '[65536,"gone"]'
}

@test "watch: off a terminal a block per refresh; SIGINT ends it with status 0" {
	"$DMABUFCTL" watch -p "$PID" -i 1s >"$T/out" 2>"$T/err" &
	WATCH_PID=$!
	wait_lines "$T/out" 6
	mk "close $GONE"
	for ((i = 0; i < 600; i++)); do
		grep -q "^released *$GONE " "$T/out" && break
		sleep 0.1
	done
	kill -INT "$WATCH_PID"
	local rc=0
	wait "$WATCH_PID" || rc=$?
	WATCH_PID=
	assert_equal "$rc" 0
	assert_equal "$(cat "$T/err")" ''
	run -0 cat "$T/out"
	assert_line --index 0 --regexp '^refresh 1, '
	assert_line --index 1 --regexp '^CHANGE +INODE +SIZE +EXPORTER'
	assert_line --regexp "^released +$GONE +64K udmabuf +gone "
	assert_line --regexp '; 0 new, 1 released, 0 changed$'
}

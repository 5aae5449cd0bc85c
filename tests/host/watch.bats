#!/usr/bin/env bats
# dmabufctl watch on replayed trees: the blocks it prints off a terminal,
# JSON Lines, the redraw on a terminal, changes between two refreshes (the
# tree is edited between them), --count, SIGINT, bad values.  Real buffers
# that come and go: tests/vm/suites/all/watch.bats.
load common

setup() {
	BASIC=$FIXTURES/cli/basic
	T=$BATS_TEST_TMPDIR
}

# A copy of BASIC whose bufinfo can be swapped between refreshes: 103
# released, 104 new, 102 resized, 101 one reference more.
changing_tree() {
	cp -a "$BASIC" "$T/root"
	local b=$T/root/sys/kernel/debug/dma_buf/bufinfo
	awk 'BEGIN { RS = ""; ORS = "\n\n" }
		/\t00000103\t/ { next }
		{ sub(/^04194304/, "08388608"); sub(/00000003\tsystem\t00000101/, "00000004\tsystem\t00000101"); print }
		END { printf "00002048\t00080002\t008e001f\t00000001\tsystem\t00000104\tnew one\n\tAttached Devices:\nTotal 0 devices attached\n\n" }' \
		"$b" | grep -v '^Total [0-9]* objects' >"$T/bufinfo.after"
	cp "$b" "$T/bufinfo.before"
}

# Wait (10 s at most) until FILE has N lines.
wait_lines() {
	local i
	for ((i = 0; i < 100; i++)); do
		[ "$(wc -l <"$1")" -ge "$2" ] && return 0
		sleep 0.1
	done
	fail "$1: fewer than $2 lines: $(cat "$1")"
}

@test "watch off a terminal: one block per refresh, --count ends it" {
	run -0 --separate-stderr "$DMABUFCTL" watch --sysroot "$BASIC" -c 2 -i 100ms
	assert_equal "$stderr" ''
	assert_equal "$(grep -c '^refresh ' <<<"$output")" 2
	assert_line --index 0 --regexp '^refresh 1, [0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}$'
	assert_line --index 1 --regexp '^CHANGE +INODE +SIZE +EXPORTER +NAME +REFS +ATTACHED +PROCESSES$'
	assert_line --index 2 --regexp '^ +101 +1M system +frame buf +3 0000:00:02\.0 +compositor\[100\],player\[200\]$'
	assert_line --index 5 'total: 3 buffers, 5.1M, 64K held by no process'
	assert_line --index 6 --regexp '^refresh 2, '
	# (bats leaves empty lines out of ${lines[@]})
	assert_line --index 11 'total: 3 buffers, 5.1M, 64K held by no process; 0 new, 0 released, 0 changed'
	# an empty line ends each block
	"$DMABUFCTL" watch --sysroot "$BASIC" -c 2 -i 100ms >"$T/blocks"
	assert_equal "$(grep -c '^$' "$T/blocks")" 2
	assert_equal "$(tail -n 1 "$T/blocks")" ''
	# -r and -n: rows only
	run -0 "$DMABUFCTL" watch --sysroot "$BASIC" -c 2 -i 100ms -r -n -o INODE,CHANGE
	assert_output $'101 \n102 \n103 \n101 \n102 \n103 '
}

@test "watch: list's filters, --sort and columns apply; -H adds CHANGE to list's columns" {
	run -0 "$DMABUFCTL" watch --sysroot "$BASIC" -c 1 -e system -x SIZE -r -n -o INODE,SIZE
	assert_output $'101 1M\n103 64K'
	run -0 "$DMABUFCTL" watch --sysroot "$BASIC" -c 1 -o +FDS -r -n 102
	# CHANGE first, empty on the first refresh
	assert_output ' 102 4M udmabuf  1  compositor[100] 1'
	run -0 "$DMABUFCTL" watch -H -J
	assert_equal "$(jq -c '[.columns[].name]' <<<"$output")" \
		"$("$DMABUFCTL" list -H -J | jq -c '[.columns[].name] + ["CHANGE"]')"
}

@test "watch: what changed between two refreshes, by inode: new, released, resized, grown" {
	changing_tree
	"$DMABUFCTL" watch --sysroot "$T/root" -c 2 -i 3s >"$T/out" 2>"$T/err" &
	local pid=$!
	wait_lines "$T/out" 6
	cp "$T/bufinfo.after" "$T/root/sys/kernel/debug/dma_buf/bufinfo"
	wait "$pid"
	run -0 sed -n '/^refresh 2,/,$p' "$T/out"
	assert_line --index 1 --regexp '^CHANGE +INODE'
	assert_line --index 2 --regexp '^grown +101 +1M system +frame buf +4 '
	assert_line --index 3 --regexp '^resized +102 +8M udmabuf '
	assert_line --index 4 --regexp '^new +104 +2K system +new one +1 +$'
	assert_line --index 5 --regexp '^released +103 +64K system +orphan +1 0000:00:03\.0 *$'
	assert_line --index 6 'total: 3 buffers, 9.0M, 2K held by no process; 1 new, 1 released, 2 changed'
	assert_equal "$(cat "$T/err")" ''
}

@test "watch -J: one JSON object per refresh, list -J's buffers with \"change\", and \"released\"" {
	changing_tree
	"$DMABUFCTL" watch --sysroot "$T/root" -J -c 2 -i 3s >"$T/out" &
	local pid=$!
	wait_lines "$T/out" 1
	cp "$T/bufinfo.after" "$T/root/sys/kernel/debug/dma_buf/bufinfo"
	wait "$pid"
	assert_equal "$(wc -l <"$T/out")" 2
	run -0 jq -c 'keys_unsorted' "$T/out"
	assert_output $'["refresh","time","dmabufs","released","totals","sources","warnings","skipped"]\n["refresh","time","dmabufs","released","totals","sources","warnings","skipped"]'
	run -0 jq -c '[.refresh, [.dmabufs[] | [.inode, .change]], [.released[] | [.inode, .change]]]' "$T/out"
	assert_line --index 0 '[1,[[101,null],[102,null],[103,null]],[]]'
	assert_line --index 1 '[2,[[101,"grown"],[102,"resized"],[104,"new"]],[[103,"released"]]]'
	# each buffer object is list -J's, plus "change"
	assert_equal "$(head -n 1 "$T/out" | jq -c '.dmabufs[0] | del(.change)')" \
		"$("$DMABUFCTL" list --sysroot "$BASIC" -J | jq -c '.dmabufs[0]')"
	jq -e '.time > 1700000000' "$T/out" >/dev/null
}

@test "watch on a terminal redraws the screen each refresh" {
	run -0 script -qec "$(printf '%q ' "$DMABUFCTL" watch --sysroot "$BASIC" -c 2 -i 100ms)" /dev/null
	assert_equal "$(grep -o $'\033\\[H\033\\[2J' <<<"$output" | wc -l)" 2
	assert_line --partial '(Ctrl-C ends)'
}

@test "watch: SIGINT ends it quietly with status 0; SIGTERM too" {
	local sig
	for sig in INT TERM; do
		"$DMABUFCTL" watch --sysroot "$BASIC" -i 1m >"$T/out" 2>"$T/err" &
		local pid=$!
		wait_lines "$T/out" 5
		kill -"$sig" "$pid"
		local rc=0
		wait "$pid" || rc=$?
		assert_equal "$rc" 0
		assert_equal "$(cat "$T/err")" ''
		assert_equal "$(grep -c '^refresh ' "$T/out")" 1
	done
}

@test "watch: bad values are one line, exit 64, nothing on stdout" {
	assert_usage_errors watch --sysroot "$BASIC" <<'EOF2'
-i 0|dmabufctl: watch: --interval: '0': not a duration (5, 2.5s, 500ms, 1m)
--interval=x|dmabufctl: watch: --interval: 'x': not a duration (5, 2.5s, 500ms, 1m)
-c 0|dmabufctl: watch: --count: '0': not a number from 1
--count -2|dmabufctl: watch: --count: '-2': not a number from 1
abc|dmabufctl: watch: 'abc': not an inode number
--min-size 1X|dmabufctl: watch: --min-size: '1X': not a size (4096, 64K, 1M, 2G)
-r -J|dmabufctl: watch: --raw and --json are mutually exclusive
EOF2
	run -64 --separate-stderr "$DMABUFCTL" watch --sysroot "$BASIC" -o NOPE
	assert_output ''
	assert_equal "${stderr_lines[0]}" 'dmabufctl: NOPE: unknown column'
	run -2 --separate-stderr "$DMABUFCTL" watch --sysroot "$BASIC" -p 4242
	assert_output ''
}

#!/usr/bin/env bats
# Replay the trees tests/vm/capture-fixture took from real kernels (Debian's
# 6.12 and 7.2, buffers made by mkbufs and dmabuf-vgem) with --sysroot, and
# compare with what dmabufctl said live in the guest at capture time
# (expected*.json) and with what the helpers said they made (mkbufs.txt,
# vgem.txt).  No VM needed.
load common

# Attachment details only the BPF iterator knows (7.2 live run): a replay
# reads debugfs and must call them unknown.  Holders' "gem" and "cgroup"
# came after the captures: a replay cannot see GEM handles, and the trees
# have no /proc/PID/cgroup, so both are null.
LIVE_ONLY='(.. | objects | select(has("dynamic") and has("device"))) |= (.dynamic = null | .callback = null)
	| (.. | objects | select(has("fds") and has("pid"))) |= (. + {gem: null, cgroup: null})
	| (.. | objects | select(has("pss") and has("pid"))) |= (. + {cgroup: null})'
# Keys added since the capture: what they are for these buffers (no VFIO
# device; the revoke series' mark, as "revoked", absent on Debian's kernels).
ADDED='(.. | objects | select(has("inode") and has("processes"))) |= (.device = null |
	.ranges = null | if has("revoked") then .revoked_permanently = .revoked else . end)'

# replay KERNEL ARGS...: run dmabufctl on the captured tree; JSON on stdout
# without "sources" and "skipped" (live and replay use different sources by
# design).
replay() {
	local dir=$FIXTURES/$1
	shift
	"$DMABUFCTL" --sysroot "$dir" "$@" 2>"$BATS_TEST_TMPDIR/stderr" | jq -S 'del(.sources, .skipped)'
}

# compare_replay KERNEL EXPECTED-FILE ARGS...
compare_replay() {
	local k=$1 want=$2
	shift 2
	jq -S "$LIVE_ONLY | $ADDED" "$FIXTURES/$k/$want" >"$BATS_TEST_TMPDIR/want"
	replay "$k" "$@" >"$BATS_TEST_TMPDIR/got"
	run diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	assert_success
	# a diff of two empty files would pass too
	[ "$(jq 'length' "$BATS_TEST_TMPDIR/got")" -gt 1 ]
}

# made_json KERNEL: mkbufs.txt and vgem.txt as list -J would show the
# buffers (the vgem buffer: its fd closed, held by no process).
made_json() {
	local dir=$FIXTURES/$1
	{
		sed '/^ready$/,$d' "$dir/mkbufs.txt"
		sed -n 's/^inode=\([0-9]*\) size=\([0-9]*\) exporter=\([^ ]*\) .*/inode=\1 size=\2 exporter=\3 name= pid=- fds=- maps=0/p' \
			"$dir/vgem.txt"
	} | "$SRCDIR/tests/helpers/mkbufs-json" | jq -S .
}

check_against_helpers() {
	made_json "$1" >"$BATS_TEST_TMPDIR/want"
	replay "$1" list -J | jq -S '.dmabufs | map({inode, size, exporter, name,
		processes: [.processes[] | {pid, fds, mappings}]})' >"$BATS_TEST_TMPDIR/got"
	run diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	assert_success
	[ "$(jq length "$BATS_TEST_TMPDIR/got")" -ge 18 ]
}

check_against_bufinfo() {
	local bufinfo=$FIXTURES/$1/sys/kernel/debug/dma_buf/bufinfo objects bytes
	awk -F'\t' '/^[0-9]+\t[0-9a-f]+\t[0-9a-f]+\t[0-9]+\t/ {
		printf "%d\t%d\t%s\t%d\n", $6, $1, $5, $4 }' "$bufinfo" |
		jq -R -s -S 'split("\n") | map(select(length > 0) | split("\t") |
			{inode: (.[0] | tonumber), size: (.[1] | tonumber),
			 exporter: .[2], refcount: (.[3] | tonumber)}) | sort_by(.inode)' \
		>"$BATS_TEST_TMPDIR/want"
	replay "$1" list -J | jq -S '.dmabufs | map({inode, size, exporter, refcount}) | sort_by(.inode)' \
		>"$BATS_TEST_TMPDIR/got"
	run diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	assert_success
	read -r objects bytes < <(sed -n 's/^Total \([0-9]*\) objects, \([0-9]*\) bytes$/\1 \2/p' "$bufinfo")
	run jq -r '"\(.totals.buffers) \(.totals.bytes)"' < <(replay "$1" list -J)
	assert_output "$objects $bytes"
}

check_vgem() {
	local ino
	ino=$(sed -n 's/^inode=\([0-9]*\) .*/\1/p' "$FIXTURES/$1/vgem.txt")
	run jq -r --argjson i "$ino" '.dmabufs[] | select(.inode == $i) |
		"\(.processes | length) \(.attachments | map(.device) | join(","))"' < <(replay "$1" list -J)
	assert_output '0 vgem'
	run jq -r '"\(.unattributed.buffers) \(.unattributed.bytes)"' < <(replay "$1" procs -J)
	assert_output '1 65536'
}

check_show() {
	local ino
	ino=$(jq .inode "$FIXTURES/$1/expected-show.json")
	compare_replay "$1" expected-show.json show "$ino" -J
	run jq -r '.processes[0].maps | length' "$FIXTURES/$1/expected-show.json"
	assert_output 1
}

check_table() {
	run --separate-stderr env LC_ALL=C.UTF-8 "$DMABUFCTL" --sysroot "$FIXTURES/$1" list
	assert_success
	assert_line --regexp '^ +2 +1M +udmabuf +frame buffer ✓ +1 +mkbufs\[[0-9]+\]$'
	assert_line --regexp '^ +3 +256K +system +camera +4 '
	# without a UTF-8 locale the name is escaped, as lsblk does
	run --separate-stderr env LC_ALL=C "$DMABUFCTL" --sysroot "$FIXTURES/$1" list
	assert_line --regexp '^ +2 +1M +udmabuf +frame buffer \\xe2\\x9c\\x93 +1 '
	run --separate-stderr "$DMABUFCTL" --sysroot "$FIXTURES/$1" list -b
	assert_success
	assert_line --regexp '^ +2 +1048576 +udmabuf +frame buffer '
}

# The fixtures themselves: captured, complete, described.
check_tree() {
	local dir=$FIXTURES/$1
	[ -s "$dir/sys/kernel/debug/dma_buf/bufinfo" ]
	grep -q "^$1\." <<<"$(sed -n '2s/ .*//p' "$dir/README")"
	# dma-buf fds in proc/ are symlinks with the kernel's link text
	run find "$dir/proc" -path '*/fd/*' -type l -lname '/dmabuf:*'
	[ "${#lines[@]}" -ge 20 ]
	# PID 1 is there and holds none
	[ -f "$dir/proc/1/maps" ] && [ -d "$dir/proc/1/fd" ]
	run find "$dir/proc/1/fd" -type l -lname '/dmabuf:*'
	assert_output ''
	run grep -c /dmabuf "$dir/proc/1/maps"
	assert_output 0
}

@test "fixture 6.12: the captured tree is complete" {
	check_tree 6.12
}

@test "fixture 6.12: list -J replays what dmabufctl said live at capture" {
	compare_replay 6.12 expected.json list -J
}

@test "fixture 6.12: procs -J replays what dmabufctl said live at capture" {
	compare_replay 6.12 expected-procs.json procs -J
}

@test "fixture 6.12: show INODE -J replays what dmabufctl said live at capture" {
	check_show 6.12
}

@test "fixture 6.12: list -J agrees with mkbufs' own account (inodes, sizes, names, pids, fds, mappings)" {
	check_against_helpers 6.12
}

@test "fixture 6.12: list -J agrees with the kernel's bufinfo (sizes, exporters, refcounts, totals)" {
	check_against_bufinfo 6.12
}

@test "fixture 6.12: the buffer only vgem holds has no process, its attachment, its own procs row" {
	check_vgem 6.12
}

@test "fixture 6.12: the table shows the UTF-8 name and human sizes, -b bytes" {
	check_table 6.12
}

@test "fixture 7.2: the captured tree is complete" {
	check_tree 7.2
}

@test "fixture 7.2: list -J replays what dmabufctl said live at capture" {
	compare_replay 7.2 expected.json list -J
}

@test "fixture 7.2: procs -J replays what dmabufctl said live at capture" {
	compare_replay 7.2 expected-procs.json procs -J
}

@test "fixture 7.2: show INODE -J replays what dmabufctl said live at capture" {
	check_show 7.2
}

@test "fixture 7.2: list -J agrees with mkbufs' own account (inodes, sizes, names, pids, fds, mappings)" {
	check_against_helpers 7.2
}

@test "fixture 7.2: list -J agrees with the kernel's bufinfo (sizes, exporters, refcounts, totals)" {
	check_against_bufinfo 7.2
}

@test "fixture 7.2: the buffer only vgem holds has no process, its attachment, its own procs row" {
	check_vgem 7.2
}

@test "fixture 7.2: the table shows the UTF-8 name and human sizes, -b bytes" {
	check_table 7.2
}

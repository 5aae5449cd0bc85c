#!/usr/bin/env bats
# dmabufctl diff: two list -J snapshots of replayed trees, edited with jq
# into what a leak looks like (buffers created, released, resized, a
# process holding more), and bad snapshots: corrupt, truncated, another
# document, missing.
load common

setup() {
	BASIC=$FIXTURES/cli/basic
	T=$BATS_TEST_TMPDIR
	"$DMABUFCTL" list --sysroot "$BASIC" -J >"$T/old.json"
	# 103 released; 104 (2M, held by player) created; 102 resized to 8M;
	# 101 one reference more (grown); player[200] holds 104 too.
	jq '.dmabufs |= (map(select(.inode != 103))
		| map(if .inode == 102 then .size = 8388608 else . end)
		| map(if .inode == 101 then .refcount += 1 else . end)
		+ [{inode: 104, size: 2097152, exporter: "system", name: "leak", refcount: 1,
		    attachments: [], processes: [{pid: 200, comm: "player", fds: [9], mappings: 0}]}])
	    | .totals.buffers = (.dmabufs | length)' "$T/old.json" >"$T/new.json"
}

@test "diff: created, released, resized, changed, and each process's growth, as a table" {
	run -0 --separate-stderr "$DMABUFCTL" diff "$T/old.json" "$T/new.json"
	assert_equal "$stderr" ''
	assert_line --index 0 --regexp '^CHANGE +INODE +SIZE +EXPORTER +NAME +REFS +ATTACHED +PROCESSES$'
	assert_line --index 1 --regexp '^grown +101 +1M system +frame buf +4 0000:00:02\.0 +compositor\[100\],player\[200\]$'
	assert_line --index 2 --regexp '^resized +102 +8M udmabuf +1 +compositor\[100\]$'
	assert_line --index 3 --regexp '^released +103 +64K system +orphan +1 0000:00:03\.0 *$'
	assert_line --index 4 --regexp '^new +104 +2M system +leak +1 +player\[200\]$'
	assert_line --regexp '^ +PID COMM +BUFFERS \+BUFFERS +RSS +\+RSS +PSS +\+PSS$'
	assert_line --regexp '^ +200 player +2 +\+1 +3M +\+2M +2.5M +\+2M$'
	assert_line --regexp '^ +100 compositor +2 +\+0 +9M +\+4M +8.5M +\+4M$'
	assert_line '1 created, 1 released, 1 resized, 1 changed; buffers +0, bytes +5.9M, held by no process -64K'
	# -b: exact bytes; -r: one line per row
	run -0 "$DMABUFCTL" diff -r -b "$T/old.json" "$T/new.json"
	assert_line --regexp '^new 104 2097152 system leak 1  player\[200\]$'
	assert_line '200 player 2 +1 3145728 +2097152 2621440 +2097152'
	# -o chooses the buffer columns; -n drops headings and the summary
	run -0 "$DMABUFCTL" diff -n -o CHANGE,INODE "$T/old.json" "$T/new.json"
	assert_equal "$(head -n 4 <<<"$output" | tr -s ' ')" $'grown 101\nresized 102\nreleased 103\nnew 104'
	refute_line --partial created
}

@test "diff -J: created, released, resized, changed, processes, totals" {
	run -0 "$DMABUFCTL" diff -J "$T/old.json" "$T/new.json"
	local j=$output
	assert_equal "$(jq -c 'keys_unsorted' <<<"$j")" \
		'["old","new","created","released","resized","changed","processes","totals"]'
	assert_equal "$(jq -c '[.created[].inode, .released[].inode, .resized[].inode, .changed[].inode]' <<<"$j")" \
		'[104,103,102,101]'
	assert_equal "$(jq -c '[.resized[0].old_size, .resized[0].size, .changed[0].change, .created[0].change]' <<<"$j")" \
		'[4194304,8388608,"grown","new"]'
	# the buffer objects are list -J's, with "change"
	assert_equal "$(jq -c '.created[0] | keys_unsorted' <<<"$j")" \
		'["inode","size","exporter","name","refcount","attachments","processes","device","ranges","change"]'
	assert_equal "$(jq -c '.processes' <<<"$j")" \
		'[{"pid":100,"comm":"compositor","buffers":2,"rss":9437184,"pss":8912896,"buffers_growth":0,"rss_growth":4194304,"pss_growth":4194304},{"pid":200,"comm":"player","buffers":2,"rss":3145728,"pss":2621440,"buffers_growth":1,"rss_growth":2097152,"pss_growth":2097152}]'
	assert_equal "$(jq -c '.totals' <<<"$j")" \
		'{"created":1,"released":1,"resized":1,"changed":1,"buffers_growth":0,"bytes_growth":6225920,"unattributed_bytes_growth":-65536}'
	assert_equal "$(jq -c '.old' <<<"$j")" \
		"{\"file\":\"$T/old.json\",\"buffers\":3,\"bytes\":5308416,\"unattributed_bytes\":65536}"
	# Growth is signed: the other way round, everything shrinks.
	run -0 "$DMABUFCTL" diff -J "$T/new.json" "$T/old.json"
	assert_equal "$(jq -c '[.totals.bytes_growth, .processes[0].rss_growth, .changed[0].change]' <<<"$output")" \
		'[-6225920,-2097152,"shrunk"]'
}

@test "diff: the same snapshot twice is no difference; --exit-code says 13 when they differ" {
	run -0 "$DMABUFCTL" diff "$T/old.json" "$T/old.json"
	assert_output '0 created, 0 released, 0 resized, 0 changed; buffers +0, bytes 0, held by no process 0'
	run -0 "$DMABUFCTL" diff --exit-code -J "$T/old.json" "$T/old.json"
	assert_equal "$(jq -c '[.created, .released, .resized, .changed, .processes]' <<<"$output")" '[[],[],[],[],[]]'
	run -13 "$DMABUFCTL" diff --exit-code "$T/old.json" "$T/new.json"
	assert_line --partial '1 created'
	run -0 "$DMABUFCTL" diff "$T/old.json" "$T/new.json"
}

@test "diff: - reads a snapshot from standard input; real trees of 6.12 and 7.2 compare" {
	run -0 bash -c '"$1" diff -J - "$2" <"$3"' _ "$DMABUFCTL" "$T/new.json" "$T/old.json"
	assert_equal "$(jq -r '.old.file' <<<"$output")" -
	assert_equal "$(jq '.totals.created' <<<"$output")" 1
	# A tree captured from 7.2, and the same without its first buffer and
	# with the first holder of the last gone.
	local f
	for f in 6.12 7.2; do
		"$DMABUFCTL" list --sysroot "$FIXTURES/$f" -J >"$T/$f.json"
		jq '([.dmabufs | to_entries[] | select(.value.processes != []) | .key] | last) as $k
			| .dmabufs[$k].processes |= .[1:] | .dmabufs |= .[1:] | .totals.buffers -= 1' \
			"$T/$f.json" >"$T/$f-less.json"
		run -0 "$DMABUFCTL" diff -J "$T/$f.json" "$T/$f-less.json"
		assert_equal "$(jq -c '[.released[].inode]' <<<"$output")" \
			"$(jq -c '[.dmabufs[0].inode]' "$T/$f.json")"
		assert_equal "$(jq -c '[.changed[] | [.inode, .change]]' <<<"$output")" \
			"$(jq -c '[.dmabufs | map(select(.processes != [])) | last | [.inode, "shrunk"]]' \
				"$T/$f.json")"
		assert_equal "$(jq -c '[.totals.created, .totals.resized]' <<<"$output")" '[0,0]'
	done
}

@test "diff: a bad snapshot is one line naming the file, status 65; a missing one 66; nothing on stdout" {
	local f
	printf '{' >"$T/trunc.json"
	head -c 200 "$T/old.json" >"$T/cut.json"
	: >"$T/empty.json"
	echo 'hello' >"$T/text.json"
	"$DMABUFCTL" procs --sysroot "$BASIC" -J >"$T/procs.json"
	"$DMABUFCTL" show --sysroot "$BASIC" -J 101 >"$T/show.json"
	echo '[1, 2]' >"$T/array.json"
	cat "$T/old.json" "$T/old.json" >"$T/twice.json"
	jq '.totals.buffers = 9' "$T/old.json" >"$T/lie.json"
	jq '.dmabufs[1].inode = 101' "$T/old.json" >"$T/dup.json"
	jq '.dmabufs[0].inode = "x"' "$T/old.json" >"$T/str.json"
	jq '.dmabufs[0].processes[0].pid = 0' "$T/old.json" >"$T/pid0.json"
	jq '.dmabufs[0].processes[0].mappings = 100000000' "$T/old.json" >"$T/maps.json"
	jq '.dmabufs[0].processes[0].fds = [-1]' "$T/old.json" >"$T/fd.json"
	jq 'del(.dmabufs[0].size)' "$T/old.json" >"$T/nosize.json"
	jq '.dmabufs[0].attachments = [{}]' "$T/old.json" >"$T/att.json"
	printf '{"dmabufs": [], "totals": {"buffers": 0}, "sources": [], "x": "\xff"}' >"$T/utf8.json"
	while IFS='|' read -r f want; do
		run -65 --separate-stderr "$DMABUFCTL" diff "$T/old.json" "$T/$f"
		assert_output ''
		# a want ending in '*' is a prefix (json-c's byte offsets)
		if [[ $want == *'*' ]]; then
			[[ $stderr == "dmabufctl: $T/$f: ${want%'*'}"* ]] || fail "$f: $stderr"
		else
			assert_equal "$stderr" "dmabufctl: $T/$f: $want"
		fi
	done <<'EOF2'
trunc.json|not JSON: truncated after 1 bytes
cut.json|not JSON: truncated after 200 bytes
empty.json|not JSON: truncated after 0 bytes
text.json|not JSON: unexpected character at byte 0
procs.json|not a dmabufctl list -J snapshot: no "dmabufs" array (procs -J?)
show.json|not a dmabufctl list -J snapshot: no "dmabufs" array (show -J?)
array.json|not a dmabufctl list -J snapshot: not a JSON object
twice.json|not JSON: unexpected character at byte *
lie.json|corrupt snapshot: totals.buffers says 9, 3 listed
dup.json|corrupt snapshot: dmabufs[1]: inode 101 twice
str.json|corrupt snapshot: dmabufs[0]: inode: not a whole number
pid0.json|corrupt snapshot: dmabufs[0].processes[0]: pid: 0 out of range
maps.json|corrupt snapshot: dmabufs[0].processes[0]: mappings: 100000000 out of range
fd.json|corrupt snapshot: dmabufs[0].processes[0]: fds[0]: not a file descriptor
nosize.json|corrupt snapshot: dmabufs[0]: size, refcount or attachments missing
att.json|corrupt snapshot: dmabufs[0]: attachments[0]: no device
utf8.json|not JSON: invalid utf-8 string at byte 63
EOF2
	run -66 --separate-stderr "$DMABUFCTL" diff "$T/old.json" "$T/none.json"
	assert_output ''
	assert_equal "$stderr" "dmabufctl: $T/none.json: cannot open: No such file or directory"
	run -66 --separate-stderr "$DMABUFCTL" diff "$T" "$T/old.json"
	assert_equal "$stderr" "dmabufctl: $T: cannot read: Is a directory"
	# the first bad file is named, the second is not read
	run -65 --separate-stderr "$DMABUFCTL" diff "$T/lie.json" "$T/none.json"
	assert_equal "${#stderr_lines[@]}" 1
}

@test "diff: usage errors are one line, exit 64" {
	assert_usage_errors diff <<'EOF2'
|dmabufctl: diff: missing OLD snapshot (dmabufctl list -J > FILE makes one)
a.json|dmabufctl: diff: missing NEW snapshot (dmabufctl list -J > FILE makes one)
a b c|dmabufctl: diff: 'c': two snapshots only, OLD and NEW
- -|dmabufctl: diff: -: standard input for one snapshot only
EOF2
	run -64 --separate-stderr "$DMABUFCTL" diff -o BOGUS a b
	assert_output ''
	assert_equal "${stderr_lines[0]}" 'dmabufctl: BOGUS: unknown column'
	run -64 --separate-stderr "$DMABUFCTL" diff --sysroot / a b
	assert_equal "${stderr_lines[0]}" "dmabufctl: diff: unrecognized option '--sysroot'"
}

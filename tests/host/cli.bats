#!/usr/bin/env bats
# The command line: output layer (columns, -o, -n, -r, -J, -b,
# --list-columns), list, show and procs, replayed on hand-made trees
# (tests/fixtures/cli/README.md gives their contents and arithmetic).
load common

setup() {
	BASIC=$FIXTURES/cli/basic
	NAMES=$FIXTURES/cli/names
}

# Exactly one line on stderr per problem: "dmabufctl: ..." plus hints.
stderr_is_diagnostics() {
	local line
	[[ -n $stderr ]] || return 0
	while IFS= read -r line; do
		[[ $line == dmabufctl* ]] || fail "stray stderr line: $line"
	done <<<"$stderr"
}

# --- command dispatch ----------------------------------------------------

@test "no command is list" {
	run -0 "$DMABUFCTL" --sysroot "$BASIC"
	local implicit=$output
	run -0 "$DMABUFCTL" list --sysroot "$BASIC"
	assert_equal "$implicit" "$output"
	assert_line --index 0 --regexp '^INODE +SIZE EXPORTER +NAME +REFS ATTACHED +PROCESSES$'
}

@test "dmabufctl -J and dmabufctl INODE reach list" {
	run -0 "$DMABUFCTL" -J --sysroot "$BASIC"
	assert_equal "$(jq -c '[.dmabufs[].inode]' <<<"$output")" '[101,102,103]'
	run -0 "$DMABUFCTL" 102 --sysroot "$BASIC" -J
	assert_equal "$(jq -c '[.dmabufs[].inode]' <<<"$output")" '[102]'
}

@test "unknown command: one line and hint, exit 64, nothing on stdout" {
	run -64 --separate-stderr "$DMABUFCTL" frobnicate
	assert_output ''
	assert_equal "${stderr_lines[0]}" 'dmabufctl: frobnicate: unknown command'
	assert_equal "${#stderr_lines[@]}" 2
}

@test "--help of every command" {
	local cmd
	for cmd in list show procs; do
		run -0 "$DMABUFCTL" "$cmd" --help
		assert_line --partial "Usage: dmabufctl $cmd"
		assert_line --partial -- '--sysroot'
		assert_line --partial -- '--json'
	done
	run -0 "$DMABUFCTL" list --help
	assert_line --partial -- '--list-columns'
	assert_line --partial -- '--exporter'
	run -0 "$DMABUFCTL" procs --help
	assert_line --partial -- '--pid'
}

# --- columns -------------------------------------------------------------

@test "default columns and rows" {
	run -0 "$DMABUFCTL" list --sysroot "$BASIC"
	assert_line --index 1 --regexp '^ +101 +1M system +frame buf +3 0000:00:02\.0 +compositor\[100\],player\[200\]$'
	assert_line --index 2 --regexp '^ +102 +4M udmabuf +1 +compositor\[100\]$'
	assert_line --index 3 --regexp '^ +103 +64K system +orphan +1 0000:00:03\.0 *$'
}

@test "-o replaces the columns, +COL extends the default set" {
	run -0 "$DMABUFCTL" list --sysroot "$BASIC" -o inode,FDS,MAPS,NPROCS -r
	assert_equal "$output" $'INODE FDS MAPS NPROCS\n101 2 1 2\n102 1 0 1\n103 0 0 0'
	run -0 "$DMABUFCTL" list --sysroot "$BASIC" -o +FLAGS,SOURCES,NATTACHED -r
	assert_line --index 0 'INODE SIZE EXPORTER NAME REFS ATTACHED PROCESSES FLAGS SOURCES NATTACHED'
	assert_line --index 1 --regexp '^101 1M system frame\\x20buf 3 0000:00:02\.0 compositor\[100\],player\[200\] 02000002 debugfs,[a-z,]+ 1$'
	assert_line --index 3 --regexp '^103 64K system orphan 1 0000:00:03\.0  02000002 debugfs 1$'
}

@test "unknown column: named, hint lists columns, exit 64, nothing on stdout" {
	run -64 --separate-stderr "$DMABUFCTL" list --sysroot "$BASIC" -o INODE,BOGUS
	assert_output ''
	assert_equal "${stderr_lines[0]}" 'dmabufctl: BOGUS: unknown column'
	assert_equal "${#stderr_lines[@]}" 2
	[[ ${stderr_lines[1]} == 'dmabufctl: hint: valid columns: INODE,SIZE,'* ]]
	run -64 --separate-stderr "$DMABUFCTL" procs --sysroot "$BASIC" -o +RSS,
	assert_output ''
	run -64 --separate-stderr "$DMABUFCTL" list --sysroot "$BASIC" -o NAME -J
	assert_output ''
	run -64 --separate-stderr "$DMABUFCTL" list --sysroot "$BASIC" -r -J
	assert_output ''
}

@test "--list-columns as table, raw and JSON" {
	run -0 "$DMABUFCTL" list --list-columns
	assert_line --index 0 --regexp '^COLUMN +TYPE +DESCRIPTION$'
	assert_line --regexp '^SIZE +size +buffer size$'
	run -0 "$DMABUFCTL" list --list-columns -r -n
	assert_line 'REVOKED boolean yes/no\x20where\x20the\x20kernel\x20says\x20(revoke\x20series,\x20VFIO),\x20'"'"'-'"'"'\x20elsewhere'
	run -0 "$DMABUFCTL" list --list-columns -J
	assert_equal "$(jq -c '[.columns[] | select(.default) | .name]' <<<"$output")" \
		'["INODE","SIZE","EXPORTER","NAME","REFS","ATTACHED","PROCESSES"]'
	assert_equal "$(jq -r '.columns | length' <<<"$output")" 18
	run -0 "$DMABUFCTL" procs --list-columns -J
	assert_equal "$(jq -c '[.columns[].name]' <<<"$output")" '["PID","COMM","BUFFERS","RSS","PSS"]'
}

@test "-n drops headings and totals" {
	run -0 "$DMABUFCTL" list --sysroot "$BASIC" -n
	assert_equal "${#lines[@]}" 3
	refute_line --partial INODE
	refute_line --partial total
}

@test "names: escaped in table and raw, exact in JSON" {
	run -0 "$DMABUFCTL" list --sysroot "$NAMES" --source procfs -o NAME,PROCESSES
	assert_line --index 1 --regexp '^a b\\x09c\\x0ad\\x1b\[31mé +we ird\[400\]$'
	run -0 "$DMABUFCTL" list --sysroot "$NAMES" --source procfs -r -o INODE,NAME,PROCESSES
	assert_line --index 1 '201 a\x20b\x09c\x0ad\x1b[31m\xc3\xa9 we\x20ird[400]'
	run -0 "$DMABUFCTL" list --sysroot "$NAMES" --source procfs -J
	assert_equal "$(jq -r '.dmabufs[0].name' <<<"$output" | od -An -tx1 | tr -d ' \n')" \
		"$(printf 'a b\tc\nd\033[31m\303\251\n' | od -An -tx1 | tr -d ' \n')"
	assert_equal "$(jq -r '.dmabufs[0].processes[0].comm' <<<"$output")" 'we ird'
}

@test "-b prints bytes, default is human (base 1024)" {
	run -0 "$DMABUFCTL" list --sysroot "$BASIC" -r -n -o INODE,SIZE
	assert_equal "$output" $'101 1M\n102 4M\n103 64K'
	run -0 "$DMABUFCTL" list --sysroot "$BASIC" -r -n -o INODE,SIZE -b
	assert_equal "$output" $'101 1048576\n102 4194304\n103 65536'
}

@test "totals: line after the table, JSON totals" {
	run -0 "$DMABUFCTL" list --sysroot "$BASIC"
	assert_line --index 4 'total: 3 buffers, 5.1M, 64K held by no process'
	run -0 "$DMABUFCTL" list --sysroot "$BASIC" -b
	assert_line --index 4 'total: 3 buffers, 5308416, 65536 held by no process'
	run -0 "$DMABUFCTL" list --sysroot "$BASIC" -r
	refute_line --partial total
	run -0 "$DMABUFCTL" list --sysroot "$BASIC" -J
	assert_equal "$(jq -c .totals <<<"$output")" \
		'{"buffers":3,"bytes":5308416,"unattributed_bytes":65536}'
}

# --- JSON contract -------------------------------------------------------

@test "list -J has exactly the contract's keys" {
	local args
	for args in "" "-p 200" "-e nosuch" "101"; do
		# shellcheck disable=SC2086
		run -0 "$DMABUFCTL" list --sysroot "$BASIC" -J $args
		assert_equal "$(jq -c 'keys_unsorted' <<<"$output")" \
			'["dmabufs","totals","sources","warnings","skipped"]'
	done
	run -0 "$DMABUFCTL" list --sysroot "$BASIC" -J
	assert_equal "$(jq -c '.dmabufs[0] | keys_unsorted' <<<"$output")" \
		'["inode","size","exporter","name","refcount","attachments","processes","device","ranges"]'
	assert_equal "$(jq -c '.dmabufs[0].processes[1]' <<<"$output")" \
		'{"pid":200,"comm":"player","fds":[7],"mappings":1}'
	assert_equal "$(jq -c '.dmabufs[0].attachments[0].device' <<<"$output")" '"0000:00:02.0"'
	assert_equal "$(jq -c '.dmabufs[1].name' <<<"$output")" 'null'
	assert_equal "$(jq -c '.warnings' <<<"$output")" '[]'
	if [ "$DMABUFCTL_BPF" = yes ]; then
		assert_equal "$(jq -c '.skipped' <<<"$output")" \
			'[{"source":"bpf","reason":"replaying a captured tree (--sysroot)"}]'
	else
		assert_equal "$(jq -c '.skipped' <<<"$output")" \
			'[{"source":"bpf","reason":"built without BPF support"}]'
	fi
	jq -e '.sources | index("debugfs")' <<<"$output"
	# No source knows attachments without debugfs or BPF: null, not [].
	run -0 "$DMABUFCTL" list --sysroot "$BASIC" --source procfs -J
	assert_equal "$(jq -c '[.dmabufs[].attachments]' <<<"$output")" '[null,null]'
	assert_equal "$(jq -c '[.dmabufs[].refcount]' <<<"$output")" '[3,1]'
}

@test "list -J streams what json-c prints of the whole document, byte for byte" {
	local args
	# Item by item (out_json_stream_*): each must sit at its depth, with
	# the commas and brackets json-c would print, empty list included.
	for args in "$BASIC" "$NAMES --source procfs" "$FIXTURES/7.2" "$BASIC -e none"; do
		read -ra args <<<"$args"
		run -0 --separate-stderr "$DMABUFCTL" list --sysroot "${args[@]}" -J
		assert_equal "$("$UNIT/json-reprint" <<<"$output")" "$output"
	done
	assert_equal "$(jq -c .dmabufs <<<"$output")" '[]'
}

@test "--source that cannot run: reason on stderr, nothing on stdout" {
	run -3 --separate-stderr "$DMABUFCTL" list --sysroot "$NAMES" --source debugfs
	assert_output ''
	assert_equal "${stderr_lines[0]}" 'dmabufctl: debugfs: source could not run: not mounted'
	stderr_is_diagnostics
}

# --- filters ---------------------------------------------------------------

@test "filters: -p, -e, INODE" {
	run -0 "$DMABUFCTL" list --sysroot "$BASIC" -J -p 200
	assert_equal "$(jq -c '[.dmabufs[].inode]' <<<"$output")" '[101]'
	run -0 "$DMABUFCTL" list --sysroot "$BASIC" -J --exporter system
	assert_equal "$(jq -c '[.dmabufs[].inode]' <<<"$output")" '[101,103]'
	run -0 "$DMABUFCTL" list --sysroot "$BASIC" -J 103 101
	assert_equal "$(jq -c '[.dmabufs[].inode]' <<<"$output")" '[101,103]'
	run -0 "$DMABUFCTL" list --sysroot "$BASIC" -J -p 300
	assert_equal "$(jq -c '.dmabufs' <<<"$output")" '[]'
}

@test "filters: bad input is refused" {
	run -64 --separate-stderr "$DMABUFCTL" list --sysroot "$BASIC" -p abc
	assert_output ''
	run -64 --separate-stderr "$DMABUFCTL" list --sysroot "$BASIC" -p -5
	assert_output ''
	run -64 --separate-stderr "$DMABUFCTL" list --sysroot "$BASIC" 12x
	assert_output ''
	run -64 --separate-stderr "$DMABUFCTL" list --sysroot "$BASIC" -e ''
	assert_output ''
	run -2 --separate-stderr "$DMABUFCTL" list --sysroot "$BASIC" -p 4242
	assert_output ''
	assert_equal "$stderr" 'dmabufctl: 4242: no such process'
	run -64 --separate-stderr "$DMABUFCTL" list --sysroot "$BASIC/nonexistent"
	assert_output ''
}

@test "absent INODE: reported, the others listed, exit 2" {
	run -2 --separate-stderr "$DMABUFCTL" list --sysroot "$BASIC" -r -n -o INODE 101 999
	assert_output '101'
	assert_equal "$stderr" 'dmabufctl: 999: no such dma-buf'
}

# --- show --------------------------------------------------------------------

@test "show: human block" {
	run -0 "$DMABUFCTL" show --sysroot "$BASIC" 101
	assert_line --regexp '^size +1M \(1048576 bytes\)$'
	assert_line --regexp '^exporter +system$'
	assert_line --regexp '^name +frame buf$'
	assert_line --regexp '^refcount +3$'
	assert_line --regexp '^flags +02000002$'
	assert_line --regexp '^attached +1 device$'
	assert_line '  0000:00:02.0'
	assert_line '  player[200]  fds 7  maps 1'
	assert_line '    7f0000000000-7f0000100000 rw-s offset 0'
	run -0 "$DMABUFCTL" show --sysroot "$BASIC" -b 101
	assert_line --regexp '^size +1048576$'
}

@test "show -J: detail object" {
	run -0 "$DMABUFCTL" show --sysroot "$BASIC" -J 101
	assert_equal "$(jq -c 'keys_unsorted' <<<"$output")" \
		'["inode","size","exporter","name","refcount","flags","mode","revoked","attachments","fences","processes","device","ranges","revoked_permanently","sources","warnings","skipped"]'
	assert_equal "$(jq -c '.processes[1].maps' <<<"$output")" \
		'[{"start":"0x7f0000000000","end":"0x7f0000100000","offset":0,"perms":"rw-s"}]'
	assert_equal "$(jq -c '[.size, .flags, .revoked]' <<<"$output")" '[1048576,524290,null]'
}

@test "show: absent is 2, non-numeric or missing is 64, nothing on stdout" {
	run -2 --separate-stderr "$DMABUFCTL" show --sysroot "$BASIC" 999
	assert_output ''
	assert_equal "${stderr_lines[0]}" 'dmabufctl: 999: no such dma-buf'
	run -64 --separate-stderr "$DMABUFCTL" show --sysroot "$BASIC" abc
	assert_output ''
	run -64 --separate-stderr "$DMABUFCTL" show --sysroot "$BASIC"
	assert_output ''
	run -64 --separate-stderr "$DMABUFCTL" show --sysroot "$BASIC" 101 102
	assert_output ''
}

# --- procs -------------------------------------------------------------------

@test "procs -J: RSS and PSS arithmetic" {
	run -0 "$DMABUFCTL" procs --sysroot "$BASIC" -J
	assert_equal "$(jq -c 'keys_unsorted' <<<"$output")" \
		'["processes","unattributed","sources","warnings","skipped"]'
	# 101 (1 MiB) is shared by 100 and 200; 102 (4 MiB) is 100's alone.
	assert_equal "$(jq -c '.processes' <<<"$output")" \
		'[{"pid":100,"comm":"compositor","buffers":2,"rss":5242880,"pss":4718592},{"pid":200,"comm":"player","buffers":1,"rss":1048576,"pss":524288}]'
	jq -e '.processes[1].pss * 2 == .processes[1].rss' <<<"$output"
	assert_equal "$(jq -c '.unattributed' <<<"$output")" '{"buffers":1,"bytes":65536}'
}

@test "procs table: sorted by RSS, unattributed row, -b, -p, -o" {
	run -0 "$DMABUFCTL" procs --sysroot "$BASIC" -r
	assert_equal "$output" $'PID COMM BUFFERS RSS PSS\n100 compositor 2 5M 4.5M\n200 player 1 1M 512K\n- (no\\x20process) 1 64K 64K'
	run -0 "$DMABUFCTL" procs --sysroot "$BASIC" -r -n -b -p 200
	assert_equal "$output" '200 player 1 1048576 524288'
	run -0 "$DMABUFCTL" procs --sysroot "$BASIC" -r -n -o PSS,PID -p 100
	assert_equal "$output" '4.5M 100'
	run -2 "$DMABUFCTL" procs --sysroot "$BASIC" -p 4242
	run -64 "$DMABUFCTL" procs --sysroot "$BASIC" extra
}

# --- the live system without privileges ------------------------------------

@test "without root: lists what it can, diagnostics only on stderr, exit 0" {
	[[ $(id -u) == 0 ]] || fail "run as root to test dropping privileges"
	run -0 --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$DMABUFCTL" list
	# libsmartcols prints no header for an empty table: the host has no
	# exporter, so expect at least the totals line.
	assert_line --index -1 --regexp '^total: [0-9]+ buffers?, '
	stderr_is_diagnostics
	run -0 --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$DMABUFCTL" -J
	jq -e '(keys_unsorted == ["dmabufs","totals","sources","warnings","skipped"])' <<<"$output"
}

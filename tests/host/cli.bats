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
	assert_equal "$(jq -r '.columns | length' <<<"$output")" 20
	run -0 "$DMABUFCTL" procs --list-columns -J
	assert_equal "$(jq -c '[.columns[].name]' <<<"$output")" \
		'["PID","COMM","BUFFERS","RSS","PSS","CGROUP"]'
	run -0 "$DMABUFCTL" procs --by cgroup --list-columns -J
	assert_equal "$(jq -c '[.columns[] | select(.default) | .name]' <<<"$output")" \
		'["CGROUP","PROCS","BUFFERS","RSS","PSS"]'
	run -0 "$DMABUFCTL" procs --by exporter --list-columns -r -n
	assert_line --index 0 --regexp '^EXPORTER string '
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
		'{"pid":200,"comm":"player","fds":[7],"mappings":1,"gem":null,"cgroup":"/user.slice/player.scope"}'
	assert_equal "$(jq -c '.dmabufs[0].attachments[0].device' <<<"$output")" '"0000:00:02.0"'
	assert_equal "$(jq -c '.dmabufs[1].name' <<<"$output")" 'null'
	assert_equal "$(jq -c '.warnings' <<<"$output")" '[]'
	if [ "$DMABUFCTL_BPF" = yes ]; then
		why="replaying a captured tree (--sysroot)"
	else
		why="built without BPF support"
	fi
	assert_equal "$(jq -c '.skipped' <<<"$output")" \
		"[{\"source\":\"bpf\",\"reason\":\"$why\"},{\"source\":\"task_file\",\"reason\":\"$why\"},{\"source\":\"task_vma\",\"reason\":\"$why\"}]"
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

@test "list -J of 1,000 buffers: batch by batch, by one printer or two, json-c's text byte for byte" {
	local tree=$BATS_TEST_TMPDIR/many two
	many_tree "$tree" 1000
	# Batches of 128 buffers, some printed by a second thread where a
	# second CPU is ours (tests/host/parallel.bats counts the threads).
	run -0 --separate-stderr "$DMABUFCTL" list --sysroot "$tree" -J
	two=$output
	assert_equal "$("$UNIT/json-reprint" <<<"$two")" "$two"
	assert_equal "$(jq -c '[(.dmabufs | length), .dmabufs[0].inode, .dmabufs[999].inode,
		.dmabufs[7].name, .dmabufs[999].processes[0].pid, .totals.buffers]' <<<"$two")" \
		'[1000,1000,1999,"buffer 7",199,1000]'
	# One CPU (a cpuset, taskset): one printer, the same text.
	run -0 --separate-stderr taskset -c 0 "$DMABUFCTL" list --sysroot "$tree" -J
	assert_equal "$output" "$two"
}

@test "list -J's stream, written straight, is json-c's text of the same trees: escapes, GEM, VFIO" {
	local seed stream tree kind
	# What no replayed tree has: GEM handles, VFIO's device and ranges,
	# strings to escape or mend (tests/unit/json-stream makes them).
	for seed in 1 2 3 6; do
		stream=$("$UNIT/json-stream" stream "$seed" 600)
		tree=$("$UNIT/json-stream" tree "$seed" 600)
		assert_equal "$stream" "$tree"
	done
	# The seeds above made each kind at least once.
	for kind in '"handle"' '"bdf"' '"offset"' '\\u00' '\\"' $'\xef\xbf\xbd' '"callback"'; do
		grep -q -- "$kind" <<<"$("$UNIT/json-stream" tree 3 600)"
	done
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
	assert_line '  player[200]  by fd, mapping  fds 7  maps 1  cgroup /user.slice/player.scope'
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
		'[{"pid":100,"comm":"compositor","buffers":2,"rss":5242880,"pss":4718592,"cgroup":"/system.slice/compositor.service"},{"pid":200,"comm":"player","buffers":1,"rss":1048576,"pss":524288,"cgroup":"/user.slice/player.scope"}]'
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

# --- cgroups -------------------------------------------------------------------

@test "cgroup: the 0:: line of /proc/PID/cgroup, v2-only or hybrid; none on v1 only" {
	run -0 "$DMABUFCTL" list --sysroot "$BASIC" -r -n -o INODE,CGROUP
	assert_equal "$output" $'101 /system.slice/compositor.service,/user.slice/player.scope\n102 /system.slice/compositor.service\n103 '
	run -0 "$DMABUFCTL" show --sysroot "$BASIC" -J 102
	assert_equal "$(jq -c '[.processes[] | [.pid, .cgroup]]' <<<"$output")" \
		'[[100,"/system.slice/compositor.service"]]'
	# A name may hold a newline: the path runs to the end of the file.
	run -0 "$DMABUFCTL" list --sysroot "$NAMES" --source procfs -J
	assert_equal "$(jq -r '.dmabufs[0].processes[0].cgroup' <<<"$output")" \
		$'/odd name\nwith 0::/newline'
	run -0 "$DMABUFCTL" list --sysroot "$NAMES" --source procfs -r -n -o CGROUP
	assert_equal "$output" '/odd\x20name\x0awith\x200::/newline'
}

@test "procs --by cgroup and --by exporter: RSS once per group, PSS summed" {
	run -0 "$DMABUFCTL" procs --sysroot "$BASIC" --by cgroup -J
	assert_equal "$(jq -c 'keys_unsorted' <<<"$output")" \
		'["by","groups","unattributed","sources","warnings","skipped"]'
	assert_equal "$(jq -c '.groups' <<<"$output")" \
		'[{"cgroup":"/system.slice/compositor.service","processes":1,"buffers":2,"rss":5242880,"pss":4718592},{"cgroup":"/user.slice/player.scope","processes":1,"buffers":1,"rss":1048576,"pss":524288}]'
	assert_equal "$(jq -c '.unattributed' <<<"$output")" '{"buffers":1,"bytes":65536}'
	# 101 is held by both processes: once in the group's RSS, whole in PSS.
	run -0 "$DMABUFCTL" procs --sysroot "$BASIC" --by exporter -J
	assert_equal "$(jq -c '[.groups[] | [.exporter, .processes, .buffers, .rss, .pss]]' <<<"$output")" \
		'[["udmabuf",1,1,4194304,4194304],["system",2,1,1048576,1048576]]'
	run -0 "$DMABUFCTL" procs --sysroot "$BASIC" --by cgroup -r -b
	assert_equal "$output" $'CGROUP PROCS BUFFERS RSS PSS\n/system.slice/compositor.service 1 2 5242880 4718592\n/user.slice/player.scope 1 1 1048576 524288\n(no\\x20process) 0 1 65536 65536'
	# Unknown cgroups are one group, null.
	run -0 "$DMABUFCTL" procs --sysroot "$NAMES" --source procfs --by cgroup -J
	run -0 "$DMABUFCTL" procs --sysroot "$FIXTURES/7.2" --by cgroup -J
	assert_equal "$(jq -c '[.groups[].cgroup]' <<<"$output")" '[null]'
	run -64 --separate-stderr "$DMABUFCTL" procs --sysroot "$BASIC" --by pid
	assert_output ''
	run -64 --separate-stderr "$DMABUFCTL" procs --sysroot "$BASIC" --by cgroup -p 100
	assert_output ''
}

# --- --source lists, --no-pin, unpin ------------------------------------------

@test "--source takes a list; a bad one changes nothing" {
	run -0 "$DMABUFCTL" list --sysroot "$BASIC" --source debugfs,procfs -J
	assert_equal "$(jq -c .sources <<<"$output")" '["debugfs","procfs","maps"]'
	run -0 "$DMABUFCTL" list --sysroot "$BASIC" --source=procfs,debugfs -J
	assert_equal "$(jq -c .sources <<<"$output")" '["debugfs","procfs","maps"]'
	local bad
	for bad in bpf,, ,bpf bpf,bpf procfs,nope '' BPF; do
		run -64 --separate-stderr "$DMABUFCTL" list --sysroot "$BASIC" --source "$bad" -J
		assert_output ''
		[[ $stderr == *"--source: '$bad': not a list of bpf, debugfs, procfs"* ]] ||
			fail "--source '$bad': $stderr"
	done
	# bpf named: the iterators cannot replay a tree, and say why.
	run -3 --separate-stderr "$DMABUFCTL" list --sysroot "$BASIC" --source bpf,procfs -J
	assert_output ''
	[[ $stderr == *"replaying a captured tree"* ]] || fail "$stderr"
	# --no-pin is a common option, before or after the command.
	run -0 "$DMABUFCTL" --no-pin list --sysroot "$BASIC" -J
	run -0 "$DMABUFCTL" procs --no-pin --sysroot "$BASIC" -J
}

@test "unpin: needs root, takes no argument nor common option" {
	run -4 --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$DMABUFCTL" unpin
	assert_output ''
	assert_equal "${stderr_lines[0]}" \
		'dmabufctl: /sys/fs/bpf/dmabufctl: cannot remove the pins: Operation not permitted'
	assert_equal "${stderr_lines[1]}" 'dmabufctl: hint: run as root'
	run -64 --separate-stderr "$DMABUFCTL" unpin extra
	assert_output ''
	run -64 --separate-stderr "$DMABUFCTL" unpin --sysroot /
	assert_output ''
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

# --- conventions: implied list, errors, help ---------------------------------

@test "list is implied by any list option, decided by list's own parser" {
	local args
	for args in "-o INODE,SIZE -r" "-e system -b" "-J" "-x SIZE -n" "--orphans" \
		"-p 100,200 -r" "--min-size 64K" "-H" "-o+FDS --sort=inode"; do
		read -ra a <<<"$args"
		run -0 --separate-stderr "$DMABUFCTL" --sysroot "$BASIC" "${a[@]}"
		local implied=$output
		run -0 --separate-stderr "$DMABUFCTL" list --sysroot "$BASIC" "${a[@]}"
		assert_equal "$implied" "$output"
	done
	run -0 "$DMABUFCTL" --sysroot "$BASIC" -o INODE,SIZE -r -n
	assert_output $'101 1M\n102 4M\n103 64K'
	# A command after list's options runs that command with them.
	run -0 "$DMABUFCTL" -J --sysroot "$BASIC" procs
	assert_equal "$(jq -r '.processes[0].comm' <<<"$output")" compositor
}

@test "an unknown option names the command typed, or none: one line and a hint, exit 64" {
	run -64 --separate-stderr "$DMABUFCTL" --frob
	assert_output ''
	assert_equal "$stderr" $'dmabufctl: unrecognized option \'--frob\'\ndmabufctl: hint: see \'dmabufctl --help\''
	run -64 --separate-stderr "$DMABUFCTL" show --frob 101
	assert_output ''
	assert_equal "$stderr" $'dmabufctl: show: unrecognized option \'--frob\'\ndmabufctl: hint: see \'dmabufctl show --help\''
	run -64 --separate-stderr "$DMABUFCTL" --sysroot "$BASIC" procs -z
	assert_equal "${stderr_lines[0]}" "dmabufctl: procs: invalid option -- 'z'"
	run -64 --separate-stderr "$DMABUFCTL" list -p
	assert_equal "${stderr_lines[0]}" "dmabufctl: list: option requires an argument -- 'p'"
	assert_equal "${stderr_lines[1]}" "dmabufctl: hint: see 'dmabufctl list --help'"
	run -64 --separate-stderr "$DMABUFCTL" trace --frob
	assert_equal "${stderr_lines[0]}" "dmabufctl: trace: unrecognized option '--frob'"
}

@test "every bad value: one line, exit 64, nothing on stdout" {
	assert_usage_errors <<'EOF2'
-p abc|dmabufctl: --pid: 'abc': not a process id
list -p 1,,2|dmabufctl: list: --pid: '1,,2': empty item
list -p 5,x|dmabufctl: list: --pid: 'x': not a process id
-e ,|dmabufctl: --exporter: ',': empty item
--importer a,|dmabufctl: --importer: 'a,': empty item
--min-size 12Q|dmabufctl: --min-size: '12Q': not a size (4096, 64K, 1M, 2G)
--min-size 99999999999T|dmabufctl: --min-size: '99999999999T': not a size (4096, 64K, 1M, 2G)
--min-size -1|dmabufctl: --min-size: '-1': not a size (4096, 64K, 1M, 2G)
list 12x|dmabufctl: list: '12x': not an inode number
--orphans --source debugfs|dmabufctl: --orphans: --source debugfs does not see holders
list --importer x --source procfs|dmabufctl: list: --importer: --source procfs does not see importers
--sysroot=|dmabufctl: --sysroot: empty directory name
--source nope|dmabufctl: --source: 'nope': not a list of bpf, debugfs, procfs
procs -p 0|dmabufctl: procs: --pid: '0': not a process id
procs extra|dmabufctl: procs: 'extra': unexpected argument
show abc|dmabufctl: show: 'abc': not an inode number
show|dmabufctl: show: missing INODE (see 'dmabufctl list')
trace --count 0|dmabufctl: trace: --count: '0': not a number from 1
-r -J|dmabufctl: --raw and --json are mutually exclusive
EOF2
}

@test "-h is --help, -H is --list-columns, -V is --version" {
	local cmd
	for cmd in "" list show procs trace revoke; do
		run -0 "$DMABUFCTL" $cmd -h
		local short=$output
		run -0 "$DMABUFCTL" $cmd --help
		assert_equal "$short" "$output"
		assert_line --index 0 --regexp "^Usage: dmabufctl${cmd:+ $cmd} \[OPTION\.\.\.\]"
		run -0 "$DMABUFCTL" $cmd -V
		assert_output "$("$DMABUFCTL" --version)"
	done
	for cmd in list procs; do
		run -0 "$DMABUFCTL" $cmd -H -J
		assert_equal "$output" "$("$DMABUFCTL" $cmd --list-columns -J)"
	done
}

@test "one help layout: own options, then Output options, then Common options with -h, --usage, -V" {
	local cmd
	for cmd in list show procs trace revoke; do
		run -0 "$DMABUFCTL" "$cmd" --help
		# headings in this order, each once
		assert_equal "$(grep -E '^ [A-Z][a-z]+ options:$' <<<"$output" | tr -d ' ')" \
			$'Outputoptions:\nCommonoptions:'
		sed -n '/^ Common options:$/,/^$/p' <<<"$output" | grep -q -- '-h, --help' ||
			fail "$cmd: -h, --help not under Common options"
		assert_line --regexp '^ +--usage +Give a short usage message$'
		assert_line --regexp '^ +-V, --version +Print program version$'
		refute_line --partial -- '-?'
	done
}

# --- sorting -------------------------------------------------------------------

@test "--sort and -x: sizes and counts largest first, text ascending, JSON too" {
	run -0 "$DMABUFCTL" --sysroot "$BASIC" -x SIZE -r -n -o INODE
	assert_output $'102\n101\n103'
	run -0 "$DMABUFCTL" --sysroot "$BASIC" --sort=name -r -n -o INODE,NAME
	assert_output $'102 \n101 frame\\x20buf\n103 orphan'
	run -0 "$DMABUFCTL" --sysroot "$BASIC" -x nprocs -r -n -o INODE,NPROCS
	assert_output $'101 2\n102 1\n103 0'
	# ties keep inode order
	run -0 "$DMABUFCTL" --sysroot "$BASIC" -x REFS -r -n -o INODE,REFS
	assert_output $'101 3\n102 1\n103 1'
	run -0 "$DMABUFCTL" --sysroot "$BASIC" -x INODE -r -n -o INODE
	assert_output $'101\n102\n103'
	# sorting by a column not shown, and -J's array
	run -0 "$DMABUFCTL" --sysroot "$BASIC" -x exporter -J
	assert_equal "$(jq -c '[.dmabufs[].inode]' <<<"$output")" '[101,103,102]'
	# unknown values last: no attachments known without debugfs
	run -0 "$DMABUFCTL" --sysroot "$BASIC" --source procfs -x NATTACHED -r -n -o INODE,NATTACHED
	assert_output $'101 -\n102 -'
	run -64 --separate-stderr "$DMABUFCTL" --sysroot "$BASIC" -x BOGUS
	assert_output ''
	assert_equal "${stderr_lines[0]}" 'dmabufctl: BOGUS: unknown column'
}

@test "procs --sort: any column; the no-process row stays last" {
	run -0 "$DMABUFCTL" procs --sysroot "$BASIC" -x PID -r -n -o PID
	assert_output $'100\n200\n-'
	run -0 "$DMABUFCTL" procs --sysroot "$BASIC" -x comm -J
	assert_equal "$(jq -c '[.processes[].comm]' <<<"$output")" '["compositor","player"]'
	run -0 "$DMABUFCTL" procs --sysroot "$BASIC" -x pss -r -n -o PID,PSS -b
	assert_output $'100 4718592\n200 524288\n- 65536'
	run -64 "$DMABUFCTL" procs --sysroot "$BASIC" -x SIZE
}

# --- filters ---------------------------------------------------------------------

@test "filters: repeated and comma-separated -p and -e, globs, name, importer, size, orphans" {
	inodes() { jq -c '[.dmabufs[].inode]' <<<"$output"; }
	run -0 "$DMABUFCTL" --sysroot "$BASIC" -J -p 100,200
	assert_equal "$(inodes)" '[101,102]'
	run -0 "$DMABUFCTL" --sysroot "$BASIC" -J -p 200 -p 100
	assert_equal "$(inodes)" '[101,102]'
	run -0 "$DMABUFCTL" --sysroot "$BASIC" -J -e udmabuf,system
	assert_equal "$(inodes)" '[101,102,103]'
	run -0 "$DMABUFCTL" --sysroot "$BASIC" -J -e 'u*'
	assert_equal "$(inodes)" '[102]'
	run -0 "$DMABUFCTL" --sysroot "$BASIC" -J --name 'frame*' --name orphan
	assert_equal "$(inodes)" '[101,103]'
	run -0 "$DMABUFCTL" --sysroot "$BASIC" -J --name ''
	assert_equal "$(inodes)" '[102]'
	run -0 "$DMABUFCTL" --sysroot "$BASIC" -J --importer '0000:00:03.0'
	assert_equal "$(inodes)" '[103]'
	run -0 "$DMABUFCTL" --sysroot "$BASIC" -J --importer '0000:00:0[23].0'
	assert_equal "$(inodes)" '[101,103]'
	run -0 "$DMABUFCTL" --sysroot "$BASIC" -J --min-size 1M
	assert_equal "$(inodes)" '[101,102]'
	run -0 "$DMABUFCTL" --sysroot "$BASIC" -J --min-size 1048577
	assert_equal "$(inodes)" '[102]'
	run -0 "$DMABUFCTL" --sysroot "$BASIC" -J --min-size 1k
	assert_equal "$(inodes)" '[101,102,103]'
	run -0 "$DMABUFCTL" --sysroot "$BASIC" -J --orphans
	assert_equal "$(inodes)" '[103]'
	# kinds combine: all must match
	run -0 "$DMABUFCTL" --sysroot "$BASIC" -J -e system --min-size 1M
	assert_equal "$(inodes)" '[101]'
	assert_equal "$(jq -c .totals <<<"$output")" '{"buffers":1,"bytes":1048576,"unattributed_bytes":0}'
	run -0 "$DMABUFCTL" --sysroot "$BASIC" -J --orphans -p 100
	assert_equal "$(inodes)" '[]'
	run -2 --separate-stderr "$DMABUFCTL" --sysroot "$BASIC" -p 100,4242
	assert_output ''
	assert_equal "$stderr" 'dmabufctl: 4242: no such process'
}

@test "filters that no source that ran can answer: status 1, nothing on stdout" {
	local root=$BATS_TEST_TMPDIR/noproc
	mkdir -p "$root"
	cp -r "$BASIC/sys" "$root/"
	mkdir -p "$root/proc/self"
	cp "$BASIC/proc/self/mountinfo" "$root/proc/self/"
	# procfs sees no process at all: it ran, so no holder is a fact
	run -0 "$DMABUFCTL" --sysroot "$root" -J --orphans
	assert_equal "$(jq -c '[.dmabufs[].inode]' <<<"$output")" '[101,102,103]'
	rm -r "$root/proc"
	run -1 --separate-stderr "$DMABUFCTL" --sysroot "$root" --orphans
	assert_output ''
	assert_equal "${stderr_lines[-1]}" 'dmabufctl: --orphans: cannot tell: no process source could run'
	run -1 --separate-stderr "$DMABUFCTL" --sysroot "$NAMES" --importer x
	assert_output ''
	assert_equal "${stderr_lines[-1]}" \
		'dmabufctl: --importer: cannot tell: no source that ran knows importers (debugfs, bpf)'
}

# --- wrapping ----------------------------------------------------------------------

# The table as a terminal COLS wide shows it (libsmartcols wraps on a tty only).
on_tty() {	# COLS ARGS...
	local cols=$1
	shift
	script -qec "stty cols $cols; $(printf '%q ' "$DMABUFCTL" "$@")" /dev/null | tr -d '\r'
}

@test "wrapping never splits a PCI address nor a holder, at any width" {
	local w out addr
	for w in 30 40 50 60 80 100 132 200; do
		out=$(on_tty "$w" --sysroot "$FIXTURES/cli/wide")
		for addr in 0000:03:00.0 0000:04:00.0 0000:05:00.0; do
			grep -qF -- "$addr" <<<"$out" || fail "width $w: $addr split:"$'\n'"$out"
		done
		out=$(on_tty "$w" --sysroot "$BASIC" -o INODE,NAME,PROCESSES)
		for addr in 'compositor[100]' 'player[200]'; do
			grep -qF -- "$addr" <<<"$out" || fail "width $w: $addr split:"$'\n'"$out"
		done
	done
	# narrow: one address a line, the next column not pushed down
	out=$(on_tty 50 --sysroot "$FIXTURES/cli/wide" -o INODE,ATTACHED,NAME)
	assert_equal "$(sed -n 2,4p <<<"$out" | sed 's/ *$//')" \
		$'  301 0000:03:00.0 shared frame\n      0000:04:00.0\n      0000:05:00.0'
	# off a terminal nothing wraps
	run -0 "$DMABUFCTL" --sysroot "$FIXTURES/cli/wide" -o INODE,ATTACHED
	assert_line --index 1 --regexp '^ +301 0000:03:00\.0,0000:04:00\.0,0000:05:00\.0$'
}

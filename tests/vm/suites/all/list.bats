#!/usr/bin/env bats
# list, show and procs on real buffers of a real kernel.  mkbufs makes
# dma-bufs in every shape; each test checks dmabufctl against what mkbufs
# says it made and against the kernel's own debugfs bufinfo.  Runs in the
# guest (tests/vm/check-kernel) as root, on the stock and the test kernel.
load ../common

BUFINFO=/sys/kernel/debug/dma_buf/bufinfo
# One of each shape, and many small ones: about 50 buffers in all.
NAME_UTF8='frame buffer ✓'
SPECS=(
	'udmabuf:64K'
	"udmabuf:1M:$NAME_UTF8"
	'heap:256K:camera,dup=2,map'
	'udmabuf:128K:shared,fork'
	'udmabuf:32K:passed,scm'
	'udmabuf:24K:threaded,thread'
	'udmabuf:16K:maponly,maponly'
	'udmabuf:8K:small,many=40'
)

# ---- what mkbufs made, as JSON ----------------------------------------

# DIR/made.json: what mkbufs says it made, as list -J should report it
# (tests/helpers/mkbufs-json).
made_json() {
	"$SRCDIR/tests/helpers/mkbufs-json" <"$1/mkbufs.out" >"$1/made.json"
}

# made QUERY: jq over what mkbufs made.
made() { jq -r "$@" "$BATS_FILE_TMPDIR/made.json"; }
# listed QUERY: jq over the list -J taken in setup_file.
listed() { jq -r "$@" "$BATS_FILE_TMPDIR/list.json"; }
# inode_named NAME: the first buffer with that name ("" for none)
inode_named() { made --arg n "$1" 'map(select((.name // "") == $n)) | .[0].inode'; }

# bufinfo rows as TSV: inode size exporter count name
bufinfo_rows() {
	awk -F'\t' '/^[0-9]+\t[0-9a-f]+\t[0-9a-f]+\t[0-9]+\t/ {
		printf "%d\t%d\t%s\t%d\t%s\n", $6, $1, $5, $4, $7 }' "$BUFINFO"
}

setup_file() {
	local d=$BATS_FILE_TMPDIR
	[ "$(id -u)" = 0 ] || { echo "needs root (run in the guest)" >&2; return 1; }
	[ -r "$BUFINFO" ] || { echo "$BUFINFO not readable" >&2; return 1; }
	start_helper "$d" mkbufs "$TESTS_HELPERS/mkbufs" "${SPECS[@]}"
	made_json "$d"
	cp "$BUFINFO" "$d/bufinfo.before"
	"$DMABUFCTL" list -J >"$d/list.json" 2>"$d/list.err"
	"$DMABUFCTL" procs -J >"$d/procs.json" 2>"$d/procs.err"
	cp "$BUFINFO" "$d/bufinfo.after"
}

teardown_file() {
	stop_helper "$BATS_FILE_TMPDIR" mkbufs
}

teardown() {
	[ -z "${BATS_TEST_TMPDIR:-}" ] && return 0
	stop_helper "$BATS_TEST_TMPDIR" vgem
	stop_helper "$BATS_TEST_TMPDIR" nobody
	chmod 0600 /dev/udmabuf 2>/dev/null || true
}

# ---- list -J against mkbufs ---------------------------------------------

@test "mkbufs made every shape (the test's own premise)" {
	run made 'length'
	assert_output 47
	run made '[.[] | select(.processes | length == 2)] | length'
	assert_output 2
	run made '[.[] | select(.exporter == "system")] | length'
	assert_output 1
	# the snapshot was taken on a quiet system
	run diff "$BATS_FILE_TMPDIR/bufinfo.before" "$BATS_FILE_TMPDIR/bufinfo.after"
	assert_success
}

@test "list -J: every buffer mkbufs made, with its inode, size, exporter, name, holders, fds and mappings" {
	jq -S . "$BATS_FILE_TMPDIR/made.json" >"$BATS_TEST_TMPDIR/want"
	jq -S --slurpfile made "$BATS_FILE_TMPDIR/made.json" '
		[$made[0][].inode] as $ours
		| [.dmabufs[] | select(.inode as $i | $ours | index($i))
		   | {inode, size, exporter, name,
		      processes: [.processes[] | {pid, fds, mappings}]}]
	' "$BATS_FILE_TMPDIR/list.json" >"$BATS_TEST_TMPDIR/got"
	run diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	assert_success
	run listed '[.dmabufs[].processes[].comm] | unique | join(" ")'
	assert_output "mkbufs mkbufs-thread"
}

@test "list -J: a name with spaces and UTF-8 comes back byte for byte" {
	ino=$(inode_named "$NAME_UTF8")
	run listed --argjson i "$ino" '.dmabufs[] | select(.inode == $i) | .name'
	assert_output "$NAME_UTF8"
	run listed --argjson i "$(inode_named "")" '.dmabufs[] | select(.inode == $i) | .name'
	assert_output null
}

@test "list -J: dup'd fds are one buffer with every fd number on its holder" {
	ino=$(inode_named camera)
	run listed --argjson i "$ino" '.dmabufs[] | select(.inode == $i) |
		"\(.exporter) \(.processes | length) \(.processes[0].fds | length) \(.processes[0].mappings)"'
	assert_output "system 1 3 1"
	run made --argjson i "$ino" '.[] | select(.inode == $i) | .processes[0].fds | join(",")'
	want=$output
	run listed --argjson i "$ino" '.dmabufs[] | select(.inode == $i) | .processes[0].fds | join(",")'
	assert_output "$want"
}

@test "list -J: a buffer shared by fork has both processes as holders, same fd" {
	ino=$(inode_named shared)
	run listed --argjson i "$ino" '.dmabufs[] | select(.inode == $i) |
		[.processes[] | "\(.pid):\(.fds | join(","))"] | join(" ")'
	want=$(made --argjson i "$ino" '.[] | select(.inode == $i) |
		[.processes[] | "\(.pid):\(.fds | join(","))"] | join(" ")')
	assert_output "$want"
	[ "$(wc -w <<<"$output")" = 2 ]
}

@test "list -J: a buffer passed by SCM_RIGHTS and closed by the sender is held by the receiver only" {
	ino=$(inode_named passed)
	receiver=$(made --argjson i "$ino" '.[] | select(.inode == $i) | .processes[0].pid')
	sender=$(sed -n 's/.* pid=\([0-9]*\) role=main .*/\1/p' "$BATS_FILE_TMPDIR/mkbufs.out" | head -n 1)
	[ -n "$receiver" ] && [ -n "$sender" ] && [ "$receiver" != "$sender" ]
	run listed --argjson i "$ino" '.dmabufs[] | select(.inode == $i) | [.processes[].pid] | join(" ")'
	assert_output "$receiver"
}

@test "list -J: a buffer held only by a mapping has a holder with no fd and one mapping" {
	ino=$(inode_named maponly)
	run listed --argjson i "$ino" '.dmabufs[] | select(.inode == $i) |
		[.processes[] | "\(.pid) fds=\(.fds | length) maps=\(.mappings)"] | join(";")'
	pid=$(made --argjson i "$ino" '.[] | select(.inode == $i) | .processes[0].pid')
	assert_output "$pid fds=0 maps=1"
}

@test "list -J: all 40 small buffers are listed, each once" {
	run listed '[.dmabufs[] | select(.name == "small") | .inode] | length'
	assert_output 40
	run listed '[.dmabufs[].inode] | length == (unique | length)'
	assert_output true
}

# ---- list -J against the kernel's bufinfo -------------------------------

@test "list -J: every buffer in debugfs bufinfo, with the same size, exporter, name and refcount" {
	bufinfo_rows >"$BATS_TEST_TMPDIR/rows"
	[ "$(wc -l <"$BATS_TEST_TMPDIR/rows")" -ge 47 ]
	jq -R -s -S 'split("\n") | map(select(length > 0) | split("\t") |
		{inode: (.[0] | tonumber), size: (.[1] | tonumber), exporter: .[2],
		 refcount: (.[3] | tonumber),
		 name: (if .[4] == "<none>" then null else .[4] end)}) | sort_by(.inode)' \
		"$BATS_TEST_TMPDIR/rows" >"$BATS_TEST_TMPDIR/want"
	listed -S '.dmabufs | map({inode, size, exporter, refcount, name}) | sort_by(.inode)' \
		>"$BATS_TEST_TMPDIR/got"
	run diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	assert_success
}

@test "list -J: totals match bufinfo's 'Total N objects, N bytes'" {
	read -r objects bytes < <(sed -n 's/^Total \([0-9]*\) objects, \([0-9]*\) bytes$/\1 \2/p' "$BUFINFO")
	[ -n "$bytes" ]
	run listed '"\(.totals.buffers) \(.totals.bytes)"'
	assert_output "$objects $bytes"
	run listed '[.dmabufs[].size] | add'
	assert_output "$bytes"
}

@test "list -J: no warnings as root; the task iterators found the holders" {
	run listed '.warnings | length'
	assert_output 0
	run listed '[.sources[] | select(. == "task_file" or . == "task_vma")] | join(",")'
	assert_output task_file,task_vma
}

# ---- table output and filters --------------------------------------------

@test "list: the table shows human sizes, -b exact bytes" {
	big=$(inode_named "$NAME_UTF8")
	small=$(inode_named small)
	run --separate-stderr "$DMABUFCTL" list
	assert_success
	assert_line --index 0 --regexp '^ *INODE +SIZE +EXPORTER +NAME'
	run awk -v i="$big" '$1 == i { print $2 }' <<<"$output"
	assert_output 1M
	run --separate-stderr "$DMABUFCTL" list
	run awk -v i="$small" '$1 == i { print $2, $3, $4 }' <<<"$output"
	assert_output "8K udmabuf small"
	run --separate-stderr "$DMABUFCTL" list -b
	assert_success
	run awk -v i="$big" '$1 == i { print $2 }' <<<"$output"
	assert_output 1048576
}

@test "list -p PID: only the buffers that process holds" {
	ino=$(inode_named shared)
	child=$(made --argjson i "$ino" '.[] | select(.inode == $i) | .processes[1].pid')
	run --separate-stderr "$DMABUFCTL" list -J -p "$child"
	assert_success
	run jq -r '[.dmabufs[].inode] | join(" ")' <<<"$output"
	assert_output "$ino"
	# the main process: everything but what only the SCM receiver holds
	main=$(made --argjson i "$ino" '.[] | select(.inode == $i) | .processes[0].pid')
	want=$(made --argjson p "$main" '[.[] | select(any(.processes[]; .pid == $p)) | .inode] | sort | join(" ")')
	run --separate-stderr "$DMABUFCTL" list -J -p "$main"
	assert_success
	run jq -r '[.dmabufs[].inode] | sort | join(" ")' <<<"$output"
	assert_output "$want"
	[ "$(wc -w <<<"$output")" = 46 ]
}

@test "list: a thread with its own fd table holds under its TID, and only what it kept" {
	ino=$(inode_named threaded)
	main=$(sed -n 's/.* pid=\([0-9]*\) role=main .*/\1/p' "$BATS_FILE_TMPDIR/mkbufs.out" | head -n 1)
	tid=$(sed -n 's/.* pid=\([0-9]*\) role=thread .*/\1/p' "$BATS_FILE_TMPDIR/mkbufs.out")
	[ -n "$tid" ] && [ "$tid" != "$main" ]
	# a thread of mkbufs, not a process of its own
	[ -d "/proc/$main/task/$tid" ]
	run listed --argjson i "$ino" '.dmabufs[] | select(.inode == $i) |
		[.processes[] | "\(.pid):\(.comm):\(.fds | join(","))"] | join(" ")'
	fds=$(made --argjson i "$ino" '.[] | select(.inode == $i) | .processes[0].fds | join(",")')
	assert_output "$main:mkbufs:$fds $tid:mkbufs-thread:$fds"
	# it closed every other buffer it had copied with the table
	run --separate-stderr "$DMABUFCTL" list -J -p "$tid"
	assert_success
	run jq -r '[.dmabufs[].inode] | join(" ")' <<<"$output"
	assert_output "$ino"
	# threads sharing the leader's table are no holders of their own
	run listed '[.dmabufs[].processes[] | select(.comm == "mkbufs-thread")] | length'
	assert_output 1
}

@test "list reads no /proc/PID/fd where the task iterators run" {
	local log=$BATS_TEST_TMPDIR/strace
	strace -f -qq -y -e trace=openat -o "$log" "$DMABUFCTL" list -J >/dev/null
	run grep -cE '"/proc/[0-9]+/(fd|fdinfo|maps)|, "(fd|maps)"' "$log"
	assert_output 0
}

@test "the procfs path reads fdinfo once at most, and maps only where refcounts say a mapping is" {
	# One fdinfo read learns the dma-buf filesystem's device; every other fd
	# is known by its statx().  --source=procfs reads one per buffer, not per
	# fd (that first one included).  The walk reads "fdinfo/N" under
	# /proc/PID, resolving "PID/fdinfo/N" under /proc.
	local log=$BATS_TEST_TMPDIR/strace
	strace -f -qq -y -e trace=openat -o "$log" "$DMABUFCTL" --source=debugfs,procfs list -J \
		>/dev/null
	run grep -c '[/"]fdinfo/[0-9]*"' "$log"
	assert_output 1
	# maps: only the processes holding fds were read, then refcounts proved
	# every mapping found (mkbufs' three; a thread has no maps of its own)
	local pid holders=0
	for pid in $(listed '[.dmabufs[].processes[].pid] | unique | .[]'); do
		[ "$(awk '/^Tgid:/ { print $2 }' "/proc/$pid/status")" = "$pid" ] && holders=$((holders + 1))
	done
	[ "$holders" = 3 ]
	run grep -c '>, "maps"' "$log"
	assert_output "$holders"
	[ "$(ls -d /proc/[0-9]* | wc -l)" -gt $((holders + 5)) ]
	strace -f -qq -y -e trace=openat -o "$log" "$DMABUFCTL" --source=procfs list -J \
		>"$BATS_TEST_TMPDIR/procfs.json"
	nbufs=$(jq '[.dmabufs[] | select(.processes | length > 0) | select(any(.processes[]; .fds | length > 0))] | length' \
		"$BATS_TEST_TMPDIR/procfs.json")
	nfds=$(jq '[.dmabufs[].processes[].fds[]] | length' "$BATS_TEST_TMPDIR/procfs.json")
	[ "$nfds" -gt "$nbufs" ]
	run grep -c '[/"]fdinfo/[0-9]*"' "$log"
	assert_output "$nbufs"
	# and the same answer as the full listing
	# (buffers held by an fd: one held by a mapping alone has no fdinfo)
	# (GEM handles: the kernel path sees them, procfs does not)
	local held='[.dmabufs[] | select(any(.processes[]; .fds | length > 0)) |
		{inode, size, exporter, name, processes: [.processes[] | del(.gem)]}]'
	run diff <(listed -S "$held") <(jq -S "$held" "$BATS_TEST_TMPDIR/procfs.json")
	assert_success
}

@test "the procfs walk stats each fd once and reads a link only to learn a device" {
	# One statx() per fd, from cached attributes (no NFS or FUSE server is
	# asked); a readlink only for the first fd on each device, per walker
	# (two threads walk), never one per fd.  And every fd is still found.
	local log=$BATS_TEST_TMPDIR/strace nstat nlink ndev
	strace -f -qq -e trace=statx,readlinkat -o "$log" "$DMABUFCTL" --source=debugfs,procfs \
		list -J >"$BATS_TEST_TMPDIR/procfs.json"
	nstat=$(grep -c 'statx(.*AT_STATX_DONT_SYNC' "$log")
	nlink=$(grep -c 'readlinkat(' "$log")
	ndev=$(stat -L -c %d /proc/[0-9]*/fd/* 2>/dev/null | sort -u | wc -l)
	echo "# statx $nstat, readlinkat $nlink, devices $ndev" >&3
	[ "$nstat" -ge 100 ]
	[ "$nlink" -le $((2 * ndev)) ]
	local fds='[.dmabufs[] | {inode, fds: [.processes[] | {pid, fds}]}]'
	run diff <(listed -S "$fds") <(jq -S "$fds" "$BATS_TEST_TMPDIR/procfs.json")
	assert_success
}

# ---- show ------------------------------------------------------------------

@test "show INODE -J: the mapped, dup'd heap buffer in full" {
	ino=$(inode_named camera)
	run --separate-stderr "$DMABUFCTL" show "$ino" -J
	assert_success
	printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/show.json"
	run jq -r '"\(.inode) \(.size) \(.exporter) \(.name) \(.refcount)"' "$BATS_TEST_TMPDIR/show.json"
	assert_output "$ino 262144 system camera 4"
	pid=$(made --argjson i "$ino" '.[] | select(.inode == $i) | .processes[0].pid')
	fds=$(made --argjson i "$ino" '.[] | select(.inode == $i) | .processes[0].fds | join(",")')
	run jq -r '.processes[] | "\(.pid) \(.fds | join(",")) \(.mappings) \(.maps | length)"' \
		"$BATS_TEST_TMPDIR/show.json"
	assert_output "$pid $fds 1 1"
	# the mapping is the one in the holder's maps, address for address
	run jq -r '.processes[0].maps[0] | "\(.start | ltrimstr("0x"))-\(.end | ltrimstr("0x")) \(.perms)"' \
		"$BATS_TEST_TMPDIR/show.json"
	want=$(awk -v i="$ino" '$5 == i && $6 ~ /^\/dmabuf:/ { print $1, $2 }' "/proc/$pid/maps")
	assert_output "$want"
	run jq -r '.processes[0].maps[0] | "\(.start) \(.end) \(.offset)"' "$BATS_TEST_TMPDIR/show.json"
	read -r start end offset <<<"$output"
	[ "$((end - start))" = 262144 ]
	[ "$offset" = 0 ]
}

@test "show INODE (text) and show of an unknown inode" {
	ino=$(inode_named maponly)
	run --separate-stderr "$DMABUFCTL" show "$ino"
	assert_success
	assert_line --regexp '^exporter +udmabuf$'
	assert_line --regexp '^name +maponly$'
	assert_line --partial '16K'
	run --separate-stderr "$DMABUFCTL" show 999999999
	assert_failure
	[ -n "$stderr" ]
}

# ---- procs -----------------------------------------------------------------

@test "procs -J: buffers, RSS and PSS per process; forked sharing halves PSS" {
	# what procs should say, from mkbufs alone: rss = sum of sizes,
	# pss = sum of size / holders
	made -S '[.[] | .size as $s | (.processes | length) as $n | .processes[] |
		{pid, size: $s, share: ($s / $n)}] | group_by(.pid) |
		map({pid: .[0].pid, buffers: length, rss: (map(.size) | add),
		     pss: (map(.share) | add)}) | sort_by(.pid)' >"$BATS_TEST_TMPDIR/want"
	jq -S '[.processes[] | {pid, buffers, rss, pss}] | sort_by(.pid)' \
		"$BATS_FILE_TMPDIR/procs.json" >"$BATS_TEST_TMPDIR/got"
	run diff -u "$BATS_TEST_TMPDIR/want" "$BATS_TEST_TMPDIR/got"
	assert_success
	ino=$(inode_named shared)
	child=$(made --argjson i "$ino" '.[] | select(.inode == $i) | .processes[1].pid')
	run jq -r --argjson p "$child" '.processes[] | select(.pid == $p) | "\(.buffers) \(.rss) \(.pss)"' \
		"$BATS_FILE_TMPDIR/procs.json"
	assert_output "1 131072 65536"
}

@test "procs: a vgem import whose fd is closed is held by GEM handle; procfs alone sees no holder" {
	modprobe -q vgem || true	# built in on the test kernel
	d=$BATS_TEST_TMPDIR
	start_helper "$d" vgem "$TESTS_HELPERS/dmabuf-vgem" --size 64K
	ino=$(sed -n 's/^inode=\([0-9]*\) .*/\1/p' "$d/vgem.out")
	device=$(sed -n 's/.* device=\([^ ]*\) .*/\1/p' "$d/vgem.out")
	vpid=$(sed -n 's/.* pid=\([0-9]*\) .*/\1/p' "$d/vgem.out")
	[ -n "$ino" ] && [ -n "$device" ] && [ -n "$vpid" ]
	run tell_helper "$d" vgem close
	assert_output ok
	run --separate-stderr "$DMABUFCTL" list -J
	assert_success
	printf '%s\n' "$output" >"$d/list.json"
	run jq -r --argjson i "$ino" '.dmabufs[] | select(.inode == $i) |
		"\(.size) \(.processes | length) \(.attachments | length) \(.refcount)"' "$d/list.json"
	read -r size holders attached refcount <<<"$output"
	[ "$size $holders $attached" = "65536 1 1" ]
	run jq -r --argjson i "$ino" '.dmabufs[] | select(.inode == $i) | .attachments[0] | tostring' "$d/list.json"
	assert_output --partial "\"$device\""
	# the importer holds it by its GEM handle, with no fd nor mapping
	run jq -c --argjson i "$ino" '.dmabufs[] | select(.inode == $i) | .processes[] |
		[.pid, .comm, .fds, .mappings, [.gem[] | .driver]]' "$d/list.json"
	assert_output "[$vpid,\"dmabuf-vgem\",[],0,[\"vgem\"]]"
	run --separate-stderr "$DMABUFCTL" procs -J
	assert_success
	run jq -r '"\(.unattributed.buffers) \(.unattributed.bytes)"' <<<"$output"
	assert_output "0 0"
	# procfs cannot see it: held by no process there, on its own row
	run --separate-stderr "$DMABUFCTL" --source=debugfs,procfs procs -J
	assert_success
	run jq -r '"\(.unattributed.buffers) \(.unattributed.bytes)"' <<<"$output"
	assert_output "1 65536"
	run --separate-stderr "$DMABUFCTL" --source=debugfs,procfs procs
	assert_success
	assert_line --regexp '^ +- +\(no process\) +1 +64K( |$)'
	# the kernel agrees: still there, attached, the same file refcount
	run awk -F'\t' -v i="$ino" '($6 + 0) == i { print $1 + 0, $4 + 0 }' "$BUFINFO"
	assert_output "65536 $refcount"
}

# ---- without root --------------------------------------------------------

@test "list as nobody: lists what it can read, warns how many processes it could not, exit 0" {
	d=$BATS_TEST_TMPDIR
	chmod 0666 /dev/udmabuf
	start_helper "$d" nobody setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$TESTS_HELPERS/mkbufs" 'udmabuf:12K:nobodys'
	pid=$(sed -n 's/.* pid=\([0-9]*\) role=main .*/\1/p' "$d/nobody.out")
	ino=$(sed -n 's/^inode=\([0-9]*\) .*/\1/p' "$d/nobody.out")
	run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$DMABUFCTL" list -J
	assert_success
	printf '%s\n' "$output" >"$d/list.json"
	# exactly nobody's buffer: root's are unreadable
	run jq -r '.dmabufs[] | "\(.inode) \(.size) \(.name) \(.processes[0].pid)"' "$d/list.json"
	assert_output "$ino 12288 nobodys $pid"
	run jq -r '.warnings[]' "$d/list.json"
	assert_line --regexp '^[1-9][0-9]* processes could not be read'
	n=$(grep -o '^[0-9]* processes could not be read' <<<"$output" | grep -o '^[0-9]*')
	# at least root's mkbufs, its two children and PID 1
	[ "$n" -ge 4 ]
	[[ "$stderr" == *"processes could not be read"* ]]
	run --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups "$DMABUFCTL" list
	assert_success
	assert_line --regexp "^ *$ino +12K +udmabuf +nobodys "
}

#!/usr/bin/env bats
# Holders found in the kernel (the BPF task_file and task_vma iterators)
# against holders found in /proc, on every kernel the harness boots: the
# same JSON for every shape mkbufs makes, GEM handles of vgem imports,
# cgroups of holders placed in made-up cgroups, processes exiting while the
# iterators run, and the pins in bpffs.  Runs in the guest as root.
load ../common

BUFINFO=/sys/kernel/debug/dma_buf/bufinfo
CG=/sys/fs/cgroup/dmabufctl-holders
SPECS=(
	'udmabuf:64K:plain'
	'heap:256K:camera,dup=2,map'
	'udmabuf:128K:shared,fork'
	'udmabuf:32K:passed,scm'
	'udmabuf:24K:threaded,thread'
	'udmabuf:16K:maponly,maponly'
	'udmabuf:8K:mapped shared,map,fork'
	'udmabuf:4K:small,many=20'
)
# The procfs path: what a system without BPF takes.
PROCFS=(--source=debugfs,procfs)

# in_cgroup DIR CMD...: run CMD in cgroup DIR (children and threads follow).
in_cgroup() {
	local dir=$1
	shift
	sh -c 'echo $$ >"$0/cgroup.procs" && exec "$@"' "$dir" "$@"
}

setup_file() {
	local d=$BATS_FILE_TMPDIR
	[ "$(id -u)" = 0 ] || { echo "needs root (run in the guest)" >&2; return 1; }
	mkdir -p "$CG/a" "$CG/b"
	start_helper "$d" mkbufs in_cgroup "$CG/a" "$TESTS_HELPERS/mkbufs" "${SPECS[@]}"
	"$SRCDIR/tests/helpers/mkbufs-json" <"$d/mkbufs.out" >"$d/made.json"
	"$DMABUFCTL" unpin >/dev/null
	"$DMABUFCTL" list -J >"$d/bpf.json" 2>"$d/bpf.err"
	"$DMABUFCTL" "${PROCFS[@]}" list -J >"$d/procfs.json" 2>"$d/procfs.err"
}

teardown_file() {
	stop_helper "$BATS_FILE_TMPDIR" mkbufs
	"$DMABUFCTL" unpin >/dev/null || true
	rmdir "$CG/a" "$CG/b" "$CG" 2>/dev/null || true
}

teardown() {
	[ -z "${BATS_TEST_TMPDIR:-}" ] && return 0
	stop_helper "$BATS_TEST_TMPDIR" vgem
	[ -z "${CHURN:-}" ] || { kill "$CHURN" 2>/dev/null; wait "$CHURN" 2>/dev/null || true; }
	chmod 0700 /sys/fs/bpf/dmabufctl 2>/dev/null || true
}

made() { jq -r "$@" "$BATS_FILE_TMPDIR/made.json"; }
inode_named() { made --arg n "$1" 'map(select((.name // "") == $n)) | .[0].inode'; }

# ours FILE: FILE's JSON for mkbufs' buffers, as both paths must give it
# (sources, skipped and the GEM handles only the kernel sees left out).
ours() {
	jq -S --slurpfile made "$BATS_FILE_TMPDIR/made.json" '
		[$made[0][].inode] as $ours | del(.sources, .skipped)
		| .dmabufs |= map(select(.inode as $i | $ours | index($i))
			| .processes |= map(del(.gem)))' "$1"
}

@test "the task iterators found the holders, with no warning" {
	cat "$BATS_FILE_TMPDIR/bpf.err"
	run jq -c '[.sources[] | select(startswith("task_"))], .warnings' "$BATS_FILE_TMPDIR/bpf.json"
	assert_output $'["task_file","task_vma"]\n[]'
	run jq -c '[.skipped[] | select(.source == "procfs" or .source == "maps") | .reason]' \
		"$BATS_FILE_TMPDIR/bpf.json"
	assert_output '["not needed: the task_file iterator found every fd","not needed: the task_vma iterator found every mapping"]'
	run jq -c '.sources' "$BATS_FILE_TMPDIR/procfs.json"
	assert_output '["debugfs","procfs","maps"]'
}

@test "list -J: the BPF path and the procfs path give the same JSON for every shape" {
	# fds and dups, fork-inherited fds and maps, SCM_RIGHTS, a thread with its
	# own fd table, map-only holders, cgroups: all of it, byte for byte
	run diff -u <(ours "$BATS_FILE_TMPDIR/procfs.json") <(ours "$BATS_FILE_TMPDIR/bpf.json")
	assert_success
	# and what mkbufs made
	run diff -u <(jq -S . "$BATS_FILE_TMPDIR/made.json") \
		<(ours "$BATS_FILE_TMPDIR/bpf.json" | jq -S '.dmabufs | map({inode, size, exporter,
			name, processes: [.processes[] | {pid, fds, mappings}]})')
	assert_success
	[ "$(made length)" -ge 27 ]
	# the procfs path's two walkers read the holders' maps ahead, the
	# second after bufinfo; on one CPU all comes after the walk: same JSON
	run diff -u <(ours "$BATS_FILE_TMPDIR/procfs.json") \
		<(ours <(taskset -c 0 "$DMABUFCTL" "${PROCFS[@]}" list -J))
	assert_success
	# /proc alone (no bufinfo): the same holders, maps read ahead beside fdinfo
	run diff -u <(ours "$BATS_FILE_TMPDIR/procfs.json" | jq '.dmabufs | map({inode, processes})') \
		<(ours <("$DMABUFCTL" --source=procfs list -J) | jq '.dmabufs | map({inode, processes})')
	assert_success
	run sh -c 'DMABUFCTL_DEBUG=1 "$@" 2>&1 >/dev/null | grep -c "maps (read ahead)"' sh \
		"$DMABUFCTL" "${PROCFS[@]}" list -J
	assert_output 1
	run sh -c 'DMABUFCTL_DEBUG=1 taskset -c 0 "$@" 2>&1 >/dev/null | grep -c "read ahead"' \
		sh "$DMABUFCTL" "${PROCFS[@]}" list -J
	assert_output 0
	# the thread holds under its TID, named as /proc names it
	run jq -r --argjson i "$(inode_named threaded)" '.dmabufs[] | select(.inode == $i) |
		[.processes[].comm] | join(" ")' "$BATS_FILE_TMPDIR/bpf.json"
	assert_output "mkbufs mkbufs-thread"
}

@test "procfs path: bufinfo read beside the walk, a count holding a walker's reference read again" {
	local d=$BATS_TEST_TMPDIR ino
	# on two CPUs the second walker reads bufinfo first; on one, after the walk
	DMABUFCTL_DEBUG=1 "$DMABUFCTL" "${PROCFS[@]}" list -J >/dev/null 2>"$d/two.err"
	run grep -c "debugfs, beside the walk" "$d/two.err"
	assert_output 1
	DMABUFCTL_DEBUG=1 taskset -c 0 "$DMABUFCTL" "${PROCFS[@]}" list -J >/dev/null 2>"$d/one.err"
	run grep -c "beside the walk" "$d/one.err"
	assert_output 0
	# a walker's transient reference counted by bufinfo (proc_fd_link()),
	# made certain: the count is read again through fdinfo after the walk
	ino=$(inode_named plain)
	DMABUFCTL_FAULT_REFCOUNT=$ino DMABUFCTL_DEBUG=1 "$DMABUFCTL" "${PROCFS[@]}" list -J \
		>"$d/fault.json" 2>"$d/fault.err"
	run grep -E "refcounts read again after the walk: [1-9]" "$d/fault.err"
	assert_success
	run jq --argjson i "$ino" '.dmabufs[] | select(.inode == $i) | .refcount' "$d/fault.json"
	assert_output "$(jq --argjson i "$ino" '.dmabufs[] | select(.inode == $i) | .refcount' \
		"$BATS_FILE_TMPDIR/bpf.json")"
	run diff -u <(ours "$BATS_FILE_TMPDIR/bpf.json") <(ours "$d/fault.json")
	assert_success
	# with one CPU nothing runs beside the walk: nothing is read again
	run grep -c "read again" "$d/one.err"
	assert_output 0
}

@test "show -J, procs -J and list -p: the same both ways" {
	local ino pid
	for ino in $(inode_named camera) $(inode_named 'mapped shared') $(inode_named maponly) \
		$(inode_named threaded); do
		run -0 --separate-stderr "$DMABUFCTL" show -J "$ino"
		echo "$output" | jq -S 'del(.sources, .skipped) | .processes |= map(del(.gem))' \
			>"$BATS_TEST_TMPDIR/bpf"
		run -0 --separate-stderr "$DMABUFCTL" "${PROCFS[@]}" show -J "$ino"
		echo "$output" | jq -S 'del(.sources, .skipped) | .processes |= map(del(.gem))' \
			>"$BATS_TEST_TMPDIR/procfs"
		run diff -u "$BATS_TEST_TMPDIR/procfs" "$BATS_TEST_TMPDIR/bpf"
		assert_success
	done
	# a mapping in full: addresses, offset, permissions
	run -0 --separate-stderr "$DMABUFCTL" show -J "$(inode_named camera)"
	run jq -r '.processes[0].maps[0] | "\(.start) \(.end) \(.offset) \(.perms)"' <<<"$output"
	[[ $output == "0x"*" 0x"*" 0 rw-s" ]] || fail "no mapping: $output"
	run -0 --separate-stderr "$DMABUFCTL" procs -J
	jq -S 'del(.sources, .skipped)' <<<"$output" >"$BATS_TEST_TMPDIR/bpf"
	[ "$(jq '.processes | length' "$BATS_TEST_TMPDIR/bpf")" -ge 5 ]
	run -0 --separate-stderr "$DMABUFCTL" "${PROCFS[@]}" procs -J
	jq -S 'del(.sources, .skipped)' <<<"$output" >"$BATS_TEST_TMPDIR/procfs"
	run diff -u "$BATS_TEST_TMPDIR/procfs" "$BATS_TEST_TMPDIR/bpf"
	assert_success
	pid=$(made --argjson i "$(inode_named shared)" '.[] | select(.inode == $i) | .processes[1].pid')
	run -0 --separate-stderr "$DMABUFCTL" list -J -p "$pid"
	ours <(echo "$output") >"$BATS_TEST_TMPDIR/bpf"
	run -0 --separate-stderr "$DMABUFCTL" "${PROCFS[@]}" list -J -p "$pid"
	ours <(echo "$output") >"$BATS_TEST_TMPDIR/procfs"
	run diff -u "$BATS_TEST_TMPDIR/procfs" "$BATS_TEST_TMPDIR/bpf"
	assert_success
	# every buffer it holds (what it inherited at the fork too), and no other
	assert_equal "$(jq -c '[.dmabufs[].inode] | sort' "$BATS_TEST_TMPDIR/bpf")" \
		"$(made -c --argjson p "$pid" '[.[] | select(any(.processes[]; .pid == $p)) | .inode] | sort')"
	[ "$(jq '.dmabufs | length' "$BATS_TEST_TMPDIR/bpf")" -ge 1 ]
}

@test "cgroups: every holder's made-up cgroup, per process and per group" {
	local d=$BATS_TEST_TMPDIR
	start_helper "$d" vgem in_cgroup "$CG/b" "$TESTS_HELPERS/dmabuf-vgem" --size 32K
	vpid=$(sed -n 's/.* pid=\([0-9]*\) .*/\1/p' "$d/vgem.out")
	run -0 --separate-stderr "$DMABUFCTL" list -J
	printf '%s\n' "$output" >"$d/list.json"
	# mkbufs, its forked and SCM children and its thread: a; vgem: b
	run jq -r '[.dmabufs[].processes[] | "\(.comm) \(.cgroup)"] | unique | .[]' "$d/list.json"
	assert_output $'dmabuf-vgem /dmabufctl-holders/b\nmkbufs /dmabufctl-holders/a\nmkbufs-thread /dmabufctl-holders/a'
	assert_equal "$(cat "/proc/$vpid/cgroup")" "0::/dmabufctl-holders/b"
	run -0 --separate-stderr "$DMABUFCTL" procs --by cgroup -J
	printf '%s\n' "$output" >"$d/groups.json"
	# a: every mkbufs buffer once; b: the vgem buffer
	want="$(made '[.[].processes[].pid] | unique | length') $(made length) $(made '[.[].size] | add')"
	run jq -r '.groups[] | "\(.cgroup) \(.processes) \(.buffers) \(.rss)"' "$d/groups.json"
	assert_output "/dmabufctl-holders/a $want
/dmabufctl-holders/b 1 1 32768"
	# every holder's PSS is its group's: the groups' PSS adds up
	run -0 --separate-stderr "$DMABUFCTL" procs -J
	run jq -r --slurpfile g "$d/groups.json" '([.processes[].pss] | add) == ([$g[0].groups[].pss] | add)' <<<"$output"
	assert_output true
	run -0 --separate-stderr "$DMABUFCTL" "${PROCFS[@]}" procs --by cgroup -J
	assert_equal "$(jq -c '.groups' <<<"$output")" "$(jq -c '.groups' "$d/groups.json")"
	run -0 --separate-stderr "$DMABUFCTL" procs --by cgroup
	assert_line --regexp '^/dmabufctl-holders/b +1 +1 +32K +32K$'
}

@test "GEM handles: a vgem import is held by the importer, with and without its fd" {
	local d=$BATS_TEST_TMPDIR
	start_helper "$d" vgem "$TESTS_HELPERS/dmabuf-vgem" --size 64K
	line=$(head -n 1 "$d/vgem.out")
	ino=$(field inode "$line")
	vpid=$(field pid "$line")
	handle=$(field handle "$line")
	node=$(field node "$line")
	fd=$(field fd "$line")
	run -0 --separate-stderr "$DMABUFCTL" list -J
	run jq -c --argjson i "$ino" '.dmabufs[] | select(.inode == $i) | .processes' <<<"$output"
	echo "$output"
	jq -e --argjson p "$vpid" --argjson h "$handle" --arg n "${node##*/}" --argjson fd "$fd" 'length == 1 and
		.[0].pid == $p and .[0].fds == [$fd] and
		(.[0].gem | length == 1 and .[0].handle == $h and .[0].node == $n and
		 .[0].driver == "vgem" and .[0].device == "vgem" and
		 (.[0].fd | type == "number"))' <<<"$output" >/dev/null
	gemfd=$(jq '.[0].gem[0].fd' <<<"$output")
	# the DRM fd is the holder's, open on that node
	assert_equal "$(readlink "/proc/$vpid/fd/$gemfd")" "$node"
	run -0 --separate-stderr "$DMABUFCTL" show "$ino"
	assert_line --regexp "^  dmabuf-vgem\[$vpid\]  by fd, gem  fds $fd  maps 0  gem 1( |$)"
	assert_line "    gem handle $handle on ${node##*/} (driver vgem, device vgem) through fd $gemfd"
	# imported again: the same handle (the file's PRIME cache), counted once
	run tell_helper "$d" vgem import
	assert_output "ok handle=$handle"
	run -0 --separate-stderr "$DMABUFCTL" list -J "$ino"
	assert_equal "$(jq '.dmabufs[0].processes[0].gem | length' <<<"$output")" 1
	# its fd closed, only the GEM handle holds it
	run tell_helper "$d" vgem close
	assert_output ok
	run -0 --separate-stderr "$DMABUFCTL" list -o INODE,PROCESSES,GEM -r -n "$ino"
	assert_output "$ino dmabuf-vgem[$vpid] 1"
	run -0 --separate-stderr "$DMABUFCTL" show "$ino"
	assert_line --regexp "^  dmabuf-vgem\[$vpid\]  by gem  fds none  maps 0  gem 1( |$)"
	run -0 --separate-stderr "$DMABUFCTL" procs -J -p "$vpid"
	assert_equal "$(jq -c '.processes | map([.buffers, .rss])' <<<"$output")" '[[1,65536]]'
	# released: the last reference goes, and the buffer with it
	run tell_helper "$d" vgem release
	assert_output "ok handle=$handle"
	run -2 --separate-stderr "$DMABUFCTL" list -J "$ino"
}

@test "processes exiting while the iterators run: every run whole, nothing garbled" {
	# Short-lived processes making buffers, mapping them, forking and
	# threading, as fast as the guest runs them (for 5 minutes at most;
	# fd 3 closed, or bats would wait for it).
	(
		end=$((SECONDS + 300))
		while [ "$SECONDS" -lt "$end" ]; do
			"$TESTS_HELPERS/mkbufs" 'udmabuf:4K:churn,many=4,map,fork' \
				'udmabuf:4K:churnt,thread' </dev/null >/dev/null 2>&1
		done
	) 3>&- &
	CHURN=$!
	sleep 1
	local keep nth
	keep=$(made '[.[].inode] | unique | length')
	# (not "i": bats' run sets it)
	for nth in $(seq 15); do
		run -0 --separate-stderr "$DMABUFCTL" list -J
		[ -z "$stderr" ] || fail "run $nth: $stderr"
		jq -e '.warnings == [] and (.sources | index("task_file")) != null' <<<"$output" \
			>/dev/null || fail "run $nth: $(jq -c '.warnings, .sources' <<<"$output")"
		# every buffer of the steady mkbufs, every time
		ours <(echo "$output") | jq -e --argjson n "$keep" '.dmabufs | length == $n' >/dev/null ||
			fail "run $nth: mkbufs' buffers missing"
	done
	kill "$CHURN"
	wait "$CHURN" || true
	CHURN=
}

@test "pins: private, read by later runs, another version replaced, --no-pin, unpin" {
	local root=/sys/fs/bpf/dmabufctl ver
	run -0 "$DMABUFCTL" unpin
	[ ! -e "$root" ]
	run -0 --separate-stderr "$DMABUFCTL" --no-pin list -J
	[ ! -e "$root" ]
	# another version, and the unfinished set of a run that is gone
	# (mkdir -p would make the root 0755, which no run trusts)
	mkdir -m 0700 "$root" "$root/0123456789abcdef" "$root/new-999999"
	DMABUFCTL_DEBUG=1 "$DMABUFCTL" list -J >"$BATS_TEST_TMPDIR/1.json" 2>"$BATS_TEST_TMPDIR/1.err"
	grep -q 'iterators: load and read' "$BATS_TEST_TMPDIR/1.err"
	run ls "$root"
	assert_equal "${#lines[@]}" 1
	ver=${lines[0]}
	[[ $ver =~ ^[0-9a-f]{16}(-dev)?$ ]] || fail "version $ver"
	run stat -c '%a %U %n' "$root" "$root/$ver" "$root/$ver"/*
	echo "$output"
	assert_line "700 root $root"
	assert_line "700 root $root/$ver"
	assert_line "600 root $root/$ver/task_file"
	assert_line "600 root $root/$ver/task_vma"
	if [ "$(kernel_major)" -ge 7 ]; then
		assert_line "600 root $root/$ver/dmabuf"
	fi
	# the next run reads them, and says the same
	DMABUFCTL_DEBUG=1 "$DMABUFCTL" list -J >"$BATS_TEST_TMPDIR/2.json" 2>"$BATS_TEST_TMPDIR/2.err"
	grep -q 'iterators: read from pins' "$BATS_TEST_TMPDIR/2.err"
	run diff <(ours "$BATS_TEST_TMPDIR/1.json") <(ours "$BATS_TEST_TMPDIR/2.json")
	assert_success
	# as private as /proc: nobody else opens them
	run setpriv --reuid=65534 --regid=65534 --clear-groups cat "$root/$ver/task_file"
	assert_failure
	# a directory that is not private is neither read nor replaced
	chmod 0755 "$root"
	DMABUFCTL_DEBUG=1 "$DMABUFCTL" list -J >"$BATS_TEST_TMPDIR/3.json" 2>"$BATS_TEST_TMPDIR/3.err"
	grep -q 'iterators: load and read' "$BATS_TEST_TMPDIR/3.err"
	grep -q "$root is not private" "$BATS_TEST_TMPDIR/3.err"
	run diff <(ours "$BATS_TEST_TMPDIR/1.json") <(ours "$BATS_TEST_TMPDIR/3.json")
	assert_success
	chmod 0700 "$root"
	run -0 "$DMABUFCTL" unpin
	if [ "$(kernel_major)" -ge 7 ]; then
		assert_output "removed 3 pinned iterators from $root"
	else
		assert_output "removed 2 pinned iterators from $root"
	fi
	[ ! -e "$root" ]
	run -0 "$DMABUFCTL" unpin
	assert_output "nothing pinned in $root"
}

@test "without root: the procfs path, the BPF iterators skipped as before" {
	run -0 --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$DMABUFCTL" list -J
	assert_equal "$(jq -c '.sources' <<<"$output")" '["procfs","maps"]'
	assert_equal "$(jq -c '[.skipped[] | select(.source | test("bpf|task")) | [.source, .reason]]' <<<"$output")" \
		'[["bpf","not root"],["task_file","not root"],["task_vma","not root"]]'
	[[ $stderr == *"processes could not be read"* ]] || fail "$stderr"
}

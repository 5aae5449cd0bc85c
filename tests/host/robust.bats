#!/usr/bin/env bats
# Hostile and broken input: what a replayed tree (or a racing process) can
# put where a kernel file is expected must not hang, crash, grow memory
# without bound, print a wrong total or reach the terminal raw.  Each tree
# is made here, tiny, from one process (pid 10, fd 3) holding one buffer.
# Crashes the fuzzers found live in tests/fixtures/fuzz/ (replayed below).
load common

# A tree: $T/proc/10/{comm,fd/3,fdinfo/3,maps} and debugfs bufinfo with
# buffer 7 (4 KiB, udmabuf, name "a"), refcount 2: the fd and a mapping.
mktree() {
	T=$BATS_TEST_TMPDIR/tree
	rm -rf "$T"
	mkdir -p "$T/proc/10/fd" "$T/proc/10/fdinfo" "$T/sys/kernel/debug/dma_buf"
	printf 'app\n' >"$T/proc/10/comm"
	ln -s /dmabuf:a "$T/proc/10/fd/3"
	printf 'pos:\t0\nflags:\t02\nmnt_id:\t16\nino:\t7\nsize:\t4096\ncount:\t2\nexp_name:\tudmabuf\nname:\ta\n' \
		>"$T/proc/10/fdinfo/3"
	printf '7f0000000000-7f0000001000 rw-s 00000000 00:0f 7    /dmabuf:a\n' >"$T/proc/10/maps"
	bufinfo_rows '00004096\t00000002\t00080007\t00000002\tudmabuf\t00000007\ta\n'
}

# bufinfo made of the header, the given rows (printf format) and the total.
bufinfo_rows() {
	{
		printf '\nDma-buf Objects:\nsize    \tflags   \tmode    \tcount   \texp_name\tino     \tname\n'
		# shellcheck disable=SC2059
		printf "$1"
		printf '\nTotal %d objects, 0 bytes\n' "${2:-1}"
	} >"$T/sys/kernel/debug/dma_buf/bufinfo"
}

# Run a command on $T with a watchdog: a read that blocks fails the test
# instead of hanging the suite.
on_tree() {
	run --separate-stderr timeout 60 "$DMABUFCTL" "$@" --sysroot "$T"
}

jq_is() {
	local got
	got=$(jq -c "$1" <<<"$output")
	assert_equal "$got" "$2"
}

@test "the tree made here lists as expected (the base of every case below)" {
	mktree
	on_tree list -J
	assert_success
	jq_is '[.dmabufs[] | [.inode, .size, .exporter, .name, .refcount]]' '[[7,4096,"udmabuf","a",2]]'
	jq_is '.dmabufs[0].processes' '[{"pid":10,"comm":"app","fds":[3],"mappings":1,"gem":null,"cgroup":null}]'
	jq_is '.warnings' '[]'
}

@test "an empty bufinfo and buffers held by no process: empty sets are fine" {
	mktree
	: >"$T/sys/kernel/debug/dma_buf/bufinfo"
	rm -r "$T/proc/10"
	on_tree list -J
	assert_success
	jq_is '.dmabufs' '[]'
	jq_is '.totals' '{"buffers":0,"bytes":0,"unattributed_bytes":0}'
	jq_is '.warnings' '["debugfs: bufinfo ends early (no \"Total N objects\" line)"]'
	mktree
	rm -r "$T/proc/10"
	on_tree procs -J
	assert_success
	jq_is '[.processes, .unattributed]' '[[],{"buffers":1,"bytes":4096}]'
}

@test "a FIFO in place of comm, fdinfo or maps is refused, never waited on" {
	local f
	for f in comm fdinfo/3 maps; do
		mktree
		rm "$T/proc/10/$f"
		mkfifo "$T/proc/10/$f"
		on_tree list -J
		assert_success
		case $f in
		comm)
			jq_is '.dmabufs[0].processes[0] | [.pid, .comm]' '[10,null]'
			jq_is '.warnings' '[]' ;;
		fdinfo/3)
			jq_is '.warnings' '["procfs: 1 fdinfo file ignored: proc/10/fdinfo/3: not a regular file"]'
			# debugfs still names the buffer; the fd is not attributed
			jq_is '[.dmabufs[0].inode, .dmabufs[0].processes[0].fds]' '[7,[]]' ;;
		maps)
			jq_is '.warnings' '["maps: 1 maps file ignored: proc/10/maps: not a regular file"]' ;;
		esac
	done
}

@test "a symlink to /dev/zero in place of a kernel file is refused, not read" {
	local f
	for f in proc/10/comm proc/10/fdinfo/3 proc/10/maps sys/kernel/debug/dma_buf/bufinfo; do
		mktree
		rm "$T/$f"
		ln -s /dev/zero "$T/$f"
		on_tree list -J
		assert_success
		case $f in
		*comm) jq_is '.dmabufs[0].processes[0].comm' 'null' ;;
		*fdinfo/3) jq_is '.warnings' '["procfs: 1 fdinfo file ignored: proc/10/fdinfo/3: not a regular file"]' ;;
		*maps) jq_is '.warnings' '["maps: 1 maps file ignored: proc/10/maps: not a regular file"]' ;;
		*bufinfo) jq_is '.warnings' '["debugfs: '"$T"'/sys/kernel/debug/dma_buf/bufinfo: not a regular file"]' ;;
		esac
	done
}

@test "a bufinfo read that does not return is given up after 2 s; the fd walk still lists" {
	# stall-read.so blocks bufinfo's read() as a held reservation lock
	# does, until a signal.  ASan's link-order check would refuse it.
	local t0
	mktree
	t0=$SECONDS
	LD_PRELOAD=$UNIT/stall-read.so \
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}verify_asan_link_order=0 \
		on_tree list -J
	assert_success
	((SECONDS - t0 < 30)) || fail "list took $((SECONDS - t0)) s"
	jq_is '[.sources, [.skipped[] | select(.source == "debugfs") | .reason]]' \
		"[[\"procfs\",\"maps\"],[\"no answer within 2 s (a buffer's reservation lock is held)\"]]"
	jq_is '[.dmabufs[] | [.inode, .exporter, (.processes | map(.pid))]]' '[[7,"udmabuf",[10]]]'
	# The same tree without the library: bufinfo is read.
	on_tree list -J
	assert_success
	jq_is '[.sources, [.skipped[] | select(.source == "debugfs")]]' '[["debugfs","procfs","maps"],[]]'
}

@test "a directory in place of a kernel file is refused" {
	mktree
	rm "$T/proc/10/maps"
	mkdir "$T/proc/10/maps"
	on_tree list -J
	assert_success
	jq_is '.warnings' '["maps: 1 maps file ignored: proc/10/maps: not a regular file"]'
}

@test "files larger than any kernel's are refused with a warning (sparse, no disk)" {
	mktree
	truncate -s 65M "$T/proc/10/maps"
	truncate -s 65K "$T/proc/10/fdinfo/3"
	on_tree list -J
	assert_success
	jq_is '.warnings' '["procfs: 1 fdinfo file ignored: proc/10/fdinfo/3: larger than a kernel file can be","maps: 1 maps file ignored: proc/10/maps: larger than a kernel file can be"]'
	mktree
	truncate -s 65M "$T/sys/kernel/debug/dma_buf/bufinfo"
	on_tree list -J
	assert_success
	jq_is '.skipped[] | select(.source == "debugfs") | .reason' \
		"\"$T/sys/kernel/debug/dma_buf/bufinfo: larger than a kernel file can be\""
}

@test "a replayed file that says it is larger than the bound is refused unread; kernel files that say 0 are read" {
	truncate -s 65M "$BATS_TEST_TMPDIR/sparse"
	run -0 "$UNIT/read-bounded" "$BATS_TEST_TMPDIR/sparse" $((64 << 20))
	assert_line -n 0 "error: larger than a kernel file can be"
	[[ ${lines[1]} =~ ^read\ ([0-9]+)$ ]] || fail "no read count: ${lines[1]}"
	((BASH_REMATCH[1] < 4096)) || fail "read ${BASH_REMATCH[1]} bytes of a file it refuses"
	# Exactly the bound is read whole; one byte more is not.
	truncate -s 64K "$BATS_TEST_TMPDIR/sparse"
	run -0 "$UNIT/read-bounded" "$BATS_TEST_TMPDIR/sparse" $((64 << 10))
	assert_line -n 0 "ok 65536"
	run -0 "$UNIT/read-bounded" "$BATS_TEST_TMPDIR/sparse" $(((64 << 10) - 1))
	assert_line -n 0 "error: larger than a kernel file can be"
	# procfs says 0 bytes for a file that has more: size is no bound there.
	run -0 "$UNIT/read-bounded" /proc/self/maps $((64 << 20))
	[[ ${lines[0]} =~ ^ok\ [1-9][0-9]*$ ]] || fail "/proc/self/maps: ${lines[0]}"
}

@test "a line longer than any kernel's is skipped with a warning" {
	local long
	mktree
	long=$(head -c 40000 /dev/zero | tr '\0' x)
	bufinfo_rows '00004096\t00000002\t00080007\t00000002\tudmabuf\t00000007\ta\n'"$long"'\n'
	printf '%s\n' "$long" >>"$T/proc/10/maps"
	on_tree list -J
	assert_success
	jq_is '.warnings' '["debugfs: 1 bufinfo line longer than 32768 bytes skipped","maps: 1 line longer than 32768 bytes skipped"]'
	jq_is '.dmabufs[0] | [.inode, .name, .processes[0].mappings]' '[7,"a",1]'
}

@test "NUL bytes inside a line end that line, not the file" {
	mktree
	printf '7f0000002000-7f00\0000003000 rw-s 00000000 00:0f 7 /dmabuf:a\n7f0000004000-7f0000005000 rw-s 00000000 00:0f 7    /dmabuf:a\n' \
		>>"$T/proc/10/maps"
	on_tree show -J 7
	assert_success
	jq_is '[.processes[0].maps[].start]' '["0x7f0000000000","0x7f0000004000"]'
}

@test "byte totals saturate at 2^64-1 with a warning, never wrap" {
	mktree
	bufinfo_rows '18446744073709551615\t00000002\t00080007\t00000001\tsystem\t00000008\tbig\n00000002\t00000002\t00080007\t00000001\tsystem\t00000009\tsmall\n00004096\t00000002\t00080007\t00000002\tudmabuf\t00000007\ta\n' 3
	on_tree list -J
	assert_success
	# jq reads numbers as doubles: compare the text
	assert_line --partial '"bytes": 18446744073709551615,'
	assert_line --partial '"unattributed_bytes": 18446744073709551615'
	jq_is '.warnings' '["buffer sizes add up to more than 18446744073709551615 bytes: totals are saturated at that value"]'
	on_tree list -b
	assert_success
	assert_line --regexp '^total: 3 buffers, 18446744073709551615, 18446744073709551615 held by no process$'
	# one process holding the three by mapping: RSS and PSS saturate too
	printf '7f0000002000-7f0000003000 rw-s 00000000 00:0f 8    /dmabuf:big\n7f0000004000-7f0000005000 rw-s 00000000 00:0f 9    /dmabuf:small\n' \
		>>"$T/proc/10/maps"
	on_tree procs -J
	assert_success
	assert_line --partial '"rss": 18446744073709551615,'
	assert_line --partial '"pss": 18446744073709551615'
	jq_is '.warnings' '["buffer sizes add up to more than 18446744073709551615 bytes: totals are saturated at that value"]'
}

@test "50,000 bad bufinfo rows: one warning each, duplicates once" {
	mktree
	# each row claims 2 devices and lists none; buffer 1 comes twice
	awk 'BEGIN {
		printf "\nDma-buf Objects:\nsize    \tflags   \tmode    \tcount   \texp_name\tino     \tname\n"
		for (i = 1; i <= 50000; i++)
			printf "00004096\t00000002\t00080007\t00000001\tsystem\t%08d\t<none>\n\tAttached Devices:\nTotal 2 devices attached\n\n", i
		printf "00004096\t00000002\t00080007\t00000001\tsystem\t%08d\t<none>\n\tAttached Devices:\nTotal 2 devices attached\n\n", 1
		printf "\nTotal 50001 objects, 0 bytes\n"
	}' >"$T/sys/kernel/debug/dma_buf/bufinfo"
	rm -r "$T/proc/10"
	on_tree list -J
	assert_success
	jq_is '[.totals.buffers, (.warnings | length), (.warnings | unique | length)]' '[50000,50000,50000]'
	jq_is '.warnings[0]' '"debugfs: inode 1: 2 devices attached, 0 listed"'
}

@test "show escapes every kernel-provided string; maps with a bogus perms field are no kernel's" {
	local esc=$'\e[31m'
	mktree
	printf 'app%s\n' "$esc" >"$T/proc/10/comm"
	bufinfo_rows '00004096\t00000002\t00080007\t00000002\tudm'"$esc"'\t00000007\tn'"$esc"'\n\tread fence:x'"$esc"' signalled\n\tAttached Devices:\n\tdev'"$esc"'\nTotal 1 devices attached\n'
	printf '7f0000002000-7f0000003000 %s 00000000 00:0f 7    /dmabuf:a\n' "r${esc:0:3}" >>"$T/proc/10/maps"
	on_tree show 7
	assert_success
	[[ $output != *$'\e'* ]] || fail "an escape sequence reached the terminal: $output"
	assert_line 'exporter   udm\x1b[31m'
	assert_line 'name       n\x1b[31m'
	assert_line '  read fence:x\x1b[31m signalled'
	assert_line '  dev\x1b[31m'
	assert_line --regexp '^  app\\x1b\[31m\[10\]  by fd, mapping  fds 3  maps 1$'
	assert_line '    7f0000000000-7f0000001000 rw-s offset 0'
	# JSON keeps exact bytes (escaped by JSON itself); the bogus line is gone
	on_tree show -J 7
	jq_is '[.processes[0].maps[].perms]' '["rw-s"]'
	jq_is '.exporter' '"udm\u001b[31m"'
}

@test "an unknown command is echoed escaped" {
	run -64 --separate-stderr "$DMABUFCTL" $'x\e[2Jy'
	[[ $stderr != *$'\e'* ]] || fail "raw escape on stderr"
	assert_equal "${stderr_lines[0]}" 'dmabufctl: x\x1b[2Jy: unknown command'
}

@test "fdinfo fields that are no kernel's are ignored, not half-parsed" {
	mktree
	printf 'pos:\t0\nflags:\t-1\nino:\t7\nsize:\t4096\ncount:\t-5\nexp_name:\tudmabuf\nrevoked:\tyes\n' \
		>"$T/proc/10/fdinfo/3"
	on_tree show -J 7 --source=procfs
	assert_success
	jq_is '[.inode, .size, .refcount, .flags, .revoked]' '[7,4096,null,null,null]'
}

@test "a memory limit (ulimit -v) gives one clear line and status 1, not a crash" {
	mktree
	# 60 MiB of bufinfo (sparse): the reader needs more than the limit
	truncate -s 60M "$T/sys/kernel/debug/dma_buf/bufinfo"
	if [[ ${DMABUFCTL_SANITIZERS:-no} == *address* ]]; then
		# ASan reserves terabytes of shadow and cannot start under
		# ulimit -v: its allocator's own limit fails the same malloc.
		# An exit on no memory frees nothing: no leak check then, and
		# ASan's own line about the failed allocation is left out.
		export ASAN_OPTIONS=allocator_may_return_null=1:max_allocation_size_mb=32:detect_leaks=0
		run --separate-stderr "$DMABUFCTL" list -J --sysroot "$T"
		stderr=$(grep -v '^==[0-9]*==WARNING: AddressSanitizer failed to allocate' <<<"$stderr")
	else
		run --separate-stderr bash -c 'ulimit -v 40000 && exec "$0" "$@"' \
			"$DMABUFCTL" list -J --sysroot "$T"
	fi
	assert_failure 1
	assert_output ''
	assert_equal "$stderr" 'dmabufctl: memory: allocation failed: Cannot allocate memory'
}

@test "a reader that goes away (| head -1) ends every command quietly, status 0" {
	# 3000 buffers: more output than a pipe holds, so writes hit EPIPE
	mktree
	awk 'BEGIN {
		printf "\nDma-buf Objects:\nsize    \tflags   \tmode    \tcount   \texp_name\tino     \tname\n"
		for (i = 1; i <= 3000; i++)
			printf "00004096\t00000002\t00080007\t00000001\tsystem\t%08d\t<none>\n\tAttached Devices:\nTotal 0 devices attached\n\n", i
		printf "\nTotal 3000 objects, 0 bytes\n"
	}' >"$T/sys/kernel/debug/dma_buf/bufinfo"
	local args out
	for args in "list" "list -J" "list -r -o +FDS,SOURCES" "procs -J"; do
		# shellcheck disable=SC2086
		out=$("$DMABUFCTL" $args --sysroot "$T" 2>"$BATS_TEST_TMPDIR/err" | head -n 1;
		      echo "status ${PIPESTATUS[0]}")
		assert_equal "${out##*$'\n'}" "status 0"
		assert_equal "$(cat "$BATS_TEST_TMPDIR/err")" ""
	done
}

@test "inputs the fuzzers found (tests/fixtures/fuzz/) replay cleanly" {
	mktree
	cp "$FIXTURES/fuzz/maps/name-longer-than-31" "$T/proc/10/maps"
	on_tree show -J 7
	assert_success
	# the name comes from fdinfo and debugfs, not from the bogus maps path
	jq_is '[.name, .processes[0].mappings]' '["a",1]'
	# maps alone: the name is unknown rather than 40 bytes no kernel prints
	rm "$T/proc/10/fdinfo/3" "$T/proc/10/fd/3"
	on_tree show -J 7 --source=procfs
	assert_success
	jq_is '[.name, .processes[0].mappings]' '[null,1]'
}

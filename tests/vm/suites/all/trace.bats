#!/usr/bin/env bats
# dmabufctl trace and the BPF iterator source on every kernel the harness
# boots: trixie (6.12: move_notify, no iterator), sid and the test kernel
# (7.2: invalidate_mappings, iter/dmabuf).  Real udmabufs from mkbufs, real
# vgem imports; events are checked against what the helpers report.
load ../common

@test "trace: the start line comes once every probe is attached, with this kernel's invalidate" {
	trace_start
	echo "$START"
	assert_equal "$(jq -r .mode <<< "$START")" fentry
	assert_equal "$(jq -r .fallback <<< "$START")" null
	assert_equal "$(jq -c .missing <<< "$START")" '[]'
	for f in dma_buf_export dma_buf_file_release dma_buf_mmap_internal dma_buf_dynamic_attach \
		 dma_buf_detach dma_buf_map_attachment dma_buf_unmap_attachment "$(invalidate_func)"; do
		jq -e --arg f "$f" '.probes | index($f)' <<< "$START" >/dev/null ||
			fail "probe $f not attached: $START"
	done
	# A kernel has one of the two names, never both (renamed in 7.1).
	run jq -r '.probes[] | select(. == "dma_buf_move_notify" or . == "dma_buf_invalidate_mappings")' <<< "$START"
	assert_output "$(invalidate_func)"
	trace_stop
	assert_equal "$TRACE_STATUS" 0
	assert_equal "$(tail -n 1 "$TRACE_OUT" | jq -r .event)" summary
}

@test "trace: a udmabuf's export, mmap and release carry its inode, size and exporter" {
	trace_start
	mk_start 'udmabuf:64K:tr-life,map'
	INO=$(field inode "${MK_LINES[0]}")
	PID=$(field pid "${MK_LINES[0]}")
	mk_quit
	trace_wait 'select(.event == "release" and .inode == '"$INO"')'
	trace_stop

	run events ".inode == $INO"
	echo "$output"
	# Exactly these three, in this order, from mkbufs itself.
	assert_equal "$(events ".inode == $INO" | jq -r .event | paste -sd,)" export,mmap,release
	events ".inode == $INO" | jq -e --argjson pid "$PID" \
		'.pid == $pid and .comm == "mkbufs" and .exporter == "udmabuf"' >/dev/null
	assert_equal "$(events ".inode == $INO and .event == \"export\"" | jq .size)" 65536
	assert_equal "$(events ".inode == $INO and .event == \"mmap\"" | jq -c '[.size, .offset, .name]')" \
		'[65536,0,"tr-life"]'
	assert_equal "$(events ".inode == $INO and .event == \"release\"" | jq -r .name)" tr-life
	assert_equal "$(summary | jq .lost)" 0
}

@test "trace --inode: only that buffer, filtered in the kernel" {
	mk_start 'udmabuf:16K:keep' 'udmabuf:16K:other'
	A=$(field inode "${MK_LINES[0]}")
	B=$(field inode "${MK_LINES[1]}")
	trace_start --inode "$A"
	assert_equal "$(jq .inode <<< "$START")" "$A"
	mk "mmap $B"
	mk "mmap $A"
	mk_quit
	trace_wait 'select(.event == "release")'
	trace_stop
	cat "$TRACE_OUT"
	assert_equal "$(events '.event != "start" and .event != "summary"' | jq -r .event | paste -sd,)" mmap,release
	assert_equal "$(events '.inode != null' | jq .inode | sort -u)" "$A"
	# Nothing of B reached user space: counted in BPF as filtered, not seen.
	assert_equal "$(summary | jq .events)" 2
}

@test "trace --exporter and --pid filter what is printed; -c stops after N events" {
	mk_start 'udmabuf:8K:mine' 'heap:8K:heap'
	INO=$(field inode "${MK_LINES[0]}")
	PID=$(field pid "${MK_LINES[0]}")
	HEAP=$(field inode "${MK_LINES[1]}")
	assert_equal "$(field exporter "${MK_LINES[1]}")" system
	trace_start --pid "$PID" --exporter udmabuf -c 2
	# Another process's udmabuf, and our own heap buffer: not printed.
	"$TESTS_HELPERS/mkbufs" 'udmabuf:4K,map' </dev/null >/dev/null
	mk "mmap $HEAP"
	mk "mmap $INO"
	mk "mmap $INO"
	mk "mmap $INO"
	wait "$TRACE_PID" || fail "trace -c 2 failed"
	TRACE_PID=
	cat "$TRACE_OUT"
	assert_equal "$(events '.event == "mmap"' | jq -c '[.inode, .pid, .exporter]' | sort -u)" \
		"[$INO,$PID,\"udmabuf\"]"
	assert_equal "$(jq -r .event "$TRACE_OUT" | paste -sd,)" start,mmap,mmap,summary
	# They reached user space (filtered there, not in BPF).
	[ "$(summary | jq .events)" -ge 6 ]
}

@test "trace --kprobes: the fallback reports the same lifecycle and says so" {
	trace_start --kprobes
	assert_equal "$(jq -r .mode <<< "$START")" kprobe
	assert_equal "$(jq -r .fallback <<< "$START")" --kprobes
	mk_start 'udmabuf:8K:kp,map'
	INO=$(field inode "${MK_LINES[0]}")
	mk_quit
	trace_wait 'select(.event == "release" and .inode == '"$INO"')'
	trace_stop
	assert_equal "$(events ".inode == $INO" | jq -r .event | paste -sd,)" export,mmap,release
	assert_equal "$(events ".inode == $INO and .event == \"mmap\"" | jq -c '[.size, .name]')" '[8192,"kp"]'
}

# A kprobe session after another in one boot: a 7.2 kernel built by gcc 12
# at -Os (the test kernel before its patch 0005) patched the kprobe ftrace
# trampoline into a jmp the second time and oopsed at its first hit, here
# dma_buf_ioctl() when mkbufs names its buffer.
@test "trace --kprobes twice in one boot: the second session traces too" {
	local round
	for round in 1 2; do
		trace_start --kprobes
		mk_start "udmabuf:4K:again$round"
		INO=$(field inode "${MK_LINES[0]}")
		mk_quit
		trace_wait 'select(.event == "release" and .inode == '"$INO"')'
		trace_stop
		assert_equal "$(events ".inode == $INO" | jq -r .event | paste -sd,)" export,release
		assert_equal "$(events ".inode == $INO and .event == \"release\"" | jq -r .name)" "again$round"
	done
}

@test "trace: a vgem import shows attach/detach with inode and device (map/unmap on 6.12)" {
	trace_start
	vg_start --size 32K
	INO=$(field inode "$VG_LINE")
	DEV=$(field device "$VG_LINE")
	[ -n "$DEV" ]
	vg release
	[[ $VG_REPLY == ok* ]] || fail "release: $VG_REPLY"
	trace_wait 'select(.event == "detach" and .inode == '"$INO"')'
	trace_stop
	events ".inode == $INO"
	events ".inode == $INO and .event == \"attach\"" |
		jq -e --arg d "$DEV" '.device == $d and .dynamic == false and .callback == null' >/dev/null
	events ".inode == $INO and .event == \"detach\"" | jq -e --arg d "$DEV" '.device == $d' >/dev/null
	maps=$(events ".inode == $INO" | jq -r 'select(.event == "map" or .event == "unmap") | .event' | paste -sd,)
	case $(kernel_major) in
	# 6.12 vgem: drm_gem_prime_import() maps at import, unmaps at release.
	6) assert_equal "$maps" map,unmap
	   events ".inode == $INO and .event == \"map\"" | jq -e --arg d "$DEV" '.device == $d' >/dev/null ;;
	# 7.2 vgem: drm_gem_shmem_prime_import_no_map() attaches only.
	*) assert_equal "$maps" "" ;;
	esac
	assert_equal "$(events ".inode == $INO" | jq -r .event | grep -c -e attach -e detach)" 2
}

# trace.bpf.c reads a buffer's exporter once, at its export, and an
# attachment's device at its attach, where it saw the buffer from its
# export on; trace fills in the other records from its table by address.
# A buffer older than the tracer carries its names in every record.
@test "trace: a buffer exported before trace started is named in every record" {
	mk_start 'udmabuf:16K:older'
	mk_first
	DMABUFCTL_DEBUG=1 trace_start
	# A buffer exported while tracing: from its inode on, names come once.
	NEW=$(field inode "$("$TESTS_HELPERS/mkbufs" 'udmabuf:4K:newer' </dev/null | head -n 1)")
	vg_start --pid "$PID" --fd "$FD"
	DEV=$(field device "$VG_LINE")
	assert_equal "$(field inode "$VG_LINE")" "$INO"
	vg release
	[[ $VG_REPLY == ok* ]] || fail "release: $VG_REPLY"
	vg close
	mk "mmap $INO"
	mk_quit
	trace_wait 'select(.event == "release" and .inode == '"$INO"')'
	trace_wait 'select(.event == "release" and .inode == '"$NEW"')'
	trace_stop
	events ".inode == $INO or .inode == $NEW"
	# The tracer's threshold is past the old buffer and not past the new one.
	whole=$(sed -n 's/.*whole from inode \([0-9]*\).*/\1/p' "$TRACE_ERR")
	[ "$whole" -gt "$INO" ] && [ "$whole" -le "$NEW" ] || fail "whole from $whole: $INO, $NEW"
	# 6.12's vgem maps at import and unmaps at release, 7.2's does not.
	seq=attach,detach,mmap,release
	[ "$(kernel_major)" = 6 ] && seq=attach,map,unmap,detach,mmap,release
	assert_equal "$(events ".inode == $INO" | jq -r .event | paste -sd,)" "$seq"
	assert_equal "$(events ".inode == $INO" | jq -r .exporter | sort -u)" udmabuf
	assert_equal "$(events ".inode == $INO and .device != null" | jq -r .device | sort -u)" "$DEV"
	assert_equal "$(events ".inode == $INO and .name != null" | jq -r .name | sort -u)" older
	# Named after its export (DMA_BUF_SET_NAME).
	assert_equal "$(events ".inode == $NEW" | jq -c '[.event, .exporter, .name]' | paste -sd,)" \
		'["export","udmabuf",null],["release","udmabuf","newer"]'
	# The new buffer's release took its exporter from the table.
	grep -q 'names from the reader.s table: [1-9][0-9]* exporters' "$TRACE_ERR"
	assert_equal "$(summary | jq .lost)" 0
}

# Buffers and attachments freed and made again land on addresses used
# before, by buffers of another exporter and name: each record must still
# carry its own.
@test "trace: buffers made and freed in rounds, addresses reused: every record names its own" {
	DMABUFCTL_DEBUG=1 trace_start
	vg_start --size 4K
	DEV=$(field device "$VG_LINE")
	FIRST=$(field inode "$VG_LINE")
	: >"$BATS_TEST_TMPDIR/made"
	for round in 1 2 3 4 5 6 7 8; do
		"$TESTS_HELPERS/mkbufs" 'udmabuf:4K:u,many=6' 'heap:4K:h,many=6' </dev/null |
			grep inode= >>"$BATS_TEST_TMPDIR/made"
		vg "churn 40"
		[[ $VG_REPLY == ok* ]] || fail "churn: $VG_REPLY"
	done
	vgpid=$VG_PID
	echo quit >&"${VG[1]}"
	wait "$vgpid" || true
	trace_wait_count 'select(.event == "release")' $((8 * (12 + 40) + 1))
	trace_stop
	assert_equal "$(summary | jq .lost)" 0
	assert_equal "$(wc -l <"$BATS_TEST_TMPDIR/made")" 96
	# What mkbufs made: each inode's every record says what mkbufs said.
	while read -r line; do
		ino=$(field inode "$line")
		exp=$(field exporter "$line")
		name=$([ "$exp" = udmabuf ] && echo u || echo h)
		# Named after its export (DMA_BUF_SET_NAME).
		assert_equal "$(events ".inode == $ino" | jq -c '[.event, .exporter, .name]' | paste -sd,)" \
			"[\"export\",\"$exp\",null],[\"release\",\"$exp\",\"$name\"]"
	done <"$BATS_TEST_TMPDIR/made"
	# The churn's: all udmabuf, unnamed, on vgem; 6.12's vgem maps at
	# import (drm_gem_prime_import()), 7.2's does not.
	seq=export,attach,detach,release
	[ "$(kernel_major)" = 6 ] && seq=export,attach,map,unmap,detach,release
	run jq -sc --argjson first "$FIRST" '[.[] | select(.comm == "dmabuf-vgem" and .inode != null and
		.inode != $first)] | group_by(.inode) |
		map([(map(.event) | join(",")), (map(.exporter) | unique), (map(.name) | unique),
		     (map(select(.device != null) | .device) | unique)]) | unique | .[]' "$TRACE_OUT"
	assert_output "[\"$seq\",[\"udmabuf\"],[null],[\"$DEV\"]]"
	# Most of those names came from the table.
	n=$(sed -n 's/.*table: \([0-9]*\) exporters, \([0-9]*\) devices.*/\1 \2/p' "$TRACE_ERR")
	[ "${n% *}" -ge $((8 * (12 + 40 * 3))) ] && [ "${n#* }" -ge $((8 * 40)) ] || fail "table: $n"
}

@test "list -J: the BPF iterators run first; debugfs only where it adds" {
	mk_start 'udmabuf:16K:src'
	INO=$(field inode "${MK_LINES[0]}")
	run -0 "$DMABUFCTL" list -J
	echo "$output"
	jq -e --argjson i "$INO" '.dmabufs[] | select(.inode == $i) | .size == 16384 and
		.exporter == "udmabuf" and .name == "src" and .refcount == 1' <<< "$output" >/dev/null
	case $(kernel_major) in
	6)	# No dma-buf iterator: debugfs lists what no process holds.
		assert_equal "$(jq -c '.sources' <<< "$output")" '["task_file","task_vma","debugfs"]'
		jq -e '.skipped[] | select(.source == "bpf") | .reason | test("too old.*6[.]16")' \
			<<< "$output" >/dev/null ;;
	*)	assert_equal "$(jq -c '.sources' <<< "$output")" '["bpf","task_file","task_vma"]'
		assert_equal "$(jq -r '.skipped[] | select(.source == "debugfs") | .reason' <<< "$output")" \
			"not needed: the BPF iterator listed every buffer" ;;
	esac
	assert_equal "$(jq -c '.warnings' <<< "$output")" '[]'
	# Asked for alone: the iterators this kernel has, and why not the others.
	run -0 "$DMABUFCTL" list --source bpf -J
	jq -e --argjson i "$INO" '.dmabufs[] | select(.inode == $i) | .name == "src"' <<< "$output" >/dev/null
	case $(kernel_major) in
	6)	assert_equal "$(jq -c '.sources' <<< "$output")" '["task_file","task_vma"]' ;;
	*)	assert_equal "$(jq -c '.sources' <<< "$output")" '["bpf","task_file","task_vma"]' ;;
	esac
	# Without debugfs the iterator lists (7.x) or nothing lists unheld
	# buffers (6.12): a warning with the way out.
	# (lazily: a tracefs automount under it may be busy)
	umount -l /sys/kernel/debug
	run -0 --separate-stderr "$DMABUFCTL" list -J
	mount -t debugfs -o nosuid,nodev,noexec debugfs /sys/kernel/debug
	echo "$output"
	jq -e --argjson i "$INO" '.dmabufs[] | select(.inode == $i) | .name == "src"' <<< "$output" >/dev/null
	case $(kernel_major) in
	6)	assert_equal "$(jq -c '.sources' <<< "$output")" '["task_file","task_vma"]'
		assert_equal "$(jq -c '.warnings' <<< "$output")" '["debugfs: not mounted"]' ;;
	*)	assert_equal "$(jq -c '.sources' <<< "$output")" '["bpf","task_file","task_vma"]'
		assert_equal "$(jq -c '.warnings' <<< "$output")" '[]' ;;
	esac
}

@test "list: a vgem import shows as an attachment (static, no callback where the iterator runs)" {
	vg_start --size 16K
	INO=$(field inode "$VG_LINE")
	DEV=$(field device "$VG_LINE")
	run -0 "$DMABUFCTL" list -J
	echo "$output"
	jq -e --argjson i "$INO" --arg d "$DEV" \
		'.dmabufs[] | select(.inode == $i) | .attachments | length == 1 and .[0].device == $d' \
		<<< "$output" >/dev/null
	# Where the dma-buf iterator runs (7.x) it tells static from dynamic;
	# 6.12 says why it does not.
	if [ "$(kernel_major)" != 6 ]; then
		jq -e '.sources | index("bpf")' <<< "$output" >/dev/null
		jq -e --argjson i "$INO" '.dmabufs[] | select(.inode == $i) | .attachments[0] |
			.dynamic == false and .callback == null' <<< "$output" >/dev/null
	else
		jq -e '.skipped[] | select(.source == "bpf") | .reason | test("too old")' \
			<<< "$output" >/dev/null
	fi
}

@test "trace keeps up with udmabuf create/close loops: every event delivered or counted" {
	N=5000
	trace_start
	load_ms=$(jq .load_ms <<< "$START")
	t0=$(date +%s.%N)
	# One sealed memfd, N udmabufs made from it and closed at once.
	udmabuf_loop "$N"
	t1=$(date +%s.%N)
	sleep 2
	trace_stop
	exports=$(events '.event == "export" and .exporter == "udmabuf"' | wc -l)
	releases=$(events '.event == "release" and .exporter == "udmabuf"' | wc -l)
	missed=$(summary | jq .missed)
	echo "# load+attach ${load_ms} ms; $((2 * N)) events in $(echo "$t1 - $t0" | bc) s," \
	     "$(echo "2 * $N / ($t1 - $t0)" | bc) events/s; missed $missed" >&3
	# The ring buffer kept up; what fentry's recursion guard skipped is
	# counted, so nothing vanished unaccounted.
	assert_equal "$(summary | jq .lost)" 0
	assert_equal "$((exports + releases + missed))" "$((2 * N))"
	[ "$exports" -gt 0 ] && [ "$releases" -gt 0 ]
}

@test "trace hooks importer callbacks found in vmlinux or in a loaded module's BTF" {
	case $VM_KERNEL in
	test)	# iommufd built in, with the dma-buf import of 7.x.
		want=(iopt_revoke_notify) ;;
	*)	# Debian: modules, loaded without hardware (their BTF is enough).
		modprobe -a amdgpu xe mlx5_ib
		want=(amdgpu_dma_buf_move_notify xe_dma_buf_move_notify mlx5_ib_dmabuf_invalidate_cb)
		[ "$(kernel_major)" = 6 ] && want+=(ib_umem_dmabuf_unsupported_move_notify) ;;
	esac
	trace_start
	trace_stop
	echo "$START" | jq -c .callbacks
	for f in "${want[@]}"; do
		jq -e --arg f "$f" '.callbacks | index($f)' <<< "$START" >/dev/null ||
			fail "callback $f not hooked"
	done
	assert_equal "$(jq -c .missing <<< "$START")" '[]'
}

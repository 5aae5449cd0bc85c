#!/usr/bin/env bats
# dmabufctl on VFIO's dma-bufs, on the project's test kernel (VFIO and
# iommufd built in, patch 0004: DMA_BUF_IOCTL_REVOKE and mmap for
# vfio_pci_core): dmabuf-vfio is the resource manager of an ivshmem
# device's BAR2 (tests/vm/run --iommu --pci-bar 4M), hands buffers to its
# client and imports them into iommufd; the IO page table (dmabuf-vfio
# "mapped") and the client's mapping ("touch") are the ground truth.
load ../common

DEV=1af4:1110

# Buffer N of the helper's report: INO, PID (its holder), FD, OFF, LEN.
buf() {
	INO=$(field inode "${VF_LINES[$1]}")
	PID=$(field pid "${VF_LINES[$1]}")
	FD=$(field fd "${VF_LINES[$1]}")
	OFF=$(field offset "${VF_LINES[$1]}")
	LEN=$(field length "${VF_LINES[$1]}")
}

# show -J INODE: SHOW is its JSON.
show_json() {
	run -0 "$DMABUFCTL" show -J "$1"
	SHOW=$output
}

# [revoked, revoked_permanently] of INODE.
revoked_state() {
	"$DMABUFCTL" show -J "$1" | jq -c '[.revoked, .revoked_permanently]'
}

@test "list and show: the PCI function, BAR, ranges, iommufd's attachment and VFIO's revoked state" {
	vf_start "$DEV" 2:64K@1M,client,import 2:8K@0+8K@2M
	local bdf a b cpid epid
	bdf=$(field bdf "$VF_DEV")
	cpid=$(field client "$VF_DEV")
	epid=$(field pid "$VF_DEV")
	buf 0
	a=$INO
	buf 1
	b=$INO
	run -0 "$DMABUFCTL" list -J -e vfio_pci_core
	echo "$output"
	jq -e '.sources | index("bpf")' <<<"$output" >/dev/null
	jq -e --argjson i "$a" --arg bdf "$bdf" --argjson p "$cpid" '.dmabufs[] | select(.inode == $i) |
		.exporter == "vfio_pci_core" and .size == 65536 and
		.device == {"bdf": $bdf, "bar": 2, "closed": false} and
		.ranges == [{"offset": 1048576, "length": 65536}] and
		.attachments == [{"device": "iommu", "callback": "iopt_revoke_notify", "dynamic": true}] and
		([.processes[].pid] == [$p])' <<<"$output" >/dev/null
	jq -e --argjson i "$b" --arg bdf "$bdf" --argjson p "$epid" '.dmabufs[] | select(.inode == $i) |
		.device.bdf == $bdf and .device.bar == 2 and
		.ranges == [{"offset": 0, "length": 8192}, {"offset": 2097152, "length": 8192}] and
		.attachments == [] and ([.processes[].pid] == [$p])' <<<"$output" >/dev/null

	run -0 "$DMABUFCTL" list -n -r -o INODE,DEVICE,BAR,RANGES,REVOKED "$a" "$b"
	assert_line --index 0 "$a $bdf 2 0x100000+64K no"
	assert_line --index 1 "$b $bdf 2 0x0+8K,0x200000+8K no"
	run -0 "$DMABUFCTL" list -n -r -b -o INODE,RANGES "$a"
	assert_output "$a 0x100000+65536"
	# by the exporting function, in BAR order: b (at 0) before a (at 1M)
	run -0 "$DMABUFCTL" list -n -r -o INODE -x RANGES --device "$bdf"
	assert_output "$b"$'\n'"$a"
	run -0 "$DMABUFCTL" list -n -r -o INODE --device "${bdf%.*}.*" -x INODE
	assert_output "$(printf '%s\n' "$a" "$b" | sort -n)"
	run -0 "$DMABUFCTL" list -J --device '0000:ff:*'
	assert_equal "$(jq -c '.dmabufs' <<<"$output")" '[]'

	run -0 "$DMABUFCTL" show "$a"
	echo "$output"
	assert_line "revoked    no"
	assert_line "device     $bdf BAR 2"
	assert_line "ranges     0x100000+64K"
	assert_line "  iommu  callback iopt_revoke_notify  dynamic"
	assert_line --regexp "^  vfio-client\\[$cpid\\]  by fd  fds [0-9]+  maps 0  gem 0  cgroup /"
	assert_equal "$(revoked_state "$a")" '[false,false]'

	# VFIO's own revoke, private to VFIO: fdinfo does not change, BPF sees it
	vf "decode off"
	assert_equal "$(revoked_state "$a")" '[true,false]'
	assert_equal "$(revoked_state "$b")" '[true,false]'
	run -0 "$DMABUFCTL" show "$a"
	assert_line "revoked    yes, for now (the exporter may restore access)"
	run -0 "$DMABUFCTL" list -n -r -o INODE,REVOKED "$a"
	assert_output "$a yes"
	vf "decode on"
	assert_equal "$(revoked_state "$a")" '[false,false]'

	# closing the device revokes for good; the BDF outlives it
	vf close-device
	show_json "$a"
	assert_equal "$(jq -c '[.revoked, .revoked_permanently, .device]' <<<"$SHOW")" \
		"[true,true,{\"bdf\":\"$bdf\",\"bar\":2,\"closed\":true}]"
	run -0 "$DMABUFCTL" show "$b"
	assert_line "revoked    yes, for good"
	assert_line "device     $bdf BAR 2 (closed by the exporter)"
	run -7 --separate-stderr "$DMABUFCTL" revoke -y "$a"
	assert_equal "$stderr" "dmabufctl: dma-buf $a: revoke: already revoked, for good: its device was closed"
}

@test "trace: memory decoding, reset and close, each with its direction, cause and iommufd's confirmation" {
	vf_start "$DEV" 2:64K@0,client,import
	buf 0
	local epid
	epid=$(field pid "$VF_DEV")
	trace_start --inode "$INO"
	for f in vfio_pci_dma_buf_move vfio_basic_config_write vfio_pci_core_ioctl \
		 vfio_pci_dma_buf_cleanup dma_buf_ioctl; do
		jq -e --arg f "$f" '.probes | index($f)' <<<"$START" >/dev/null ||
			fail "$f not hooked: $START"
	done
	assert_equal "$(jq -c .missing <<<"$START")" '[]'
	vf "decode off"
	vf "decode on"
	vf reset
	vf close-device
	trace_wait_count 'select(.event == "confirm")' 5
	trace_stop

	assert_equal "$(events '.event == "invalidate"' | jq -c '[.direction, .cause]' | paste -sd' ')" \
		'["revoke","memory_decoding"] ["restore","memory_decoding"] ["revoke","reset"] ["restore","reset"] ["revoke","close"]'
	# the resource manager's own calls, on the client's buffer
	events '.event == "invalidate"' | jq -s -e --argjson p "$epid" --argjson i "$INO" \
		'length == 5 and all(.pid == $p and .comm == "dmabuf-vfio" and .inode == $i and
		 .exporter == "vfio_pci_core" and .size == 65536)' >/dev/null
	# iommufd is told every time, both ways, and holds nothing afterwards
	events '.event == "confirm"' | jq -s -e 'length == 5 and all(.device == "iommu" and
		.callback == "iopt_revoke_notify" and .notified == true and .unmapped == true and
		.unmap == "in_callback")' >/dev/null
	assert_equal "$(events '.event == "callback"' | wc -l)" 5
	vf "mapped $INO"
	assert_regex "$VF_REPLY" '^ok unmapped pages=0/16 '
}

@test "trace --kprobes, text: the invalidate line says direction and cause" {
	vf_start "$DEV" 2:64K@0,client,import
	buf 0
	trace_text_start --kprobes --inode "$INO"
	vf "decode off"
	vf "decode on"
	trace_text_stop 2
	run grep ' invalidate ' "$TRACE_OUT"
	assert_line --index 0 --regexp " dmabuf-vfio +invalidate +$INO +size=64K exporter=vfio_pci_core direction=revoke cause=memory_decoding\$"
	assert_line --index 1 --regexp " dmabuf-vfio +invalidate +$INO +size=64K exporter=vfio_pci_core direction=restore cause=memory_decoding\$"
	assert_equal "${#lines[@]}" 2
	run grep -cE " confirm +$INO +device=iommu callback=iopt_revoke_notify notified=yes unmapped=yes " \
		"$TRACE_OUT"
	assert_output 2
	run cat "$TRACE_ERR"
	assert_line --index 0 --regexp '^Tracing dma-bufs with kprobe \(15 functions'
}

@test "revoke --verify: a buffer delegated to a client; iommufd lets go, the client faults" {
	vf_start "$DEV" 2:64K@0,client,import
	buf 0
	local bdf epid
	bdf=$(field bdf "$VF_DEV")
	epid=$(field pid "$VF_DEV")
	[ "$PID" != "$epid" ] || fail "the exporting process holds the buffer"
	vf "mmap $INO"
	vf "touch $INO"
	assert_equal "$VF_REPLY" "ok pages=16"

	run -0 --separate-stderr "$DMABUFCTL" revoke --verify -y -J "$INO"
	echo "$output"
	jq -e --argjson p "$PID" --argjson fd "$FD" '.result == "revoked" and .status == 0 and
		.holder == {"pid": $p, "comm": "vfio-client", "fd": $fd, "checked": true} and
		.was_revoked == false and .invalidated == true and (.confirmations | length) == 1 and
		(.confirmations[0] | .device == "iommu" and .callback == "iopt_revoke_notify" and
		 .dynamic == true and .notified == true and .unmapped == true and
		 .unmap == "in_callback" and .latency_ms >= 0)' <<<"$output" >/dev/null
	assert_equal "$(jq -r .message <<<"$output")" \
		"revoked dma-buf $INO (64K, vfio_pci_core $bdf BAR 2) through vfio-client[$PID] fd $FD"

	vf "mapped $INO"
	assert_regex "$VF_REPLY" '^ok unmapped pages=0/16 '
	vf "touch $INO"
	assert_equal "$VF_REPLY" "err SIGBUS offset=0 pages=0"
	assert_equal "$(revoked_state "$INO")" '[true,true]'
	run -7 --separate-stderr "$DMABUFCTL" revoke -y "$INO"
	assert_equal "$stderr" "dmabufctl: dma-buf $INO: revoke: already revoked"
}

@test "revoke: two buffers of one BAR revoked independently; decoding and reset bring neither back" {
	vf_start "$DEV" 2:64K@0,client,import 2:64K@64K,client,import
	buf 0
	local a=$INO
	buf 1
	local b=$INO
	vf "mmap $a"
	vf "mmap $b"
	run -0 "$DMABUFCTL" revoke -y "$a"
	assert_equal "$(revoked_state "$a")" '[true,true]'
	assert_equal "$(revoked_state "$b")" '[false,false]'
	run -0 "$DMABUFCTL" list -n -r -o INODE,RANGES,REVOKED "$a" "$b"
	assert_line --index 0 "$a 0x0+64K yes"
	assert_line --index 1 "$b 0x10000+64K no"

	# VFIO revokes and restores b twice; a, revoked for good, sees nothing
	trace_start
	vf "decode off"
	vf "decode on"
	vf reset
	trace_wait_count "select(.event == \"confirm\" and .inode == $b)" 4
	trace_stop
	assert_equal "$(events ".event == \"invalidate\" and .inode == $a" | wc -l)" 0
	assert_equal "$(events ".event == \"invalidate\" and .inode == $b" | jq -r .direction | paste -sd,)" \
		revoke,restore,revoke,restore
	assert_equal "$(revoked_state "$a")" '[true,true]'
	assert_equal "$(revoked_state "$b")" '[false,false]'
	vf "touch $a"
	assert_regex "$VF_REPLY" '^err SIGBUS '
	vf "touch $b"
	assert_equal "$VF_REPLY" "ok pages=16"
	vf "mapped $a"
	assert_regex "$VF_REPLY" '^ok unmapped '

	run -0 "$DMABUFCTL" revoke -y "$b"
	assert_equal "$(revoked_state "$b")" '[true,true]'
	vf "touch $b"
	assert_regex "$VF_REPLY" '^err SIGBUS '
}

@test "revoke: a buffer VFIO has revoked for now becomes revoked for good, status 0, no new notification" {
	vf_start "$DEV" 2:64K@0,client,import
	buf 0
	local bdf
	bdf=$(field bdf "$VF_DEV")
	vf "mmap $INO"
	vf "decode off"
	assert_equal "$(revoked_state "$INO")" '[true,false]'
	run -0 "$DMABUFCTL" revoke --dry-run "$INO"
	assert_output --partial "; revoked by VFIO for now, the ioctl would make it permanent; nothing changed"

	run -0 --separate-stderr "$DMABUFCTL" revoke --verify -y -J "$INO"
	echo "$output"
	jq -e '.result == "revoked" and .status == 0 and .was_revoked == true and
		.invalidated == false and .confirmations == [] and .errno == null' <<<"$output" >/dev/null
	assert_equal "$(jq -r .message <<<"$output")" \
		"revoked dma-buf $INO (64K, vfio_pci_core $bdf BAR 2) through vfio-client[$PID] fd $FD; VFIO had revoked it for now (memory decoding off or a reset): now it is for good, and its importers, told then, are not told again"
	assert_equal "$(revoked_state "$INO")" '[true,true]'
	assert_equal "$(sed -n 's/^revoked:\t//p' "/proc/$PID/fdinfo/$FD")" 1

	# decoding back on restores nothing
	vf "decode on"
	assert_equal "$(revoked_state "$INO")" '[true,true]'
	vf "touch $INO"
	assert_equal "$VF_REPLY" "err SIGBUS offset=0 pages=0"
	run -7 "$DMABUFCTL" revoke -y "$INO"
}

#!/usr/bin/env bats
# dmabufctl on VFIO's dma-bufs on Debian's stock kernel (sid: vfio-pci and
# vfio_pci_core are modules, their types and functions in module BTF; no
# iommufd, no revoke ioctl), with dmabuf-vfio as the resource manager of an
# ivshmem device's BAR2 (tests/vm/run --iommu --pci-bar 4M).
load ../common

DEV=1af4:1110

@test "stock: list and show name the PCI function, BAR and ranges, and VFIO's revoked state" {
	vf_start "$DEV" 2:64K@1M,client 2:8K@0+8K@2M
	local bdf a b cpid
	bdf=$(field bdf "$VF_DEV")
	cpid=$(field client "$VF_DEV")
	a=$(field inode "${VF_LINES[0]}")
	b=$(field inode "${VF_LINES[1]}")
	# vfio_pci_core's types are in its module's BTF, not vmlinux's
	[ -e /sys/kernel/btf/vfio_pci_core ] || fail "vfio_pci_core is not a loaded module with BTF"
	run -0 "$DMABUFCTL" list -n -r -o INODE,EXPORTER,DEVICE,BAR,RANGES,REVOKED,PROCESSES -e vfio_pci_core
	assert_line --index 0 "$a vfio_pci_core $bdf 2 0x100000+64K no vfio-client[$cpid]"
	assert_line --index 1 --regexp "^$b vfio_pci_core $bdf 2 0x0\\+8K,0x200000\\+8K no dmabuf-vfio\\[[0-9]+\\]\$"
	# the exporting function's buffers, in BAR order
	run -0 "$DMABUFCTL" list -n -r -o INODE --device "$bdf" -x RANGES
	assert_output "$b"$'\n'"$a"
	run -0 "$DMABUFCTL" list -J "$a"
	jq -e --arg bdf "$bdf" '.dmabufs[0] | .device == {"bdf": $bdf, "bar": 2, "closed": false} and
		.ranges == [{"offset": 1048576, "length": 65536}] and .attachments == []' <<<"$output" >/dev/null

	vf "decode off"
	run -0 "$DMABUFCTL" show -J "$a"
	assert_equal "$(jq -c '[.revoked, .revoked_permanently]' <<<"$output")" '[true,false]'
	vf "decode on"
	run -0 "$DMABUFCTL" show "$a"
	assert_line "revoked    no"
	vf close-device
	run -0 "$DMABUFCTL" show "$a"
	assert_line "revoked    yes, for good"
	assert_line "device     $bdf BAR 2 (closed by the exporter)"
}

@test "stock: trace of memory decoding, reset and close: direction and cause, no importer" {
	vf_start "$DEV" 2:64K@0,client
	local ino
	ino=$(field inode "${VF_LINES[0]}")
	trace_start --inode "$ino"
	jq -e '.probes | index("vfio_pci_dma_buf_move")' <<<"$START" >/dev/null ||
		fail "VFIO's functions in module BTF not hooked: $START"
	vf "decode off"
	vf "decode on"
	vf reset
	vf close-device
	trace_wait_count 'select(.event == "invalidate")' 5
	trace_stop
	assert_equal "$(events '.event == "invalidate"' | jq -c '[.direction, .cause, .comm]' | paste -sd' ')" \
		'["revoke","memory_decoding","dmabuf-vfio"] ["restore","memory_decoding","dmabuf-vfio"] ["revoke","reset","dmabuf-vfio"] ["restore","reset","dmabuf-vfio"] ["revoke","close","dmabuf-vfio"]'
	# nothing attached, so nothing to confirm
	assert_equal "$(events '.event == "confirm"' | wc -l)" 0
}

@test "stock: revoke of a client's VFIO buffer says the ioctl is missing (3) and changes nothing" {
	vf_start "$DEV" 2:64K@0,client
	local ino
	ino=$(field inode "${VF_LINES[0]}")
	run -3 --separate-stderr "$DMABUFCTL" revoke -y "$ino"
	assert_equal "$stderr" "dmabufctl: dma-buf $ino: revoke: this kernel has no DMA_BUF_IOCTL_REVOKE (Inappropriate ioctl for device)
dmabufctl: hint: needs a kernel with the dma-buf revoke series, see tests/kernel/README.md"
	run -0 "$DMABUFCTL" show -J "$ino"
	assert_equal "$(jq -c '[.revoked, .revoked_permanently, .processes[0].comm]' <<<"$output")" \
		'[false,false,"vfio-client"]'
	# VFIO still revokes and restores it
	vf "decode off"
	run -0 "$DMABUFCTL" list -n -r -o REVOKED "$ino"
	assert_output yes
}

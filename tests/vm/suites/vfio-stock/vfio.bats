#!/usr/bin/env bats
# VFIO's dma-bufs on Debian's stock kernel (sid: VFIO_PCI_DMABUF=y, vfio
# as modules, no iommufd), with dmabuf-vfio as the resource manager of an
# ivshmem device's BAR2 (tests/vm/run --iommu --pci-bar 4M).  Stock VFIO
# exports and revokes its buffers itself; it has no DMA_BUF_IOCTL_REVOKE
# and no mmap for them.
load ../common

DEV=1af4:1110

fdinfo() {	# PID FD KEY
	sed -n "s/^$3:[[:space:]]*//p" "/proc/$1/fdinfo/$2"
}

@test "stock: vfio-pci exports the whole BAR and a range as vfio_pci_core dma-bufs, in fdinfo" {
	vf_start "$DEV" 2 2:64K@1M,name=part
	assert_regex "$VF_DEV" '^bdf=0000:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7] vendor=0x1af4 device=0x1110 iommu_group=[0-9]+ api=group '
	assert_equal "$(readlink "/sys/bus/pci/devices/$(field bdf "$VF_DEV")/driver")" ../../../../bus/pci/drivers/vfio-pci
	local i pid fd sizes=($((4 << 20)) 65536)
	for i in 0 1; do
		pid=$(field pid "${VF_LINES[i]}")
		fd=$(field fd "${VF_LINES[i]}")
		assert_equal "$(field exporter "${VF_LINES[i]}")" vfio_pci_core
		assert_equal "$(field size "${VF_LINES[i]}")" "${sizes[i]}"
		assert_equal "$(fdinfo "$pid" "$fd" exp_name)" vfio_pci_core
		assert_equal "$(fdinfo "$pid" "$fd" size)" "${sizes[i]}"
		assert_equal "$(fdinfo "$pid" "$fd" ino)" "$(field inode "${VF_LINES[i]}")"
		# no revoke series on a stock kernel
		assert_equal "$(fdinfo "$pid" "$fd" revoked)" ""
	done
	assert_equal "$(fdinfo "$pid" "$fd" name)" part
}

@test "stock: a buffer delegated to the client is held there alone; dmabufctl lists that holder" {
	vf_start "$DEV" 2:64K@0,client
	local ino pid fd
	ino=$(field inode "${VF_LINES[0]}")
	pid=$(field pid "${VF_LINES[0]}")
	fd=$(field fd "${VF_LINES[0]}")
	assert_equal "$pid" "$(field client "$VF_DEV")"
	assert_equal "$(fdinfo "$pid" "$fd" exp_name)" vfio_pci_core
	run -0 "$DMABUFCTL" list -n -r -o INODE,EXPORTER,PROCESSES "$ino"
	assert_output "$ino vfio_pci_core vfio-client[$pid]"
}

@test "stock: decoding off and on, reset and close succeed; no revoke ioctl, no mmap, no iommufd" {
	vf_start "$DEV" 2:64K@0,client
	local ino
	ino=$(field inode "${VF_LINES[0]}")
	vf "revoke $ino"
	assert_regex "$VF_REPLY" '^err ENOTTY '
	vf "mmap $ino"
	assert_regex "$VF_REPLY" '^err EINVAL '
	vf "import $ino"
	assert_regex "$VF_REPLY" '^err ENOENT '
	vf "decode off"
	assert_regex "$VF_REPLY" '^ok command=0x'
	vf "decode on"
	assert_regex "$VF_REPLY" '^ok command=0x'
	vf reset
	assert_equal "$VF_REPLY" ok
	vf close-device
	assert_equal "$VF_REPLY" ok
	vf list
	assert_regex "$VF_REPLY" ' device_fd=closed '
}

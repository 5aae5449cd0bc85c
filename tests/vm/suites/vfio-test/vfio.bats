#!/usr/bin/env bats
# VFIO's dma-bufs on the project's test kernel (tests/kernel: VFIO and
# iommufd built in, patch 0004 gives vfio_pci_core buffers revoke and
# mmap), with dmabuf-vfio as the resource manager: an ivshmem device's
# BAR2 (tests/vm/run --iommu --pci-bar 4M) exported whole or in ranges,
# handed to a client, imported by iommufd (a mock domain on the IOAS shows
# whether the IO page table still maps it), revoked by VFIO (memory
# decoding off, reset, close) and by DMA_BUF_IOCTL_REVOKE.
load ../common

DEV=1af4:1110

setup() {
	[ -n "${TEST_KERNEL_IMAGE:-}" ] ||
		fail "TEST_KERNEL_IMAGE unset: run through tests/vm/check-kernel test"
	SELFTEST=$(dirname "$TEST_KERNEL_IMAGE")/selftest
}

# Buffer N of the helper's report: INO, PID, FD (in its holder), SIZE.
buf() {
	INO=$(field inode "${VF_LINES[$1]}")
	PID=$(field pid "${VF_LINES[$1]}")
	FD=$(field fd "${VF_LINES[$1]}")
	SIZE=$(field size "${VF_LINES[$1]}")
}

# The value of KEY in the fdinfo of PID's fd FD.
fdinfo() {	# PID FD KEY
	sed -n "s/^$3:[[:space:]]*//p" "/proc/$1/fdinfo/$2"
}

# BAR2's size from sysfs: "start end flags", one line per resource.
bar2_size() {
	local start end _
	read -r start end _ < <(sed -n 3p "/sys/bus/pci/devices/$(field bdf "$VF_DEV")/resource")
	echo $((end - start + 1))
}

# Send a helper command while selftest/fentry counts calls: VF_REPLY is
# the answer, INVALIDATES and NOTIFIES how often dma_buf_invalidate_mappings
# and iommufd's iopt_revoke_notify ran meanwhile.  fentry runs a command
# once attached; this one waits for the helper's answer.
counted() {	# HELPER-COMMAND
	local d=$BATS_TEST_TMPDIR/counted log pid i
	rm -f "$d".*
	"$SELFTEST/fentry" sh -c 'touch "$1.attached"; while [ ! -e "$1.done" ]; do sleep 0.1; done' \
		counted "$d" >"$d.log" 2>&1 &
	pid=$!
	for ((i = 0; i < 600; i++)); do
		[ -e "$d.attached" ] || ! kill -0 "$pid" 2>/dev/null && break
		sleep 0.1
	done
	[ -e "$d.attached" ] || fail "fentry did not attach: $(cat "$d.log")"
	vf "$1"
	touch "$d.done"
	wait "$pid" || true
	log=$(cat "$d.log")
	echo "# fentry around '$1': ${log//$'\n'/; }" >&3
	INVALIDATES=$(sed -n 's/.*dma_buf_invalidate_mappings fired \([0-9]*\) times/\1/p' <<<"$log")
	NOTIFIES=$(sed -n 's/.*iopt_revoke_notify fired \([0-9]*\) times/\1/p' <<<"$log")
	[ -n "$INVALIDATES" ] && [ -n "$NOTIFIES" ] || fail "fentry did not count: $log"
}

@test "export: the whole BAR, a range and two ranges, each a vfio_pci_core dma-buf" {
	vf_start "$DEV" 2 2:64K@1M,name=part 2:8K@0+8K@2M
	assert_regex "$VF_DEV" '^bdf=0000:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7] vendor=0x1af4 device=0x1110 iommu_group=[0-9]+ api=group device_fd=open pid=[0-9]+ client=[0-9]+$'
	assert_equal "${#VF_LINES[@]}" 3
	local bar sizes=() i
	bar=$(bar2_size)
	assert_equal "$bar" $((4 << 20))
	sizes=("$bar" 65536 16384)
	for i in 0 1 2; do
		buf "$i"
		assert_equal "$(field exporter "${VF_LINES[i]}")" vfio_pci_core
		assert_equal "$(field holder "${VF_LINES[i]}")" exporter
		assert_equal "$SIZE" "${sizes[i]}"
		assert_equal "$(fdinfo "$PID" "$FD" exp_name)" vfio_pci_core
		assert_equal "$(fdinfo "$PID" "$FD" size)" "$SIZE"
		# patch 0004: vfio_pci_core can revoke, so fdinfo says whether it is
		assert_equal "$(fdinfo "$PID" "$FD" revoked)" 0
		assert_equal "$(stat -L -c %i "/proc/$PID/fd/$FD")" "$INO"
	done
	assert_equal "$(field offset "${VF_LINES[0]}"):$(field length "${VF_LINES[0]}")" "0:$bar"
	assert_equal "$(field offset "${VF_LINES[1]}"):$(field length "${VF_LINES[1]}")" "1048576:65536"
	assert_equal "$(field offset "${VF_LINES[2]}"):$(field length "${VF_LINES[2]}")" "0,2097152:8192,8192"
	buf 1
	assert_equal "$(fdinfo "$PID" "$FD" name)" part
	assert_equal "$(readlink "/proc/$PID/fd/$FD")" /dmabuf:part
}

@test "export: VFIO refuses unaligned ranges, ranges past the BAR and BARs it cannot export" {
	vf_start "$DEV"
	vf "export 2:4K@2K"
	assert_regex "$VF_REPLY" '^err EINVAL '
	vf "export 2:6K@0"
	assert_regex "$VF_REPLY" '^err EINVAL '
	vf "export 2:8K@4M"
	assert_regex "$VF_REPLY" '^err EINVAL '
	# ivshmem-plain: BAR0 is 256 bytes of registers, BAR1 does not exist
	vf "export 0"
	assert_regex "$VF_REPLY" '^err EINVAL '
	vf "export 1"
	assert_regex "$VF_REPLY" '^err ENODEV '
	vf list
	assert_equal "$VF_REPLY" "$VF_DEV"
}

@test "client: a buffer passed over SCM_RIGHTS is held by the client alone" {
	vf_start "$DEV" 2:64K@0,client
	buf 0
	local epid cpid f
	epid=$(field pid "$VF_DEV")
	cpid=$(field client "$VF_DEV")
	assert_equal "$(field holder "${VF_LINES[0]}")" client
	assert_equal "$PID" "$cpid"
	assert_equal "$(cat "/proc/$cpid/comm")" vfio-client
	assert_equal "$(fdinfo "$cpid" "$FD" exp_name)" vfio_pci_core
	assert_equal "$(stat -L -c %i "/proc/$cpid/fd/$FD")" "$INO"
	# the client holds stdin, stdout, stderr, its socket and the buffer
	assert_equal "$(ls "/proc/$cpid/fd" | wc -l)" 5
	for f in /proc/"$epid"/fd/*; do
		[ "$(stat -L -c %i "$f")" != "$INO" ] || fail "the exporter still holds $INO as $f"
	done
}

@test "import: iommufd maps one range; a buffer of two ranges is refused" {
	vf_start "$DEV" 2:64K@0,client,import 2:4K@0+4K@8K,client
	buf 0
	assert_regex "$(field iova "${VF_LINES[0]}")" '^0x[0-9a-f]+$'
	vf "mapped $INO"
	assert_regex "$VF_REPLY" '^ok mapped pages=16/16 area=0x'
	buf 1
	vf "import $INO"
	assert_regex "$VF_REPLY" '^err EOPNOTSUPP '
}

@test "memory decoding off: iommufd unmaps and the client faults; on: CPU access is back, iommufd's mapping is not" {
	vf_start "$DEV" 2:64K@0,client,import
	buf 0
	vf "mmap $INO"
	assert_regex "$VF_REPLY" '^ok addr=0x'
	vf "touch $INO"
	assert_equal "$VF_REPLY" "ok pages=16"

	counted "decode off"
	assert_regex "$VF_REPLY" '^ok command=0x[0-9a-f]{4}$'
	(( ($(field command "$VF_REPLY") & 2) == 0 )) || fail "memory decoding still on: $VF_REPLY"
	assert_equal "$INVALIDATES:$NOTIFIES" 1:1
	vf "mapped $INO"
	assert_regex "$VF_REPLY" '^ok unmapped pages=0/16 '
	vf "touch $INO"
	assert_equal "$VF_REPLY" "err SIGBUS offset=0 pages=0"
	# VFIO's own revoke is temporary and private: fdinfo does not change
	assert_equal "$(fdinfo "$PID" "$FD" revoked)" 0

	# restoring notifies as revoking does: nothing tells the two apart
	counted "decode on"
	assert_equal "$INVALIDATES:$NOTIFIES" 1:1
	vf "touch $INO"
	assert_equal "$VF_REPLY" "ok pages=16"
	# iommufd treats the invalidation as a revoke and never maps again
	vf "mapped $INO"
	assert_regex "$VF_REPLY" '^ok unmapped pages=0/16 '
	vf "unimport $INO"
	vf "import $INO"
	assert_regex "$VF_REPLY" '^ok iova=0x'
	vf "mapped $INO"
	assert_regex "$VF_REPLY" '^ok mapped pages=16/16 '
}

@test "reset: VFIO_DEVICE_RESET revokes for its duration; iommufd unmaps" {
	vf_start "$DEV" 2:64K@0,client,import
	buf 0
	vf "mmap $INO"
	vf "mapped $INO"
	assert_regex "$VF_REPLY" '^ok mapped pages=16/16 '
	# one invalidation before the reset, one after it
	counted reset
	assert_equal "$VF_REPLY" ok
	assert_equal "$INVALIDATES:$NOTIFIES" 2:2
	vf "mapped $INO"
	assert_regex "$VF_REPLY" '^ok unmapped pages=0/16 '
	# decoding stays on across the reset, so VFIO restores the buffer
	vf "touch $INO"
	assert_equal "$VF_REPLY" "ok pages=16"
	assert_equal "$(fdinfo "$PID" "$FD" revoked)" 0
}

@test "close-device: VFIO revokes for good; fdinfo says revoked, iommufd unmaps, nothing maps again" {
	vf_start "$DEV" 2:64K@0,client,import 2:64K@64K
	buf 0
	local ino0=$INO pid0=$PID fd0=$FD
	vf "mmap $ino0"
	vf "touch $ino0"
	assert_equal "$VF_REPLY" "ok pages=16"
	# one invalidation per buffer, iommufd's notified for the imported one
	counted close-device
	assert_equal "$VF_REPLY" ok
	assert_equal "$INVALIDATES:$NOTIFIES" 2:1
	vf "mapped $ino0"
	assert_regex "$VF_REPLY" '^ok unmapped pages=0/16 '
	vf "touch $ino0"
	assert_equal "$VF_REPLY" "err SIGBUS offset=0 pages=0"
	assert_equal "$(fdinfo "$pid0" "$fd0" revoked)" 1
	vf "unimport $ino0"
	vf "import $ino0"
	assert_regex "$VF_REPLY" '^err ENODEV '
	vf "revoke $ino0"
	assert_regex "$VF_REPLY" '^err EBADFD '
	buf 1
	assert_equal "$(fdinfo "$PID" "$FD" revoked)" 1
	vf "mmap $INO"
	assert_regex "$VF_REPLY" '^err ENODEV '
	vf "decode on"
	assert_regex "$VF_REPLY" '^err EBADF '
}

@test "revoke: a client's buffer is revoked for good; decoding and reset do not bring it back" {
	vf_start "$DEV" 2:64K@0,client,import
	buf 0
	vf "mmap $INO"
	vf "touch $INO"
	assert_equal "$VF_REPLY" "ok pages=16"

	counted "revoke $INO"
	assert_equal "$VF_REPLY" ok
	assert_equal "$INVALIDATES:$NOTIFIES" 1:1
	vf "mapped $INO"
	assert_regex "$VF_REPLY" '^ok unmapped pages=0/16 '
	vf "touch $INO"
	assert_equal "$VF_REPLY" "err SIGBUS offset=0 pages=0"
	assert_equal "$(fdinfo "$PID" "$FD" revoked)" 1

	# what restores VFIO's own revokes does nothing here, not even notify
	vf "decode off"
	counted "decode on"
	assert_regex "$VF_REPLY" '^ok command='
	assert_equal "$INVALIDATES:$NOTIFIES" 0:0
	counted reset
	assert_equal "$VF_REPLY" ok
	assert_equal "$INVALIDATES:$NOTIFIES" 0:0
	vf "touch $INO"
	assert_equal "$VF_REPLY" "err SIGBUS offset=0 pages=0"
	assert_equal "$(fdinfo "$PID" "$FD" revoked)" 1

	# attach (iommufd's import) and mmap are refused; revoking again too
	vf "unimport $INO"
	vf "import $INO"
	assert_regex "$VF_REPLY" '^err ENODEV '
	vf "unmap $INO"
	vf "mmap $INO"
	assert_regex "$VF_REPLY" '^err ENODEV '
	vf "revoke $INO"
	assert_regex "$VF_REPLY" '^err EBADFD '
}

@test "revoke: two buffers of one BAR are revoked independently" {
	vf_start "$DEV" 2:64K@0,client,import 2:64K@64K,client,import
	buf 0
	local a=$INO
	buf 1
	local b=$INO bpid=$PID bfd=$FD
	vf "mmap $a"
	vf "mmap $b"
	vf "revoke $a"
	assert_equal "$VF_REPLY" ok
	vf "mapped $a"
	assert_regex "$VF_REPLY" '^ok unmapped '
	vf "touch $a"
	assert_regex "$VF_REPLY" '^err SIGBUS '
	vf "mapped $b"
	assert_regex "$VF_REPLY" '^ok mapped pages=16/16 '
	vf "touch $b"
	assert_equal "$VF_REPLY" "ok pages=16"
	assert_equal "$(fdinfo "$bpid" "$bfd" revoked)" 0

	# VFIO's revoke takes both; restoring brings back only the other one
	vf "decode off"
	vf "decode on"
	vf "touch $b"
	assert_equal "$VF_REPLY" "ok pages=16"
	vf "touch $a"
	assert_regex "$VF_REPLY" '^err SIGBUS '
	vf "revoke $b"
	assert_equal "$VF_REPLY" ok
	assert_equal "$(fdinfo "$bpid" "$bfd" revoked)" 1
}

@test "revoke: a buffer memory decoding has revoked becomes revoked for good, without a second notification" {
	vf_start "$DEV" 2:64K@0,client,import
	buf 0
	vf "mmap $INO"
	vf "decode off"
	vf "mapped $INO"
	assert_regex "$VF_REPLY" '^ok unmapped '
	assert_equal "$(fdinfo "$PID" "$FD" revoked)" 0
	counted "revoke $INO"
	assert_equal "$VF_REPLY" ok
	assert_equal "$INVALIDATES:$NOTIFIES" 0:0
	assert_equal "$(fdinfo "$PID" "$FD" revoked)" 1
	vf "decode on"
	vf "touch $INO"
	assert_equal "$VF_REPLY" "err SIGBUS offset=0 pages=0"
	vf "unimport $INO"
	vf "import $INO"
	assert_regex "$VF_REPLY" '^err ENODEV '
}

@test "cdev: the device bound to iommufd through /dev/vfio/devices exports and revokes the same" {
	vf_start --cdev "$DEV" 2:64K@0,client,import
	assert_regex "$VF_DEV" ' api=cdev '
	buf 0
	vf "mapped $INO"
	assert_regex "$VF_REPLY" '^ok mapped pages=16/16 '
	vf "revoke $INO"
	assert_equal "$VF_REPLY" ok
	vf "mapped $INO"
	assert_regex "$VF_REPLY" '^ok unmapped '
	assert_equal "$(fdinfo "$PID" "$FD" revoked)" 1
}

@test "kselftest: the kernel's own iommufd dma-buf tests pass on the patched kernel" {
	run "$SELFTEST/iommufd-kselftest" -t dmabuf_simple -t dmabuf_revoke
	echo "$output"
	assert_success
	assert_regex "$output" '# PASSED: [0-9]+ / [0-9]+ tests passed'
	assert_regex "$output" '# Totals: pass:[1-9][0-9]* fail:0 xfail:0 xpass:0 skip:0 error:0'
}

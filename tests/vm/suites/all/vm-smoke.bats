#!/usr/bin/env bats
# The VM harness itself (tests/vm/run, guest-init): the guest runs the
# kernel it was asked for and gives the suites what they rely on.  Runs
# inside the guest, on every kernel; see tests/vm/README.md.

@test "the guest runs the kernel that was booted" {
	[ -n "$VM_KERNEL_RELEASE" ]
	echo "uname -r: $(uname -r), expected $VM_KERNEL_RELEASE ($VM_KERNEL)"
	[ "$(uname -r)" = "$VM_KERNEL_RELEASE" ]
	case $VM_KERNEL in
	trixie) [[ $(uname -r) == 6.12.*+deb13-amd64 ]] ;;
	sid) [[ $(uname -r) == *-amd64 ]] && [ "${VM_KERNEL_RELEASE%%.*}" -ge 7 ] ;;
	test) [[ $(uname -r) != *+deb* ]] ;;
	*) false ;;
	esac
}

@test "/dev/udmabuf and /dev/dma_heap/system exist" {
	[ -c /dev/udmabuf ]
	[ -c /dev/dma_heap/system ]
}

@test "a udmabuf shows in debugfs dma_buf/bufinfo" {
	# memfd + F_SEAL_SHRINK + UDMABUF_CREATE (_IOW('u', 0x42, 24 bytes)).
	run python3 -c '
import fcntl, os, struct, sys, time
fd = os.memfd_create("vm-smoke", os.MFD_ALLOW_SEALING)
os.ftruncate(fd, 4 * 4096)
fcntl.fcntl(fd, fcntl.F_ADD_SEALS, fcntl.F_SEAL_SHRINK)
dev = os.open("/dev/udmabuf", os.O_RDWR)
buf = fcntl.ioctl(dev, 0x40187542, bytearray(struct.pack("IIQQ", fd, 0, 0, 4 * 4096)))
assert buf > 2, buf
print(open("/sys/kernel/debug/dma_buf/bufinfo").read())
'
	echo "$output"
	[ "$status" -eq 0 ]
	[[ $output == *"exp_name"* ]]
	grep -qE '^00016384[[:space:]].*udmabuf' <<< "$output"
	grep -q '^Total 1 objects, 16384 bytes' <<< "$output"
}

@test "/tmp is a writable tmpfs and / is read-only" {
	[ "$(stat -f -c %T /tmp)" = tmpfs ]
	echo hello > "$BATS_TEST_TMPDIR/f"
	[ "$(cat "$BATS_TEST_TMPDIR/f")" = hello ]
	run touch /vm-smoke-must-fail
	[ "$status" -ne 0 ]
	[ ! -e /vm-smoke-must-fail ]
}

@test "the source and build trees are visible" {
	[ -f "$SRCDIR/tests/vm/guest-init" ]
	[ -f "$SRCDIR/tests/vm/suites/all/vm-smoke.bats" ]
	[ -d "$BUILDDIR" ]
	[ -x "$DMABUFCTL" ]
	[ "$(pwd -P)" = "$BUILDDIR" ]
}

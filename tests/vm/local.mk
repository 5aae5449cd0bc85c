# tests/vm: the suites in tests/vm/suites run inside QEMU on real kernels
# (Debian trixie and sid, and the project's test kernel); see
# tests/vm/README.md.  Each check-KERNEL boots once and prints TAP, so the
# generic LOG_DRIVER (tap-driver.sh) counts every bats test in the guest.
%canon_reldir%_checks = \
	%reldir%/check-trixie \
	%reldir%/check-sid \
	%reldir%/check-test \
	%reldir%/check-harness

if ENABLE_VM_TESTS
TESTS += $(%canon_reldir%_checks)
endif

EXTRA_DIST += \
	$(%canon_reldir%_checks) \
	%reldir%/README.md \
	%reldir%/apt-fetch \
	%reldir%/check-kernel \
	%reldir%/fetch-kernel \
	%reldir%/guest-fstab \
	%reldir%/guest-init \
	%reldir%/initramfs-init.c \
	%reldir%/run \
	%reldir%/harness \
	%reldir%/suites

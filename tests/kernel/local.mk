# tests/kernel: the project's test kernel (see tests/kernel/README.md).
# Built on demand by tests/kernel/build into the cache, never by make.
EXTRA_DIST += \
	tests/kernel/README.md \
	tests/kernel/build \
	tests/kernel/config \
	tests/kernel/patches/0001-dma-buf-add-DMA_BUF_IOCTL_REVOKE.patch \
	tests/kernel/patches/0002-udmabuf-implement-revoke.patch \
	tests/kernel/patches/0003-iommufd-selftest-implement-revoke-on-the-mock-dma-bu.patch \
	tests/kernel/patches/0004-vfio-pci-implement-revoke-and-mmap-on-dma-bufs.patch \
	tests/kernel/selftest/run \
	tests/kernel/selftest/selftest.h \
	tests/kernel/selftest/heap.c \
	tests/kernel/selftest/udmabuf.c \
	tests/kernel/selftest/iommufd.c \
	tests/kernel/selftest/fentry.c \
	tests/kernel/selftest/fentry.bpf.c

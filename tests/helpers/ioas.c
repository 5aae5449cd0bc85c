// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * An iommufd IOAS with mock domains for the importer helpers: see ioas.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helper.h"
#include "ioas.h"

int ioas_test_cmd(struct ioas *io, struct iommu_test_cmd *cmd)
{
	cmd->size = sizeof(*cmd);
	return ioctl(io->fd, IOMMU_TEST_CMD, cmd);
}

void ioas_unsupported(const char *what, int err)
{
	die_msg(EX_UNSUPPORTED, "%s: %s: kernel without iommufd test interface (CONFIG_IOMMUFD_TEST)",
		what, errname(err));
}

int ioas_map_file(struct ioas *io, int fd, uint64_t start, uint64_t length,
		  uint64_t *iova)
{
	struct iommu_ioas_map_file map = {
		.size = sizeof(map),
		.flags = IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE,
		.ioas_id = io->ioas_id,
		.fd = fd,
		.start = start,
		.length = length,
	};

	if (ioctl(io->fd, IOMMU_IOAS_MAP_FILE, &map) < 0)
		return -errno;
	*iova = map.iova;
	return 0;
}

int ioas_unmap(struct ioas *io, uint64_t iova, uint64_t length)
{
	struct iommu_ioas_unmap unmap = {
		.size = sizeof(unmap),
		.ioas_id = io->ioas_id,
		.iova = iova,
		.length = length,
	};

	return ioctl(io->fd, IOMMU_IOAS_UNMAP, &unmap) < 0 ? -errno : 0;
}

/*
 * No iommufd query reads a domain's PTEs for memory that is not the
 * caller's, and after a revoke the IOAS area stays (IOAS_UNMAP still
 * succeeds), so ask the page table itself: the mock's set_dirty fails on
 * an empty PTE (generic_pt __set_dirty: -ENOENT, ignored by the test op)
 * and GET_DIRTY_BITMAP reports only present, dirty PTEs.
 */
int ioas_mapped(struct ioas *io, uint64_t iova, uint64_t length,
		unsigned long *pages)
{
	unsigned long npages = length / io->page_size, i;
	size_t words = (npages + 63) / 64;
	uint64_t *bitmap = calloc(words ? words : 1, sizeof(*bitmap));
	struct iommu_test_cmd dirty = {
		.op = IOMMU_TEST_OP_DIRTY,
		.id = io->dirty_hwpt,
	};
	struct iommu_hwpt_get_dirty_bitmap get = {
		.size = sizeof(get),
		.hwpt_id = io->dirty_hwpt,
		.iova = iova,
		.length = length,
		.page_size = io->page_size,
	};
	int ret = 0;

	if (!bitmap)
		return -ENOMEM;
	for (i = 0; i < npages; i++)
		bitmap[i / 64] |= 1ULL << (i % 64);
	dirty.dirty.iova = iova;
	dirty.dirty.length = length;
	dirty.dirty.page_size = io->page_size;
	dirty.dirty.uptr = (uintptr_t)bitmap;
	if (ioas_test_cmd(io, &dirty) < 0) {
		ret = -errno;
		goto out;
	}
	memset(bitmap, 0, words * sizeof(*bitmap));
	get.data = (uintptr_t)bitmap;
	if (ioctl(io->fd, IOMMU_HWPT_GET_DIRTY_BITMAP, &get) < 0) {
		ret = -errno;
		goto out;
	}
	*pages = 0;
	for (i = 0; i < npages; i++)
		if (bitmap[i / 64] & (1ULL << (i % 64)))
			(*pages)++;
out:
	free(bitmap);
	return ret;
}

void ioas_reply_mapped(struct ioas *io, uint64_t iova, uint64_t length)
{
	unsigned long n = 0, total = length / io->page_size;
	int err;

	if (iova == IOAS_NO_AREA)
		reply_ok("unmapped pages=0/%lu area=none", total);
	else if ((err = ioas_mapped(io, iova, length, &n)))
		reply_err(-err, "dirty-bit probe: %s", strerror(-err));
	else
		reply_ok("%s pages=%lu/%lu area=0x%llx",
			 n == total ? "mapped" : n ? "partial" : "unmapped",
			 n, total, (unsigned long long)iova);
}

/* A second, dirty-tracking mock domain on the IOAS serves the probe. */
static int setup_probe(struct ioas *io, uint32_t idev_id)
{
	struct iommu_hwpt_alloc alloc = {
		.size = sizeof(alloc),
		.flags = IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
		.dev_id = idev_id,
		.pt_id = io->ioas_id,
		.data_type = IOMMU_HWPT_DATA_NONE,
	};
	struct iommu_hwpt_set_dirty_tracking track = {
		.size = sizeof(track),
		.flags = IOMMU_HWPT_DIRTY_TRACKING_ENABLE,
	};

	if (ioctl(io->fd, IOMMU_HWPT_ALLOC, &alloc) < 0)
		return -errno;
	track.hwpt_id = alloc.out_hwpt_id;
	if (ioctl(io->fd, IOMMU_HWPT_SET_DIRTY_TRACKING, &track) < 0)
		return -errno;
	io->dirty_hwpt = alloc.out_hwpt_id;
	return 0;
}

void ioas_setup(struct ioas *io)
{
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };
	struct iommu_test_cmd mock = { .op = IOMMU_TEST_OP_MOCK_DOMAIN };
	int err;

	io->page_size = sysconf(_SC_PAGESIZE);
	io->fd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	if (io->fd < 0) {
		err = errno;
		if (err == ENOENT || err == ENODEV || err == ENXIO)
			die_msg(EX_UNSUPPORTED, "/dev/iommu: %s: kernel without iommufd",
				errname(err));
		die_errno(EX_SYSCALL_ERR, err, "open(/dev/iommu)");
	}
	if (ioctl(io->fd, IOMMU_IOAS_ALLOC, &alloc) < 0)
		die_errno(EX_SYSCALL_ERR, errno, "ioctl(IOMMU_IOAS_ALLOC)");
	io->ioas_id = alloc.out_ioas_id;

	/* without a domain the map never reaches an IOMMU page table */
	mock.id = io->ioas_id;
	if (ioas_test_cmd(io, &mock) < 0) {
		if (errno == ENOTTY || errno == EOPNOTSUPP)
			ioas_unsupported("IOMMU_TEST_OP_MOCK_DOMAIN", errno);
		die_errno(EX_SYSCALL_ERR, errno, "ioctl(IOMMU_TEST_OP_MOCK_DOMAIN)");
	}
	io->hwpt_id = mock.mock_domain.out_hwpt_id;
	err = setup_probe(io, mock.mock_domain.out_idev_id);
	if (err)
		die_errno(EX_SYSCALL_ERR, -err, "ioctl(IOMMU_HWPT_ALLOC dirty tracking)");
}

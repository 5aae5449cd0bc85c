// SPDX-License-Identifier: GPL-2.0
/*
 * DMA_BUF_IOCTL_REVOKE with a real dynamic importer: iommufd maps the
 * selftest mock dma-buf into an IOAS, and revoking must make iommufd
 * (iopt_revoke_notify) unmap it from the IO page table.
 *
 * The mapping is observed through dirty tracking on a mock hw page table:
 * the mock marks only present PTEs dirty, so pages come back dirty while
 * the buffer is mapped and none after the revoke.
 */
#include "selftest.h"

#include <linux/iommufd.h>
#include "iommufd_test.h"

#define BUF_SIZE (4 * 4096)
#define NBITS (BUF_SIZE / MOCK_PAGE_SIZE)

static int iommufd;

static int test_cmd(struct iommu_test_cmd *cmd)
{
	cmd->size = sizeof(*cmd);
	return ioctl(iommufd, IOMMU_TEST_CMD, cmd);
}

/*
 * Mark every mock page of [iova, +BUF_SIZE) dirty and read the dirty
 * bitmap back into *BITS; returns how many pages came back dirty.
 */
static int dirty_pages(__u32 hwpt, __u64 iova, __u64 *bits)
{
	__u64 want = (1ULL << NBITS) - 1, got = 0;
	struct iommu_test_cmd dirty = {
		.op = IOMMU_TEST_OP_DIRTY,
		.id = hwpt,
		.dirty = {
			.iova = iova,
			.length = BUF_SIZE,
			.page_size = MOCK_PAGE_SIZE,
			.uptr = (uintptr_t)&want,
		},
	};
	struct iommu_hwpt_get_dirty_bitmap get = {
		.size = sizeof(get),
		.hwpt_id = hwpt,
		.iova = iova,
		.length = BUF_SIZE,
		.page_size = MOCK_PAGE_SIZE,
		.data = (uintptr_t)&got,
	};

	if (test_cmd(&dirty) || ioctl(iommufd, IOMMU_HWPT_GET_DIRTY_BITMAP, &get))
		return -1;
	*bits = got;
	return __builtin_popcountll(got);
}

int main(void)
{
	struct iommu_ioas_alloc ioas = { .size = sizeof(ioas) };
	struct iommu_test_cmd mock = { .op = IOMMU_TEST_OP_MOCK_DOMAIN };
	struct iommu_test_cmd get = {
		.op = IOMMU_TEST_OP_DMABUF_GET,
		.dmabuf_get = { .length = BUF_SIZE, .open_flags = O_CLOEXEC },
	};
	struct iommu_hwpt_alloc hwpt = {
		.size = sizeof(hwpt),
		.flags = IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
	};
	struct iommu_hwpt_set_dirty_tracking track = {
		.size = sizeof(track),
		.flags = IOMMU_HWPT_DIRTY_TRACKING_ENABLE,
	};
	struct iommu_ioas_map_file map = {
		.size = sizeof(map),
		.flags = IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE,
		.length = BUF_SIZE,
	};
	char detail[96];
	__u64 bits = 0;
	int buf, n;

	setvbuf(stdout, NULL, _IOLBF, 0);
	iommufd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	if (iommufd < 0)
		st_bail("open /dev/iommu");
	if (ioctl(iommufd, IOMMU_IOAS_ALLOC, &ioas))
		st_bail("IOMMU_IOAS_ALLOC");
	mock.id = ioas.out_ioas_id;
	if (test_cmd(&mock))
		st_bail("IOMMU_TEST_OP_MOCK_DOMAIN");
	hwpt.dev_id = mock.mock_domain.out_idev_id;
	hwpt.pt_id = ioas.out_ioas_id;
	if (ioctl(iommufd, IOMMU_HWPT_ALLOC, &hwpt))
		st_bail("IOMMU_HWPT_ALLOC dirty tracking");
	track.hwpt_id = hwpt.out_hwpt_id;
	if (ioctl(iommufd, IOMMU_HWPT_SET_DIRTY_TRACKING, &track))
		st_bail("IOMMU_HWPT_SET_DIRTY_TRACKING");

	buf = test_cmd(&get);
	if (buf < 0)
		st_bail("IOMMU_TEST_OP_DMABUF_GET");
	map.ioas_id = ioas.out_ioas_id;
	map.fd = buf;
	if (ioctl(iommufd, IOMMU_IOAS_MAP_FILE, &map))
		st_bail("IOMMU_IOAS_MAP_FILE");

	n = dirty_pages(hwpt.out_hwpt_id, map.iova, &bits);
	snprintf(detail, sizeof(detail), "%d of %d pages, iova %#llx, bitmap %#llx",
		 n, NBITS, (unsigned long long)map.iova, (unsigned long long)bits);
	/* Enough that PTEs exist: the mock may not report the last page. */
	st_check("IOAS maps the mock buffer", n > 0, detail);
	st_check("fdinfo says revoked 0 before", fdinfo_revoked(buf) == 0,
		 "no revoked: 0 line");

	st_expect("revoke iommufd-mapped mock buffer", dmabuf_revoke(buf), 0);
	st_check("fdinfo says revoked 1 after", fdinfo_revoked(buf) == 1,
		 "no revoked: 1 line");
	n = dirty_pages(hwpt.out_hwpt_id, map.iova, &bits);
	snprintf(detail, sizeof(detail), "%d of %d pages still mapped, bitmap %#llx",
		 n, NBITS, (unsigned long long)bits);
	st_check("IOAS mapping is gone", n == 0, detail);

	map.iova = 0;
	st_expect("map into the IOAS after revoke",
		  ioctl(iommufd, IOMMU_IOAS_MAP_FILE, &map), ENODEV);
	st_expect("second revoke", dmabuf_revoke(buf), EBADFD);

	close(buf);
	close(iommufd);
	return st_done();
}

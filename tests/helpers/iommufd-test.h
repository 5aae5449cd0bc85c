/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The iommufd uapi this helper needs, and iommufd's test interface, which
 * no uapi header installs (CONFIG_IOMMUFD_TEST only).  Checked by hand
 * against Linux 7.2: include/uapi/linux/iommufd.h and
 * drivers/iommu/iommufd/iommufd_test.h.  Debian 12's <linux/iommufd.h>
 * (6.1) lacks MAP_FILE and dirty tracking, so it is not included.
 */
#ifndef DMABUFCTL_IOMMUFD_TEST_H
#define DMABUFCTL_IOMMUFD_TEST_H

#include <stddef.h>
#include <linux/types.h>
#include <sys/ioctl.h>

#define IOMMUFD_TYPE		(';')
#define IOMMUFD_CMD_BASE	0x80

#define IOMMU_DESTROY			_IO(IOMMUFD_TYPE, 0x80)
#define IOMMU_IOAS_ALLOC		_IO(IOMMUFD_TYPE, 0x81)
#define IOMMU_IOAS_UNMAP		_IO(IOMMUFD_TYPE, 0x86)
#define IOMMU_HWPT_ALLOC		_IO(IOMMUFD_TYPE, 0x89)
#define IOMMU_HWPT_SET_DIRTY_TRACKING	_IO(IOMMUFD_TYPE, 0x8b)
#define IOMMU_HWPT_GET_DIRTY_BITMAP	_IO(IOMMUFD_TYPE, 0x8c)
#define IOMMU_IOAS_MAP_FILE		_IO(IOMMUFD_TYPE, 0x8f)
#define IOMMU_TEST_CMD			_IO(IOMMUFD_TYPE, IOMMUFD_CMD_BASE + 32)

struct iommu_ioas_alloc {
	__u32 size;
	__u32 flags;
	__u32 out_ioas_id;
};

struct iommu_ioas_unmap {
	__u32 size;
	__u32 ioas_id;
	__aligned_u64 iova;
	__aligned_u64 length;
};

enum {
	IOMMU_IOAS_MAP_FIXED_IOVA = 1 << 0,
	IOMMU_IOAS_MAP_WRITEABLE = 1 << 1,
	IOMMU_IOAS_MAP_READABLE = 1 << 2,
};

struct iommu_ioas_map_file {
	__u32 size;
	__u32 flags;
	__u32 ioas_id;
	__s32 fd;
	__aligned_u64 start;
	__aligned_u64 length;
	__aligned_u64 iova;
};

#define IOMMU_HWPT_ALLOC_DIRTY_TRACKING	(1 << 1)
#define IOMMU_HWPT_DATA_NONE		0

struct iommu_hwpt_alloc {
	__u32 size;
	__u32 flags;
	__u32 dev_id;
	__u32 pt_id;
	__u32 out_hwpt_id;
	__u32 __reserved;
	__u32 data_type;
	__u32 data_len;
	__aligned_u64 data_uptr;
	__u32 fault_id;
	__u32 __reserved2;
};

#define IOMMU_HWPT_DIRTY_TRACKING_ENABLE	1

struct iommu_hwpt_set_dirty_tracking {
	__u32 size;
	__u32 flags;
	__u32 hwpt_id;
	__u32 __reserved;
};

struct iommu_hwpt_get_dirty_bitmap {
	__u32 size;
	__u32 hwpt_id;
	__u32 flags;
	__u32 __reserved;
	__aligned_u64 iova;
	__aligned_u64 length;
	__aligned_u64 page_size;
	__aligned_u64 data;
};

/* enum in iommufd_test.h: the position is the op number */
enum {
	IOMMU_TEST_OP_MOCK_DOMAIN = 2,
	IOMMU_TEST_OP_DIRTY = 13,
	IOMMU_TEST_OP_DMABUF_GET = 22,
	IOMMU_TEST_OP_DMABUF_REVOKE = 23,
};

/* Only the union members used here; "dirty" is the largest (48 bytes). */
struct iommu_test_cmd {
	__u32 size;
	__u32 op;
	__u32 id;
	__u32 __reserved;
	union {
		struct {
			__u32 out_stdev_id;
			__u32 out_hwpt_id;
			__u32 out_idev_id;
		} mock_domain;
		struct {
			__u32 flags;
			__aligned_u64 iova;
			__aligned_u64 length;
			__aligned_u64 page_size;
			__aligned_u64 uptr;
			__aligned_u64 out_nr_dirty;
		} dirty;
		struct {
			__u32 length;
			__u32 open_flags;
		} dmabuf_get;
		struct {
			__s32 dmabuf_fd;
			__u32 revoked;
		} dmabuf_revoke;
	};
	__u32 last;
};

_Static_assert(sizeof(struct iommu_test_cmd) == 72, "iommu_test_cmd is 72 bytes in 7.2");
_Static_assert(offsetof(struct iommu_test_cmd, last) == 64, "iommu_test_cmd.last");
_Static_assert(sizeof(struct iommu_ioas_map_file) == 40, "iommu_ioas_map_file");
_Static_assert(sizeof(struct iommu_hwpt_alloc) == 48, "iommu_hwpt_alloc");
_Static_assert(sizeof(struct iommu_hwpt_get_dirty_bitmap) == 48, "get_dirty_bitmap");

#endif

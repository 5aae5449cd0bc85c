/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The VFIO and dma-buf uapi dmabuf-vfio needs beyond Debian 12's headers
 * (Linux 6.1): the dma-buf export feature (6.19), the device cdev's
 * iommufd binding (6.6) and the test kernel's DMA_BUF_IOCTL_REVOKE.  Each
 * block is used only where the installed <linux/vfio.h> lacks it, and is
 * checked by hand against Linux 7.2's include/uapi/linux/vfio.h (layout
 * asserted below).
 */
#ifndef DMABUFCTL_TEST_VFIO_UAPI_H
#define DMABUFCTL_TEST_VFIO_UAPI_H

#include <stddef.h>
#include <linux/types.h>
#include <linux/dma-buf.h>
#include <linux/vfio.h>

#ifndef VFIO_DEVICE_FEATURE_DMA_BUF
#define VFIO_DEVICE_FEATURE_DMA_BUF 11

struct vfio_region_dma_range {
	__u64 offset;
	__u64 length;
};

struct vfio_device_feature_dma_buf {
	__u32 region_index;
	__u32 open_flags;
	__u32 flags;
	__u32 nr_ranges;
	struct vfio_region_dma_range dma_ranges[];
};
#endif

#ifndef VFIO_DEVICE_BIND_IOMMUFD
struct vfio_device_bind_iommufd {
	__u32 argsz;
	__u32 flags;
	__s32 iommufd;
	__u32 out_devid;
	__aligned_u64 token_uuid_ptr;	/* 6.17; 16 bytes before */
};
#define VFIO_DEVICE_BIND_IOMMUFD	_IO(VFIO_TYPE, VFIO_BASE + 18)

struct vfio_device_attach_iommufd_pt {
	__u32 argsz;
	__u32 flags;
	__u32 pt_id;
	__u32 pasid;	/* 6.13; 12 bytes before */
};
#define VFIO_DEVICE_ATTACH_IOMMUFD_PT	_IO(VFIO_TYPE, VFIO_BASE + 19)
#endif

/* The test kernel's revoke series (tests/kernel/patches/0001). */
#ifndef DMA_BUF_IOCTL_REVOKE
#define DMA_BUF_IOCTL_REVOKE	_IO(DMA_BUF_BASE, 4)
#endif

_Static_assert(sizeof(struct vfio_device_feature_dma_buf) == 16, "feature_dma_buf");
_Static_assert(sizeof(struct vfio_region_dma_range) == 16, "region_dma_range");
_Static_assert(offsetof(struct vfio_device_bind_iommufd, token_uuid_ptr) == 16,
	       "bind_iommufd");
_Static_assert(sizeof(struct vfio_device_attach_iommufd_pt) == 16, "attach_iommufd_pt");

#endif

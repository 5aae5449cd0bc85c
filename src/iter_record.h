/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The records iter.bpf.c writes to the dma-buf iterator's seq_file for
 * source_bpf.c: per buffer one iter_buf, maybe an iter_dev, then one
 * iter_att per attachment, then one of kind ITER_MAGIC_MORE when it stopped
 * at ITER_MAX_ATTACH.
 * Each record starts with its kind (magic), so the writer walks the
 * attachments once and the reader needs no count.
 */
#ifndef DMABUFCTL_ITER_RECORD_H
#define DMABUFCTL_ITER_RECORD_H

#include "bpf_record.h"

#define ITER_MAX_ATTACH	32	/* attachments listed per buffer */

#define ITER_MAGIC_BUF	0x64627566	/* "dbuf": struct iter_buf */
#define ITER_MAGIC_ATT	0x64617474	/* "datt": struct iter_att */
#define ITER_MAGIC_MORE	0x646d6f72	/* "dmor": struct iter_att, no data */
#define ITER_MAGIC_DEV	0x64646576	/* "ddev": struct iter_dev */

#define ITER_MAX_RANGES	16	/* ranges listed per buffer */

struct iter_buf {
	__u32 magic;		/* ITER_MAGIC_BUF */
	__u32 f_flags;
	__u64 inode;
	__u64 size;
	__s64 refcount;		/* file_count(dmabuf->file) as debugfs prints it */
	__u32 f_mode;
	__u32 pad;
	char exporter[REC_EXP_LEN];
	char name[REC_NAME_LEN];
};

struct iter_att {
	__u32 magic;		/* ITER_MAGIC_ATT or ITER_MAGIC_MORE */
	__s32 dynamic;		/* has importer_ops */
	__u64 inode;		/* its buffer's, to check the reader is in step */
	__u64 callback;		/* notify callback address, 0 = none */
	char device[REC_DEV_LEN];
};

/*
 * The device an exporter took the buffer's memory from, where it says
 * (vfio_pci_core: a PCI function's BAR, vfio.bpf.h), right after its
 * iter_buf.  Ranges are offsets into the BAR, listed only when the BAR is
 * known; nr_ranges is the buffer's count, more than ITER_MAX_RANGES.
 */
struct iter_range {
	__u64 offset;
	__u64 length;
};

struct iter_dev {
	__u32 magic;		/* ITER_MAGIC_DEV */
	__s32 bar;		/* BAR index, -1 unknown */
	__u64 inode;		/* its buffer's */
	__u32 nr_ranges;
	__s8 revoked;		/* no access now (temporarily or for good): 1, 0, -1 unknown */
	__s8 revoked_for_good;	/* 1, 0, -1 unknown */
	__s8 closed;		/* the exporter closed the device: 1, 0, -1 unknown */
	__u8 pad;
	char bdf[REC_DEV_LEN];	/* dev_name(): "0000:01:00.0" */
	struct iter_range ranges[ITER_MAX_RANGES];
};

#endif

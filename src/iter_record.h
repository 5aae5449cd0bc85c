/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The records iter.bpf.c's iterators write to their seq_files for the
 * loaders (source_bpf.c, source_tasks.c).  Each record starts with its kind
 * (magic), so a writer emits as it walks and the reader needs no count.
 *
 * dma-buf iterator: per buffer one iter_buf, then (dmabuf_collect_dev, a
 * VFIO buffer) one iter_dev, then one iter_att per attachment, then one of
 * kind ITER_MAGIC_MORE when it stopped at ITER_MAX_ATTACH.
 *
 * task_file iterator: first an iter_hdr, then one iter_fd per dma-buf fd,
 * and per DRM fd whose file holds GEM handles on dma-bufs (PRIME) one
 * iter_drm followed by one iter_gem per handle (and one of kind
 * ITER_MAGIC_GMOR when it stopped at ITER_MAX_GEM), then an iter_hdr of
 * kind ITER_MAGIC_END when the walk is complete.
 *
 * What the program writes for one file must fit the iterator's buffer
 * (8 pages, kernel/bpf/bpf_iter.c), or the read fails with E2BIG: hence
 * small GEM records and ITER_MAX_GEM.
 * task_vma iterator: one iter_vma per mapping of a dma-buf, then the end
 * record.
 */
#ifndef DMABUFCTL_ITER_RECORD_H
#define DMABUFCTL_ITER_RECORD_H

#include "bpf_record.h"

#define ITER_MAX_ATTACH	32	/* attachments listed per buffer */
#define ITER_MAX_GEM	800	/* GEM handles listed per DRM file (fits 32K) */

#define ITER_MAGIC_BUF	0x64627566	/* "dbuf": struct iter_buf */
#define ITER_MAGIC_ATT	0x64617474	/* "datt": struct iter_att */
#define ITER_MAGIC_MORE	0x646d6f72	/* "dmor": struct iter_att, no data */
#define ITER_MAGIC_HDR	0x64686472	/* "dhdr": struct iter_hdr, first */
#define ITER_MAGIC_END	0x64656e64	/* "dend": struct iter_hdr, last */
#define ITER_MAGIC_FD	0x64666420	/* "dfd ": struct iter_fd */
#define ITER_MAGIC_DRM	0x6464726d	/* "ddrm": struct iter_drm */
#define ITER_MAGIC_GEM	0x6467656d	/* "dgem": struct iter_gem */
#define ITER_MAGIC_GMOR	0x64676d72	/* "dgmr": struct iter_gem, no data */
#define ITER_MAGIC_VMA	0x64766d61	/* "dvma": struct iter_vma */
#define ITER_MAGIC_DEV	0x64646576	/* "ddev": struct iter_dev */

#define ITER_MAX_RANGES	16	/* ranges listed per buffer */

/* iter_hdr.features: what the programs were loaded with. */
#define ITER_F_GEM	(1u << 0)	/* DRM types found: GEM handles are walked */

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

struct iter_hdr {
	__u32 magic;		/* ITER_MAGIC_HDR or ITER_MAGIC_END */
	__u32 features;		/* ITER_F_* */
};

/* A buffer as the task iterators see it, from its struct dma_buf. */
struct iter_desc {
	__u64 inode;
	__u64 size;
	__s64 refcount;		/* file_count() less the iterator's own reference */
	__u32 f_flags;
	__u32 f_mode;
	char exporter[REC_EXP_LEN];
	char name[REC_NAME_LEN];
};

/* The holder, as /proc shows it to the reader (its pid namespace). */
struct iter_task {
	__u32 pid;		/* tgid, or the tid of a thread with its own fd table */
	__u32 tgid;
	__u64 cgroup;		/* cgroup v2 id (kernfs node id), 0 = unknown */
	char comm[REC_COMM_LEN];
};

struct iter_fd {
	__u32 magic;		/* ITER_MAGIC_FD */
	__u32 fd;
	struct iter_task t;
	struct iter_desc d;
};

/* A DRM file with GEM handles on dma-bufs, as one of its fds shows it. */
struct iter_drm {
	__u32 magic;		/* ITER_MAGIC_DRM */
	__u32 fd;		/* the DRM fd */
	__u64 file;		/* the struct drm_file: identity only */
	struct iter_task t;
	char device[REC_DEV_LEN];	/* dev_name() of the DRM device's parent */
	char driver[REC_EXP_LEN];	/* drm_driver.name */
	char node[REC_COMM_LEN];	/* the minor's device: card0, renderD128 */
};

/* One PRIME member of the iter_drm before it. */
struct iter_gem {
	__u32 magic;		/* ITER_MAGIC_GEM or ITER_MAGIC_GMOR */
	__u32 handle;		/* GEM handle in that file */
	__u64 inode;		/* the dma-buf's */
	__u64 size;
	__s64 refcount;		/* file_count() of the dma-buf */
};

struct iter_vma {
	__u32 magic;		/* ITER_MAGIC_VMA */
	__u32 pad;
	__u64 start, end;	/* [vm_start, vm_end) */
	__u64 pgoff;		/* vm_pgoff, in pages */
	__u64 vm_flags;
	struct iter_task t;	/* pid is the tgid: an address space per process */
	struct iter_desc d;
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

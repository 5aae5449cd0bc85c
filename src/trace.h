/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Records shared by the BPF programs (trace.bpf.c, iter.bpf.c) and user
 * space.  Fixed-size integer types only, no kernel types: both sides include
 * this file.  Kernel pointers (attachment, callback) are identities and
 * kallsyms keys, never dereferenced in user space.
 */
#ifndef DMABUFCTL_TRACE_H
#define DMABUFCTL_TRACE_H

#ifndef __bpf__
#include <linux/types.h>
#endif

#define TRACE_COMM_LEN		16
#define TRACE_EXP_LEN		32
#define TRACE_NAME_LEN		32	/* DMA_BUF_NAME_LEN */
#define TRACE_DEV_LEN		48
#define TRACE_NR_CALLBACKS	8	/* importer callback program slots */
#define TRACE_MAX_ATTACH	32	/* attachments walked per invalidate/buffer */

enum trace_kind {
	TRACE_EXPORT = 1,	/* dma_buf_export() returned a buffer */
	TRACE_RELEASE,		/* dma_buf_release(): last reference gone */
	TRACE_MMAP,		/* mmap() of the buffer's fd succeeded */
	TRACE_ATTACH,		/* dma_buf_dynamic_attach() returned */
	TRACE_DETACH,		/* dma_buf_detach() */
	TRACE_MAP,		/* dma_buf_map_attachment[_unlocked]() succeeded */
	TRACE_UNMAP,		/* dma_buf_unmap_attachment[_unlocked]() */
	TRACE_INVALIDATE,	/* dma_buf_invalidate_mappings() / dma_buf_move_notify() */
	TRACE_INV_ATTACH,	/* one attachment of the buffer being invalidated */
	TRACE_INV_DONE,		/* the invalidate returned: every callback ran */
	TRACE_CALLBACK,		/* an importer's notify callback was entered */
};

struct trace_event {
	__u64 ts;		/* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u64 inode;
	__u64 size;		/* buffer size; mmap: length mapped */
	__u64 attach;		/* attachment address (identity only) */
	__u64 callback;		/* importer's notify callback address, 0 = none */
	__u64 arg;		/* mmap: offset; INV_ATTACH: ts of its INVALIDATE */
	__u32 pid;		/* tgid */
	__u32 tid;
	__u32 kind;		/* enum trace_kind */
	__s32 dynamic;		/* attachment has importer_ops */
	__u32 slot;		/* CALLBACK: callback program slot */
	__u32 pad;
	char comm[TRACE_COMM_LEN];
	char exporter[TRACE_EXP_LEN];
	char name[TRACE_NAME_LEN];
	char device[TRACE_DEV_LEN];
};

/*
 * iter.bpf.c writes, per buffer, one iter_buf, then one iter_att per
 * attachment, then one of kind ITER_MAGIC_MORE when it stopped at
 * TRACE_MAX_ATTACH.  Each record starts with its kind (magic), so the
 * writer walks the attachments once and the reader needs no count.
 */
#define ITER_MAGIC_BUF	0x64627566	/* "dbuf": struct iter_buf */
#define ITER_MAGIC_ATT	0x64617474	/* "datt": struct iter_att */
#define ITER_MAGIC_MORE	0x646d6f72	/* "dmor": struct iter_att, no data */

struct iter_buf {
	__u32 magic;		/* ITER_MAGIC_BUF */
	__u32 f_flags;
	__u64 inode;
	__u64 size;
	__s64 refcount;		/* file_count(dmabuf->file) as debugfs prints it */
	__u32 f_mode;
	__u32 pad;
	char exporter[TRACE_EXP_LEN];
	char name[TRACE_NAME_LEN];
};

struct iter_att {
	__u32 magic;		/* ITER_MAGIC_ATT or ITER_MAGIC_MORE */
	__s32 dynamic;		/* has importer_ops */
	__u64 inode;		/* its buffer's, to check the reader is in step */
	__u64 callback;		/* notify callback address, 0 = none */
	char device[TRACE_DEV_LEN];
};

#endif

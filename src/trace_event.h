/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The records trace.bpf.c sends the tracer (tracer.c) through its ring
 * buffer: one struct trace_event per hooked call.
 *
 * Names are read in the kernel once per object where it can be: a buffer
 * exported while tracing has its exporter in its export record only, an
 * attachment of such a buffer its device in its attach record only; their
 * other records leave them empty (flags say so) and the reader fills them
 * in from its table by address (trace_names.c).  Buffers older than the
 * tracer carry their names in every record, and so does every record once
 * one was lost.
 */
#ifndef DMABUFCTL_TRACE_EVENT_H
#define DMABUFCTL_TRACE_EVENT_H

#include "bpf_record.h"

#define TRACE_NR_CALLBACKS	8	/* importer callback program slots */
#define TRACE_MAX_ATTACH	32	/* attachments reported per invalidate */
#define TRACE_WAKE_NS		100000000ull	/* records may wait this long for the reader */

/* struct trace_event.flags: the names the record carries. */
#define TRACE_F_EXPORTER	1u	/* exporter read (else by buf, from the reader's table) */
#define TRACE_F_DEVICE		2u	/* device read (else by attach, from the reader's table) */

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
	TRACE_KIND_MAX = TRACE_CALLBACK,
};

/* INVALIDATE: which way access went, and why, where the kernel lets us
 * know (VFIO's revokes, the revoke ioctl; trace.bpf.c). */
enum trace_direction {
	TRACE_DIR_UNKNOWN = 0,
	TRACE_DIR_REVOKE,	/* vfio_pci_dma_buf_move(, true), the revoke ioctl */
	TRACE_DIR_RESTORE,	/* vfio_pci_dma_buf_move(, false) */
	TRACE_DIR_MAX = TRACE_DIR_RESTORE,
};

enum trace_cause {
	TRACE_CAUSE_UNKNOWN = 0,
	TRACE_CAUSE_DECODING,	/* PCI_COMMAND memory decoding (vfio_basic_config_write) */
	TRACE_CAUSE_RESET,	/* VFIO_DEVICE_RESET, VFIO_DEVICE_PCI_HOT_RESET */
	TRACE_CAUSE_CLOSE,	/* the VFIO device closed (vfio_pci_dma_buf_cleanup) */
	TRACE_CAUSE_IOCTL,	/* DMA_BUF_IOCTL_REVOKE (dma_buf_ioctl) */
	TRACE_CAUSE_MAX = TRACE_CAUSE_IOCTL,
};

struct trace_event {
	__u64 ts;		/* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u64 inode;
	__u64 buf;		/* dma_buf address (identity only) */
	__u64 size;		/* buffer size; mmap: length mapped */
	__u64 attach;		/* attachment address (identity only) */
	__u64 callback;		/* importer's notify callback address, 0 = none */
	__u64 arg;		/* mmap: offset; INV_ATTACH: ts of its INVALIDATE */
	__u32 pid;		/* tgid */
	__u32 tid;
	__u32 kind;		/* enum trace_kind */
	__s32 dynamic;		/* attachment has importer_ops */
	__u32 slot;		/* CALLBACK: callback program slot */
	__u32 flags;		/* TRACE_F_* */
	char comm[REC_COMM_LEN];
	char exporter[REC_EXP_LEN];
	char name[REC_NAME_LEN];
	char device[REC_DEV_LEN];
	__u32 direction;	/* INVALIDATE: enum trace_direction */
	__u32 cause;		/* INVALIDATE: enum trace_cause */
};

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The trace loader (tracer.c): picks attach targets from the running
 * kernel's BTF, loads trace.bpf.c as fentry/fexit programs or, where BPF
 * trampolines are missing, as kprobes, and turns ring-buffer records into
 * events and invalidate confirmations.  Used by `trace` and `revoke --verify`.
 *
 * Confirmations.  For every invalidate (dma_buf_invalidate_mappings() 7.1+,
 * dma_buf_move_notify() before) the BPF side reports each attachment of the
 * buffer with its importer's callback address.  Per attachment we then wait
 * up to the timeout for:
 *   notified  its callback was entered for this attachment (1), not (0), or
 *             unknown (-1: the callback is not one we could hook).  Static
 *             importers have no callback: notifiable is false, notified 0.
 *   unmapped  the importer dropped its mapping after the invalidate:
 *             "unmap"       dma_buf_unmap_attachment[_unlocked]() on it,
 *             "detach"      dma_buf_detach() of it,
 *             "in_callback" the callback returned and the importer holds no
 *                           sg mapping: importers that map by physical address
 *                           (iommufd, 7.x) unmap inside the callback.
 * A confirmation is final once the attachment unmapped, or it cannot be
 * notified and the invalidate returned, or at the timeout.
 *
 * revoke --verify:
 *	tracer_open(&t, &(struct tracer_opts){ .inode = ino, .timeout = 3 }, &err);
 *	ioctl(fd, DMA_BUF_IOCTL_REVOKE);
 *	ret = tracer_wait_confirms(t, ino, &c, &nr);	// all done or timeout
 *	...
 *	tracer_confirms_free(c, nr);
 *	tracer_close(t);
 */
#ifndef DMABUFCTL_TRACER_H
#define DMABUFCTL_TRACER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace_event.h"

struct tracer;

struct tracer_opts {
	uint64_t inode;		/* 0: every buffer; else filtered in BPF */
	double timeout;		/* seconds to wait for importers after an invalidate */
	bool kprobes;		/* skip fentry, use the kprobe fallback */
};

/* Why tracer_open() failed: "dmabufctl: <what>: <why>" + hint. */
struct tracer_err {
	int exit;		/* enum dmabufctl_exit: EXIT_PERM, EXIT_UNSUPPORTED, EXIT_FAIL */
	char what[64];
	char why[256];
	char hint[256];
};

struct tracer_confirm {
	uint64_t inode;
	char *device;
	char *callback;		/* symbol, NULL when the importer has none (static) */
	bool dynamic;
	bool notifiable;	/* has a callback */
	int notified;		/* 1, 0, -1 unknown */
	bool unmapped;
	const char *unmap;	/* "unmap", "detach", "in_callback" or NULL */
	double invalidate_time;	/* CLOCK_MONOTONIC seconds */
	double time;		/* CLOCK_MONOTONIC seconds when final */
	double latency;		/* seconds from invalidate to unmap (or callback); < 0 none */
	bool shown;		/* the invalidate passed the caller's display filter */
};

struct tracer_handlers {
	/* A decoded BPF record (never INV_ATTACH or INV_DONE); cbsym is the
	 * symbol of ev->callback or NULL.  Return nonzero to keep the
	 * invalidate's confirmations (the event was shown). */
	int (*event)(void *ctx, const struct trace_event *ev, const char *cbsym);
	void (*confirm)(void *ctx, const struct tracer_confirm *c);
};

/* Load and attach: 0; -EPERM without CAP_BPF/CAP_PERFMON; -EOPNOTSUPP when
 * the kernel cannot (no BTF, no dma-buf, BPF refused).  *err says what and
 * why (nothing printed). */
int tracer_open(struct tracer **t, const struct tracer_opts *opts, struct tracer_err *err);
void tracer_close(struct tracer *t);

/* What is attached, for the start line. */
const char *tracer_mode(const struct tracer *t);		/* "fentry" or "kprobe" */
const char *tracer_fallback(const struct tracer *t);	/* why not fentry, or NULL */
size_t tracer_probes(const struct tracer *t, const char *const **names);
size_t tracer_missing(const struct tracer *t, const char *const **names);
size_t tracer_callbacks(const struct tracer *t, const char *const **names);
double tracer_load_ms(const struct tracer *t);		/* open to last attach */

/* Deliver events for up to timeout_ms (and confirmations that became final
 * or timed out).  Returns records handled, or -errno (-EINTR on a signal). */
int tracer_poll(struct tracer *t, int timeout_ms, const struct tracer_handlers *h, void *ctx);
/* Finalise every pending confirmation now (on exit). */
void tracer_flush(struct tracer *t, const struct tracer_handlers *h, void *ctx);

uint64_t tracer_seen(const struct tracer *t);		/* records received */
uint64_t tracer_lost(const struct tracer *t);		/* ring buffer full in BPF */
uint64_t tracer_missed(const struct tracer *t);		/* program runs the kernel skipped */
uint64_t tracer_truncated(const struct tracer *t);	/* invalidates with > TRACE_MAX_ATTACH */

/* CLOCK_MONOTONIC ns (bpf_ktime_get_ns) to seconds since the epoch. */
double tracer_walltime(const struct tracer *t, uint64_t ktime_ns);

/*
 * revoke --verify: wait for the next invalidate of inode and its
 * confirmations (final, or timed out after opts->timeout).  0 with *out,
 * *nr (possibly 0: no attachments), -ETIMEDOUT when no invalidate came
 * within the timeout, -EINTR on a signal.
 */
int tracer_wait_confirms(struct tracer *t, uint64_t inode,
			 struct tracer_confirm **out, size_t *nr);
void tracer_confirms_free(struct tracer_confirm *c, size_t nr);

#endif

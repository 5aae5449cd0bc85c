/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The tracer: loads trace.bpf.c on the dma-buf functions of the running
 * kernel (fentry/fexit, or kprobes where BPF trampolines are missing),
 * reads its ring buffer and hands over each record and, for every
 * invalidate, one confirmation per attachment of the buffer: was its
 * importer notified, did it unmap (confirm.h says how that is decided).
 * Used by `trace` and `revoke --verify`.
 *
 * Built with --disable-bpf, the functions are the stubs at the end:
 * tracer_open() fails with -EOPNOTSUPP and says so; nothing else is reached.
 *
 *	if (tracer_open(&t, &(struct tracer_opts){ .inode = ino, .timeout = 3 }, &err))
 *		... -EPERM or -EOPNOTSUPP, err says why ...
 *	while (!done)
 *		tracer_poll(t, 200, &handlers, ctx);	// events, then confirmations
 *	tracer_flush(t, &handlers, ctx);		// what is still waiting
 *	tracer_close(t);
 */
#ifndef DMABUFCTL_TRACER_H
#define DMABUFCTL_TRACER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace_event.h"

/* Records reserved before a deadline may be read this much later. */
#define TRACER_SLACK_NS	20000000ull

struct tracer;

struct tracer_opts {
	uint64_t inode;		/* 0: every buffer; else filtered in BPF */
	double timeout;		/* seconds importers get after an invalidate */
	bool kprobes;		/* skip fentry, use the kprobe fallback */
};

/* Why tracer_open() failed, in words, and how to fix it ("" if unknown). */
struct tracer_err {
	char why[256];
	char hint[256];
};

/* One attachment of an invalidated buffer, final. */
struct tracer_confirm {
	uint64_t inode;
	const char *device;
	const char *callback;	/* symbol (or 0xADDR); NULL: the importer has none */
	bool dynamic;
	bool notifiable;	/* has a callback */
	int notified;		/* 1, 0, -1 unknown */
	bool unmapped;
	const char *unmap;	/* "unmap", "detach", "in_callback" or NULL */
	uint64_t invalidate_ns;	/* CLOCK_MONOTONIC */
	uint64_t final_ns;	/* CLOCK_MONOTONIC, when it became final */
	int64_t latency_ns;	/* invalidate to unmap (or callback); -1: neither */
};

struct tracer_handlers {
	/* A record (never INV_ATTACH or INV_DONE); cbsym names ev->callback, or
	 * NULL.  Returns nonzero when it was shown: passed on to invalidated(). */
	int (*event)(void *ctx, const struct trace_event *ev, const char *cbsym);
	/* An invalidate whose confirmations are final: one per attachment the
	 * buffer had (none when it had none).  c and its strings live until
	 * the call returns. */
	void (*invalidated)(void *ctx, uint64_t inode, bool shown,
			    const struct tracer_confirm *c, size_t nr);
};

/* What is attached, for the start line. */
struct tracer_info {
	const char *mode;		/* "fentry" or "kprobe" */
	const char *fallback;		/* why not fentry, or NULL */
	const char *const *probes;	/* kernel functions hooked */
	size_t nr_probes;
	const char *const *missing;	/* not in this kernel, or not attachable */
	size_t nr_missing;
	const char *const *callbacks;	/* importer callbacks hooked ("": slot unused) */
	size_t nr_callbacks;
	double load_ms;			/* open to last attach */
};

struct tracer_stats {
	uint64_t seen;		/* records received */
	uint64_t lost;		/* ring buffer full in BPF */
	uint64_t missed;	/* program runs the kernel skipped */
	uint64_t truncated;	/* invalidates with more than TRACE_MAX_ATTACH attachments */
};

#ifdef HAVE_BPF

/* Load and attach: 0; -EPERM without CAP_BPF/CAP_PERFMON; -EOPNOTSUPP when
 * the kernel cannot (no BTF, no dma-buf, BPF refused) or this build has no
 * BPF.  *err says why (nothing printed). */
int tracer_open(struct tracer **t, const struct tracer_opts *opts, struct tracer_err *err);
void tracer_close(struct tracer *t);

const struct tracer_info *tracer_info(const struct tracer *t);
void tracer_stats(const struct tracer *t, struct tracer_stats *st);

/* Deliver records for up to timeout_ms (less when a confirmation is due),
 * then the invalidates that became final or timed out.  Returns records
 * and confirmations handled, or -errno (-EINTR on a signal). */
int tracer_poll(struct tracer *t, int timeout_ms, const struct tracer_handlers *h, void *ctx);
/* Read what is left and finish every waiting invalidate now (on exit). */
void tracer_flush(struct tracer *t, const struct tracer_handlers *h, void *ctx);
/* Invalidates still waiting for their importers. */
size_t tracer_pending(const struct tracer *t);

/* CLOCK_MONOTONIC ns (bpf_ktime_get_ns) to seconds since the epoch. */
double tracer_walltime(const struct tracer *t, uint64_t ktime_ns);

#else /* !HAVE_BPF */

#include <errno.h>
#include <stdio.h>

static inline int tracer_open(struct tracer **t, const struct tracer_opts *opts,
			      struct tracer_err *err)
{
	*t = NULL;
	snprintf(err->why, sizeof(err->why), "dmabufctl was built without BPF (--disable-bpf)");
	snprintf(err->hint, sizeof(err->hint), "rebuild with BPF (clang, bpftool, libbpf)");
	return -EOPNOTSUPP;
}

static inline void tracer_close(struct tracer *t) { }
static inline const struct tracer_info *tracer_info(const struct tracer *t) { return NULL; }
static inline void tracer_stats(const struct tracer *t, struct tracer_stats *st)
{
	*st = (struct tracer_stats){ 0 };
}
static inline int tracer_poll(struct tracer *t, int timeout_ms,
			      const struct tracer_handlers *h, void *ctx) { return -EOPNOTSUPP; }
static inline void tracer_flush(struct tracer *t, const struct tracer_handlers *h,
				void *ctx) { }
static inline size_t tracer_pending(const struct tracer *t) { return 0; }
static inline double tracer_walltime(const struct tracer *t, uint64_t ktime_ns) { return 0; }

#endif /* HAVE_BPF */

#endif

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The tracer: attach targets chosen from the running kernel's BTF, fentry
 * with a kprobe fallback, the ring buffer read into events and, through
 * confirm.c, confirmations.  See tracer.h for the contract.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/epoll.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf_util.h"
#include "clock.h"
#include "confirm.h"
#include "ksyms.h"
#include "probes.h"
#include "trace_names.h"
#include "tracer.h"
#include "util.h"

struct tracer {
	struct probes probes;
	struct ring_buffer *rb;
	int epfd;			/* the ring's wakeups, edge-triggered */
	bool kprobes;
	char *fallback;
	double load_ms;
	uint64_t timeout_ns;		/* importers' time after an invalidate */
	int64_t wall_offset_ns;
	uint64_t seen;
	struct ksyms *ks;		/* callback names */
	struct trace_names *names;	/* exporters and devices by address */

	struct confirm_state *cs;
	struct tracer_info info;

	/* During tracer_poll(). */
	const struct tracer_handlers *h;
	void *ctx;
	int handled;
};

static void set_err(struct tracer_err *err, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void set_err(struct tracer_err *err, const char *hint, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err->why, sizeof(err->why), fmt, ap);
	va_end(ap);
	snprintf(err->hint, sizeof(err->hint), "%s", hint ? hint : "");
}

/* ---- ring buffer ---- */

static int deliver(struct tracer *t, const struct trace_event *e)
{
	const char *sym = NULL;

	t->handled++;
	if (!t->h || !t->h->event)
		return 0;
	if (e->kind == TRACE_CALLBACK && e->slot < t->probes.nr_callbacks)
		sym = t->probes.callbacks[e->slot];
	else if (e->callback)
		sym = ksyms_label(t->ks, e->callback);
	return t->h->event(t->ctx, e, sym);
}

static int on_record(void *ctx, void *data, size_t size)
{
	struct tracer *t = ctx;
	struct trace_event e;
	bool shown = false;

	if (size < sizeof(e))
		return 0;
	t->seen++;
	/* A copy with its strings ended: readers need not trust the record. */
	memcpy(&e, data, sizeof(e));
	e.comm[sizeof(e.comm) - 1] = '\0';
	e.exporter[sizeof(e.exporter) - 1] = '\0';
	e.name[sizeof(e.name) - 1] = '\0';
	e.device[sizeof(e.device) - 1] = '\0';
	if (e.kind < TRACE_EXPORT || e.kind > TRACE_KIND_MAX)
		return 0;
	trace_names_fill(t->names, &e);
	/* INV_ATTACH and INV_DONE only feed the confirmations. */
	if (e.kind != TRACE_INV_ATTACH && e.kind != TRACE_INV_DONE)
		shown = deliver(t, &e) != 0;
	confirm_record(t->cs, &e, shown);
	return 0;
}

static void unload(struct tracer *t)
{
	if (t->epfd >= 0)
		close(t->epfd);
	t->epfd = -1;
	ring_buffer__free(t->rb);
	t->rb = NULL;
	probes_unload(&t->probes);
}

/* Probes in one mode and the ring buffer: 0, or -errno and the stage. */
static int load_mode(struct tracer *t, struct kernel_btf *kb, const struct tracer_opts *opts,
		     bool kprobe, char *stage, size_t stage_len)
{
	int ret = probes_load(&t->probes, kb, opts->inode, t->timeout_ns + TRACER_SLACK_NS,
			      kprobe, stage, stage_len);

	if (ret)
		return ret;
	t->rb = ring_buffer__new(probes_events_fd(&t->probes), on_record, t, NULL);
	if (!t->rb) {
		snprintf(stage, stage_len, "ring buffer");
		return -errno;
	}
	/*
	 * Not ring_buffer__poll(): its epoll is level-triggered, so that it
	 * returns at once whenever a record is waiting, wakeup or not.  While
	 * records kept coming the reader then never slept: it read them a few
	 * at a time, with an epoll_wait() and a write() per handful (icount:
	 * 2,200 guest instructions an event in the kernel, more than the
	 * formatting).  Edge-triggered, only the wakeups trace.bpf.c asks for
	 * end the wait (ev_submit()), or the timeout: records are read in
	 * batches of up to TRACE_WAKE_NS.
	 */
	t->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (t->epfd < 0 ||
	    epoll_ctl(t->epfd, EPOLL_CTL_ADD, probes_events_fd(&t->probes),
		      &(struct epoll_event){ .events = EPOLLIN | EPOLLET })) {
		snprintf(stage, stage_len, "ring buffer epoll");
		return -errno;
	}
	return 0;
}

int tracer_open(struct tracer **out, const struct tracer_opts *opts, struct tracer_err *err)
{
	struct kernel_btf *kb;
	char stage[96], why_fentry[192] = "";
	uint64_t t0 = mono_ns();
	struct tracer *t;
	int ret = 0, fentry_err = 0;

	*out = NULL;
	bpf_util_init_log();

	if (!bpf_util_may_trace()) {
		set_err(err, "run as root (or with CAP_BPF and CAP_PERFMON)",
			"BPF tracing needs CAP_BPF and CAP_PERFMON");
		return -EPERM;
	}
	kb = kernel_btf_load(&ret);
	if (!kb) {
		set_err(err, "boot a kernel built with CONFIG_DEBUG_INFO_BTF=y",
			"kernel BTF unavailable (/sys/kernel/btf/vmlinux): %s", strerror(-ret));
		return -EOPNOTSUPP;
	}
	if (!kernel_btf_has_func(kb, "dma_buf_export")) {
		set_err(err, "the kernel needs CONFIG_DMA_SHARED_BUFFER",
			"this kernel has no dma-buf functions (dma_buf_export not in BTF)");
		kernel_btf_free(kb);
		return -EOPNOTSUPP;
	}

	t = xcalloc(1, sizeof(*t));
	t->epfd = -1;
	t->ks = ksyms_new();
	t->names = trace_names_new();
	t->timeout_ns = (uint64_t)((opts->timeout > 0 ? opts->timeout : 3.0) * 1e9);
	if (!opts->kprobes) {
		ret = load_mode(t, kb, opts, false, stage, sizeof(stage));
		if (!ret)
			goto loaded;
		snprintf(why_fentry, sizeof(why_fentry), "fentry %s: %s", stage, strerror(-ret));
		fentry_err = ret;
		unload(t);
	}
	if (!bpf_util_have_kprobes()) {
		ret = opts->kprobes ? -EOPNOTSUPP : ret;
		set_err(err, bpf_util_refusal_hint(ret),
			"%s (%s%skprobe fallback: no kprobe PMU and no tracefs)",
			opts->kprobes ? "kprobes unavailable" : bpf_util_refusal(ret), why_fentry,
			*why_fentry ? "; " : "");
		goto fail;
	}
	ret = load_mode(t, kb, opts, true, stage, sizeof(stage));
	if (ret) {
		int first = opts->kprobes ? ret : fentry_err;

		set_err(err, bpf_util_refusal_hint(first),
			"%s (%s%skprobe fallback %s: %s)", bpf_util_refusal(first), why_fentry,
			*why_fentry ? "; " : "", stage, strerror(-ret));
		goto fail;
	}
	t->kprobes = true;
	t->fallback = xstrdup(*why_fentry ? why_fentry : "--kprobes");
loaded:
	kernel_btf_free(kb);
	t->load_ms = (mono_ns() - t0) / 1e6;
	t->wall_offset_ns = (int64_t)(wall_ns() - mono_ns());
	t->cs = confirm_new(t->timeout_ns, t->ks);
	confirm_set_hooked(t->cs, t->probes.callbacks, t->probes.nr_callbacks);
	t->info = (struct tracer_info){
		.mode = t->kprobes ? "kprobe" : "fentry",
		.fallback = t->fallback,
		.probes = t->probes.funcs, .nr_probes = t->probes.nr_funcs,
		.missing = t->probes.missing, .nr_missing = t->probes.nr_missing,
		.callbacks = t->probes.callbacks, .nr_callbacks = t->probes.nr_callbacks,
		.load_ms = t->load_ms,
	};
	*out = t;
	return 0;

fail:
	unload(t);
	ksyms_free(t->ks);
	trace_names_free(t->names);
	free(t);
	kernel_btf_free(kb);
	/* The kernel's EPERM as root is a refusal, not missing privileges. */
	return -EOPNOTSUPP;
}

void tracer_close(struct tracer *t)
{
	uint64_t exporters, devices;

	if (!t)
		return;
	trace_names_stats(t->names, &exporters, &devices);
	if (getenv("DMABUFCTL_DEBUG"))
		fprintf(stderr, "dmabufctl: debug: trace: names from the reader's table: "
			"%llu exporters, %llu devices; whole from inode %llu\n",
			(unsigned long long)exporters, (unsigned long long)devices,
			(unsigned long long)probes_born_from(&t->probes));
	unload(t);
	confirm_free(t->cs);
	free(t->fallback);
	ksyms_free(t->ks);
	trace_names_free(t->names);
	free(t);
}

const struct tracer_info *tracer_info(const struct tracer *t)
{
	return &t->info;
}

void tracer_stats(const struct tracer *t, struct tracer_stats *st)
{
	st->seen = t->seen;
	probes_stats(&t->probes, &st->lost, &st->truncated, &st->missed);
}

double tracer_walltime(const struct tracer *t, uint64_t ktime_ns)
{
	return ((int64_t)ktime_ns + t->wall_offset_ns) / 1e9;
}

int tracer_poll(struct tracer *t, int timeout_ms, const struct tracer_handlers *h, void *ctx)
{
	uint64_t now = mono_ns(), due = confirm_next_deadline(t->cs);
	struct epoll_event ev;
	int ret;

	/* Wake up for the next confirmation deadline. */
	if (due) {
		int ms = due > now ? (int)((due - now) / 1000000) + 1 : 0;

		if (timeout_ms < 0 || ms < timeout_ms)
			timeout_ms = ms;
	}
	/* Records wake us at most every TRACE_WAKE_NS (trace.bpf.c): read the
	 * others at least as often. */
	if (timeout_ms < 0 || timeout_ms > (int)(TRACE_WAKE_NS / 1000000))
		timeout_ms = (int)(TRACE_WAKE_NS / 1000000);
	t->h = h;
	t->ctx = ctx;
	t->handled = 0;
	probes_disarm(&t->probes);
	ret = epoll_wait(t->epfd, &ev, 1, timeout_ms);
	if (ret < 0)
		ret = -errno;
	else
		ret = ring_buffer__consume(t->rb);
	if (ret >= 0 || ret == -EINTR)
		t->handled += (int)confirm_finish(t->cs, mono_ns(), false, h, ctx);
	t->h = NULL;
	if (ret < 0)
		return ret;
	return t->handled;
}

void tracer_flush(struct tracer *t, const struct tracer_handlers *h, void *ctx)
{
	t->h = h;
	t->ctx = ctx;
	ring_buffer__consume(t->rb);
	confirm_finish(t->cs, mono_ns(), true, h, ctx);
	t->h = NULL;
}

size_t tracer_pending(const struct tracer *t)
{
	return confirm_pending(t->cs);
}

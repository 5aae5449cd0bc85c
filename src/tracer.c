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

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf_util.h"
#include "clock.h"
#include "confirm.h"
#include "dmabufctl.h"
#include "ksyms.h"
#include "tracer.h"
#include "trace.skel.h"
#include "util.h"

#define MAX_LINKS	48
#define MAX_PROBES	24

/*
 * Importer notify callbacks we know of (dma_buf_attach_ops.move_notify
 * before 7.1, .invalidate_mappings since), hooked when present in vmlinux
 * or a loaded module's BTF.  Others still show by address, notified unknown.
 */
static const char *const callback_names[] = {
	"iopt_revoke_notify",			/* iommufd, 7.x */
	"ib_umem_dmabuf_revoke_locked",		/* RDMA pinned revocable, 7.x */
	"ib_umem_dmabuf_unsupported_move_notify", /* RDMA pinned, 6.x */
	"mlx5_ib_dmabuf_invalidate_cb",		/* mlx5 ODP */
	"amdgpu_dma_buf_move_notify",
	"xe_dma_buf_move_notify",
	"virtgpu_dma_buf_move_notify",
};

struct hook {
	const char *names[2];		/* candidates: the first in BTF wins */
	const char *func;		/* chosen */
	struct bpf_program *fe[2];	/* fentry/fexit programs */
	struct bpf_program *kp[2];	/* kprobe programs */
	bool kp_ret[2];			/* kretprobe */
};

struct tracer {
	struct trace_bpf *skel;
	struct ring_buffer *rb;
	struct bpf_link *links[MAX_LINKS];
	size_t nr_links;
	bool kprobes;
	char *fallback;
	const char *probes[MAX_PROBES];
	size_t nr_probes;
	const char *missing[MAX_PROBES];
	size_t nr_missing;
	const char *cb_names[TRACE_NR_CALLBACKS];
	size_t nr_cbs;
	double load_ms;
	int64_t wall_offset_ns;
	uint64_t seen;
	struct ksyms *ks;		/* callback names */

	struct confirm_state *cs;
	struct tracer_info info;

	/* During tracer_poll(). */
	const struct tracer_handlers *h;
	void *ctx;
	int handled;
};

static void set_err(struct tracer_err *err, int exit, const char *what, const char *hint,
		    const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static void set_err(struct tracer_err *err, int exit, const char *what, const char *hint,
		    const char *fmt, ...)
{
	va_list ap;

	err->exit = exit;
	snprintf(err->what, sizeof(err->what), "%s", what);
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
	if (e->kind == TRACE_CALLBACK && e->slot < t->nr_cbs)
		sym = t->cb_names[e->slot];
	else if (e->callback)
		sym = ksyms_label(t->ks, e->callback);
	return t->h->event(t->ctx, e, sym);
}

static int on_record(void *ctx, void *data, size_t size)
{
	const struct trace_event *e = data;
	struct tracer *t = ctx;
	bool shown = false;

	if (size < sizeof(*e))
		return 0;
	t->seen++;
	/* INV_ATTACH and INV_DONE only feed the confirmations. */
	if (e->kind != TRACE_INV_ATTACH && e->kind != TRACE_INV_DONE)
		shown = deliver(t, e) != 0;
	confirm_record(t->cs, e, shown);
	return 0;
}

/* ---- loading ---- */

static void hooks_init(struct trace_bpf *s, struct hook *h, size_t *nr)
{
	size_t n = 0;

#define HOOK(n0, n1, fe0, fe1, kp0, r0, kp1, r1) \
	h[n++] = (struct hook){ { n0, n1 }, NULL, { fe0, fe1 }, { kp0, kp1 }, { r0, r1 } }
	HOOK("dma_buf_export", NULL, s->progs.fx_export, NULL,
	     s->progs.kr_export, true, NULL, false);
	HOOK("dma_buf_file_release", NULL, s->progs.fe_release, NULL,
	     s->progs.kp_release, false, NULL, false);
	HOOK("dma_buf_mmap_internal", NULL, s->progs.fx_mmap, NULL,
	     s->progs.kp_mmap, false, s->progs.kr_mmap, true);
	HOOK("dma_buf_dynamic_attach", NULL, s->progs.fx_attach, NULL,
	     s->progs.kr_attach, true, NULL, false);
	HOOK("dma_buf_detach", NULL, s->progs.fe_detach, NULL,
	     s->progs.kp_detach, false, NULL, false);
	HOOK("dma_buf_map_attachment_unlocked", NULL, s->progs.fe_map_unl, s->progs.fx_map_unl,
	     s->progs.kp_map_unl, false, s->progs.kr_map_unl, true);
	HOOK("dma_buf_map_attachment", NULL, s->progs.fx_map, NULL,
	     s->progs.kp_map, false, s->progs.kr_map, true);
	HOOK("dma_buf_unmap_attachment_unlocked", NULL, s->progs.fe_unmap_unl, s->progs.fx_unmap_unl,
	     s->progs.kp_unmap_unl, false, s->progs.kr_unmap_unl, true);
	HOOK("dma_buf_unmap_attachment", NULL, s->progs.fe_unmap, NULL,
	     s->progs.kp_unmap, false, NULL, false);
	/* Renamed in 7.1. */
	HOOK("dma_buf_invalidate_mappings", "dma_buf_move_notify", s->progs.fe_inval, s->progs.fx_inval,
	     s->progs.kp_inval, false, s->progs.kr_inval, true);
#undef HOOK
	*nr = n;
}

static struct bpf_program *cb_prog(struct trace_bpf *s, size_t slot, bool kprobe)
{
	struct bpf_program *fe[TRACE_NR_CALLBACKS] = {
		s->progs.fe_cb0, s->progs.fe_cb1, s->progs.fe_cb2, s->progs.fe_cb3,
		s->progs.fe_cb4, s->progs.fe_cb5, s->progs.fe_cb6, s->progs.fe_cb7,
	};
	struct bpf_program *kp[TRACE_NR_CALLBACKS] = {
		s->progs.kp_cb0, s->progs.kp_cb1, s->progs.kp_cb2, s->progs.kp_cb3,
		s->progs.kp_cb4, s->progs.kp_cb5, s->progs.kp_cb6, s->progs.kp_cb7,
	};

	return kprobe ? kp[slot] : fe[slot];
}

static int attach_one(struct tracer *t, struct bpf_program *p, bool kprobe, bool ret,
		      const char *func)
{
	struct bpf_link *l;

	if (kprobe)
		l = bpf_program__attach_kprobe(p, ret, func);
	else
		l = bpf_program__attach(p);
	if (!l)
		return -errno;
	if (t->nr_links < MAX_LINKS)
		t->links[t->nr_links++] = l;
	return 0;
}

static void unload(struct tracer *t)
{
	while (t->nr_links)
		bpf_link__destroy(t->links[--t->nr_links]);
	ring_buffer__free(t->rb);
	t->rb = NULL;
	trace_bpf__destroy(t->skel);
	t->skel = NULL;
}

/*
 * One attempt in one mode.  Returns 0, or -errno with *stage naming the
 * step that failed ("load", "attach FUNC").
 */
static int load_mode(struct tracer *t, struct kernel_btf *kb, uint64_t inode, bool kprobe,
		     char *stage, size_t stage_len)
{
	uint64_t ts = mono_ns();
	struct hook hooks[16];
	struct bpf_program *p;
	size_t nr, i, k;
	int ret;

	t->nr_probes = t->nr_missing = t->nr_cbs = 0;
	t->skel = trace_bpf__open();
	if (!t->skel) {
		snprintf(stage, stage_len, "open");
		return -errno;
	}
	t->skel->rodata->targ_inode = inode;
	bpf_object__for_each_program(p, t->skel->obj)
		bpf_program__set_autoload(p, false);

	hooks_init(t->skel, hooks, &nr);
	for (i = 0; i < nr; i++) {
		struct hook *h = &hooks[i];

		for (k = 0; k < 2 && h->names[k]; k++)
			if (kernel_btf_has_func(kb, h->names[k]))
				break;
		if (k == 2 || !h->names[k]) {
			t->missing[t->nr_missing++] = h->names[0];
			continue;
		}
		h->func = h->names[k];
		for (k = 0; k < 2; k++) {
			p = kprobe ? h->kp[k] : h->fe[k];
			if (!p)
				continue;
			bpf_program__set_autoload(p, true);
			if (!kprobe && (ret = bpf_program__set_attach_target(p, 0, h->func))) {
				snprintf(stage, stage_len, "target %s", h->func);
				return ret;
			}
		}
	}
	for (i = 0; i < sizeof(callback_names) / sizeof(callback_names[0]); i++) {
		const char *name = callback_names[i];

		if (t->nr_cbs == TRACE_NR_CALLBACKS)
			continue;
		p = cb_prog(t->skel, t->nr_cbs, kprobe);
		/* libbpf looks in vmlinux, then in every loaded module's BTF. */
		if (kprobe ? !kernel_btf_has_func(kb, name) : bpf_program__set_attach_target(p, 0, name))
			continue;
		bpf_program__set_autoload(p, true);
		t->cb_names[t->nr_cbs++] = name;
	}

	bpf_util_debug_step("trace", "open, targets from BTF", &ts);
	ret = trace_bpf__load(t->skel);
	if (ret) {
		snprintf(stage, stage_len, "load");
		return ret;
	}
	bpf_util_debug_step("trace", "load (verifier)", &ts);
	for (i = 0; i < nr; i++) {
		struct hook *h = &hooks[i];

		if (!h->func)
			continue;
		for (k = 0; k < 2; k++) {
			p = kprobe ? h->kp[k] : h->fe[k];
			if (!p)
				continue;
			ret = attach_one(t, p, kprobe, h->kp_ret[k], h->func);
			if (ret) {
				snprintf(stage, stage_len, "attach %s", h->func);
				return ret;
			}
		}
		t->probes[t->nr_probes++] = h->func;
	}
	/* A callback that cannot be probed only costs its confirmations. */
	for (i = 0; i < t->nr_cbs; i++) {
		if (attach_one(t, cb_prog(t->skel, i, kprobe), kprobe, false, t->cb_names[i])) {
			t->missing[t->nr_missing++] = t->cb_names[i];
			t->cb_names[i] = "";	/* keeps slot numbers */
		}
	}

	bpf_util_debug_step("trace", "attach", &ts);
	t->rb = ring_buffer__new(bpf_map__fd(t->skel->maps.events), on_record, t, NULL);
	if (!t->rb) {
		snprintf(stage, stage_len, "ring buffer");
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
		set_err(err, EXIT_PERM, "trace", "run as root (or with CAP_BPF and CAP_PERFMON)",
			"BPF tracing needs CAP_BPF and CAP_PERFMON");
		return -EPERM;
	}
	kb = kernel_btf_load(&ret);
	if (!kb) {
		set_err(err, EXIT_UNSUPPORTED, "trace",
			"boot a kernel built with CONFIG_DEBUG_INFO_BTF=y",
			"kernel BTF unavailable (/sys/kernel/btf/vmlinux): %s", strerror(-ret));
		return -EOPNOTSUPP;
	}
	if (!kernel_btf_has_func(kb, "dma_buf_export")) {
		set_err(err, EXIT_UNSUPPORTED, "trace",
			"the kernel needs CONFIG_DMA_SHARED_BUFFER",
			"this kernel has no dma-buf functions (dma_buf_export not in BTF)");
		kernel_btf_free(kb);
		return -EOPNOTSUPP;
	}

	t = xcalloc(1, sizeof(*t));
	t->ks = ksyms_new();
	if (!opts->kprobes) {
		ret = load_mode(t, kb, opts->inode, false, stage, sizeof(stage));
		if (!ret)
			goto loaded;
		snprintf(why_fentry, sizeof(why_fentry), "fentry %s: %s", stage, strerror(-ret));
		fentry_err = ret;
		unload(t);
	}
	if (!bpf_util_have_kprobes()) {
		ret = opts->kprobes ? -EOPNOTSUPP : ret;
		set_err(err, EXIT_UNSUPPORTED, "trace",
			-ret == EPERM || -ret == EACCES ?
			"kernel lockdown or an LSM may forbid BPF; see dmesg and "
			"/sys/kernel/security/lockdown" : "run with DMABUFCTL_DEBUG=1 for libbpf's messages",
			"%s (%s%skprobe fallback: no kprobe PMU and no tracefs)",
			opts->kprobes ? "kprobes unavailable" : bpf_util_refusal(ret), why_fentry,
			*why_fentry ? "; " : "");
		goto fail;
	}
	ret = load_mode(t, kb, opts->inode, true, stage, sizeof(stage));
	if (ret) {
		int first = opts->kprobes ? ret : fentry_err;

		set_err(err, EXIT_UNSUPPORTED, "trace",
			-first == EPERM || -first == EACCES ?
			"kernel lockdown or an LSM may forbid BPF; see dmesg and "
			"/sys/kernel/security/lockdown" : "run with DMABUFCTL_DEBUG=1 for libbpf's messages",
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
	t->cs = confirm_new((uint64_t)((opts->timeout > 0 ? opts->timeout : 3.0) * 1e9), t->ks);
	confirm_set_hooked(t->cs, t->cb_names, t->nr_cbs);
	t->info = (struct tracer_info){
		.mode = t->kprobes ? "kprobe" : "fentry",
		.fallback = t->fallback,
		.probes = t->probes, .nr_probes = t->nr_probes,
		.missing = t->missing, .nr_missing = t->nr_missing,
		.callbacks = t->cb_names, .nr_callbacks = t->nr_cbs,
		.load_ms = t->load_ms,
	};
	*out = t;
	return 0;

fail:
	unload(t);
	ksyms_free(t->ks);
	free(t);
	kernel_btf_free(kb);
	/* The kernel's EPERM as root is a refusal, not missing privileges. */
	return -EOPNOTSUPP;
}

void tracer_close(struct tracer *t)
{
	if (!t)
		return;
	unload(t);
	confirm_free(t->cs);
	free(t->fallback);
	ksyms_free(t->ks);
	free(t);
}

const struct tracer_info *tracer_info(const struct tracer *t)
{
	return &t->info;
}

/*
 * missed: runs the kernel skipped.  A BPF program does not nest on one
 * CPU, so an fentry program preempted on a CPU misses what another task
 * does there meanwhile (bpf_prog_info.recursion_misses, 5.12+).  kprobes
 * run with preemption off and miss only real recursion.
 */
void tracer_stats(const struct tracer *t, struct tracer_stats *st)
{
	struct bpf_program *p;

	memset(st, 0, sizeof(*st));
	st->seen = t->seen;
	if (!t->skel)
		return;
	if (t->skel->bss) {
		st->lost = __atomic_load_n(&t->skel->bss->lost, __ATOMIC_RELAXED);
		st->truncated = __atomic_load_n(&t->skel->bss->truncated, __ATOMIC_RELAXED);
	}
	bpf_object__for_each_program(p, t->skel->obj) {
		struct bpf_prog_info info;
		__u32 len = sizeof(info);
		int fd = bpf_program__fd(p);

		memset(&info, 0, sizeof(info));
		if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &len))
			st->missed += info.recursion_misses;
	}
}

double tracer_walltime(const struct tracer *t, uint64_t ktime_ns)
{
	return ((int64_t)ktime_ns + t->wall_offset_ns) / 1e9;
}

int tracer_poll(struct tracer *t, int timeout_ms, const struct tracer_handlers *h, void *ctx)
{
	uint64_t now = mono_ns(), due = confirm_next_deadline(t->cs);
	int ret;

	/* Wake up for the next confirmation deadline. */
	if (due) {
		int ms = due > now ? (int)((due - now) / 1000000) + 1 : 0;

		if (timeout_ms < 0 || ms < timeout_ms)
			timeout_ms = ms;
	}
	t->h = h;
	t->ctx = ctx;
	t->handled = 0;
	ret = ring_buffer__poll(t->rb, timeout_ms);
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

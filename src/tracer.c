// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The trace loader: attach targets chosen from the running kernel's BTF,
 * fentry with a kprobe fallback, ring buffer, invalidate confirmations.
 * See tracer.h for the contract.
 */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/capability.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "bpf_util.h"
#include "clock.h"
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

/* Callbacks that unmap the importer's IOVAs themselves before returning
 * (7.2 drivers/iommu/iommufd/pages.c: iopt_area_unmap_domain_range()). */
static const char *const sync_unmap_callbacks[] = {
	"iopt_revoke_notify",
};

struct hook {
	const char *names[2];		/* candidates: the first in BTF wins */
	const char *func;		/* chosen */
	struct bpf_program *fe[2];	/* fentry/fexit programs */
	struct bpf_program *kp[2];	/* kprobe programs */
	bool kp_ret[2];			/* kretprobe */
};

struct att_state {
	struct att_state *next;
	uint64_t attach;
	int maps;			/* sg mappings held, seen since attach */
};

struct inv_att {
	uint64_t attach;
	uint64_t callback;
	char device[REC_DEV_LEN];
	bool dynamic;
	bool known;			/* attached while tracing: maps is exact */
	int maps;
	int notified;
	const char *unmap;
	uint64_t notify_ts, unmap_ts;
};

struct inval {
	uint64_t id;			/* ts of the INVALIDATE record */
	uint64_t inode;
	uint32_t tid;
	uint64_t deadline;		/* ns, CLOCK_MONOTONIC */
	bool done;			/* the invalidate returned */
	bool shown;
	struct inv_att *atts;
	size_t nr_atts;
};

#define ATT_BUCKETS 4096

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
	uint64_t timeout_ns;
	int64_t wall_offset_ns;
	uint64_t seen;
	struct ksyms *ks;		/* callback names */

	struct att_state *atts[ATT_BUCKETS];
	struct inval *invals;
	size_t nr_invals;

	/* During tracer_poll(). */
	const struct tracer_handlers *h;
	void *ctx;
	int handled;

	/* tracer_wait_confirms(). */
	uint64_t wait_inode;
	bool wait_done;
	struct tracer_confirm *wait_out;
	size_t wait_nr;
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

static bool is_sync_unmap(const char *sym)
{
	size_t i;

	for (i = 0; sym && i < sizeof(sync_unmap_callbacks) / sizeof(sync_unmap_callbacks[0]); i++)
		if (!strcmp(sym, sync_unmap_callbacks[i]))
			return true;
	return false;
}

/* ---- attachment table ---- */

static size_t att_hash(uint64_t a)
{
	return (size_t)((a >> 6) * 0x9e3779b97f4a7c15ull >> 52) & (ATT_BUCKETS - 1);
}

static struct att_state *att_find(struct tracer *t, uint64_t a)
{
	struct att_state *s;

	for (s = t->atts[att_hash(a)]; s; s = s->next)
		if (s->attach == a)
			return s;
	return NULL;
}

static void att_add(struct tracer *t, uint64_t a)
{
	struct att_state *s = att_find(t, a);

	if (!s) {
		s = xcalloc(1, sizeof(*s));
		s->attach = a;
		s->next = t->atts[att_hash(a)];
		t->atts[att_hash(a)] = s;
	}
	s->maps = 0;
}

static void att_del(struct tracer *t, uint64_t a)
{
	struct att_state **p;

	for (p = &t->atts[att_hash(a)]; *p; p = &(*p)->next) {
		if ((*p)->attach == a) {
			struct att_state *s = *p;

			*p = s->next;
			free(s);
			return;
		}
	}
}

/* ---- invalidations and their confirmations ---- */

static struct inval *inval_by_id(struct tracer *t, uint64_t id)
{
	size_t i;

	for (i = t->nr_invals; i-- > 0;)
		if (t->invals[i].id == id)
			return &t->invals[i];
	return NULL;
}

static void inval_new(struct tracer *t, const struct trace_event *e)
{
	struct inval *v;

	t->invals = xrealloc(t->invals, (t->nr_invals + 1) * sizeof(*t->invals));
	v = &t->invals[t->nr_invals++];
	memset(v, 0, sizeof(*v));
	v->id = e->ts;
	v->inode = e->inode;
	v->tid = e->tid;
	v->deadline = e->ts + t->timeout_ns;
}

static void inval_add_att(struct tracer *t, const struct trace_event *e)
{
	struct inval *v = inval_by_id(t, e->arg);
	struct att_state *s;
	struct inv_att *a;

	if (!v)
		return;
	v->atts = xrealloc(v->atts, (v->nr_atts + 1) * sizeof(*v->atts));
	a = &v->atts[v->nr_atts++];
	memset(a, 0, sizeof(*a));
	a->attach = e->attach;
	a->callback = e->callback;
	a->dynamic = e->dynamic;
	snprintf(a->device, sizeof(a->device), "%s", e->device);
	s = att_find(t, e->attach);
	a->known = s != NULL;
	a->maps = s ? s->maps : 0;
}

/* What happened to attachment attach after each pending invalidate. */
static void inval_mark(struct tracer *t, const struct trace_event *e)
{
	size_t i, j;

	for (i = 0; i < t->nr_invals; i++) {
		struct inval *v = &t->invals[i];

		if (e->ts > v->deadline)
			continue;
		if (e->kind == TRACE_INV_DONE) {
			if (v->inode == e->inode && v->tid == e->tid)
				v->done = true;
			else
				continue;
		}
		for (j = 0; j < v->nr_atts; j++) {
			struct inv_att *a = &v->atts[j];

			if (e->kind == TRACE_INV_DONE) {
				/* Every callback has returned. */
				if (a->notified > 0 && !a->unmap &&
				    (is_sync_unmap(ksyms_label(t->ks, a->callback)) ||
				     (a->known && !a->maps))) {
					a->unmap = "in_callback";
					a->unmap_ts = e->ts;
				}
				continue;
			}
			if (a->attach != e->attach)
				continue;
			if (e->kind == TRACE_CALLBACK && a->notified <= 0) {
				a->notified = 1;
				a->notify_ts = e->ts;
			} else if (e->kind == TRACE_UNMAP && !a->unmap) {
				a->unmap = "unmap";
				a->unmap_ts = e->ts;
			} else if (e->kind == TRACE_DETACH && !a->unmap) {
				a->unmap = "detach";
				a->unmap_ts = e->ts;
			}
		}
	}
}

static bool callback_hooked(const struct tracer *t, const char *sym)
{
	size_t i;

	for (i = 0; sym && i < t->nr_cbs; i++)
		if (!strcmp(t->cb_names[i], sym))
			return true;
	return false;
}

static void inval_finish(struct tracer *t, size_t idx, uint64_t now)
{
	struct inval *v = &t->invals[idx];
	bool want = t->wait_inode && !t->wait_done && v->inode == t->wait_inode;
	size_t j;

	if (want) {
		t->wait_out = xcalloc(v->nr_atts, sizeof(*t->wait_out));
		t->wait_nr = v->nr_atts;
		t->wait_done = true;
	}
	for (j = 0; j < v->nr_atts; j++) {
		struct inv_att *a = &v->atts[j];
		const char *sym = ksyms_label(t->ks, a->callback);
		struct tracer_confirm c = {
			.inode = v->inode,
			.device = a->device,
			.callback = (char *)sym,
			.dynamic = a->dynamic,
			.notifiable = a->callback != 0,
			.notified = a->notified,
			.unmapped = a->unmap != NULL,
			.unmap = a->unmap,
			.invalidate_time = v->id / 1e9,
			.time = now / 1e9,
			.latency = -1,
			.shown = v->shown,
		};

		/* Not seeing a callback we did not hook proves nothing. */
		if (a->callback && !a->notified && !callback_hooked(t, sym))
			c.notified = -1;
		if (a->unmap)
			c.latency = (a->unmap_ts - v->id) / 1e9;
		else if (a->notified > 0)
			c.latency = (a->notify_ts - v->id) / 1e9;
		if (t->h && t->h->confirm)
			t->h->confirm(t->ctx, &c);
		t->handled++;
		if (want) {
			c.device = xstrdup(a->device);
			c.callback = sym ? xstrdup(sym) : NULL;
			t->wait_out[j] = c;
		}
	}
	free(v->atts);
	memmove(v, v + 1, (t->nr_invals - idx - 1) * sizeof(*v));
	t->nr_invals--;
}

static bool inval_final(const struct inval *v)
{
	size_t j;

	if (!v->done)
		return false;
	for (j = 0; j < v->nr_atts; j++)
		if (!v->atts[j].unmap && v->atts[j].callback)
			return false;
	return true;
}

/* Slack for records reserved before the deadline but not yet consumed. */
#define DEADLINE_SLACK_NS 20000000ull

static void invals_check(struct tracer *t, bool force)
{
	uint64_t now = mono_ns();
	size_t i = 0;

	while (i < t->nr_invals) {
		struct inval *v = &t->invals[i];

		if (force || inval_final(v) || now > v->deadline + DEADLINE_SLACK_NS)
			inval_finish(t, i, now);
		else
			i++;
	}
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
	struct att_state *s;

	if (size < sizeof(*e))
		return 0;
	t->seen++;
	switch (e->kind) {
	case TRACE_ATTACH:
		att_add(t, e->attach);
		deliver(t, e);
		break;
	case TRACE_DETACH:
		inval_mark(t, e);
		att_del(t, e->attach);
		deliver(t, e);
		break;
	case TRACE_MAP:
		s = att_find(t, e->attach);
		if (s)
			s->maps++;
		deliver(t, e);
		break;
	case TRACE_UNMAP:
		s = att_find(t, e->attach);
		if (s && s->maps > 0)
			s->maps--;
		inval_mark(t, e);
		deliver(t, e);
		break;
	case TRACE_INVALIDATE:
		inval_new(t, e);
		t->invals[t->nr_invals - 1].shown = deliver(t, e) != 0;
		break;
	case TRACE_INV_ATTACH:
		inval_add_att(t, e);
		break;
	case TRACE_INV_DONE:
		inval_mark(t, e);
		break;
	case TRACE_CALLBACK:
		inval_mark(t, e);
		deliver(t, e);
		break;
	default:
		deliver(t, e);
		break;
	}
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
	t->timeout_ns = (uint64_t)((opts->timeout > 0 ? opts->timeout : 3.0) * 1e9);
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
	size_t i;

	if (!t)
		return;
	unload(t);
	for (i = 0; i < ATT_BUCKETS; i++) {
		while (t->atts[i]) {
			struct att_state *s = t->atts[i];

			t->atts[i] = s->next;
			free(s);
		}
	}
	for (i = 0; i < t->nr_invals; i++)
		free(t->invals[i].atts);
	free(t->invals);
	free(t->fallback);
	ksyms_free(t->ks);
	free(t);
}

const char *tracer_mode(const struct tracer *t)
{
	return t->kprobes ? "kprobe" : "fentry";
}

const char *tracer_fallback(const struct tracer *t)
{
	return t->fallback;
}

size_t tracer_probes(const struct tracer *t, const char *const **names)
{
	*names = t->probes;
	return t->nr_probes;
}

size_t tracer_missing(const struct tracer *t, const char *const **names)
{
	*names = t->missing;
	return t->nr_missing;
}

size_t tracer_callbacks(const struct tracer *t, const char *const **names)
{
	*names = t->cb_names;
	return t->nr_cbs;
}

double tracer_load_ms(const struct tracer *t)
{
	return t->load_ms;
}

uint64_t tracer_seen(const struct tracer *t)
{
	return t->seen;
}

uint64_t tracer_lost(const struct tracer *t)
{
	return t->skel && t->skel->bss ? __atomic_load_n(&t->skel->bss->lost, __ATOMIC_RELAXED) : 0;
}

/*
 * Runs the kernel skipped: a BPF program does not nest on one CPU, so an
 * fentry program preempted on a CPU misses what another task does there
 * meanwhile (bpf_prog_info.recursion_misses, 5.12+).  kprobes run with
 * preemption off and miss only real recursion.
 */
uint64_t tracer_missed(const struct tracer *t)
{
	struct bpf_program *p;
	uint64_t sum = 0;

	if (!t->skel)
		return 0;
	bpf_object__for_each_program(p, t->skel->obj) {
		struct bpf_prog_info info;
		__u32 len = sizeof(info);
		int fd = bpf_program__fd(p);

		memset(&info, 0, sizeof(info));
		if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &len))
			sum += info.recursion_misses;
	}
	return sum;
}

uint64_t tracer_truncated(const struct tracer *t)
{
	return t->skel && t->skel->bss ? t->skel->bss->truncated : 0;
}

double tracer_walltime(const struct tracer *t, uint64_t ktime_ns)
{
	return ((int64_t)ktime_ns + t->wall_offset_ns) / 1e9;
}

int tracer_poll(struct tracer *t, int timeout_ms, const struct tracer_handlers *h, void *ctx)
{
	uint64_t now = mono_ns();
	size_t i;
	int ret;

	/* Wake up for the next confirmation deadline. */
	for (i = 0; i < t->nr_invals; i++) {
		uint64_t d = t->invals[i].deadline + DEADLINE_SLACK_NS;
		int ms = d > now ? (int)((d - now) / 1000000) + 1 : 0;

		if (timeout_ms < 0 || ms < timeout_ms)
			timeout_ms = ms;
	}
	t->h = h;
	t->ctx = ctx;
	t->handled = 0;
	ret = ring_buffer__poll(t->rb, timeout_ms);
	if (ret >= 0 || ret == -EINTR)
		invals_check(t, false);
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
	invals_check(t, true);
	t->h = NULL;
}

int tracer_wait_confirms(struct tracer *t, uint64_t inode,
			 struct tracer_confirm **out, size_t *nr)
{
	uint64_t end = mono_ns() + t->timeout_ns + DEADLINE_SLACK_NS;
	int ret = 0;

	*out = NULL;
	*nr = 0;
	t->wait_inode = inode;
	t->wait_done = false;
	while (!t->wait_done) {
		uint64_t now = mono_ns();

		/* No invalidate at all by the timeout: give up. */
		if (now > end && !t->nr_invals) {
			ret = -ETIMEDOUT;
			break;
		}
		ret = tracer_poll(t, 100, NULL, NULL);
		if (ret == -EINTR)
			break;
		ret = 0;
	}
	t->wait_inode = 0;
	if (t->wait_done) {
		*out = t->wait_out;
		*nr = t->wait_nr;
		t->wait_out = NULL;
		t->wait_nr = 0;
		return 0;
	}
	return ret;
}

void tracer_confirms_free(struct tracer_confirm *c, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		free(c[i].device);
		free(c[i].callback);
	}
	free(c);
}

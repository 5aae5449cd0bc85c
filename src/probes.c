// SPDX-License-Identifier: GPL-2.0-or-later
/* trace.bpf.c's programs: targets from BTF, load, attach.  See probes.h. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf_util.h"
#include "clock.h"
#include "probes.h"
#include "trace.skel.h"

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
	bool optional;			/* detail only: absent is not "missing" */
};

static void hooks_init(struct trace_bpf *s, struct hook *h, size_t *nr)
{
	size_t n = 0;

#define HOOK(n0, n1, fe0, fe1, kp0, r0, kp1, r1) \
	h[n++] = (struct hook){ { n0, n1 }, NULL, { fe0, fe1 }, { kp0, kp1 }, { r0, r1 }, false }
	/* The exit first: an export that enters through fe_export is seen
	 * leaving (trace.bpf.c, born_from). */
	HOOK("dma_buf_export", NULL, s->progs.fx_export, s->progs.fe_export,
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
	/* Why an invalidate happens and which way (VFIO, 6.19+; the revoke
	 * series' ioctl): entry and exit of each. */
#define DETAIL(n0, fe0, fe1, kp0, kp1) \
	h[n++] = (struct hook){ { n0, NULL }, NULL, { fe0, fe1 }, { kp0, kp1 }, { false, true }, true }
	DETAIL("vfio_pci_dma_buf_move", s->progs.fe_vfio_move, s->progs.fx_vfio_move,
	       s->progs.kp_vfio_move, s->progs.kr_vfio_move);
	DETAIL("vfio_basic_config_write", s->progs.fe_vfio_decoding, s->progs.fx_vfio_decoding,
	       s->progs.kp_vfio_decoding, s->progs.kr_vfio_decoding);
	DETAIL("vfio_pci_core_ioctl", s->progs.fe_vfio_ioctl, s->progs.fx_vfio_ioctl,
	       s->progs.kp_vfio_ioctl, s->progs.kr_vfio_ioctl);
	DETAIL("vfio_pci_dma_buf_cleanup", s->progs.fe_vfio_close, s->progs.fx_vfio_close,
	       s->progs.kp_vfio_close, s->progs.kr_vfio_close);
	DETAIL("dma_buf_ioctl", s->progs.fe_revoke_ioctl, s->progs.fx_revoke_ioctl,
	       s->progs.kp_revoke_ioctl, s->progs.kr_revoke_ioctl);
#undef DETAIL
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

static int attach_one(struct probes *pr, struct bpf_program *p, bool kprobe, bool ret,
		      const char *func)
{
	struct bpf_link *l;

	if (kprobe)
		l = bpf_program__attach_kprobe(p, ret, func);
	else
		l = bpf_program__attach(p);
	if (!l)
		return -errno;
	if (pr->nr_links < PROBES_MAX_LINKS)
		pr->links[pr->nr_links++] = l;
	return 0;
}

void probes_unload(struct probes *pr)
{
	while (pr->nr_links)
		bpf_link__destroy(pr->links[--pr->nr_links]);
	trace_bpf__destroy(pr->skel);
	pr->skel = NULL;
}

/* An optional hook whose target libbpf cannot use: none of its programs. */
static void hook_drop(struct hook *h, bool kprobe)
{
	size_t k;

	for (k = 0; k < 2; k++) {
		struct bpf_program *p = kprobe ? h->kp[k] : h->fe[k];

		if (p)
			bpf_program__set_autoload(p, false);
	}
	h->func = NULL;
}

int probes_load(struct probes *pr, struct kernel_btf *kb, uint64_t inode, uint64_t wake_ns,
		bool kprobe, char *stage, size_t stage_len)
{
	uint64_t ts = mono_ns();
	struct hook hooks[24];
	struct bpf_program *p;
	size_t nr, i, k;
	int ret;

	pr->nr_funcs = pr->nr_missing = pr->nr_callbacks = 0;
	pr->export_entry = 0;
	pr->skel = trace_bpf__open();
	if (!pr->skel) {
		snprintf(stage, stage_len, "open");
		return -errno;
	}
	pr->skel->rodata->targ_inode = inode;
	pr->skel->rodata->wake_window_ns = wake_ns;
	bpf_object__for_each_program(p, pr->skel->obj)
		bpf_program__set_autoload(p, false);

	hooks_init(pr->skel, hooks, &nr);
	for (i = 0; i < nr; i++) {
		struct hook *h = &hooks[i];

		for (k = 0; k < 2 && h->names[k]; k++)
			if (kernel_btf_has_func(kb, h->names[k]))
				break;
		if (k == 2 || !h->names[k]) {
			if (!h->optional)
				pr->missing[pr->nr_missing++] = h->names[0];
			continue;
		}
		h->func = h->names[k];
		for (k = 0; k < 2; k++) {
			p = kprobe ? h->kp[k] : h->fe[k];
			if (!p)
				continue;
			bpf_program__set_autoload(p, true);
			if (!kprobe && (ret = bpf_program__set_attach_target(p, 0, h->func))) {
				if (h->optional) {
					hook_drop(h, kprobe);
					break;
				}
				snprintf(stage, stage_len, "target %s", h->func);
				return ret;
			}
		}
	}
	for (i = 0; i < sizeof(callback_names) / sizeof(callback_names[0]); i++) {
		const char *name = callback_names[i];

		if (pr->nr_callbacks == TRACE_NR_CALLBACKS)
			continue;
		p = cb_prog(pr->skel, pr->nr_callbacks, kprobe);
		/* libbpf looks in vmlinux, then in every loaded module's BTF. */
		if (kprobe ? !kernel_btf_has_func(kb, name) : bpf_program__set_attach_target(p, 0, name))
			continue;
		bpf_program__set_autoload(p, true);
		pr->callbacks[pr->nr_callbacks++] = name;
	}

	bpf_util_debug_step("trace", "open, targets from BTF", &ts);
	ret = trace_bpf__load(pr->skel);
	if (ret) {
		snprintf(stage, stage_len, "load");
		return ret;
	}
	bpf_util_debug_step("trace", "load (verifier)", &ts);
	for (i = 0; i < nr; i++) {
		struct hook *h = &hooks[i];
		size_t first = pr->nr_links;

		if (!h->func)
			continue;
		for (k = 0; k < 2; k++) {
			p = kprobe ? h->kp[k] : h->fe[k];
			if (!p)
				continue;
			ret = attach_one(pr, p, kprobe, h->kp_ret[k], h->func);
			if (!ret && p == pr->skel->progs.fe_export)
				pr->export_entry = pr->nr_links - 1;
			if (ret && h->optional)
				break;
			if (ret) {
				snprintf(stage, stage_len, "attach %s", h->func);
				return ret;
			}
		}
		/* An entry without its exit would leave its stash behind. */
		if (k < 2) {
			while (pr->nr_links > first)
				bpf_link__destroy(pr->links[--pr->nr_links]);
			continue;
		}
		pr->funcs[pr->nr_funcs++] = h->func;
	}
	/* A callback that cannot be probed only costs its confirmations. */
	for (i = 0; i < pr->nr_callbacks; i++) {
		if (attach_one(pr, cb_prog(pr->skel, i, kprobe), kprobe, false, pr->callbacks[i])) {
			pr->missing[pr->nr_missing++] = pr->callbacks[i];
			pr->callbacks[i] = "";	/* keeps slot numbers */
		}
	}

	/* Every program is on: exports from now on are seen whole. */
	if (!kprobe && pr->export_entry)
		pr->skel->bss->armed = 1;
	bpf_util_debug_step("trace", "attach", &ts);
	return 0;
}

uint64_t probes_born_from(const struct probes *pr)
{
	if (!pr->skel || !pr->skel->bss)
		return 0;
	return __atomic_load_n(&pr->skel->bss->born_from, __ATOMIC_RELAXED);
}

bool probes_disarm(struct probes *pr)
{
	size_t i = pr->export_entry;

	if (!i || !probes_born_from(pr))
		return false;
	bpf_link__destroy(pr->links[i]);
	pr->links[i] = NULL;
	pr->export_entry = 0;
	return true;
}

int probes_events_fd(const struct probes *pr)
{
	return bpf_map__fd(pr->skel->maps.events);
}

/*
 * missed: runs the kernel skipped.  A BPF program does not nest on one
 * CPU, so an fentry program preempted on a CPU misses what another task
 * does there meanwhile (bpf_prog_info.recursion_misses, 5.12+).  kprobes
 * run with preemption off and miss only real recursion.
 */
void probes_stats(const struct probes *pr, uint64_t *lost, uint64_t *truncated,
		  uint64_t *missed)
{
	struct bpf_program *p;

	*lost = *truncated = *missed = 0;
	if (!pr->skel)
		return;
	if (pr->skel->bss) {
		*lost = __atomic_load_n(&pr->skel->bss->lost, __ATOMIC_RELAXED);
		*truncated = __atomic_load_n(&pr->skel->bss->truncated, __ATOMIC_RELAXED);
	}
	bpf_object__for_each_program(p, pr->skel->obj) {
		struct bpf_prog_info info;
		__u32 len = sizeof(info);
		int fd = bpf_program__fd(p);

		memset(&info, 0, sizeof(info));
		if (fd >= 0 && !bpf_obj_get_info_by_fd(fd, &info, &len))
			*missed += info.recursion_misses;
	}
}


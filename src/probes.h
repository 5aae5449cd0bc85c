/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * trace.bpf.c on the running kernel: which dma-buf functions and importer
 * callbacks it hooks (each present in vmlinux or a loaded module's BTF),
 * in one mode (fentry/fexit through BPF trampolines, or kprobes), loaded
 * and attached.  The tracer (tracer.c) chooses the mode and reads the
 * events.
 */
#ifndef DMABUFCTL_PROBES_H
#define DMABUFCTL_PROBES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "trace_event.h"

#define PROBES_MAX_LINKS	48
#define PROBES_MAX_FUNCS	24

struct kernel_btf;

struct probes {
	struct trace_bpf *skel;
	struct bpf_link *links[PROBES_MAX_LINKS];
	size_t nr_links;
	const char *funcs[PROBES_MAX_FUNCS];	/* dma-buf functions attached */
	size_t nr_funcs;
	const char *missing[PROBES_MAX_FUNCS];	/* absent, or not attachable */
	size_t nr_missing;
	const char *callbacks[TRACE_NR_CALLBACKS];	/* by slot; "": could not attach */
	size_t nr_callbacks;
	size_t export_entry;	/* links[] index of fe_export; 0: none (never the first) */
};

/*
 * Open, target, load and attach in one mode, only buffer inode when not 0;
 * for wake_ns after an invalidate every record wakes the reader.  Returns
 * 0, or -errno with stage naming the step that failed ("load", "attach
 * FUNC"); probes_unload() then cleans up either way.
 */
int probes_load(struct probes *p, struct kernel_btf *kb, uint64_t inode, uint64_t wake_ns,
		bool kprobe, char *stage, size_t stage_len);
void probes_unload(struct probes *p);

/* Once trace.bpf.c knows from which inode on buffers are seen whole
 * (born_from), its entry program on dma_buf_export is of no more use:
 * detach it.  Returns whether it did. */
bool probes_disarm(struct probes *p);
/* The first inode from which buffers are seen whole; 0: none yet. */
uint64_t probes_born_from(const struct probes *p);

/* The ring buffer's map. */
int probes_events_fd(const struct probes *p);
/* Counters of the BPF side: events dropped (ring buffer full), invalidates
 * with more than TRACE_MAX_ATTACH attachments, program runs skipped. */
void probes_stats(const struct probes *p, uint64_t *lost, uint64_t *truncated,
		  uint64_t *missed);

#endif

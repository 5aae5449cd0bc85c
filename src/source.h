/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Data sources.  Each fills the model and, when it cannot run, records why
 * with dmabuf_source_skipped() (not root, debugfs not mounted, kernel too
 * old) instead of failing: every source is optional.
 */
#ifndef DMABUFCTL_SOURCE_H
#define DMABUFCTL_SOURCE_H

#include "dmabuf.h"

struct scan_opts {
	const char *sysroot;	/* NULL: live system */
	const char *only;	/* NULL, "bpf", "debugfs" or "procfs" */
	pid_t pid;		/* 0: all processes */
};

/* Run the sources in priority order, then dmabuf_set_finish().  Returns 0, or
 * -errno when --source named a source that could not run (reason reported). */
int scan(struct dmabuf_set *set, const struct scan_opts *opts);

int source_bpf_scan(struct dmabuf_set *set, const struct scan_opts *opts);
int source_debugfs_scan(struct dmabuf_set *set, const struct scan_opts *opts);
/* /proc/PID/fd + fdinfo, and /proc/PID/maps (skipped when refcounts prove
 * no buffer is mapped). */
int source_procfs_scan(struct dmabuf_set *set, const struct scan_opts *opts);
int source_maps_scan(struct dmabuf_set *set, const struct scan_opts *opts);

#endif

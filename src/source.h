/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Data sources.  Each fills the model and, when it cannot run, records why
 * with dmabuf_source_skipped() (not root, debugfs not mounted, kernel too
 * old) instead of failing: every source is optional.
 */
#ifndef DMABUFCTL_SOURCE_H
#define DMABUFCTL_SOURCE_H

#include <stdbool.h>

#include "dmabuf.h"

struct scan_opts {
	const char *sysroot;	/* NULL: live system */
	const char *only;	/* NULL, "bpf", "debugfs" or "procfs" */
	pid_t pid;		/* 0: all processes */
	bool detail;		/* show: everything every source knows */
	bool fdinfo;		/* read each buffer's fdinfo even when debugfs or BPF
				 * described it: the revoked mark is only there */
};

/* Run the sources in priority order, then dmabuf_set_finish().  Returns 0, or
 * -errno when --source named a source that could not run (reason reported). */
int scan(struct dmabuf_set *set, const struct scan_opts *opts);

int source_bpf_scan(struct dmabuf_set *set, const struct scan_opts *opts);
int source_debugfs_scan(struct dmabuf_set *set, const struct scan_opts *opts);
/* /proc/PID/fd + fdinfo. */
int source_procfs_scan(struct dmabuf_set *set, const struct scan_opts *opts);
/* /proc/PID/maps; scan() skips it when source_maps_needed() says refcounts
 * prove no buffer is mapped (the reason is put in *why, malloc'ed). */
int source_maps_scan(struct dmabuf_set *set, const struct scan_opts *opts);
bool source_maps_needed(const struct dmabuf_set *set, const struct scan_opts *opts,
			char **why);

/* Shared by the procfs sources (defined in source_procfs.c). */
int procfs_open(const struct scan_opts *opts);	/* fd of (sysroot)/proc, or -errno */
bool procfs_pid_name(const char *name, pid_t *pid);	/* a numeric entry */
char *procfs_comm(int dirfd);	/* comm under a /proc/PID or task/TID dir; NULL if gone */
/* Read a whole file under dirfd with one open: length or -errno. */
ssize_t procfs_read_at(int dirfd, const char *name, char **out);
int procfs_pids(int procfd, const struct scan_opts *opts, pid_t **pids, size_t *nr);

#endif

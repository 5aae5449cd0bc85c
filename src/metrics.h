/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The metrics of a scan in the Prometheus text exposition format (0.0.4,
 * what node_exporter's textfile collector reads) or OpenMetrics 1.0.
 * Families, labels and their bounds are listed in dmabufctl(8), METRICS.
 * Labels never carry an inode; processes are the top N by RSS.
 */
#ifndef DMABUFCTL_METRICS_H
#define DMABUFCTL_METRICS_H

#include <stdbool.h>
#include <stdio.h>

#include "dmabuf.h"

struct metrics_opts {
	bool openmetrics;
	size_t top;			/* processes with labels; 0: all */
	double scan_seconds;		/* how long the scan took */
	double timestamp;		/* when it ended, seconds since the epoch */
	/* The cgroup a holder runs in (path under the cgroup2 root), NULL if
	 * unknown; the dmabuf_cgroup_* families appear once one is known. */
	const char *(*cgroup_of)(const struct dmabuf_holder *h);
};

/* Every family, from a set (NULL: the scan failed or timed out, and only
 * dmabufctl_scan_success 0 and the scan's own families are written). */
void metrics_write(FILE *f, const struct dmabuf_set *set, const struct metrics_opts *o);

#endif

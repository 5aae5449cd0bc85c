/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Holders' cgroups (v2): the path /proc/PID/cgroup shows on its "0::" line,
 * relative to the reader's cgroup namespace.  The BPF task iterators tell
 * each holder's cgroup id: one read of /proc per distinct cgroup then
 * names them all.  Without an id, one read per holder.
 */
#ifndef DMABUFCTL_CGROUP_H
#define DMABUFCTL_CGROUP_H

#include <stddef.h>

#include "source.h"

/* Set every holder's cgroup that is still NULL and can be read. */
void cgroup_fill(struct dmabuf_set *set, const struct scan_opts *opts);

/* The cgroup v2 path in /proc/PID/cgroup's text (NUL-terminated, len
 * bytes): malloc'ed, or NULL when it has no "0::" line. */
char *cgroup_parse(const char *text, size_t len);
/* cgroup_parse() of "cgroup" under a /proc/PID directory: malloc'ed or NULL. */
char *cgroup_read_at(int dirfd);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The directory in bpffs where the BPF iterators are pinned (bpf_iters.c):
 * BPF_PINS_ROOT/VERSION/NAME, one directory per version of the BPF object.
 * Pins are kept as private as /proc keeps other users' fd tables: every
 * directory of mode 0700 and every pin of mode 0600, owned by root; pins
 * that are not are neither read nor replaced.  Plain file system calls, no
 * libbpf: unpin works in any build.
 */
#ifndef DMABUFCTL_BPF_PINS_H
#define DMABUFCTL_BPF_PINS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

#define BPF_PINS_ROOT	"/sys/fs/bpf/dmabufctl"

/* A directory (S_IFDIR) or pin (S_IFREG) we may trust: see above. */
bool pins_private(const struct stat *st, mode_t type);

/* Open BPF_PINS_ROOT, checked, made first when create: an fd, or -errno
 * with why (-ENOENT: no bpffs on /sys/fs/bpf, or nothing pinned). */
int pins_root(bool create, char *why, size_t len);

/* Remove the directory name under dirfd and its pins; *nr (if not NULL)
 * counts the pins removed.  0 or -errno. */
int pins_remove(int dirfd, const char *name, size_t *nr);

/* Remove every version but keep, and the unfinished sets ("new-PID") of
 * runs that are gone. */
void pins_remove_stale(int rootfd, const char *keep);

/* Remove every pin of every version, and the root: 0 and the number of
 * pins in *nr, or -errno (-EPERM when not root) and what failed in *what. */
int pins_unpin(size_t *nr, const char **what);

#endif

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Holders' cgroup v2 paths.  See cgroup.h.
 *
 * /proc/PID/cgroup (kernel/cgroup/cgroup.c proc_cgroup_show(), 4.5 to 7.2
 * alike) has one line per hierarchy, "ID:CONTROLLERS:PATH", the v2 one
 * "0::PATH" and printed last.  A cgroup name may hold any byte but '/' and
 * NUL, newlines too: the path is everything after "0::" to the end, less
 * the final newline.  The line is there once cgroup2 has been mounted; a
 * v1-only system has none (the cgroup is then unknown).  /proc/TID works
 * for a thread holding its own fd table, as for a process.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup.h"
#include "util.h"

char *cgroup_parse(const char *text, size_t len)
{
	const char *p = text;
	char *cg;
	size_t n;

	for (;;) {
		if ((size_t)(p - text) + 3 <= len && !memcmp(p, "0::", 3))
			break;
		p = memchr(p, '\n', len - (size_t)(p - text));
		if (!p)
			return NULL;
		p++;
	}
	p += 3;
	n = len - (size_t)(p - text);
	if (n && p[n - 1] == '\n')
		n--;
	if (!n || p[0] != '/' || memchr(p, '\0', n))
		return NULL;
	cg = xmalloc(n + 1);
	memcpy(cg, p, n);
	cg[n] = '\0';
	return cg;
}

char *cgroup_read_at(int dirfd)
{
	char *text, *cg;
	ssize_t n = read_file_at(dirfd, "cgroup", READ_MAX_SMALL, &text);

	if (n < 0)
		return NULL;
	cg = cgroup_parse(text, (size_t)n);
	free(text);
	return cg;
}

/* A small map from a key (cgroup id, or pid) to a path (NULL: unknown). */
struct entry {
	uint64_t key;
	char *path;
	bool used;
	int tries;		/* reads that found nothing (the process gone) */
};

struct cache {
	struct entry *e;
	size_t cap, nr;
};

static struct entry *cache_slot(struct cache *c, uint64_t key)
{
	size_t i;

	if (2 * (c->nr + 1) > c->cap) {
		struct cache n = { .cap = c->cap ? 2 * c->cap : 64 };

		n.e = xcalloc(n.cap, sizeof(*n.e));
		for (i = 0; i < c->cap; i++) {
			if (c->e[i].used) {
				*cache_slot(&n, c->e[i].key) = c->e[i];
				n.nr++;
			}
		}
		free(c->e);
		*c = n;
	}
	i = hash_u64(key, c->cap);
	while (c->e[i].used && c->e[i].key != key)
		i = (i + 1) & (c->cap - 1);
	return &c->e[i];
}

static void cache_free(struct cache *c)
{
	for (size_t i = 0; i < c->cap; i++)
		free(c->e[i].path);
	free(c->e);
}

static char *read_cgroup(const char *sysroot, pid_t pid)
{
	char rel[48], *path, *text, *cg = NULL;
	ssize_t n;

	snprintf(rel, sizeof(rel), "/proc/%d/cgroup", (int)pid);
	path = sysroot_path(sysroot, rel);
	n = read_file(path, &text);
	free(path);
	if (n < 0)
		return NULL;
	cg = cgroup_parse(text, (size_t)n);
	free(text);
	return cg;
}

/* The path for a holder: by its cgroup id when known, else by its pid;
 * each key is read once, or again through another holder (up to 3 times)
 * when the one read had exited.  Returns the cache's copy. */
static const char *lookup(struct cache *c, const char *sysroot, uint64_t key, pid_t pid)
{
	struct entry *e = cache_slot(c, key);

	if (!e->used) {
		e->used = true;
		e->key = key;
		c->nr++;
	}
	if (!e->path && e->tries < 3) {
		e->path = read_cgroup(sysroot, pid);
		e->tries++;
	}
	return e->path;
}

void cgroup_fill(struct dmabuf_set *set, const struct scan_opts *opts)
{
	struct cache by_id = { 0 }, by_pid = { 0 };
	size_t i, j;

	for (i = 0; i < set->nr_bufs; i++) {
		struct dmabuf *buf = set->bufs[i];

		for (j = 0; j < buf->nr_holders; j++) {
			struct dmabuf_holder *h = &buf->holders[j];
			const char *path;

			if (h->cgroup)
				continue;
			if (h->cgroup_id)
				path = lookup(&by_id, opts->sysroot, h->cgroup_id, h->pid);
			else
				path = lookup(&by_pid, opts->sysroot, (uint64_t)h->pid, h->pid);
			h->cgroup = dmabuf_set_intern(set, path);
		}
	}
	cache_free(&by_id);
	cache_free(&by_pid);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Totals per group of holders: per cgroup (containers, services), per
 * exporter.  A group holds a buffer when one of its members does; its RSS
 * counts each such buffer once, its PSS sums its members' shares (a buffer
 * split evenly among all its holders, as dmabuf_set_procs() does), so the
 * PSS of all groups adds up to the bytes processes hold.  By exporter every
 * holder of a buffer is in the one group, so RSS and PSS agree.
 */
#include <stdlib.h>
#include <string.h>

#include "dmabuf.h"
#include "util.h"

/* One (group, holder) pair of one buffer. */
struct member {
	size_t group;
	pid_t pid;
};

struct groups {
	struct dmabuf_group *g;
	size_t nr, alloc;
};

static bool same_key(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

/* The group of key, made when new.  Groups are few (cgroups of holders,
 * exporters): a linear search over them is what a hash would cost. */
static size_t group_of(struct groups *gs, const char *key)
{
	size_t i;

	for (i = 0; i < gs->nr; i++)
		if (same_key(gs->g[i].key, key))
			return i;
	if (gs->nr == gs->alloc) {
		gs->alloc = gs->alloc ? 2 * gs->alloc : 16;
		gs->g = xrealloc(gs->g, gs->alloc * sizeof(*gs->g));
	}
	memset(&gs->g[gs->nr], 0, sizeof(gs->g[0]));
	gs->g[gs->nr].key = key;
	return gs->nr++;
}

static int cmp_member(const void *a, const void *b)
{
	const struct member *x = a, *y = b;

	if (x->group != y->group)
		return x->group < y->group ? -1 : 1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

static int cmp_group(const void *a, const void *b)
{
	const struct dmabuf_group *x = a, *y = b;

	if (x->rss != y->rss)
		return x->rss > y->rss ? -1 : 1;
	if (!x->key || !y->key)
		return !x->key - !y->key;
	return strcmp(x->key, y->key);
}

struct dmabuf_group *dmabuf_set_groups(const struct dmabuf_set *set, enum dmabuf_group_by by,
				       size_t *nr)
{
	struct groups gs = { 0 };
	struct member *m = NULL;
	size_t i, j, k, nm = 0, alloc = 0;

	for (i = 0; i < set->nr_bufs; i++) {
		const struct dmabuf *buf = set->bufs[i];
		size_t first = nm;

		for (j = 0; j < buf->nr_holders; j++) {
			const struct dmabuf_holder *h = &buf->holders[j];
			size_t g = group_of(&gs, by == DMABUF_BY_CGROUP ? h->cgroup : buf->exporter);

			if (nm == alloc) {
				alloc = alloc ? 2 * alloc : 256;
				m = xrealloc(m, alloc * sizeof(*m));
			}
			m[nm].group = g;
			m[nm++].pid = h->pid;
			gs.g[g].pss += buf->size / buf->nr_holders;
			/* The buffer once per group that holds it. */
			for (k = first; k < nm - 1; k++)
				if (m[k].group == g)
					break;
			if (k == nm - 1) {
				gs.g[g].nr_bufs++;
				gs.g[g].rss += buf->size;
			}
		}
	}
	/* Distinct holders per group. */
	if (nm)
		qsort(m, nm, sizeof(*m), cmp_member);
	for (i = 0; i < nm; i++)
		if (!i || m[i].group != m[i - 1].group || m[i].pid != m[i - 1].pid)
			gs.g[m[i].group].nr_procs++;
	free(m);
	if (gs.nr)
		qsort(gs.g, gs.nr, sizeof(*gs.g), cmp_group);
	*nr = gs.nr;
	return gs.g ? gs.g : xcalloc(1, sizeof(*gs.g));
}

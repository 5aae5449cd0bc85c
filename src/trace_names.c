// SPDX-License-Identifier: GPL-2.0-or-later
/* The tracer's names by object.  See trace_names.h. */
#include <search.h>
#include <stdlib.h>
#include <string.h>

#include "trace_names.h"
#include "util.h"

struct named {
	uint64_t addr;		/* kernel address: the key */
	uint64_t inode;		/* its buffer's: a check against stale entries */
	char str[REC_DEV_LEN];	/* exporter or device */
};

/* A table: a tree by address (tsearch(3)), and the node last forgotten
 * (objects come and go one at a time: no malloc per object). */
struct table {
	void *root;
	struct named *spare;
	uint64_t recalled;	/* records filled in */
};

struct trace_names {
	struct table bufs;	/* exporter by dma_buf address */
	struct table atts;	/* device by attachment address */
};

static int cmp_addr(const void *a, const void *b)
{
	uint64_t x = ((const struct named *)a)->addr, y = ((const struct named *)b)->addr;

	return x < y ? -1 : x > y;
}

static struct named *find(struct table *tb, uint64_t addr)
{
	struct named key = { .addr = addr };
	void *p = tfind(&key, &tb->root, cmp_addr);

	return p ? *(struct named **)p : NULL;
}

/* A name into out of len bytes, cut and ended; not snprintf(): this is per
 * record, and its format parsing cost 600 instructions of the 700 here. */
static void copy_name(char *out, size_t len, const char *s)
{
	size_t k = strnlen(s, len - 1);

	memcpy(out, s, k);
	out[k] = '\0';
}

/* The latest record for an address wins: it is a new object there. */
static void remember(struct table *tb, uint64_t addr, uint64_t inode, const char *str)
{
	struct named *n = find(tb, addr);
	void *p;

	if (!n) {
		n = tb->spare ? tb->spare : xcalloc(1, sizeof(*n));
		tb->spare = NULL;
		n->addr = addr;
		p = tsearch(n, &tb->root, cmp_addr);
		if (!p)
			xoom();
	}
	n->inode = inode;
	copy_name(n->str, sizeof(n->str), str);
}

static void forget(struct table *tb, uint64_t addr, uint64_t inode)
{
	struct named *n = find(tb, addr);

	if (!n || n->inode != inode)
		return;
	tdelete(n, &tb->root, cmp_addr);
	if (tb->spare)
		free(n);
	else
		tb->spare = n;
}

/* Copies the name remembered for addr when it is for the same buffer. */
static void recall(struct table *tb, uint64_t addr, uint64_t inode, char *out, size_t len)
{
	struct named *n = addr ? find(tb, addr) : NULL;

	if (!n || n->inode != inode)
		return;
	copy_name(out, len, n->str);
	tb->recalled++;
}

struct trace_names *trace_names_new(void)
{
	return xcalloc(1, sizeof(struct trace_names));
}

static void table_free(struct table *tb)
{
	tdestroy(tb->root, free);
	free(tb->spare);
}

void trace_names_free(struct trace_names *tn)
{
	if (!tn)
		return;
	table_free(&tn->bufs);
	table_free(&tn->atts);
	free(tn);
}

void trace_names_fill(struct trace_names *tn, struct trace_event *e)
{
	if (!(e->flags & TRACE_F_EXPORTER))
		recall(&tn->bufs, e->buf, e->inode, e->exporter, sizeof(e->exporter));
	else if (e->kind == TRACE_EXPORT && e->buf)
		remember(&tn->bufs, e->buf, e->inode, e->exporter);
	if (!(e->flags & TRACE_F_DEVICE))
		recall(&tn->atts, e->attach, e->inode, e->device, sizeof(e->device));
	else if (e->kind == TRACE_ATTACH && e->attach)
		remember(&tn->atts, e->attach, e->inode, e->device);

	if (e->kind == TRACE_RELEASE)
		forget(&tn->bufs, e->buf, e->inode);
	else if (e->kind == TRACE_DETACH)
		forget(&tn->atts, e->attach, e->inode);
}

void trace_names_stats(const struct trace_names *tn, uint64_t *exporters, uint64_t *devices)
{
	*exporters = tn->bufs.recalled;
	*devices = tn->atts.recalled;
}

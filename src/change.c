// SPDX-License-Identifier: GPL-2.0-or-later
/* Changes between two sets of buffers and their table (see change.h). */
#include <stdlib.h>
#include <string.h>

#include "change.h"
#include "list.h"
#include "util.h"

static const char *const names[] = {
	[BUF_NEW] = "new",
	[BUF_RELEASED] = "released",
	[BUF_RESIZED] = "resized",
	[BUF_GROWN] = "grown",
	[BUF_SHRUNK] = "shrunk",
	[BUF_CHANGED] = "changed",
};

const char *buf_change_name(enum buf_change c)
{
	return c == BUF_SAME ? NULL : names[c];
}

static bool differ(const char *a, const char *b)
{
	return (a == NULL) != (b == NULL) || (a && strcmp(a, b));
}

/* Compare one count: *more or *less set when it rose or fell. */
static void count(uint64_t old, uint64_t new, bool *more, bool *less)
{
	*more |= new > old;
	*less |= new < old;
}

static void uses(const struct dmabuf *b, uint64_t *fds, uint64_t *maps)
{
	size_t i;

	*fds = *maps = 0;
	for (i = 0; i < b->nr_holders; i++) {
		*fds += b->holders[i].nr_fds;
		*maps += b->holders[i].nr_maps;
	}
}

enum buf_change buf_compare(const struct dmabuf *old, const struct dmabuf *new)
{
	uint64_t ofds, omaps, nfds, nmaps;
	bool more = false, less = false;

	if (!old)
		return new ? BUF_NEW : BUF_SAME;
	if (!new)
		return BUF_RELEASED;
	if (old->size != new->size)
		return BUF_RESIZED;
	if (old->refcount >= 0 && new->refcount >= 0)
		count((uint64_t)old->refcount, (uint64_t)new->refcount, &more, &less);
	if (old->attachments_known && new->attachments_known)
		count(old->nr_attachments, new->nr_attachments, &more, &less);
	uses(old, &ofds, &omaps);
	uses(new, &nfds, &nmaps);
	count(old->nr_holders, new->nr_holders, &more, &less);
	count(ofds, nfds, &more, &less);
	count(omaps, nmaps, &more, &less);
	if ((more && less) || differ(old->name, new->name) ||
	    differ(old->exporter, new->exporter))
		return BUF_CHANGED;
	return more ? BUF_GROWN : less ? BUF_SHRUNK : BUF_SAME;
}

static int cmp_change(const void *a, const void *b)
{
	const struct proc_change *x = a, *y = b;
	int64_t gx = (int64_t)(x->new_rss - x->old_rss), gy = (int64_t)(y->new_rss - y->old_rss);

	if (gx != gy)
		return gx > gy ? -1 : 1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

static int cmp_pid_proc(const void *a, const void *b)
{
	const struct dmabuf_proc *x = a, *y = b;

	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

struct proc_change *proc_changes(const struct dmabuf_set *old, const struct dmabuf_set *new,
				 size_t *nr)
{
	size_t no, nn, i = 0, j = 0, n = 0;
	struct dmabuf_proc *o = dmabuf_set_procs(old, &no);
	struct dmabuf_proc *w = dmabuf_set_procs(new, &nn);
	struct proc_change *c = xcalloc(no + nn, sizeof(*c));

	if (no)
		qsort(o, no, sizeof(*o), cmp_pid_proc);
	if (nn)
		qsort(w, nn, sizeof(*w), cmp_pid_proc);
	/* A merge of the two by pid. */
	while (i < no || j < nn) {
		const struct dmabuf_proc *a = i < no ? &o[i] : NULL, *b = j < nn ? &w[j] : NULL;
		struct proc_change *p = &c[n];

		if (a && b && a->pid != b->pid) {
			if (a->pid < b->pid)
				b = NULL;
			else
				a = NULL;
		}
		memset(p, 0, sizeof(*p));
		p->pid = a ? a->pid : b->pid;
		p->comm = b && b->comm ? b->comm : a ? a->comm : NULL;
		if (a) {
			p->old_bufs = a->nr_bufs;
			p->old_rss = a->rss;
			p->old_pss = a->pss;
			i++;
		}
		if (b) {
			p->new_bufs = b->nr_bufs;
			p->new_rss = b->rss;
			p->new_pss = b->pss;
			j++;
		}
		if (p->old_bufs != p->new_bufs || p->old_rss != p->new_rss ||
		    p->old_pss != p->new_pss)
			n++;
	}
	/* comm points into the sets, not into o and w. */
	free(o);
	free(w);
	if (n)
		qsort(c, n, sizeof(*c), cmp_change);
	*nr = n;
	return c;
}

static struct out_column cols[32];
static size_t nr_cols;

const struct out_column *change_columns(size_t *nr)
{
	if (!nr_cols) {
		memcpy(cols, list_cols, list_nr_cols * sizeof(*cols));
		cols[list_nr_cols] = (struct out_column){ "CHANGE", 8, OUT_DEFAULT, OUT_STRING,
			"new, released, resized, grown, shrunk or changed since the last "
			"refresh (watch) or the old snapshot (diff)" };
		nr_cols = list_nr_cols + 1;
	}
	*nr = nr_cols;
	return cols;
}

int change_table_new(struct out_table **tb)
{
	const struct out_column *c = change_columns(&nr_cols);
	struct out_join j;
	char *spec;
	size_t i;
	int ret;

	if (oopts.columns && *oopts.columns != '+')
		return out_table_new(tb, c, nr_cols);
	out_join_begin(&j, ",");
	out_join_add(&j, "CHANGE");
	for (i = 0; i < list_nr_cols; i++)
		if (c[i].flags & OUT_DEFAULT)
			out_join_add(&j, "%s", c[i].name);
	if (oopts.columns)
		out_join_add(&j, "%s", oopts.columns + 1);
	spec = out_join_end(&j);
	ret = out_table_new_spec(tb, c, nr_cols, spec);
	free(spec);
	return ret;
}

void change_row(struct out_table *tb, const struct dmabuf *buf, enum buf_change c)
{
	list_row(tb, buf);
	out_table_set(tb, list_nr_cols, c == BUF_SAME ? "" : names[c]);
}

struct json_object *change_json(const struct dmabuf *buf, enum buf_change c)
{
	struct json_object *o = out_json_dmabuf(buf, false);

	out_json_add(o, "change", c == BUF_SAME ? NULL : json_object_new_string(names[c]));
	return o;
}

const char *change_size(int64_t bytes, char *buf, size_t len)
{
	char num[24];

	if (!bytes)
		return "0";
	out_size((uint64_t)(bytes < 0 ? -bytes : bytes), num, sizeof(num));
	snprintf(buf, len, "%c%s", bytes < 0 ? '-' : '+', num);
	return buf;
}

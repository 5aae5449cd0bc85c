// SPDX-License-Identifier: GPL-2.0-or-later
/* Invalidates and their per-attachment confirmations.  See confirm.h. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confirm.h"
#include "ksyms.h"
#include "util.h"

/* Callbacks that unmap the importer's IOVAs themselves before returning
 * (7.2 drivers/iommu/iommufd/pages.c: iopt_area_unmap_domain_range()). */
static const char *const sync_unmap_callbacks[] = {
	"iopt_revoke_notify",
};

#define ATT_BUCKETS 4096

/* An attachment seen attaching while tracing. */
struct att_state {
	struct att_state *next;
	uint64_t attach;
	int maps;			/* sg mappings held, seen since attach */
};

/* One attachment of an invalidated buffer. */
struct inv_att {
	uint64_t attach;
	uint64_t callback;
	char device[REC_DEV_LEN];
	bool dynamic;
	bool known;			/* attached while tracing: maps is exact */
	int maps;
	int notified;
	const char *unmap;
	uint64_t notify_ts, unmap_ts;
};

struct inval {
	uint64_t id;			/* ts of the INVALIDATE record */
	uint64_t inode;
	uint32_t tid;
	uint64_t deadline;		/* ns, CLOCK_MONOTONIC */
	bool done;			/* the invalidate returned */
	bool shown;
	struct inv_att *atts;
	size_t nr_atts;
};

struct confirm_state {
	uint64_t timeout_ns;
	struct ksyms *ks;
	const char *const *hooked;
	size_t nr_hooked;
	struct att_state *atts[ATT_BUCKETS];
	struct att_state *spare;	/* detached, for the next attach: no malloc per event */
	struct inval *invals;
	size_t nr_invals;
};

struct confirm_state *confirm_new(uint64_t timeout_ns, struct ksyms *ks)
{
	struct confirm_state *cs = xcalloc(1, sizeof(*cs));

	cs->timeout_ns = timeout_ns;
	cs->ks = ks;
	return cs;
}

void confirm_free(struct confirm_state *cs)
{
	size_t i;

	if (!cs)
		return;
	for (i = 0; i < ATT_BUCKETS; i++) {
		while (cs->atts[i]) {
			struct att_state *s = cs->atts[i];

			cs->atts[i] = s->next;
			free(s);
		}
	}
	while (cs->spare) {
		struct att_state *s = cs->spare;

		cs->spare = s->next;
		free(s);
	}
	for (i = 0; i < cs->nr_invals; i++)
		free(cs->invals[i].atts);
	free(cs->invals);
	free(cs);
}

void confirm_set_hooked(struct confirm_state *cs, const char *const *names, size_t nr)
{
	cs->hooked = names;
	cs->nr_hooked = nr;
}

/* ---- attachments seen while tracing ---- */

static size_t att_hash(uint64_t a)
{
	return (size_t)((a >> 6) * 0x9e3779b97f4a7c15ull >> 52) & (ATT_BUCKETS - 1);
}

static struct att_state *att_find(struct confirm_state *cs, uint64_t a)
{
	struct att_state *s;

	for (s = cs->atts[att_hash(a)]; s; s = s->next)
		if (s->attach == a)
			return s;
	return NULL;
}

static void att_add(struct confirm_state *cs, uint64_t a)
{
	struct att_state *s = att_find(cs, a);

	if (!s) {
		s = cs->spare;
		if (s)
			cs->spare = s->next;
		else
			s = xmalloc(sizeof(*s));
		s->attach = a;
		s->next = cs->atts[att_hash(a)];
		cs->atts[att_hash(a)] = s;
	}
	s->maps = 0;
}

static void att_del(struct confirm_state *cs, uint64_t a)
{
	struct att_state **p;

	for (p = &cs->atts[att_hash(a)]; *p; p = &(*p)->next) {
		if ((*p)->attach == a) {
			struct att_state *s = *p;

			*p = s->next;
			s->next = cs->spare;
			cs->spare = s;
			return;
		}
	}
}

/* ---- invalidates waiting for their importers ---- */

static bool name_in(const char *name, const char *const *names, size_t nr)
{
	size_t i;

	for (i = 0; name && i < nr; i++)
		if (!strcmp(names[i], name))
			return true;
	return false;
}

static struct inval *inval_by_id(struct confirm_state *cs, uint64_t id)
{
	size_t i;

	for (i = cs->nr_invals; i-- > 0;)
		if (cs->invals[i].id == id)
			return &cs->invals[i];
	return NULL;
}

static void inval_new(struct confirm_state *cs, const struct trace_event *e, bool shown)
{
	struct inval *v;

	cs->invals = xrealloc(cs->invals, (cs->nr_invals + 1) * sizeof(*cs->invals));
	v = &cs->invals[cs->nr_invals++];
	memset(v, 0, sizeof(*v));
	v->id = e->ts;
	v->inode = e->inode;
	v->tid = e->tid;
	v->deadline = e->ts + cs->timeout_ns;
	v->shown = shown;
}

static void inval_add_att(struct confirm_state *cs, const struct trace_event *e)
{
	struct inval *v = inval_by_id(cs, e->arg);
	struct att_state *s;
	struct inv_att *a;

	if (!v)
		return;
	v->atts = xrealloc(v->atts, (v->nr_atts + 1) * sizeof(*v->atts));
	a = &v->atts[v->nr_atts++];
	memset(a, 0, sizeof(*a));
	a->attach = e->attach;
	a->callback = e->callback;
	a->dynamic = e->dynamic;
	snprintf(a->device, sizeof(a->device), "%s", e->device);
	s = att_find(cs, e->attach);
	a->known = s != NULL;
	a->maps = s ? s->maps : 0;
}

/* What happened to attachment e->attach after each pending invalidate. */
static void inval_mark(struct confirm_state *cs, const struct trace_event *e)
{
	size_t i, j;

	for (i = 0; i < cs->nr_invals; i++) {
		struct inval *v = &cs->invals[i];

		if (e->ts > v->deadline)
			continue;
		if (e->kind == TRACE_INV_DONE) {
			if (v->inode == e->inode && v->tid == e->tid)
				v->done = true;
			else
				continue;
		}
		for (j = 0; j < v->nr_atts; j++) {
			struct inv_att *a = &v->atts[j];

			if (e->kind == TRACE_INV_DONE) {
				/* Every callback has returned. */
				if (a->notified > 0 && !a->unmap &&
				    (name_in(ksyms_label(cs->ks, a->callback), sync_unmap_callbacks,
					     sizeof(sync_unmap_callbacks) / sizeof(*sync_unmap_callbacks)) ||
				     (a->known && !a->maps))) {
					a->unmap = "in_callback";
					a->unmap_ts = e->ts;
				}
				continue;
			}
			if (a->attach != e->attach)
				continue;
			if (e->kind == TRACE_CALLBACK && a->notified <= 0) {
				a->notified = 1;
				a->notify_ts = e->ts;
			} else if (e->kind == TRACE_UNMAP && !a->unmap) {
				a->unmap = "unmap";
				a->unmap_ts = e->ts;
			} else if (e->kind == TRACE_DETACH && !a->unmap) {
				a->unmap = "detach";
				a->unmap_ts = e->ts;
			}
		}
	}
}

void confirm_record(struct confirm_state *cs, const struct trace_event *e, bool shown)
{
	struct att_state *s;

	switch (e->kind) {
	case TRACE_ATTACH:
		att_add(cs, e->attach);
		break;
	case TRACE_DETACH:
		inval_mark(cs, e);
		att_del(cs, e->attach);
		break;
	case TRACE_MAP:
		s = att_find(cs, e->attach);
		if (s)
			s->maps++;
		break;
	case TRACE_UNMAP:
		s = att_find(cs, e->attach);
		if (s && s->maps > 0)
			s->maps--;
		inval_mark(cs, e);
		break;
	case TRACE_INVALIDATE:
		inval_new(cs, e, shown);
		break;
	case TRACE_INV_ATTACH:
		inval_add_att(cs, e);
		break;
	case TRACE_INV_DONE:
	case TRACE_CALLBACK:
		inval_mark(cs, e);
		break;
	}
}

static bool inval_final(const struct inval *v)
{
	size_t j;

	if (!v->done)
		return false;
	for (j = 0; j < v->nr_atts; j++)
		if (!v->atts[j].unmap && v->atts[j].callback)
			return false;
	return true;
}

/* Hand invalidate idx's confirmations over and forget it. */
static size_t inval_finish(struct confirm_state *cs, size_t idx, uint64_t now,
			   const struct tracer_handlers *h, void *ctx)
{
	struct inval *v = &cs->invals[idx];
	struct tracer_confirm *c = xcalloc(v->nr_atts, sizeof(*c));
	size_t j, nr = v->nr_atts;

	for (j = 0; j < nr; j++) {
		const struct inv_att *a = &v->atts[j];
		const char *sym = ksyms_label(cs->ks, a->callback);

		c[j] = (struct tracer_confirm){
			.inode = v->inode,
			.device = a->device,
			.callback = sym,
			.dynamic = a->dynamic,
			.notifiable = a->callback != 0,
			.notified = a->notified,
			.unmapped = a->unmap != NULL,
			.unmap = a->unmap,
			.invalidate_ns = v->id,
			.final_ns = now,
			.latency_ns = -1,
		};
		/* Not seeing a callback we did not hook proves nothing. */
		if (a->callback && !a->notified && !name_in(sym, cs->hooked, cs->nr_hooked))
			c[j].notified = -1;
		if (a->unmap)
			c[j].latency_ns = (int64_t)(a->unmap_ts - v->id);
		else if (a->notified > 0)
			c[j].latency_ns = (int64_t)(a->notify_ts - v->id);
	}
	if (h && h->invalidated)
		h->invalidated(ctx, v->inode, v->shown, c, nr);
	free(c);
	free(v->atts);
	memmove(v, v + 1, (cs->nr_invals - idx - 1) * sizeof(*v));
	cs->nr_invals--;
	return nr;
}

size_t confirm_finish(struct confirm_state *cs, uint64_t now, bool force,
		      const struct tracer_handlers *h, void *ctx)
{
	size_t i = 0, made = 0;

	while (i < cs->nr_invals) {
		struct inval *v = &cs->invals[i];

		if (force || inval_final(v) || now > v->deadline + TRACER_SLACK_NS)
			made += inval_finish(cs, i, now, h, ctx);
		else
			i++;
	}
	return made;
}

size_t confirm_pending(const struct confirm_state *cs)
{
	return cs->nr_invals;
}

uint64_t confirm_next_deadline(const struct confirm_state *cs)
{
	uint64_t next = 0;
	size_t i;

	for (i = 0; i < cs->nr_invals; i++) {
		uint64_t d = cs->invals[i].deadline + TRACER_SLACK_NS;

		if (!next || d < next)
			next = d;
	}
	return next;
}

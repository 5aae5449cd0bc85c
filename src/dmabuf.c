// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The model: buffers keyed by inode (hash index), their holders and the
 * merge rules.  Every field remembers which source set it; a source may
 * overwrite a field set by itself (fresher) or by a lower-priority source,
 * never one set by a higher-priority source (enum dmabuf_source order).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dmabuf.h"
#include "util.h"
#include "vfio.h"

enum field { F_SIZE, F_EXPORTER, F_NAME, F_REFCOUNT, F_FLAGS, F_MODE, F_REVOKED,
	     F_ATTACH, F_FOR_GOOD, F_DEVICE, F_RANGES, F_NR };

#define SRC_NONE 0xff

/* Private part of each buffer: struct dmabuf comes first, so casts work. */
struct buf_priv {
	struct dmabuf pub;
	struct dmabuf_set *set;		/* the set it is in (its strings) */
	struct buf_priv *next;		/* hash chain */
	unsigned char src[F_NR];	/* source that set each field */
	long count_from[DMABUF_SRC_NR];	/* refcount as each source saw it */
};

struct set_priv {
	struct buf_priv **buckets;
	size_t nr_buckets;		/* power of two */
	size_t bufs_alloc;
	pid_t *unreadable;		/* sorted pids counted in procs_unreadable */
	size_t nr_unreadable, unreadable_alloc;
	size_t *warn_slots;		/* warnings hash: index + 1, 0 empty */
	size_t nr_warn_slots;		/* power of two, over twice nr_warnings */
	char **strs;			/* dmabuf_set_intern()'s hash: open addressing */
	size_t nr_strs, nr_str_slots;	/* power of two, over twice nr_strs */
	struct buf_priv **chunks;	/* buffers are allocated by chunks */
	size_t nr_chunks, chunk_used, chunk_size;
};

static const char *const src_names[DMABUF_SRC_NR] = {
	[DMABUF_SRC_BPF] = "bpf",
	[DMABUF_SRC_TASK_FILE] = "task_file",
	[DMABUF_SRC_TASK_VMA] = "task_vma",
	[DMABUF_SRC_DEBUGFS] = "debugfs",
	[DMABUF_SRC_FDINFO] = "procfs",
	[DMABUF_SRC_MAPS] = "maps",
};

const char *dmabuf_source_name(enum dmabuf_source src)
{
	return (unsigned int)src < DMABUF_SRC_NR ? src_names[src] : "unknown";
}

static inline struct buf_priv *priv(const struct dmabuf *buf)
{
	return (struct buf_priv *)buf;
}

static size_t hash_ino(uint64_t ino, size_t nr_buckets)
{
	return hash_u64(ino, nr_buckets);
}

static void index_rebuild(struct dmabuf_set *set, size_t nr_buckets)
{
	struct set_priv *sp = set->index;
	size_t i;

	free(sp->buckets);
	sp->nr_buckets = nr_buckets;
	sp->buckets = xcalloc(nr_buckets, sizeof(*sp->buckets));
	for (i = 0; i < set->nr_bufs; i++) {
		struct buf_priv *bp = priv(set->bufs[i]);
		size_t h = hash_ino(bp->pub.inode, nr_buckets);

		bp->next = sp->buckets[h];
		sp->buckets[h] = bp;
	}
}

struct dmabuf_set *dmabuf_set_new(void)
{
	struct dmabuf_set *set = xcalloc(1, sizeof(*set));

	set->index = xcalloc(1, sizeof(struct set_priv));
	index_rebuild(set, 256);
	return set;
}

static void holder_free(struct dmabuf_holder *h)
{
	for (size_t i = 0; i < h->nr_gems; i++) {
		free(h->gems[i].device);
		free(h->gems[i].driver);
		free(h->gems[i].node);
	}
	free(h->gems);
	free(h->fds);
	free(h->maps);
}

static void free_attachments(struct dmabuf *buf)
{
	for (size_t i = 0; i < buf->nr_attachments; i++) {
		free(buf->attachments[i].device);
		free(buf->attachments[i].callback);
	}
	free(buf->attachments);
	buf->attachments = NULL;
	buf->nr_attachments = 0;
}

/* What buf holds; buf itself is in one of the set's chunks. */
static void buf_free(struct dmabuf *buf)
{
	size_t i;

	free(buf->name);
	free(buf->device);
	free(buf->ranges);
	free_attachments(buf);
	for (i = 0; i < buf->nr_fences; i++)
		free(buf->fences[i]);
	free(buf->fences);
	for (i = 0; i < buf->nr_holders; i++)
		holder_free(&buf->holders[i]);
	free(buf->holders);
}

void dmabuf_set_free(struct dmabuf_set *set)
{
	struct set_priv *sp;
	size_t i;

	if (!set)
		return;
	sp = set->index;
	for (i = 0; i < set->nr_bufs; i++)
		buf_free(set->bufs[i]);
	free(set->bufs);
	for (i = 0; i < DMABUF_SRC_NR; i++) {
		free(set->status[i].why);
		free(set->status[i].hint);
	}
	for (i = 0; i < set->nr_warnings; i++) {
		free(set->warnings[i]);
		free(set->hints[i]);
	}
	free(set->warnings);
	free(set->hints);
	free(sp->buckets);
	free(sp->unreadable);
	free(sp->warn_slots);
	for (i = 0; i < sp->nr_str_slots; i++)
		free(sp->strs[i]);
	free(sp->strs);
	for (i = 0; i < sp->nr_chunks; i++)
		free(sp->chunks[i]);
	free(sp->chunks);
	free(sp);
	free(set);
}

/* FNV-1a: strings are short. */
static size_t hash_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ull;
	return (size_t)h;
}

static char **str_slot(char **slots, size_t nr_slots, const char *s)
{
	size_t mask = nr_slots - 1, i;

	for (i = hash_str(s) & mask; slots[i] && strcmp(slots[i], s); i = (i + 1) & mask)
		;
	return &slots[i];
}

/* A thousand holders share a comm, every holder of a container its cgroup,
 * every buffer of a driver its exporter: one copy each. */
const char *dmabuf_set_intern(struct dmabuf_set *set, const char *s)
{
	struct set_priv *sp = set->index;
	char **slot;
	size_t i;

	if (!s)
		return NULL;
	if (2 * (sp->nr_strs + 1) > sp->nr_str_slots) {
		size_t n = sp->nr_str_slots ? 2 * sp->nr_str_slots : 64;
		char **slots = xcalloc(n, sizeof(*slots));

		for (i = 0; i < sp->nr_str_slots; i++)
			if (sp->strs[i])
				*str_slot(slots, n, sp->strs[i]) = sp->strs[i];
		free(sp->strs);
		sp->strs = slots;
		sp->nr_str_slots = n;
	}
	slot = str_slot(sp->strs, sp->nr_str_slots, s);
	if (!*slot) {
		*slot = xstrdup(s);
		sp->nr_strs++;
	}
	return *slot;
}

/* A zeroed buffer from the current chunk, which grows to a thousand. */
static struct buf_priv *buf_alloc(struct dmabuf_set *set)
{
	struct set_priv *sp = set->index;

	if (!sp->nr_chunks || sp->chunk_used == sp->chunk_size) {
		sp->chunk_size = sp->chunk_size ? sp->chunk_size * 2 : 16;
		if (sp->chunk_size > 1024)
			sp->chunk_size = 1024;
		sp->chunks = array_reserve(sp->chunks, sp->nr_chunks, sizeof(*sp->chunks));
		sp->chunks[sp->nr_chunks++] = xcalloc(sp->chunk_size, sizeof(struct buf_priv));
		sp->chunk_used = 0;
	}
	return &sp->chunks[sp->nr_chunks - 1][sp->chunk_used++];
}

struct dmabuf *dmabuf_find(const struct dmabuf_set *set, uint64_t inode)
{
	const struct set_priv *sp = set->index;
	struct buf_priv *bp;

	for (bp = sp->buckets[hash_ino(inode, sp->nr_buckets)]; bp; bp = bp->next)
		if (bp->pub.inode == inode)
			return &bp->pub;
	return NULL;
}

struct dmabuf *dmabuf_get(struct dmabuf_set *set, uint64_t inode, enum dmabuf_source src)
{
	struct set_priv *sp = set->index;
	struct dmabuf *buf = dmabuf_find(set, inode);
	struct buf_priv *bp;
	size_t h, i;

	if (buf) {
		buf->sources |= 1u << src;
		return buf;
	}
	bp = buf_alloc(set);
	bp->set = set;
	memset(bp->src, SRC_NONE, sizeof(bp->src));
	for (i = 0; i < DMABUF_SRC_NR; i++)
		bp->count_from[i] = -1;
	buf = &bp->pub;
	buf->inode = inode;
	buf->refcount = -1;
	buf->revoked = -1;
	buf->revoked_for_good = -1;
	buf->bar = -1;
	buf->device_closed = -1;
	buf->sources = 1u << src;

	if (set->nr_bufs == sp->bufs_alloc) {
		sp->bufs_alloc = sp->bufs_alloc ? 2 * sp->bufs_alloc : 64;
		set->bufs = xrealloc(set->bufs, sp->bufs_alloc * sizeof(*set->bufs));
	}
	set->bufs[set->nr_bufs++] = buf;
	if (set->nr_bufs > sp->nr_buckets) {
		index_rebuild(set, sp->nr_buckets * 4);
	} else {
		h = hash_ino(inode, sp->nr_buckets);
		bp->next = sp->buckets[h];
		sp->buckets[h] = bp;
	}
	return buf;
}

/* The merge rule: may src set field f? */
static bool take(struct dmabuf *buf, enum field f, enum dmabuf_source src)
{
	struct buf_priv *bp = priv(buf);

	if (bp->src[f] != SRC_NONE && bp->src[f] < (unsigned char)src)
		return false;
	bp->src[f] = (unsigned char)src;
	return true;
}

void dmabuf_set_size(struct dmabuf *buf, enum dmabuf_source src, uint64_t size)
{
	if (take(buf, F_SIZE, src))
		buf->size = size;
}

void dmabuf_set_exporter(struct dmabuf *buf, enum dmabuf_source src, const char *exp)
{
	if (!take(buf, F_EXPORTER, src))
		return;
	buf->exporter = dmabuf_set_intern(priv(buf)->set, exp);
}

void dmabuf_set_name(struct dmabuf *buf, enum dmabuf_source src, const char *name)
{
	if (!take(buf, F_NAME, src))
		return;
	free(buf->name);
	buf->name = name ? xstrdup(name) : NULL;
	buf->name_known = true;
}

void dmabuf_set_refcount(struct dmabuf *buf, enum dmabuf_source src, long refcount)
{
	priv(buf)->count_from[src] = refcount;
	if (take(buf, F_REFCOUNT, src))
		buf->refcount = refcount;
}

void dmabuf_refcount_retake(struct dmabuf *buf, enum dmabuf_source src)
{
	struct buf_priv *bp = priv(buf);

	if (bp->count_from[src] < 0)
		return;
	bp->src[F_REFCOUNT] = (unsigned char)src;
	buf->refcount = bp->count_from[src];
}

long dmabuf_refcount_from(const struct dmabuf *buf, enum dmabuf_source src)
{
	return priv(buf)->count_from[src];
}

void dmabuf_set_flags(struct dmabuf *buf, enum dmabuf_source src,
		      unsigned int flags, unsigned int mode)
{
	if (take(buf, F_FLAGS, src)) {
		buf->flags = flags;
		buf->flags_known = true;
	}
	if (mode != DMABUF_MODE_UNKNOWN && take(buf, F_MODE, src)) {
		buf->mode = mode;
		buf->mode_known = true;
	}
}

/* The mark means "for good": exporters that can only revoke for good are
 * revoked now exactly when it is set (dmabuf_set_finish() sees to the
 * others). */
void dmabuf_set_revoked(struct dmabuf *buf, enum dmabuf_source src, bool revoked)
{
	if (take(buf, F_REVOKED, src))
		buf->revoked = revoked;
	if (take(buf, F_FOR_GOOD, src))
		buf->revoked_for_good = revoked;
}

void dmabuf_set_revoke_state(struct dmabuf *buf, enum dmabuf_source src, int now, int for_good)
{
	if (now >= 0 && take(buf, F_REVOKED, src))
		buf->revoked = now > 0;
	if (for_good >= 0 && take(buf, F_FOR_GOOD, src))
		buf->revoked_for_good = for_good > 0;
}

void dmabuf_set_device(struct dmabuf *buf, enum dmabuf_source src, const char *name,
		       int bar, int closed)
{
	if (!take(buf, F_DEVICE, src))
		return;
	free(buf->device);
	buf->device = name ? xstrdup(name) : NULL;
	buf->bar = bar;
	buf->device_closed = closed;
}

void dmabuf_add_range(struct dmabuf *buf, enum dmabuf_source src, uint64_t offset,
		      uint64_t length)
{
	struct buf_priv *bp = priv(buf);

	if (bp->src[F_RANGES] != SRC_NONE && bp->src[F_RANGES] != (unsigned char)src) {
		if (bp->src[F_RANGES] < (unsigned char)src)
			return;
		free(buf->ranges);
		buf->ranges = NULL;
		buf->nr_ranges = 0;
	}
	bp->src[F_RANGES] = (unsigned char)src;
	buf->ranges_known = true;
	buf->ranges = xrealloc(buf->ranges, (buf->nr_ranges + 1) * sizeof(*buf->ranges));
	buf->ranges[buf->nr_ranges++] = (struct dmabuf_range){ offset, length };
}

/*
 * The first source to report attachments owns the list; device NULL only
 * says "this source knows the attachments" (a buffer with none).
 */
void dmabuf_add_attachment(struct dmabuf *buf, enum dmabuf_source src,
			   const char *device, const char *callback, int dynamic)
{
	struct buf_priv *bp = priv(buf);
	struct dmabuf_attachment *a;

	if (bp->src[F_ATTACH] != SRC_NONE && bp->src[F_ATTACH] != (unsigned char)src) {
		if (bp->src[F_ATTACH] < (unsigned char)src)
			return;
		/* A higher-priority source's list replaces the whole of it. */
		free_attachments(buf);
	}
	bp->src[F_ATTACH] = (unsigned char)src;
	buf->attachments_known = true;
	if (!device)
		return;
	buf->attachments = array_reserve(buf->attachments, buf->nr_attachments,
					 sizeof(*buf->attachments));
	a = &buf->attachments[buf->nr_attachments++];
	a->device = xstrdup(device);
	a->callback = callback ? xstrdup(callback) : NULL;
	a->dynamic = dynamic;
}

void dmabuf_add_fence(struct dmabuf *buf, const char *line)
{
	buf->fences = array_reserve(buf->fences, buf->nr_fences, sizeof(*buf->fences));
	buf->fences[buf->nr_fences++] = xstrdup(line);
}

static int cmp_holder(const void *a, const void *b)
{
	const struct dmabuf_holder *x = a, *y = b;

	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

const struct dmabuf_holder *dmabuf_holder_find(const struct dmabuf *buf, pid_t pid)
{
	const struct dmabuf_holder key = { .pid = pid };

	if (!buf->nr_holders)
		return NULL;
	return bsearch(&key, buf->holders, buf->nr_holders, sizeof(key), cmp_holder);
}

struct dmabuf_holder *dmabuf_holder(struct dmabuf *buf, pid_t pid, const char *comm)
{
	const struct dmabuf_holder key = { .pid = pid };
	struct dmabuf_holder *h;
	bool added;

	h = sorted_insert(&buf->holders, &buf->nr_holders, NULL, sizeof(*h), &key, cmp_holder,
			  &added);
	if (!h->comm && comm)
		h->comm = dmabuf_set_intern(priv(buf)->set, comm);
	return h;
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return x < y ? -1 : x > y;
}

void dmabuf_holder_add_fd(struct dmabuf_holder *h, int fd)
{
	bool added;

	sorted_insert(&h->fds, &h->nr_fds, NULL, sizeof(fd), &fd, cmp_int, &added);
}

static int cmp_map(const void *a, const void *b)
{
	const struct dmabuf_mapping *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

/* Mappings are kept sorted by start address; a VMA is identified by its start. */
void dmabuf_holder_add_map(struct dmabuf_holder *h, const struct dmabuf_mapping *m)
{
	struct dmabuf_mapping *slot;
	bool added;

	slot = sorted_insert(&h->maps, &h->nr_maps, NULL, sizeof(*m), m, cmp_map, &added);
	if (!added)
		*slot = *m;	/* fresher view of the same VMA */
}

/* Node, then handle, then DRM file: one file is open on one minor, so equal
 * means the same handle in the same file. */
static int cmp_gem(const void *pa, const void *pb)
{
	const struct dmabuf_gem *a = pa, *b = pb;
	int c = strcmp(a->node ? a->node : "", b->node ? b->node : "");

	if (c)
		return c;
	if (a->handle != b->handle)
		return a->handle < b->handle ? -1 : 1;
	return a->file < b->file ? -1 : a->file > b->file;
}

static char *dup_or_null(const char *s)
{
	return s ? xstrdup(s) : NULL;
}

void dmabuf_holder_add_gem(struct dmabuf_holder *h, const struct dmabuf_gem *g)
{
	struct dmabuf_gem *slot;
	bool added;

	slot = sorted_insert(&h->gems, &h->nr_gems, NULL, sizeof(*g), g, cmp_gem, &added);
	if (!added) {
		if (g->fd < slot->fd)
			slot->fd = g->fd;	/* the same file through another fd */
		return;
	}
	slot->device = dup_or_null(g->device);
	slot->driver = dup_or_null(g->driver);
	slot->node = dup_or_null(g->node);
}

void dmabuf_source_used(struct dmabuf_set *set, enum dmabuf_source src)
{
	set->status[src].tried = true;
	set->status[src].used = true;
	free(set->status[src].why);
	set->status[src].why = NULL;
}

void dmabuf_source_skipped(struct dmabuf_set *set, enum dmabuf_source src,
			   const char *fmt, ...)
{
	va_list ap;
	char *why;

	va_start(ap, fmt);
	if (vasprintf(&why, fmt, ap) < 0)
		why = xstrdup("unknown");
	va_end(ap);
	set->status[src].tried = true;
	set->status[src].used = false;
	free(set->status[src].why);
	set->status[src].why = why;
}

void dmabuf_source_hint(struct dmabuf_set *set, enum dmabuf_source src, const char *hint)
{
	free(set->status[src].hint);
	set->status[src].hint = hint ? xstrdup(hint) : NULL;
}

/* The warnings hash slot of w: where it is, or the empty one it would take. */
static size_t *warn_slot(const struct dmabuf_set *set, const char *w)
{
	const struct set_priv *sp = set->index;
	size_t mask = sp->nr_warn_slots - 1, i;

	for (i = hash_str(w) & mask;; i = (i + 1) & mask)
		if (!sp->warn_slots[i] || !strcmp(set->warnings[sp->warn_slots[i] - 1], w))
			return &sp->warn_slots[i];
}

static void warn_rehash(struct dmabuf_set *set)
{
	struct set_priv *sp = set->index;
	size_t i;

	free(sp->warn_slots);
	sp->nr_warn_slots = sp->nr_warn_slots ? 2 * sp->nr_warn_slots : 64;
	sp->warn_slots = xcalloc(sp->nr_warn_slots, sizeof(*sp->warn_slots));
	for (i = 0; i < set->nr_warnings; i++)
		*warn_slot(set, set->warnings[i]) = i + 1;
}

static void warn_add(struct dmabuf_set *set, const char *hint, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

static void warn_add(struct dmabuf_set *set, const char *hint, const char *fmt, va_list ap)
{
	struct set_priv *sp = set->index;
	size_t *slot;
	char *w;

	if (vasprintf(&w, fmt, ap) < 0)
		return;
	/* Each warning once, however many sources or processes hit it: a
	 * hash, as one per bad row of a 50,000-row bufinfo would otherwise
	 * be compared with every earlier one. */
	if (2 * (set->nr_warnings + 1) > sp->nr_warn_slots)
		warn_rehash(set);
	slot = warn_slot(set, w);
	if (*slot) {
		free(w);
		return;
	}
	set->warnings = array_reserve(set->warnings, set->nr_warnings, sizeof(char *));
	set->hints = array_reserve(set->hints, set->nr_warnings, sizeof(char *));
	set->warnings[set->nr_warnings] = w;
	set->hints[set->nr_warnings] = hint ? xstrdup(hint) : NULL;
	set->nr_warnings++;
	*slot = set->nr_warnings;
}

void dmabuf_warn(struct dmabuf_set *set, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	warn_add(set, NULL, fmt, ap);
	va_end(ap);
}

void dmabuf_warn_hint(struct dmabuf_set *set, const char *hint, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	warn_add(set, hint, fmt, ap);
	va_end(ap);
}

void dmabuf_proc_unreadable(struct dmabuf_set *set, pid_t pid)
{
	struct set_priv *sp = set->index;
	bool added;

	sorted_insert(&sp->unreadable, &sp->nr_unreadable, &sp->unreadable_alloc, sizeof(pid),
		      &pid, cmp_pid, &added);
	set->procs_unreadable = sp->nr_unreadable;
}

static int cmp_buf(const void *a, const void *b)
{
	const struct dmabuf *x = *(const struct dmabuf *const *)a;
	const struct dmabuf *y = *(const struct dmabuf *const *)b;

	return x->inode < y->inode ? -1 : x->inode > y->inode;
}

/*
 * VFIO revokes its buffers by itself too, for a while (memory decoding
 * off, a reset), and says so to nobody but BPF: there fdinfo's mark 0 means
 * "not for good", not "not revoked".
 */
static void revoked_merge(struct dmabuf *buf)
{
	if (buf->revoked == 0 && priv(buf)->src[F_REVOKED] == DMABUF_SRC_FDINFO &&
	    buf->exporter && vfio_exporter(buf->exporter))
		buf->revoked = -1;
}

/*
 * Holders are kept sorted as they come (dmabuf_holder()); buffers come in
 * the sources' order.  Sizes are the kernel's size_t each, but a sum of
 * them can pass 2^64 - 1 in a hostile tree: totals saturate and say so.
 */
void dmabuf_set_finish(struct dmabuf_set *set)
{
	bool saturated = false;
	uint64_t sum = 0;
	size_t i;

	/* The iterators and bufinfo list buffers in the order they were
	 * made, which is the inodes' order: no sort then. */
	for (i = 1; i < set->nr_bufs && set->bufs[i - 1]->inode < set->bufs[i]->inode; i++)
		;
	if (i < set->nr_bufs)
		qsort(set->bufs, set->nr_bufs, sizeof(*set->bufs), cmp_buf);
	for (i = 0; i < set->nr_bufs; i++) {
		sum = add_sat_u64(sum, set->bufs[i]->size, &saturated);
		set->bufs[i]->gems_known = set->gem_known;
		revoked_merge(set->bufs[i]);
	}
	if (saturated)
		dmabuf_warn(set, "buffer sizes add up to more than %llu bytes: totals are "
			    "saturated at that value", (unsigned long long)sum);
}

void dmabuf_set_keep(struct dmabuf_set *set, bool (*keep)(const struct dmabuf *, void *),
		     void *ctx)
{
	struct set_priv *sp = set->index;
	size_t i, n = 0;

	for (i = 0; i < set->nr_bufs; i++) {
		if (keep(set->bufs[i], ctx))
			set->bufs[n++] = set->bufs[i];
		else
			buf_free(set->bufs[i]);
	}
	set->nr_bufs = n;
	index_rebuild(set, sp->nr_buckets);
}

uint64_t dmabuf_set_bytes(const struct dmabuf_set *set)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < set->nr_bufs; i++)
		sum = add_sat_u64(sum, set->bufs[i]->size, NULL);
	return sum;
}

bool dmabuf_set_holders_known(const struct dmabuf_set *set)
{
	return set->status[DMABUF_SRC_FDINFO].used || set->status[DMABUF_SRC_MAPS].used ||
	       set->status[DMABUF_SRC_TASK_FILE].used || set->status[DMABUF_SRC_TASK_VMA].used;
}

uint64_t dmabuf_set_orphan_bytes(const struct dmabuf_set *set)
{
	uint64_t sum = 0;
	size_t i;

	for (i = 0; i < set->nr_bufs; i++)
		if (!set->bufs[i]->nr_holders)
			sum = add_sat_u64(sum, set->bufs[i]->size, NULL);
	return sum;
}

struct hold {
	pid_t pid;
	const char *comm;
	const char *cgroup;
	const struct dmabuf *buf;
};

static int cmp_hold(const void *a, const void *b)
{
	const struct hold *x = a, *y = b;

	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

static int cmp_proc(const void *a, const void *b)
{
	const struct dmabuf_proc *x = a, *y = b;

	if (x->rss != y->rss)
		return x->rss > y->rss ? -1 : 1;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/*
 * Each holder of a buffer is one process (or thread with its own fd table)
 * holding it by fd, mapping or GEM handle, counted once however many it
 * has: RSS sums whole buffers, PSS shares each buffer among its holders.
 */
struct dmabuf_proc *dmabuf_set_procs(const struct dmabuf_set *set, size_t *nr)
{
	struct dmabuf_proc *procs;
	struct hold *holds;
	size_t i, j, n = 0, np = 0;

	for (i = 0; i < set->nr_bufs; i++)
		n += set->bufs[i]->nr_holders;
	holds = xcalloc(n, sizeof(*holds));
	n = 0;
	for (i = 0; i < set->nr_bufs; i++) {
		const struct dmabuf *buf = set->bufs[i];

		for (j = 0; j < buf->nr_holders; j++) {
			holds[n].pid = buf->holders[j].pid;
			holds[n].comm = buf->holders[j].comm;
			holds[n].cgroup = buf->holders[j].cgroup;
			holds[n].buf = buf;
			n++;
		}
	}
	if (n)
		qsort(holds, n, sizeof(*holds), cmp_hold);

	procs = xcalloc(n, sizeof(*procs));
	for (i = 0; i < n; i++) {
		const struct dmabuf *buf = holds[i].buf;
		struct dmabuf_proc *p;

		if (!np || procs[np - 1].pid != holds[i].pid) {
			p = &procs[np++];
			p->pid = holds[i].pid;
		}
		p = &procs[np - 1];
		if (!p->comm)
			p->comm = holds[i].comm;
		if (!p->cgroup)
			p->cgroup = holds[i].cgroup;
		p->nr_bufs++;
		/* RSS and PSS are at most the sum of all sizes, which
		 * dmabuf_set_finish() warns about when it saturates. */
		p->rss = add_sat_u64(p->rss, buf->size, NULL);
		p->pss = add_sat_u64(p->pss, buf->size / buf->nr_holders, NULL);
	}
	free(holds);
	if (np)
		qsort(procs, np, sizeof(*procs), cmp_proc);
	*nr = np;
	return procs;
}

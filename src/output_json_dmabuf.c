// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Output layer, JSON: the contract for one buffer (out_json_dmabuf()) and
 * list -J's stream of them.  See output.h.
 *
 * A buffer's json-c tree (show, diff) is a jbuf filled once: its members
 * are made in the contract's order, a value that is unknown is null.  (The
 * jval helpers set values in place and swap null in and out because list
 * -J once refilled one tree per buffer.)  list -J's stream is written
 * straight, as json-c would print those trees (see the stream's part
 * below).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "utf8.h"
#include "util.h"

/* A member kept from one buffer to the next: its value, or null. */
struct jval {
	struct json_object *v;	/* one reference is ours */
	bool shown;		/* v is the member's value now (else null) */
};

struct jholder {
	struct json_object *obj;
	struct jval pid, comm, fds, mappings, gem, cgroup, maps;
	struct json_object **fd_pool;	/* fds' elements: fd_pool[0..nr_fds) */
	size_t nr_fd_pool, nr_fds;
};

struct jbuf {
	bool detail;
	struct json_object *obj;
	struct jval inode, size, exporter, name, refcount, flags, mode, revoked;
	struct jval attachments, fences, processes, ranges, for_good;
	bool device;			/* "device" is not null */
	struct jholder *holders;	/* processes' elements: holders[0..nr_holders) */
	struct json_object **holder_objs;	/* holders[i].obj */
	size_t nr_holder_pool, nr_holders;
};

/* Add key to obj with v (its first value) as one we keep. */
static void jv_add(struct json_object *obj, const char *key, struct jval *jv,
		   struct json_object *v)
{
	jv->v = v;
	jv->shown = true;
	out_json_add(obj, key, json_object_get(v));
}

/* Show v or null: json-c finds the key and puts the value it replaces. */
static void jv_show(struct json_object *obj, const char *key, struct jval *jv, bool show)
{
	if (show == jv->shown)
		return;
	json_object_object_add_ex(obj, key, show ? json_object_get(jv->v) : NULL,
				  JSON_C_OBJECT_ADD_CONSTANT_KEY);
	jv->shown = show;
}

static void jv_u64(struct json_object *obj, const char *key, struct jval *jv, bool known,
		   uint64_t v)
{
	if (known)
		out_json_set_u64(jv->v, v);
	jv_show(obj, key, jv, known);
}

static void jv_bool(struct json_object *obj, const char *key, struct jval *jv, int v)
{
	if (v >= 0)
		json_object_set_boolean(jv->v, v > 0);
	jv_show(obj, key, jv, v >= 0);
}

/* A string: its bytes, made valid UTF-8 (out_json_str()); NULL is null. */
static void jv_str(struct json_object *obj, const char *key, struct jval *jv, const char *s)
{
	char *clean;

	if (s && !*s) {
		/*
		 * json-c before 0.17 (Debian 12 has 0.16) loses the buffer
		 * of a long string when "" is set over it (json-c#780): ""
		 * is a new object, which jv_show() puts in place of the old.
		 */
		json_object_put(jv->v);
		jv->v = json_object_new_string("");
		if (!jv->v)
			xoom();
		jv->shown = false;
	} else if (s) {
		clean = utf8_clean(s);
		json_object_set_string(jv->v, clean ? clean : s);
		free(clean);
	}
	jv_show(obj, key, jv, s != NULL);
}

/* An array emptied for new elements, shown or null. */
static struct json_object *jv_array(struct json_object *obj, const char *key, struct jval *jv,
				    bool show)
{
	size_t n = json_object_array_length(jv->v);

	if (n)
		json_object_array_del_idx(jv->v, 0, n);
	jv_show(obj, key, jv, show);
	return jv->v;
}

static void jv_put(struct jval *jv)
{
	json_object_put(jv->v);
}

/* The arrays of kept elements (processes, fds): the first n of the pool. */
static void pool_len(struct json_object *arr, struct json_object **pool, size_t *len, size_t n)
{
	if (*len > n)
		json_object_array_del_idx(arr, n, *len - n);
	for (; *len < n; (*len)++)
		json_object_array_add(arr, json_object_get(pool[*len]));
	*len = n;
}

static void holder_init(struct jholder *jh, bool detail)
{
	struct json_object *o = json_object_new_object();

	memset(jh, 0, sizeof(*jh));
	jh->obj = o;
	jv_add(o, "pid", &jh->pid, out_json_int(0));
	jv_add(o, "comm", &jh->comm, json_object_new_string(""));
	jv_add(o, "fds", &jh->fds, json_object_new_array());
	jv_add(o, "mappings", &jh->mappings, out_json_u64(0));
	jv_add(o, "gem", &jh->gem, json_object_new_array());
	jv_add(o, "cgroup", &jh->cgroup, json_object_new_string(""));
	if (detail)
		jv_add(o, "maps", &jh->maps, json_object_new_array());
}

static void holder_free(struct jholder *jh, bool detail)
{
	json_object_put(jh->obj);
	jv_put(&jh->pid);
	jv_put(&jh->comm);
	jv_put(&jh->fds);
	jv_put(&jh->mappings);
	jv_put(&jh->gem);
	jv_put(&jh->cgroup);
	if (detail)
		jv_put(&jh->maps);
	for (size_t i = 0; i < jh->nr_fd_pool; i++)
		json_object_put(jh->fd_pool[i]);
	free(jh->fd_pool);
}

static struct json_object *json_gem(const struct dmabuf_gem *g)
{
	struct json_object *o = json_object_new_object();

	out_json_add(o, "device", out_json_str(g->device));
	out_json_add(o, "driver", out_json_str(g->driver));
	out_json_add(o, "node", out_json_str(g->node));
	out_json_add(o, "fd", out_json_int(g->fd));
	out_json_add(o, "handle", out_json_u64(g->handle));
	return o;
}

static struct json_object *json_map(const struct dmabuf_mapping *m)
{
	struct json_object *mo = json_object_new_object();
	char addr[24];

	snprintf(addr, sizeof(addr), "0x%llx", (unsigned long long)m->start);
	out_json_add(mo, "start", json_object_new_string(addr));
	snprintf(addr, sizeof(addr), "0x%llx", (unsigned long long)m->end);
	out_json_add(mo, "end", json_object_new_string(addr));
	out_json_add(mo, "offset", out_json_u64(m->pgoff));
	out_json_add(mo, "perms", out_json_str(m->perms));
	return mo;
}

/* GEM handles are null when no source could see them. */
static void holder_fill(struct jholder *jh, const struct dmabuf_holder *h, bool gems_known,
			bool detail)
{
	struct json_object *o = jh->obj, *arr;
	size_t i;

	out_json_set_int(jh->pid.v, h->pid);
	jv_str(o, "comm", &jh->comm, h->comm);
	if (h->nr_fds > jh->nr_fd_pool) {
		jh->fd_pool = xrealloc(jh->fd_pool, h->nr_fds * sizeof(*jh->fd_pool));
		for (; jh->nr_fd_pool < h->nr_fds; jh->nr_fd_pool++)
			jh->fd_pool[jh->nr_fd_pool] = out_json_int(0);
	}
	pool_len(jh->fds.v, jh->fd_pool, &jh->nr_fds, h->nr_fds);
	for (i = 0; i < h->nr_fds; i++)
		out_json_set_int(jh->fd_pool[i], h->fds[i]);
	jv_u64(o, "mappings", &jh->mappings, true, h->nr_maps);
	arr = jv_array(o, "gem", &jh->gem, gems_known);
	for (i = 0; gems_known && i < h->nr_gems; i++)
		json_object_array_add(arr, json_gem(&h->gems[i]));
	jv_str(o, "cgroup", &jh->cgroup, h->cgroup);
	if (!detail)
		return;
	arr = jv_array(o, "maps", &jh->maps, true);
	for (i = 0; i < h->nr_maps; i++)
		json_object_array_add(arr, json_map(&h->maps[i]));
}

static struct json_object *json_attachment(const struct dmabuf_attachment *a)
{
	struct json_object *obj = json_object_new_object();

	out_json_add(obj, "device", out_json_str(a->device));
	out_json_add(obj, "callback", out_json_str(a->callback));
	out_json_add(obj, "dynamic",
			       a->dynamic < 0 ? NULL : json_object_new_boolean(a->dynamic));
	return obj;
}

/* The exporter's device (VFIO: the PCI function), null when unknown. */
static struct json_object *json_device(const struct dmabuf *buf)
{
	struct json_object *obj;

	if (!buf->device)
		return NULL;
	obj = json_object_new_object();
	out_json_add(obj, "bdf", out_json_str(buf->device));
	out_json_add(obj, "bar", buf->bar < 0 ? NULL : json_object_new_int(buf->bar));
	out_json_add(obj, "closed", buf->device_closed < 0 ? NULL :
		     json_object_new_boolean(buf->device_closed));
	return obj;
}

static void jbuf_init(struct jbuf *jb, bool detail)
{
	struct json_object *o = json_object_new_object();

	memset(jb, 0, sizeof(*jb));
	jb->detail = detail;
	jb->obj = o;
	jv_add(o, "inode", &jb->inode, out_json_u64(0));
	jv_add(o, "size", &jb->size, out_json_u64(0));
	jv_add(o, "exporter", &jb->exporter, json_object_new_string(""));
	jv_add(o, "name", &jb->name, json_object_new_string(""));
	jv_add(o, "refcount", &jb->refcount, out_json_u64(0));
	if (detail) {
		jv_add(o, "flags", &jb->flags, out_json_u64(0));
		jv_add(o, "mode", &jb->mode, out_json_u64(0));
		jv_add(o, "revoked", &jb->revoked, json_object_new_boolean(0));
	}
	jv_add(o, "attachments", &jb->attachments, json_object_new_array());
	if (detail)
		jv_add(o, "fences", &jb->fences, json_object_new_array());
	jv_add(o, "processes", &jb->processes, json_object_new_array());
	/* Added later, after the first keys: the exporter's device (VFIO). */
	out_json_add(o, "device", NULL);
	jv_add(o, "ranges", &jb->ranges, json_object_new_array());
	if (detail)
		jv_add(o, "revoked_permanently", &jb->for_good, json_object_new_boolean(0));
}

static void jbuf_free(struct jbuf *jb)
{
	size_t i;

	json_object_put(jb->obj);
	jv_put(&jb->inode);
	jv_put(&jb->size);
	jv_put(&jb->exporter);
	jv_put(&jb->name);
	jv_put(&jb->refcount);
	jv_put(&jb->attachments);
	jv_put(&jb->processes);
	jv_put(&jb->ranges);
	if (jb->detail) {
		jv_put(&jb->flags);
		jv_put(&jb->mode);
		jv_put(&jb->revoked);
		jv_put(&jb->fences);
		jv_put(&jb->for_good);
	}
	for (i = 0; i < jb->nr_holder_pool; i++)
		holder_free(&jb->holders[i], jb->detail);
	free(jb->holders);
	free(jb->holder_objs);
}

/* Only debugfs (and the BPF iterator) see fences; elsewhere they are unknown. */
static void jbuf_fill(struct jbuf *jb, const struct dmabuf *buf)
{
	struct json_object *o = jb->obj, *arr, *dev;
	bool detail = jb->detail;
	size_t i;

	jv_u64(o, "inode", &jb->inode, true, buf->inode);
	jv_u64(o, "size", &jb->size, buf->size != 0, buf->size);
	jv_str(o, "exporter", &jb->exporter, buf->exporter);
	jv_str(o, "name", &jb->name, buf->name);
	jv_u64(o, "refcount", &jb->refcount, buf->refcount >= 0, (uint64_t)buf->refcount);
	if (detail) {
		jv_u64(o, "flags", &jb->flags, buf->flags_known, buf->flags);
		jv_u64(o, "mode", &jb->mode, buf->mode_known, buf->mode);
		jv_bool(o, "revoked", &jb->revoked, buf->revoked);
	}

	arr = jv_array(o, "attachments", &jb->attachments, buf->attachments_known);
	for (i = 0; buf->attachments_known && i < buf->nr_attachments; i++)
		json_object_array_add(arr, json_attachment(&buf->attachments[i]));
	if (detail) {
		arr = jv_array(o, "fences", &jb->fences, buf->fences_known);
		for (i = 0; buf->fences_known && i < buf->nr_fences; i++)
			json_object_array_add(arr, out_json_str(buf->fences[i]));
	}

	if (buf->nr_holders > jb->nr_holder_pool) {
		jb->holders = xrealloc(jb->holders, buf->nr_holders * sizeof(*jb->holders));
		jb->holder_objs = xrealloc(jb->holder_objs,
					   buf->nr_holders * sizeof(*jb->holder_objs));
		for (; jb->nr_holder_pool < buf->nr_holders; jb->nr_holder_pool++) {
			holder_init(&jb->holders[jb->nr_holder_pool], detail);
			jb->holder_objs[jb->nr_holder_pool] = jb->holders[jb->nr_holder_pool].obj;
		}
	}
	for (i = 0; i < buf->nr_holders; i++)
		holder_fill(&jb->holders[i], &buf->holders[i], buf->gems_known, detail);
	pool_len(jb->processes.v, jb->holder_objs, &jb->nr_holders, buf->nr_holders);

	/* VFIO's device and ranges: few buffers have them. */
	dev = json_device(buf);
	if (dev || jb->device)
		json_object_object_add_ex(o, "device", dev, JSON_C_OBJECT_ADD_CONSTANT_KEY);
	jb->device = dev != NULL;
	arr = jv_array(o, "ranges", &jb->ranges, buf->ranges_known);
	for (i = 0; buf->ranges_known && i < buf->nr_ranges; i++) {
		struct json_object *r = json_object_new_object();

		out_json_add(r, "offset", out_json_u64(buf->ranges[i].offset));
		out_json_add(r, "length", out_json_u64(buf->ranges[i].length));
		json_object_array_add(arr, r);
	}
	if (detail)
		jv_bool(o, "revoked_permanently", &jb->for_good, buf->revoked_for_good);
}

struct json_object *out_json_dmabuf(const struct dmabuf *buf, bool detail)
{
	struct json_object *obj;
	struct jbuf jb;

	jbuf_init(&jb, detail);
	jbuf_fill(&jb, buf);
	obj = json_object_get(jb.obj);
	jbuf_free(&jb);
	return obj;
}

/* ---- list -J's stream ---- */

#define STREAM_BATCH	128		/* buffers printed by one call */
#define STREAM_SEP	",\n    "	/* json-c's text between two items */
#define STREAM_RING	8		/* batches the second printer may be ahead */

/*
 * Prints batches of buffers as json-c would print them in {key: [batch]}
 * (OUT_JSON_FLAGS: two spaces a level, "key": value, an empty array "[",
 * a newline and the indent of "]"), written straight for what every buffer
 * has.  json-c's printing of a kept tree was most of list -J's time at
 * 30,000 buffers: it escapes each key each time and appends a byte of
 * indent at a time.  What few buffers have (attachments, GEM handles,
 * VFIO's device and ranges) and strings that need escaping or UTF-8
 * mending are still json-c's text (tests/unit/json-stream compares).
 */
struct jprinter {
	struct json_object *str;	/* what json-c escapes */
	struct out_text text;		/* the batch's text */
};

static void printer_init(struct jprinter *p)
{
	p->str = json_object_new_string("");
	if (!p->str)
		xoom();
	memset(&p->text, 0, sizeof(p->text));
}

static void printer_free(struct jprinter *p)
{
	json_object_put(p->str);
	free(p->text.s);
}

static inline void text_add(struct jprinter *p, const char *s, size_t n)
{
	out_text_add(&p->text, s, n);
}

#define text_lit(p, s)	text_add(p, s, sizeof(s) - 1)

/* A newline, then the indent of level (json-c's two spaces a level). */
static void text_nl(struct jprinter *p, int level)
{
	static const char spaces[] = "\n                        ";
	size_t n = 1 + 2 * (size_t)level;

	if (n > sizeof(spaces) - 1)
		n = sizeof(spaces) - 1;	/* deeper than any list -J member */
	text_add(p, spaces, n);
}

/* Members of a buffer (level 2) and of a holder (level 4): ",", a newline,
 * the indent and the key, in one piece. */
#define KEY3(k)	",\n      \"" k "\": "
#define KEY5(k)	",\n          \"" k "\": "

/* ",", a newline and the key of a member at level (none before the first). */
static void text_key(struct jprinter *p, int level, const char *key, bool first)
{
	if (!first)
		text_lit(p, ",");
	text_nl(p, level);
	text_lit(p, "\"");
	text_add(p, key, strlen(key));
	text_lit(p, "\": ");
}

static void text_u64(struct jprinter *p, uint64_t v)
{
	char buf[24], *d = out_digits(buf + sizeof(buf), v);

	text_add(p, d, (size_t)(buf + sizeof(buf) - d));
}

static void text_int(struct jprinter *p, int v)
{
	if (v < 0)
		text_lit(p, "-");
	text_u64(p, v < 0 ? -(uint64_t)v : (uint64_t)v);
}

/*
 * json-c's pretty text of val (NULL: null) at level: its text printed at
 * level 0, each line after the first indented by level more.  json-c
 * escapes newlines in strings, so every raw newline is its own.
 */
static void text_json(struct jprinter *p, struct json_object *val, int level)
{
	const char *s, *q;
	size_t len;

	if (!val) {
		text_lit(p, "null");
		return;
	}
	s = json_object_to_json_string_length(val, OUT_JSON_FLAGS, &len);
	for (q = s; q < s + len;) {
		const char *nl = memchr(q, '\n', len - (size_t)(q - s));

		if (!nl) {
			text_add(p, q, len - (size_t)(q - s));
			break;
		}
		text_add(p, q, (size_t)(nl - q));
		text_nl(p, level);
		q = nl + 1;
	}
	json_object_put(val);
}

/* A string as out_json_str() makes it and json-c prints it; NULL is null. */
static void text_str(struct jprinter *p, const char *s)
{
	const unsigned char *c;
	const char *text;
	size_t len;

	if (!s) {
		text_lit(p, "null");
		return;
	}
	/* Printable ASCII but '"' and '\\': valid UTF-8, nothing to escape. */
	for (c = (const unsigned char *)s; *c >= 0x20 && *c < 0x7f && *c != '"' && *c != '\\'; c++)
		;
	if (!*c) {
		text_lit(p, "\"");
		text_add(p, s, (size_t)(c - (const unsigned char *)s));
		text_lit(p, "\"");
		return;
	}
	text = out_json_str_text(p->str, s, &len);
	text_add(p, text, len);
}

/* An array at level of n items, item(p, i, level + 1) printing each. */
static void text_array(struct jprinter *p, int level, size_t n, const void *arg,
		       void (*item)(struct jprinter *p, const void *arg, size_t i, int level))
{
	size_t i;

	text_lit(p, "[");
	for (i = 0; i < n; i++) {
		if (i)
			text_lit(p, ",");
		text_nl(p, level + 1);
		item(p, arg, i, level + 1);
	}
	text_nl(p, level);	/* empty too: "[", a newline, the indent, "]" */
	text_lit(p, "]");
}

/* text_array() where the items are known, else null. */
static void text_array_known(struct jprinter *p, int level, bool known, size_t n,
			     const void *arg,
			     void (*item)(struct jprinter *p, const void *arg, size_t i, int level))
{
	if (known)
		text_array(p, level, n, arg, item);
	else
		text_lit(p, "null");
}

/* A number where known, else null. */
static void text_u64_known(struct jprinter *p, bool known, uint64_t v)
{
	if (known)
		text_u64(p, v);
	else
		text_lit(p, "null");
}

static void fd_item(struct jprinter *p, const void *arg, size_t i, int level)
{
	(void)level;
	text_int(p, ((const struct dmabuf_holder *)arg)->fds[i]);
}

static void gem_item(struct jprinter *p, const void *arg, size_t i, int level)
{
	text_json(p, json_gem(&((const struct dmabuf_holder *)arg)->gems[i]), level);
}

static void holder_item(struct jprinter *p, const void *arg, size_t i, int level)
{
	const struct dmabuf *buf = arg;
	const struct dmabuf_holder *h = &buf->holders[i];

	/* At level 4, as processes' items always are. */
	(void)level;
	text_lit(p, "{\n          \"pid\": ");
	text_int(p, h->pid);
	text_lit(p, KEY5("comm"));
	text_str(p, h->comm);
	text_lit(p, KEY5("fds"));
	text_array(p, 5, h->nr_fds, h, fd_item);
	text_lit(p, KEY5("mappings"));
	text_u64(p, h->nr_maps);
	text_lit(p, KEY5("gem"));
	text_array_known(p, 5, buf->gems_known, h->nr_gems, h, gem_item);
	text_lit(p, KEY5("cgroup"));
	text_str(p, h->cgroup);
	text_lit(p, "\n        }");
}

static void attachment_item(struct jprinter *p, const void *arg, size_t i, int level)
{
	text_json(p, json_attachment(&((const struct dmabuf *)arg)->attachments[i]), level);
}

static void range_item(struct jprinter *p, const void *arg, size_t i, int level)
{
	const struct dmabuf *buf = arg;

	text_lit(p, "{");
	text_key(p, level + 1, "offset", true);
	text_u64(p, buf->ranges[i].offset);
	text_key(p, level + 1, "length", false);
	text_u64(p, buf->ranges[i].length);
	text_nl(p, level);
	text_lit(p, "}");
}

/* One buffer as jbuf_fill() (not detail) makes it, an item at level 2. */
static void text_dmabuf(struct jprinter *p, const struct dmabuf *buf)
{
	text_lit(p, "{\n      \"inode\": ");
	text_u64(p, buf->inode);
	text_lit(p, KEY3("size"));
	text_u64_known(p, buf->size != 0, buf->size);
	text_lit(p, KEY3("exporter"));
	text_str(p, buf->exporter);
	text_lit(p, KEY3("name"));
	text_str(p, buf->name);
	text_lit(p, KEY3("refcount"));
	text_u64_known(p, buf->refcount >= 0, (uint64_t)buf->refcount);
	text_lit(p, KEY3("attachments"));
	text_array_known(p, 3, buf->attachments_known, buf->nr_attachments, buf,
			 attachment_item);
	text_lit(p, KEY3("processes"));
	text_array(p, 3, buf->nr_holders, buf, holder_item);
	text_lit(p, KEY3("device"));
	text_json(p, json_device(buf), 3);
	text_lit(p, KEY3("ranges"));
	text_array_known(p, 3, buf->ranges_known, buf->nr_ranges, buf, range_item);
	text_lit(p, "\n    }");
}

/* The text of bufs[0..n) (n <= STREAM_BATCH) at the depth of the array's
 * items, joined as json-c joins them; *len its length. */
static const char *printer_batch(struct jprinter *p, const struct dmabuf *const *bufs,
				 size_t n, size_t *len)
{
	size_t i;

	p->text.len = 0;
	for (i = 0; i < n; i++) {
		if (i)
			text_lit(p, STREAM_SEP);
		text_dmabuf(p, bufs[i]);
	}
	*len = p->text.len;
	return p->text.s;
}

/*
 * The second printer takes batches ahead of the stream's, each copied into
 * a ring slot that the stream writes when its turn comes: at most
 * STREAM_RING ahead of what is written, and once there it rests until half
 * of them are.  The stream makes a batch itself
 * when the second printer has not taken it, so that a printer the
 * scheduler leaves waiting never holds the stream up for more than the
 * batch it is making.
 */
struct jworker {
	struct jprinter p;
	const struct dmabuf *const *bufs;
	size_t nr, nr_batches;
	pthread_mutex_t lock;
	pthread_cond_t ready_cond;	/* a batch is ready: the stream may wait */
	pthread_cond_t room_cond;	/* the ring has room: the printer may wait */
	size_t next;			/* the first batch nobody took */
	size_t written;			/* batches written by the stream */
	size_t resume;			/* the printer waits for written to reach it, or 0 */
	size_t ready[STREAM_RING];	/* ready[k] - 1: the batch slot k holds */
	char *ring[STREAM_RING];
	size_t ring_len[STREAM_RING], ring_cap[STREAM_RING];
};

/* bufs[] of batch b, and how many. */
static const struct dmabuf *const *batch_of(const struct dmabuf *const *bufs, size_t nr,
					    size_t b, size_t *n)
{
	size_t first = b * STREAM_BATCH;

	*n = nr - first < STREAM_BATCH ? nr - first : STREAM_BATCH;
	return bufs + first;
}

static void *worker_run(void *arg)
{
	struct jworker *w = arg;
	const struct dmabuf *const *bufs;
	size_t b, k, n, len;
	const char *s;

	for (;;) {
		pthread_mutex_lock(&w->lock);
		/* Full: wait until half of it is written, not for each slot
		 * (a wakeup is dear). */
		if (w->next >= w->written + STREAM_RING) {
			w->resume = w->next - STREAM_RING / 2;
			while (w->next < w->nr_batches && w->written < w->resume)
				pthread_cond_wait(&w->room_cond, &w->lock);
			w->resume = 0;
		}
		b = w->next;
		if (b < w->nr_batches)
			w->next++;
		pthread_mutex_unlock(&w->lock);
		if (b >= w->nr_batches)
			return NULL;
		bufs = batch_of(w->bufs, w->nr, b, &n);
		s = printer_batch(&w->p, bufs, n, &len);
		/* Slot k held batch b - STREAM_RING, written already. */
		k = b % STREAM_RING;
		if (len > w->ring_cap[k]) {
			w->ring_cap[k] = 2 * len;
			w->ring[k] = xrealloc(w->ring[k], w->ring_cap[k]);
		}
		memcpy(w->ring[k], s, len);
		w->ring_len[k] = len;
		pthread_mutex_lock(&w->lock);
		w->ready[k] = b + 1;
		pthread_cond_signal(&w->ready_cond);
		pthread_mutex_unlock(&w->lock);
	}
}

void out_json_stream_begin(struct out_json_stream *js, const char *key)
{
	memset(js, 0, sizeof(*js));
	js->key = key;
	js->p = xmalloc(sizeof(*js->p));
	printer_init(js->p);
	printf("{\n  \"%s\": [", key);
}

/*
 * bufs by batches; from two batches on, a second thread makes batches
 * ahead of this one, which makes the others and writes them all in order:
 * json-c's printing is most of the time of list -J, and two CPUs print
 * twice as fast.
 */
void out_json_stream_dmabufs(struct out_json_stream *js, const struct dmabuf *const *bufs,
			     size_t nr)
{
	size_t nr_batches = (nr + STREAM_BATCH - 1) / STREAM_BATCH, b, k, n, len;
	const struct dmabuf *const *batch;
	struct jworker *w = NULL;
	pthread_t thread;
	const char *s;

	if (nr_batches >= 2 && threads_useful()) {
		w = xcalloc(1, sizeof(*w));
		printer_init(&w->p);
		w->bufs = bufs;
		w->nr = nr;
		w->nr_batches = nr_batches;
		pthread_mutex_init(&w->lock, NULL);
		pthread_cond_init(&w->ready_cond, NULL);
		pthread_cond_init(&w->room_cond, NULL);
		if (pthread_create(&thread, NULL, worker_run, w)) {
			printer_free(&w->p);
			free(w);
			w = NULL;
		}
	}
	for (b = 0; b < nr_batches; b++) {
		bool mine = true;

		if (w) {
			pthread_mutex_lock(&w->lock);
			mine = w->next == b;
			if (mine)
				w->next++;
			pthread_mutex_unlock(&w->lock);
		}
		batch = batch_of(bufs, nr, b, &n);
		if (mine) {
			s = printer_batch(js->p, batch, n, &len);
		} else {
			k = b % STREAM_RING;
			pthread_mutex_lock(&w->lock);
			while (w->ready[k] != b + 1)
				pthread_cond_wait(&w->ready_cond, &w->lock);
			pthread_mutex_unlock(&w->lock);
			s = w->ring[k];
			len = w->ring_len[k];
		}
		fputs(js->items ? STREAM_SEP : "\n    ", stdout);
		fwrite(s, 1, len, stdout);
		js->items += n;
		if (w) {
			pthread_mutex_lock(&w->lock);
			w->written = b + 1;
			/* Only when it can go on: a wakeup is dear. */
			if (w->resume && w->written >= w->resume)
				pthread_cond_signal(&w->room_cond);
			pthread_mutex_unlock(&w->lock);
		}
	}
	if (!w)
		return;
	pthread_join(thread, NULL);
	printer_free(&w->p);
	for (k = 0; k < STREAM_RING; k++)
		free(w->ring[k]);
	pthread_mutex_destroy(&w->lock);
	pthread_cond_destroy(&w->ready_cond);
	pthread_cond_destroy(&w->room_cond);
	free(w);
}

int out_json_stream_end(struct out_json_stream *js, struct json_object *rest)
{
	fputs("\n  ]", stdout);
	/* rest's members are at the depth they have in the whole document:
	 * its own text, opening brace left out, follows the array. */
	if (json_object_object_length(rest))
		printf(",%s\n", json_object_to_json_string_ext(rest, OUT_JSON_FLAGS) + 1);
	else
		fputs("\n}\n", stdout);
	json_object_put(rest);
	printer_free(js->p);
	free(js->p);
	return out_flush();
}

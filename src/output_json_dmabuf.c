// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Output layer, JSON: the contract for one buffer (out_json_dmabuf()) and
 * list -J's stream of them.  See output.h.
 *
 * A buffer's json-c tree is made once and filled again for the next
 * buffer: the keys stay where they are, values are set in place, and a
 * value that becomes unknown is replaced by null (and put back after),
 * json-c's own way.  Building and freeing a tree per buffer took half of
 * list -J's time at 30,000 buffers in a TCG guest, json-c's printing the
 * other half.  Processes and their fds are kept from one buffer to the
 * next too; what few buffers have (attachments, GEM handles, fences,
 * VFIO's device and ranges, show's mappings) is made anew each time.
 */
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

	if (s) {
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

#define STREAM_BATCH	64		/* buffers printed by one json-c call */
#define STREAM_END	"\n  ]\n}"	/* json-c's text after the batch */

void out_json_stream_begin(struct out_json_stream *js, const char *key)
{
	memset(js, 0, sizeof(*js));
	js->prefix = xasprintf("{\n  \"%s\": [\n    ", key);
	js->doc = json_object_new_object();
	js->arr = json_object_new_array_ext(STREAM_BATCH);
	json_object_object_add(js->doc, key, js->arr);
	js->batch = xmalloc(STREAM_BATCH * sizeof(*js->batch));
	printf("{\n  \"%s\": [", key);
}

/*
 * json-c's pretty text of val, every line but the first indented by indent
 * spaces, in one write: what the batch's text is, were a json-c to print
 * an array otherwise.  json-c escapes newlines in strings, so every raw
 * newline is its own and shifting them gives its text at that depth.
 */
static void print_indented(struct json_object *val, int indent)
{
	const char *s, *p;
	size_t len;

	s = json_object_to_json_string_length(val, OUT_JSON_FLAGS, &len);
	for (p = s; p < s + len;) {
		const char *nl = memchr(p, '\n', len - (size_t)(p - s));
		size_t n = nl ? (size_t)(nl - p) + 1 : len - (size_t)(p - s);

		fwrite(p, 1, n, stdout);
		p += n;
		if (nl)
			printf("%*s", indent, "");
	}
}

static void stream_flush(struct out_json_stream *js)
{
	size_t len = json_object_array_length(js->arr), pre = strlen(js->prefix);
	size_t end = strlen(STREAM_END), n, i;
	const char *s;

	if (!js->nr)
		return;
	if (len > js->nr)
		json_object_array_del_idx(js->arr, js->nr, len - js->nr);
	for (; len < js->nr; len++)
		json_object_array_add(js->arr, json_object_get(js->batch[len].obj));
	s = json_object_to_json_string_length(js->doc, OUT_JSON_FLAGS, &n);
	if (n >= pre + end && !memcmp(s, js->prefix, pre) && !memcmp(s + n - end, STREAM_END, end)) {
		fputs(js->items ? ",\n    " : "\n    ", stdout);
		fwrite(s + pre, 1, n - pre - end, stdout);
		js->items += js->nr;
	} else {
		for (i = 0; i < js->nr; i++) {
			fputs(js->items++ ? ",\n    " : "\n    ", stdout);
			print_indented(js->batch[i].obj, 4);
		}
	}
	js->nr = 0;
}

void out_json_stream_dmabuf(struct out_json_stream *js, const struct dmabuf *buf)
{
	if (js->nr == js->alloc)
		jbuf_init(&js->batch[js->alloc++], false);
	jbuf_fill(&js->batch[js->nr++], buf);
	if (js->nr == STREAM_BATCH)
		stream_flush(js);
}

int out_json_stream_end(struct out_json_stream *js, struct json_object *rest)
{
	stream_flush(js);
	fputs("\n  ]", stdout);
	/* rest's members are at the depth they have in the whole document:
	 * its own text, opening brace left out, follows the array. */
	if (json_object_object_length(rest))
		printf(",%s\n", json_object_to_json_string_ext(rest, OUT_JSON_FLAGS) + 1);
	else
		fputs("\n}\n", stdout);
	json_object_put(rest);
	json_object_put(js->doc);
	for (size_t i = 0; i < js->alloc; i++)
		jbuf_free(&js->batch[i]);
	free(js->batch);
	free(js->prefix);
	return out_flush();
}

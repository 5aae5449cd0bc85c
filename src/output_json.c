// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Output layer, JSON: the one JSON writer of every command, json-c trees
 * printed pretty (a document), on one line (JSON Lines) or streamed (list
 * -J); values with one format (strings valid UTF-8, times to the
 * microsecond); the contracts for a buffer and for a confirmation.  See
 * output.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "tracer.h"
#include "utf8.h"
#include "util.h"

struct json_object *out_json_str(const char *s)
{
	struct json_object *obj;
	char *clean;

	if (!s)
		return NULL;
	/* Names are user-set bytes; JSON must stay valid UTF-8. */
	clean = utf8_clean(s);
	if (!clean)
		return json_object_new_string(s);
	obj = json_object_new_string(clean);
	free(clean);
	return obj;
}

/*
 * json-c prints every integer with snprintf(): a third of list -J's time
 * at 30,000 buffers.  int_to_json() prints the same digits with a loop;
 * json-c calls it as it calls its own (json_object_set_serializer()).
 */
char *out_digits(char *end, uint64_t u)
{
	do {
		*--end = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	return end;
}

static int int_to_json(struct json_object *jso, struct printbuf *pb, int level, int flags)
{
	char buf[24], *p;
	int64_t v = json_object_get_int64(jso);
	uint64_t u = v < 0 ? -(uint64_t)v : (uint64_t)v;

#if JSON_C_VERSION_NUM >= ((0 << 16) | (14 << 8))
	if (v >= 0)
		u = json_object_get_uint64(jso);	/* exact above INT64_MAX too */
#endif
	p = out_digits(buf + sizeof(buf), u);
	if (v < 0)
		*--p = '-';
	return printbuf_memappend(pb, p, (int)(buf + sizeof(buf) - p));
}

static struct json_object *fast_int(struct json_object *o)
{
	json_object_set_serializer(o, int_to_json, NULL, NULL);
	return o;
}

struct json_object *out_json_u64(uint64_t v)
{
#if JSON_C_VERSION_NUM >= ((0 << 16) | (14 << 8))
	return fast_int(json_object_new_uint64(v));
#else
	return fast_int(json_object_new_int64(v > INT64_MAX ? INT64_MAX : (int64_t)v));
#endif
}

struct json_object *out_json_int(int v)
{
	return fast_int(json_object_new_int(v));
}

/*
 * A double with this many decimals (json-c's own text has 17 digits), as
 * printf's "%.*f" would print it but from integers: %f took a quarter of
 * the instructions trace -J spends per event.  Values beyond 2^53 units
 * (no time we print) lose digits to the double anyway.
 */
char *out_fixed(char *end, double v, int decimals)
{
	static const int64_t scale[] = { 1, 10, 100, 1000, 10000, 100000, 1000000 };
	int64_t units = llround(fabs(v) * (double)scale[decimals]);
	bool zero = units == 0;
	char *p = end;
	int i;

	for (i = 0; i < decimals; i++, units /= 10)
		*--p = (char)('0' + units % 10);
	if (decimals)
		*--p = '.';
	do {
		*--p = (char)('0' + units % 10);
		units /= 10;
	} while (units);
	if (v < 0 && !zero)	/* no "-0.000000" */
		*--p = '-';
	return p;
}

static struct json_object *json_fixed(double v, int decimals)
{
	char buf[48];

	buf[sizeof(buf) - 1] = '\0';
	return json_object_new_double_s(v, out_fixed(buf + sizeof(buf) - 1, v, decimals));
}

struct json_object *out_json_seconds(double s)
{
	return json_fixed(s, 6);
}

struct json_object *out_json_ms(double ms)
{
	return json_fixed(ms, 3);
}

#define JSON_FLAGS (JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | \
		    JSON_C_TO_STRING_NOSLASHESCAPE)

int out_json_print(struct json_object *root)
{
	fputs(json_object_to_json_string_ext(root, JSON_FLAGS), stdout);
	fputc('\n', stdout);
	json_object_put(root);
	return out_flush();
}

void out_json_line(struct json_object *o)
{
	fputs(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
					     JSON_C_TO_STRING_NOSLASHESCAPE), stdout);
	fputc('\n', stdout);
	json_object_put(o);
}

/*
 * json-c's pretty text of val, every line but the first indented by indent
 * spaces, in one write: per-line stdio calls cost more than json-c itself.
 * json-c prints a value from depth 0 only (depth exists inside its
 * serializers, not in its API); it escapes newlines in strings, so every
 * raw newline is its own and shifting them gives its text at that depth.
 */
static void print_indented(struct json_object *val, int indent)
{
	static char *buf;
	static size_t alloc;
	const char *s, *p;
	size_t len, need, o = 0;

	s = json_object_to_json_string_length(val, JSON_FLAGS, &len);
	need = len;
	for (p = s; (p = memchr(p, '\n', len - (size_t)(p - s))); p++)
		need += (size_t)indent;
	if (need > alloc) {
		alloc = need * 2;
		buf = xrealloc(buf, alloc);
	}
	for (p = s; p < s + len;) {
		const char *nl = memchr(p, '\n', len - (size_t)(p - s));
		size_t n = nl ? (size_t)(nl - p) + 1 : len - (size_t)(p - s);

		memcpy(buf + o, p, n);
		o += n;
		p += n;
		if (nl) {
			memset(buf + o, ' ', (size_t)indent);
			o += (size_t)indent;
		}
	}
	fwrite(buf, 1, o, stdout);
}

void out_json_stream_begin(struct out_json_stream *js, const char *key)
{
	js->items = 0;
	printf("{\n  \"%s\": [", key);
}

void out_json_stream_item(struct out_json_stream *js, struct json_object *item)
{
	fputs(js->items++ ? ",\n    " : "\n    ", stdout);
	print_indented(item, 4);
	json_object_put(item);
}

int out_json_stream_end(struct out_json_stream *js, struct json_object *rest)
{
	fputs("\n  ]", stdout);
	/* rest's members are at the depth they have in the whole document:
	 * its own text, opening brace left out, follows the array. */
	if (json_object_object_length(rest))
		printf(",%s\n", json_object_to_json_string_ext(rest, JSON_FLAGS) + 1);
	else
		fputs("\n}\n", stdout);
	json_object_put(rest);
	return out_flush();
}

/* GEM handles: null when no source could see them. */
static struct json_object *json_gems(const struct dmabuf_holder *h, bool known)
{
	struct json_object *arr;
	size_t i;

	if (!known)
		return NULL;
	arr = out_json_array(h->nr_gems);
	for (i = 0; i < h->nr_gems; i++) {
		const struct dmabuf_gem *g = &h->gems[i];
		struct json_object *o = json_object_new_object();

		out_json_add(o, "device", out_json_str(g->device));
		out_json_add(o, "driver", out_json_str(g->driver));
		out_json_add(o, "node", out_json_str(g->node));
		out_json_add(o, "fd", out_json_int(g->fd));
		out_json_add(o, "handle", out_json_u64(g->handle));
		json_object_array_add(arr, o);
	}
	return arr;
}

static struct json_object *json_holder(const struct dmabuf_holder *h, bool gems_known,
				       bool detail)
{
	struct json_object *obj = json_object_new_object();
	struct json_object *fds = out_json_array(h->nr_fds);
	size_t i;

	out_json_add(obj, "pid", out_json_int(h->pid));
	out_json_add(obj, "comm", out_json_str(h->comm));
	for (i = 0; i < h->nr_fds; i++)
		json_object_array_add(fds, out_json_int(h->fds[i]));
	out_json_add(obj, "fds", fds);
	out_json_add(obj, "mappings", out_json_u64(h->nr_maps));
	out_json_add(obj, "gem", json_gems(h, gems_known));
	out_json_add(obj, "cgroup", out_json_str(h->cgroup));
	if (detail) {
		struct json_object *maps = out_json_array(h->nr_maps);

		for (i = 0; i < h->nr_maps; i++) {
			const struct dmabuf_mapping *m = &h->maps[i];
			struct json_object *mo = json_object_new_object();
			char addr[24];

			snprintf(addr, sizeof(addr), "0x%llx", (unsigned long long)m->start);
			out_json_add(mo, "start", json_object_new_string(addr));
			snprintf(addr, sizeof(addr), "0x%llx", (unsigned long long)m->end);
			out_json_add(mo, "end", json_object_new_string(addr));
			out_json_add(mo, "offset", out_json_u64(m->pgoff));
			out_json_add(mo, "perms", out_json_str(m->perms));
			json_object_array_add(maps, mo);
		}
		out_json_add(obj, "maps", maps);
	}
	return obj;
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

static struct json_object *json_ranges(const struct dmabuf *buf)
{
	struct json_object *arr;
	size_t i;

	if (!buf->ranges_known)
		return NULL;
	arr = out_json_array(buf->nr_ranges);
	for (i = 0; i < buf->nr_ranges; i++) {
		struct json_object *r = json_object_new_object();

		out_json_add(r, "offset", out_json_u64(buf->ranges[i].offset));
		out_json_add(r, "length", out_json_u64(buf->ranges[i].length));
		json_object_array_add(arr, r);
	}
	return arr;
}

/* Only debugfs (and the BPF iterator) see fences; elsewhere they are unknown. */
struct json_object *out_json_dmabuf(const struct dmabuf *buf, bool detail)
{
	struct json_object *obj = json_object_new_object();
	struct json_object *arr;
	size_t i;

	out_json_add(obj, "inode", out_json_u64(buf->inode));
	out_json_add(obj, "size", buf->size ? out_json_u64(buf->size) : NULL);
	out_json_add(obj, "exporter", out_json_str(buf->exporter));
	out_json_add(obj, "name", out_json_str(buf->name));
	out_json_add(obj, "refcount",
			       buf->refcount < 0 ? NULL : json_object_new_int64(buf->refcount));
	if (detail) {
		out_json_add(obj, "flags",
				       buf->flags_known ? out_json_u64(buf->flags) : NULL);
		out_json_add(obj, "mode",
				       buf->mode_known ? out_json_u64(buf->mode) : NULL);
		out_json_add(obj, "revoked", buf->revoked < 0 ? NULL :
				       json_object_new_boolean(buf->revoked));
	}

	arr = NULL;
	if (buf->attachments_known) {
		arr = out_json_array(buf->nr_attachments);
		for (i = 0; i < buf->nr_attachments; i++)
			json_object_array_add(arr, json_attachment(&buf->attachments[i]));
	}
	out_json_add(obj, "attachments", arr);

	if (detail) {
		arr = NULL;
		if (buf->fences_known) {
			arr = json_object_new_array();
			for (i = 0; i < buf->nr_fences; i++)
				json_object_array_add(arr, out_json_str(buf->fences[i]));
		}
		out_json_add(obj, "fences", arr);
	}

	arr = out_json_array(buf->nr_holders);
	for (i = 0; i < buf->nr_holders; i++)
		json_object_array_add(arr, json_holder(&buf->holders[i], buf->gems_known, detail));
	out_json_add(obj, "processes", arr);

	/* Added later, after the first keys: the exporter's device (VFIO). */
	out_json_add(obj, "device", json_device(buf));
	out_json_add(obj, "ranges", json_ranges(buf));
	if (detail)
		out_json_add(obj, "revoked_permanently", buf->revoked_for_good < 0 ? NULL :
			     json_object_new_boolean(buf->revoked_for_good));
	return obj;
}

void out_json_confirm(struct json_object *o, const struct tracer_confirm *c)
{
	out_json_add(o, "device", out_json_str(c->device));
	out_json_add(o, "callback", out_json_str(c->callback));
	out_json_add(o, "dynamic", json_object_new_boolean(c->dynamic));
	out_json_add(o, "notified", c->notified < 0 ? NULL : json_object_new_boolean(c->notified));
	out_json_add(o, "unmapped", json_object_new_boolean(c->unmapped));
	out_json_add(o, "unmap", out_json_str(c->unmap));
	out_json_add(o, "latency_ms", c->latency_ns < 0 ? NULL : out_json_ms(c->latency_ns / 1e6));
}

void out_json_meta(struct json_object *root, const struct dmabuf_set *set)
{
	struct json_object *arr = json_object_new_array();
	int src;
	size_t i;

	for (src = 0; src < DMABUF_SRC_NR; src++)
		if (set->status[src].used)
			json_object_array_add(arr, json_object_new_string(
					      dmabuf_source_name(src)));
	out_json_add(root, "sources", arr);

	arr = json_object_new_array();
	for (i = 0; i < set->nr_warnings; i++)
		json_object_array_add(arr, out_json_str(set->warnings[i]));
	out_json_add(root, "warnings", arr);

	/* Why a source did not run, for scripts; not a warning on stderr,
	 * since e.g. every kernel before 6.16 lacks the iterator. */
	arr = json_object_new_array();
	for (src = 0; src < DMABUF_SRC_NR; src++) {
		struct json_object *o;

		if (!set->status[src].tried || set->status[src].used || !set->status[src].why)
			continue;
		o = json_object_new_object();
		out_json_add(o, "source", json_object_new_string(dmabuf_source_name(src)));
		out_json_add(o, "reason", out_json_str(set->status[src].why));
		json_object_array_add(arr, o);
	}
	out_json_add(root, "skipped", arr);
}

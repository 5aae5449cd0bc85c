// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * list -J documents back into the model (see snapshot.h).  json-c parses,
 * strictly (no trailing commas or garbage, valid UTF-8); then every member
 * diff uses is checked against list -J's contract in dmabufctl(8) before
 * it enters the set.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "snapshot.h"
#include "util.h"

/* Bounds no list -J of a real system comes near: a hostile file could ask
 * for a billion mappings, which are counted in the model one by one. */
#define MAX_MAPPINGS	(1 << 16)
#define MAX_PID		(1 << 22)	/* PID_MAX_LIMIT */
#define MAX_RANGES	4096		/* a buffer's ranges, far more than VFIO's */

struct parse {
	char *why;
	char where[64];		/* "dmabufs[3].processes[0]" */
};

static int fail(struct parse *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail(struct parse *p, const char *fmt, ...)
{
	va_list ap;
	char *what;

	if (p->why)
		return -EINVAL;
	va_start(ap, fmt);
	if (vasprintf(&what, fmt, ap) < 0)
		what = NULL;
	va_end(ap);
	p->why = xasprintf("corrupt snapshot: %s%s%s", p->where, *p->where ? ": " : "",
			   what ? what : "");
	free(what);
	return -EINVAL;
}

static struct json_object *member(struct json_object *o, const char *key)
{
	struct json_object *v = NULL;

	return json_object_object_get_ex(o, key, &v) ? v : NULL;
}

static bool is(struct json_object *v, enum json_type t)
{
	return v && json_object_is_type(v, t);
}

/* A whole number in [min, max]: 0, or -EINVAL said. */
static int number(struct parse *p, struct json_object *o, const char *key, int64_t min,
		  int64_t max, int64_t *out)
{
	struct json_object *v = member(o, key);

	if (!is(v, json_type_int))
		return fail(p, "%s: not a whole number", key);
	errno = 0;
	*out = json_object_get_int64(v);
	if (errno || *out < min || *out > max)
		return fail(p, "%s: %lld out of range", key, (long long)*out);
	return 0;
}

/* A string or null (*out NULL); a missing key is corrupt. */
static int string_or_null(struct parse *p, struct json_object *o, const char *key,
			  const char **out)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v))
		return fail(p, "%s: missing", key);
	if (v && !is(v, json_type_string))
		return fail(p, "%s: not a string", key);
	*out = v ? json_object_get_string(v) : NULL;
	return 0;
}

static int holder(struct parse *p, struct dmabuf *buf, struct json_object *o)
{
	struct json_object *fds = member(o, "fds");
	struct dmabuf_holder *h;
	const char *comm;
	int64_t pid, maps, fd;
	size_t i, n;

	if (!is(o, json_type_object))
		return fail(p, "not an object");
	if (number(p, o, "pid", 1, MAX_PID, &pid) || string_or_null(p, o, "comm", &comm) ||
	    number(p, o, "mappings", 0, MAX_MAPPINGS, &maps))
		return -EINVAL;
	if (!is(fds, json_type_array))
		return fail(p, "fds: not an array");
	for (i = 0; i < buf->nr_holders; i++)
		if (buf->holders[i].pid == pid)
			return fail(p, "pid %lld twice", (long long)pid);
	h = dmabuf_holder(buf, (pid_t)pid, comm);
	n = json_object_array_length(fds);
	for (i = 0; i < n; i++) {
		struct json_object *v = json_object_array_get_idx(fds, i);

		if (!is(v, json_type_int) || (fd = json_object_get_int64(v)) < 0 || fd > INT32_MAX)
			return fail(p, "fds[%zu]: not a file descriptor", i);
		dmabuf_holder_add_fd(h, (int)fd);
	}
	/* The document counts mappings; the model keeps one entry each. */
	for (i = 0; i < (size_t)maps; i++) {
		struct dmabuf_mapping m = { .start = i, .end = i + 1 };

		dmabuf_holder_add_map(h, &m);
	}
	return 0;
}

static int attachments(struct parse *p, struct dmabuf *buf, struct json_object *arr)
{
	size_t i, n;

	if (!arr)
		return 0;	/* null: no source knew them */
	if (!is(arr, json_type_array))
		return fail(p, "attachments: not an array");
	dmabuf_add_attachment(buf, DMABUF_SRC_DEBUGFS, NULL, NULL, -1);
	n = json_object_array_length(arr);
	for (i = 0; i < n; i++) {
		struct json_object *a = json_object_array_get_idx(arr, i);
		struct json_object *dev = member(a, "device");

		if (!is(a, json_type_object) || !is(dev, json_type_string))
			return fail(p, "attachments[%zu]: no device", i);
		dmabuf_add_attachment(buf, DMABUF_SRC_DEBUGFS, json_object_get_string(dev),
				      NULL, -1);
	}
	return 0;
}

/*
 * The exporter's device and its ranges (VFIO's buffers, list -J since the
 * VFIO support): optional, as older snapshots have neither key.
 */
static int exporter_device(struct parse *p, struct dmabuf *buf, struct json_object *o)
{
	struct json_object *dev = member(o, "device"), *ranges = member(o, "ranges");
	int64_t bar = -1, off, len;
	const char *bdf;
	int closed = -1;
	size_t i, n;

	if (dev) {
		struct json_object *v = member(dev, "closed");

		if (!is(dev, json_type_object) || string_or_null(p, dev, "bdf", &bdf) || !bdf)
			return fail(p, "device: no bdf");
		if (member(dev, "bar") && number(p, dev, "bar", 0, 5, &bar))
			return -EINVAL;
		if (v && !is(v, json_type_boolean))
			return fail(p, "device: closed: not a boolean");
		if (v)
			closed = json_object_get_boolean(v);
		dmabuf_set_device(buf, DMABUF_SRC_DEBUGFS, bdf, (int)bar, closed);
	}
	if (!ranges)
		return 0;
	if (!is(ranges, json_type_array) || json_object_array_length(ranges) > MAX_RANGES)
		return fail(p, "ranges: not an array of at most %d", MAX_RANGES);
	n = json_object_array_length(ranges);
	for (i = 0; i < n; i++) {
		struct json_object *r = json_object_array_get_idx(ranges, i);

		if (!is(r, json_type_object) || number(p, r, "offset", 0, INT64_MAX, &off) ||
		    number(p, r, "length", 0, INT64_MAX, &len))
			return fail(p, "ranges[%zu]: no offset and length", i);
		dmabuf_add_range(buf, DMABUF_SRC_DEBUGFS, (uint64_t)off, (uint64_t)len);
	}
	return 0;
}

static int buffer(struct parse *p, struct dmabuf_set *set, struct json_object *o)
{
	struct json_object *procs = member(o, "processes"), *att, *v;
	const char *exporter, *name;
	struct dmabuf *buf;
	int64_t inode, size = 0, refs = -1;
	size_t i, n;
	size_t at;

	if (!is(o, json_type_object))
		return fail(p, "not an object");
	if (number(p, o, "inode", 1, INT64_MAX, &inode))
		return -EINVAL;
	if (dmabuf_find(set, (uint64_t)inode))
		return fail(p, "inode %lld twice", (long long)inode);
	if (!json_object_object_get_ex(o, "size", &v) ||
	    !json_object_object_get_ex(o, "refcount", &v) ||
	    !json_object_object_get_ex(o, "attachments", &att))
		return fail(p, "size, refcount or attachments missing");
	if (member(o, "size") && number(p, o, "size", 0, INT64_MAX, &size))
		return -EINVAL;
	if (member(o, "refcount") && number(p, o, "refcount", 0, INT64_MAX, &refs))
		return -EINVAL;
	if (string_or_null(p, o, "exporter", &exporter) || string_or_null(p, o, "name", &name))
		return -EINVAL;
	if (!is(procs, json_type_array))
		return fail(p, "processes: not an array");

	buf = dmabuf_get(set, (uint64_t)inode, DMABUF_SRC_DEBUGFS);
	dmabuf_set_size(buf, DMABUF_SRC_DEBUGFS, (uint64_t)size);
	dmabuf_set_exporter(buf, DMABUF_SRC_DEBUGFS, exporter);
	dmabuf_set_name(buf, DMABUF_SRC_DEBUGFS, name);
	if (refs >= 0)
		dmabuf_set_refcount(buf, DMABUF_SRC_DEBUGFS, (long)refs);
	if (attachments(p, buf, att) || exporter_device(p, buf, o))
		return -EINVAL;
	at = strlen(p->where);
	n = json_object_array_length(procs);
	for (i = 0; i < n; i++) {
		snprintf(p->where + at, sizeof(p->where) - at, ".processes[%zu]", i);
		if (holder(p, buf, json_object_array_get_idx(procs, i)))
			return -EINVAL;
	}
	p->where[at] = '\0';
	return 0;
}

/* Is the document list -J's at all?  A reason if not. */
static const char *foreign(struct json_object *root)
{
	struct json_object *tot;

	if (!is(root, json_type_object))
		return "not a JSON object";
	if (!is(member(root, "dmabufs"), json_type_array)) {
		if (member(root, "inode"))
			return "no \"dmabufs\" array (show -J?)";
		if (member(root, "processes"))
			return "no \"dmabufs\" array (procs -J?)";
		return "no \"dmabufs\" array";
	}
	tot = member(root, "totals");
	if (!is(tot, json_type_object) || !is(member(tot, "buffers"), json_type_int) ||
	    !is(member(root, "sources"), json_type_array))
		return "no \"totals\" and \"sources\"";
	return NULL;
}

static int sources(struct parse *p, struct dmabuf_set *set, struct json_object *arr)
{
	size_t i, n = json_object_array_length(arr);
	int src;

	for (i = 0; i < n; i++) {
		struct json_object *v = json_object_array_get_idx(arr, i);

		if (!is(v, json_type_string))
			return fail(p, "sources[%zu]: not a string", i);
		for (src = 0; src < DMABUF_SRC_NR; src++)
			if (!strcmp(json_object_get_string(v), dmabuf_source_name(src)))
				dmabuf_source_used(set, src);
	}
	return 0;
}

int snapshot_parse(const char *text, size_t len, struct snapshot **out, char **why)
{
	struct parse p = { 0 };
	struct json_tokener *tok;
	struct json_object *root, *bufs;
	struct dmabuf_set *set = NULL;
	enum json_tokener_error jerr;
	const char *reason;
	int64_t declared;
	size_t i, n, end;

	*out = NULL;
	*why = NULL;
	if (len > INT32_MAX) {
		*why = xstrdup("too large");
		return -EINVAL;
	}
	tok = json_tokener_new();
	if (!tok) {
		*why = xstrdup("out of memory");
		return -ENOMEM;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
	root = json_tokener_parse_ex(tok, text, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (jerr == json_tokener_continue || (!root && jerr == json_tokener_success)) {
		*why = xasprintf("not JSON: truncated after %zu bytes", len);
		return -EINVAL;
	}
	if (jerr != json_tokener_success) {
		*why = xasprintf("not JSON: %s at byte %zu", json_tokener_error_desc(jerr), end);
		return -EINVAL;
	}
	for (; end < len && strchr(" \t\r\n", text[end]); end++)
		;
	if (end < len) {
		json_object_put(root);
		*why = xasprintf("not JSON: more after the document, at byte %zu", end);
		return -EINVAL;
	}
	reason = foreign(root);
	if (reason) {
		json_object_put(root);
		*why = xasprintf("not a dmabufctl list -J snapshot: %s", reason);
		return -EINVAL;
	}

	set = dmabuf_set_new();
	bufs = member(root, "dmabufs");
	n = json_object_array_length(bufs);
	for (i = 0; i < n; i++) {
		snprintf(p.where, sizeof(p.where), "dmabufs[%zu]", i);
		if (buffer(&p, set, json_object_array_get_idx(bufs, i)))
			goto bad;
	}
	*p.where = '\0';
	if (sources(&p, set, member(root, "sources")))
		goto bad;
	declared = json_object_get_int64(member(member(root, "totals"), "buffers"));
	if (declared != (int64_t)n) {
		fail(&p, "totals.buffers says %lld, %zu listed", (long long)declared, n);
		goto bad;
	}
	json_object_put(root);
	dmabuf_set_finish(set);
	*out = xcalloc(1, sizeof(**out));
	(*out)->set = set;
	return 0;
bad:
	json_object_put(root);
	dmabuf_set_free(set);
	*why = p.why;
	return -EINVAL;
}

void snapshot_free(struct snapshot *s)
{
	if (!s)
		return;
	dmabuf_set_free(s->set);
	free(s);
}

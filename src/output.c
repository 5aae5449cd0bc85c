// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Output layer: column model and tables (libsmartcols), JSON (json-c), the
 * output options, and the JSON contract for buffers.  See output.h.
 */
#include <errno.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libsmartcols/libsmartcols.h>

#include "output.h"
#include "tracer.h"
#include "util.h"

struct out_opts oopts;

enum { OPT_LIST_COLUMNS = 0x200 };

static const struct argp_option output_options[] = {
	{ "output", 'o', "LIST", 0,
	  "Columns to print, comma-separated; '+LIST' adds to the default set", 0 },
	{ "list-columns", OPT_LIST_COLUMNS, NULL, 0, "List the available columns and exit", 0 },
	{ "noheadings", 'n', NULL, 0, "Do not print headings (nor the totals line)", 0 },
	{ "raw", 'r', NULL, 0, "Raw output: one line per row, blanks escaped", 0 },
	{ "json", 'J', NULL, 0, "JSON output (fixed layout; sizes in bytes)", 0 },
	{ "bytes", 'b', NULL, 0, "Print sizes in bytes, not human-readable", 0 },
	{ 0 }
};

static const struct argp_option output_json_options[] = {
	{ "json", 'J', NULL, 0, "JSON output (sizes in bytes)", 0 },
	{ "bytes", 'b', NULL, 0, "Print sizes in bytes, not human-readable", 0 },
	{ 0 }
};

static error_t output_parse(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case 'o':
		oopts.columns = arg;
		break;
	case OPT_LIST_COLUMNS:
		oopts.list_columns = true;
		break;
	case 'n':
		oopts.noheadings = true;
		break;
	case 'r':
		oopts.raw = true;
		break;
	case 'J':
		oopts.json = true;
		break;
	case 'b':
		oopts.bytes = true;
		break;
	case ARGP_KEY_END:
		/* Refused here so nothing reaches stdout on a usage error. */
		if (oopts.raw && oopts.json)
			argp_error(state, "--raw and --json are mutually exclusive");
		if (oopts.columns && oopts.json && !oopts.list_columns)
			argp_error(state, "--output cannot be combined with --json: "
				   "the JSON layout is fixed (filter it with jq)");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

const struct argp output_argp = { output_options, output_parse, NULL, NULL, NULL, NULL, NULL };
const struct argp output_json_argp = {
	output_json_options, output_parse, NULL, NULL, NULL, NULL, NULL
};

/* libsmartcols measures and escapes cells by the locale's character set. */
static void out_locale(void)
{
	static bool done;

	if (!done)
		setlocale(LC_CTYPE, "");
	done = true;
}

/* ---- strings ---------------------------------------------------------- */

char *out_escape(const char *s)
{
	static const char hex[] = "0123456789abcdef";
	char *out, *p;

	p = out = xmalloc(strlen(s) * 4 + 1);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		/* As libsmartcols: a backslash is escaped only before 'x'. */
		if (c < 0x20 || c == 0x7f || (c == '\\' && s[1] == 'x')) {
			*p++ = '\\';
			*p++ = 'x';
			*p++ = hex[c >> 4];
			*p++ = hex[c & 0xf];
		} else {
			*p++ = (char)c;
		}
	}
	*p = '\0';
	return out;
}

void out_join_begin(struct out_join *j, const char *sep)
{
	j->alloc = 64;
	j->s = xmalloc(j->alloc);
	j->s[0] = '\0';
	j->len = 0;
	j->sep = sep;
}

void out_join_add(struct out_join *j, const char *fmt, ...)
{
	size_t sep = j->len ? strlen(j->sep) : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (j->len + sep + (size_t)n + 1 > j->alloc) {
		j->alloc = (j->len + sep + (size_t)n + 1) * 2;
		j->s = xrealloc(j->s, j->alloc);
	}
	memcpy(j->s + j->len, j->sep, sep);
	j->len += sep;
	va_start(ap, fmt);
	vsnprintf(j->s + j->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	j->len += (size_t)n;
}

char *out_join_end(struct out_join *j)
{
	return j->s;
}

char *out_holder_name(const char *comm, pid_t pid)
{
	char *esc = out_escape(comm ? comm : "?");
	char *s = xasprintf("%s[%d]", esc, (int)pid);

	free(esc);
	return s;
}

char *out_holders(const struct dmabuf *buf, enum out_holders which, const char *sep,
		  bool escape)
{
	struct out_join j;
	size_t i;

	out_join_begin(&j, sep);
	for (i = 0; i < buf->nr_holders; i++) {
		const struct dmabuf_holder *h = &buf->holders[i];
		char *name;

		if ((which == OUT_HOLDERS_FDS && !h->nr_fds) ||
		    (which == OUT_HOLDERS_MAPS_ONLY && h->nr_fds))
			continue;
		if (!escape) {
			out_join_add(&j, "%s[%d]", h->comm ? h->comm : "?", (int)h->pid);
			continue;
		}
		name = out_holder_name(h->comm, h->pid);
		out_join_add(&j, "%s", name);
		free(name);
	}
	return out_join_end(&j);
}

char *out_sources(const struct dmabuf *buf)
{
	struct out_join j;
	int src;

	out_join_begin(&j, ",");
	for (src = 0; src < DMABUF_SRC_NR; src++)
		if (buf->sources & (1u << src))
			out_join_add(&j, "%s", dmabuf_source_name(src));
	return out_join_end(&j);
}

const char *out_size(uint64_t bytes, char *buf, size_t len)
{
	if (oopts.bytes || oopts.json) {
		snprintf(buf, len, "%llu", (unsigned long long)bytes);
		return buf;
	}
	return size_human(bytes, buf, len);
}

/* Length of the valid UTF-8 sequence at s, 0 if invalid (RFC 3629). */
static size_t utf8_seq(const unsigned char *s)
{
	size_t n, i;
	uint32_t cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates, beyond U+10FFFF. */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

/* ---- JSON ------------------------------------------------------------- */

struct json_object *out_json_str(const char *s)
{
	const unsigned char *p;
	struct json_object *obj;
	char *clean, *q;
	size_t n;

	if (!s)
		return NULL;
	for (p = (const unsigned char *)s; *p; p += n)
		if (!(n = utf8_seq(p)))
			break;
	if (!*p)
		return json_object_new_string(s);

	/* Names are user-set bytes; JSON must stay valid UTF-8. */
	q = clean = xmalloc(strlen(s) * 3 + 1);
	for (p = (const unsigned char *)s; *p; p += n) {
		n = utf8_seq(p);
		if (n) {
			memcpy(q, p, n);
			q += n;
		} else {
			memcpy(q, "\xef\xbf\xbd", 3);
			q += 3;
			n = 1;
		}
	}
	*q = '\0';
	obj = json_object_new_string(clean);
	free(clean);
	return obj;
}

struct json_object *out_json_u64(uint64_t v)
{
#if JSON_C_VERSION_NUM >= ((0 << 16) | (14 << 8))
	return json_object_new_uint64(v);
#else
	return json_object_new_int64(v > INT64_MAX ? INT64_MAX : (int64_t)v);
#endif
}

/* A double with this many decimals: json-c's own text has 17 digits. */
static struct json_object *json_fixed(double v, int decimals)
{
	char buf[48];

	snprintf(buf, sizeof(buf), "%.*f", decimals, v);
	return json_object_new_double_s(v, buf);
}

struct json_object *out_json_seconds(double s)
{
	return json_fixed(s, 6);
}

struct json_object *out_json_ms(double ms)
{
	return json_fixed(ms, 3);
}

int out_flush(void)
{
	if (fflush(stdout) == EOF || ferror(stdout)) {
		int e = errno ? errno : EIO;

		err_errno("stdout", "write failed", e);
		return -e;
	}
	return 0;
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
	for (p = s; p < s + len; p++) {
		buf[o++] = *p;
		if (*p == '\n') {
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

static struct json_object *json_holder(const struct dmabuf_holder *h, bool detail)
{
	struct json_object *obj = json_object_new_object();
	struct json_object *fds = out_json_array(h->nr_fds);
	size_t i;

	out_json_add(obj, "pid", json_object_new_int(h->pid));
	out_json_add(obj, "comm", out_json_str(h->comm));
	for (i = 0; i < h->nr_fds; i++)
		json_object_array_add(fds, json_object_new_int(h->fds[i]));
	out_json_add(obj, "fds", fds);
	out_json_add(obj, "mappings", out_json_u64(h->nr_maps));
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
		json_object_array_add(arr, json_holder(&buf->holders[i], detail));
	out_json_add(obj, "processes", arr);
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

bool out_holders_known(const struct dmabuf_set *set)
{
	return set->status[DMABUF_SRC_FDINFO].used || set->status[DMABUF_SRC_MAPS].used;
}

void out_warnings(const struct dmabuf_set *set)
{
	size_t i;

	fflush(stdout);
	for (i = 0; i < set->nr_warnings; i++) {
		char *w = out_escape(set->warnings[i]);

		fprintf(stderr, "dmabufctl: %s\n", w);
		free(w);
		if (set->hints && set->hints[i])
			err_hint("%s", set->hints[i]);
	}
}

/* ---- tables ----------------------------------------------------------- */

struct out_table {
	struct libscols_table *tb;
	struct libscols_line *ln;
	const struct out_column *cols;
	size_t nr_cols;
	size_t *sel;		/* shown columns, as indexes into cols */
	size_t nr_sel;
	int err;		/* -ENOMEM once a row could not be added: no more rows */
};

/* Out of memory while filling: said once, out_table_print() returns it. */
static void table_failed(struct out_table *t, const char *what)
{
	if (!t->err)
		err_errno("table", what, ENOMEM);
	t->err = -ENOMEM;
	t->ln = NULL;
}

static const char *const type_names[] = {
	[OUT_STRING] = "string",
	[OUT_NUMBER] = "number",
	[OUT_SIZE] = "size",
	[OUT_BOOL] = "boolean",
};

/* A table with -r and -n applied, or NULL (said why). */
static struct libscols_table *scols_new(void)
{
	struct libscols_table *tb;

	out_locale();
	tb = scols_new_table();
	if (!tb) {
		err_errno("table", "cannot create", ENOMEM);
		return NULL;
	}
	scols_table_enable_raw(tb, oopts.raw);
	scols_table_enable_noheadings(tb, oopts.noheadings);
	return tb;
}

static int scols_print(struct libscols_table *tb)
{
	if (scols_print_table(tb)) {
		err_errno("table", "cannot print", EIO);
		return -EIO;
	}
	return out_flush();
}

int out_list_columns(const struct out_column *cols, size_t nr)
{
	struct libscols_table *tb;
	size_t i;
	int ret;

	if (oopts.json) {
		struct json_object *root = json_object_new_object();
		struct json_object *arr = json_object_new_array();

		for (i = 0; i < nr; i++) {
			struct json_object *c = json_object_new_object();

			out_json_add(c, "name", json_object_new_string(cols[i].name));
			out_json_add(c, "type",
					       json_object_new_string(type_names[cols[i].type]));
			out_json_add(c, "default", json_object_new_boolean(
					       !!(cols[i].flags & OUT_DEFAULT)));
			out_json_add(c, "description",
					       json_object_new_string(cols[i].help));
			json_object_array_add(arr, c);
		}
		out_json_add(root, "columns", arr);
		return out_json_print(root);
	}

	tb = scols_new();
	if (!tb)
		return -ENOMEM;
	scols_table_new_column(tb, "COLUMN", 0.1, 0);
	scols_table_new_column(tb, "TYPE", 0.1, 0);
	scols_table_new_column(tb, "DESCRIPTION", 0.7, SCOLS_FL_WRAP);
	for (i = 0; i < nr; i++) {
		struct libscols_line *ln = scols_table_new_line(tb, NULL);

		scols_line_set_data(ln, 0, cols[i].name);
		scols_line_set_data(ln, 1, type_names[cols[i].type]);
		scols_line_set_data(ln, 2, cols[i].help);
	}
	ret = scols_print(tb);
	scols_unref_table(tb);
	return ret;
}

static void hint_columns(const struct out_column *cols, size_t nr)
{
	struct out_join j;
	size_t i;
	char *s;

	out_join_begin(&j, ",");
	for (i = 0; i < nr; i++)
		out_join_add(&j, "%s", cols[i].name);
	s = out_join_end(&j);
	err_hint("valid columns: %s (see --list-columns)", s);
	free(s);
}

/* Parse "A,B" or "+A,B" into tb->sel; -EINVAL with a message if bad. */
static int select_columns(struct out_table *t, const char *spec)
{
	const char *p, *end;
	size_t i;

	t->sel = xcalloc(t->nr_cols + 1, sizeof(*t->sel));
	t->nr_sel = 0;
	if (!spec || *spec == '+') {
		for (i = 0; i < t->nr_cols; i++)
			if (t->cols[i].flags & OUT_DEFAULT)
				t->sel[t->nr_sel++] = i;
		if (!spec)
			return 0;
		spec++;
	}

	for (p = spec;; p = end + 1) {
		size_t len;

		end = strchrnul(p, ',');
		len = (size_t)(end - p);
		for (i = 0; i < t->nr_cols; i++)
			if (strlen(t->cols[i].name) == len &&
			    !strncasecmp(t->cols[i].name, p, len))
				break;
		if (i == t->nr_cols) {
			char *name = xasprintf("%.*s", (int)len, p);
			char *safe = out_escape(name);

			err_msg(len ? safe : "--output", len ? "unknown column" : "empty column name",
				NULL);
			hint_columns(t->cols, t->nr_cols);
			free(safe);
			free(name);
			return -EINVAL;
		}
		/* Repeats are allowed (as lsblk); grow as needed. */
		t->sel = xrealloc(t->sel, (t->nr_sel + 1) * sizeof(*t->sel));
		t->sel[t->nr_sel++] = i;
		if (!*end)
			break;
	}
	return 0;
}

int out_table_new(struct out_table **tbp, const struct out_column *cols, size_t nr)
{
	struct out_table *t = xcalloc(1, sizeof(*t));
	size_t i;
	int ret;

	t->cols = cols;
	t->nr_cols = nr;
	ret = select_columns(t, oopts.columns);
	if (ret)
		goto cleanup;

	t->tb = scols_new();
	if (!t->tb) {
		ret = -ENOMEM;
		goto cleanup;
	}
	for (i = 0; i < t->nr_sel; i++) {
		const struct out_column *c = &cols[t->sel[i]];
		int fl = 0;

		if (c->flags & OUT_RIGHT)
			fl |= SCOLS_FL_RIGHT;
		if (c->flags & OUT_TRUNC)
			fl |= SCOLS_FL_TRUNC;
		if (c->flags & OUT_WRAP)
			fl |= SCOLS_FL_WRAP;
		if (!scols_table_new_column(t->tb, c->name, c->whint, fl)) {
			err_errno("table", "cannot add column", ENOMEM);
			ret = -ENOMEM;
			goto cleanup;
		}
	}
	*tbp = t;
	return 0;
cleanup:
	out_table_free(t);
	*tbp = NULL;
	return ret;
}

bool out_table_wants(const struct out_table *t, size_t id)
{
	size_t i;

	for (i = 0; i < t->nr_sel; i++)
		if (t->sel[i] == id)
			return true;
	return false;
}

void out_table_line(struct out_table *t)
{
	if (t->err)
		return;
	t->ln = scols_table_new_line(t->tb, NULL);
	if (!t->ln)
		table_failed(t, "cannot add line");
}

void out_table_set(struct out_table *t, size_t id, const char *text)
{
	size_t i;

	if (!text || !t->ln || !out_table_wants(t, id))
		return;
	/*
	 * libsmartcols escapes: controls and "\\x" as \\xHH in every mode, and
	 * in raw mode blanks and non-ASCII too.
	 */
	for (i = 0; i < t->nr_sel; i++)
		if (t->sel[i] == id)
			scols_line_set_data(t->ln, i, text);
}

void out_table_setf(struct out_table *t, size_t id, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (!t->ln || !out_table_wants(t, id))
		return;
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0) {
		va_end(ap);
		table_failed(t, "cannot format");
		return;
	}
	va_end(ap);
	out_table_set(t, id, s);
	free(s);
}

void out_table_set_size(struct out_table *t, size_t id, uint64_t bytes)
{
	char buf[24];

	out_table_set(t, id, bytes ? out_size(bytes, buf, sizeof(buf)) : "-");
}

int out_table_print(struct out_table *t)
{
	return t->err ? t->err : scols_print(t->tb);
}

void out_table_free(struct out_table *t)
{
	if (!t)
		return;
	scols_unref_table(t->tb);
	free(t->sel);
	free(t);
}

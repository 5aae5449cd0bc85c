// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Output layer, text: the output options, column model and tables
 * (libsmartcols), escaping, sizes and joined lists.  JSON is in
 * output_json.c.  See output.h.
 */
#include <errno.h>
#include <locale.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include <libsmartcols/libsmartcols.h>

#include "cli.h"
#include "output.h"
#include "util.h"

struct out_opts oopts;

enum { OPT_LIST_COLUMNS = 'H' };

void out_text_grow(struct out_text *t, size_t n)
{
	t->cap = 2 * (t->len + n);
	t->s = xrealloc(t->s, t->cap);
}

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
			cli_usage("--raw and --json are mutually exclusive");
		if (oopts.columns && oopts.json && !oopts.list_columns)
			cli_usage("--output cannot be combined with --json: "
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

char *out_ranges(const struct dmabuf *buf, const char *sep)
{
	struct out_join j;
	char len[24];
	size_t i;

	if (!buf->ranges_known)
		return xstrdup("-");
	out_join_begin(&j, sep);
	for (i = 0; i < buf->nr_ranges; i++)
		out_join_add(&j, "0x%llx+%s", (unsigned long long)buf->ranges[i].offset,
			     out_size(buf->ranges[i].length, len, sizeof(len)));
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

int out_flush(void)
{
	if (fflush(stdout) == EOF || ferror(stdout)) {
		int e = errno ? errno : EIO;

		err_errno("stdout", "write failed", e);
		return -e;
	}
	return 0;
}

bool out_holders_known(const struct dmabuf_set *set)
{
	return dmabuf_set_holders_known(set);
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

int out_column_find(const struct out_column *cols, size_t nr, const char *name, size_t len)
{
	size_t i;
	char *s, *safe;

	for (i = 0; i < nr; i++)
		if (strlen(cols[i].name) == len && !strncasecmp(cols[i].name, name, len))
			return (int)i;
	s = xasprintf("%.*s", (int)len, name);
	safe = out_escape(s);
	err_msg(len ? safe : "--output", len ? "unknown column" : "empty column name", NULL);
	hint_columns(cols, nr);
	free(safe);
	free(s);
	return -EINVAL;
}

/* Parse "A,B" or "+A,B" into tb->sel; -EINVAL with a message if bad. */
static int select_columns(struct out_table *t, const char *spec)
{
	const char *p, *end;
	size_t i;
	int c;

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
		end = strchrnul(p, ',');
		c = out_column_find(t->cols, t->nr_cols, p, (size_t)(end - p));
		if (c < 0)
			return c;
		/* Repeats are allowed (as lsblk); grow as needed. */
		t->sel = xrealloc(t->sel, (t->nr_sel + 1) * sizeof(*t->sel));
		t->sel[t->nr_sel++] = (size_t)c;
		if (!*end)
			break;
	}
	return 0;
}

/*
 * Wrapping a list column ("0000:00:02.0,0000:00:03.0"): between items only,
 * never inside one, so a PCI address or a comm[pid] stays whole.  The
 * column is as wide as its longest line when items are packed into its
 * share of the terminal (out_column.whint), or its widest item if wider;
 * libsmartcols then never narrows it (absolute width hint), and each line
 * it prints takes as many whole items as fit.  Widths count characters,
 * and the \xHH escape of a control character as four.
 */
static size_t cells(const char *s, size_t len)
{
	size_t i, n = 0;

	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c < 0x20 || c == 0x7f)
			n += 4;
		else if ((c & 0xc0) != 0x80)
			n++;
	}
	return n;
}

/* Length in bytes of the longest run of whole items from s fitting in width
 * cells (at least one item); *w gets its width. */
static size_t pack_items(const char *s, size_t width, size_t *w)
{
	const char *p = s, *end;
	size_t len = 0;

	*w = 0;
	for (;;) {
		size_t n;

		end = strchrnul(p, ',');
		n = cells(s, (size_t)(end - s));
		if (len && n > width)
			break;
		len = (size_t)(end - s);
		*w = n;
		if (!*end)
			break;
		p = end + 1;
	}
	return len;
}

static size_t list_chunksize(const struct libscols_column *cl, const char *data, void *hint)
{
	size_t term = scols_table_get_termwidth(scols_column_get_table(cl));
	size_t share = (size_t)(*(const double *)hint * (double)term);
	size_t widest = 0, w, len;
	const char *p;

	for (p = data; p && *p; p = p[len] ? p + len + 1 : NULL) {
		len = strcspn(p, ",");
		w = cells(p, len);
		if (w > widest)
			widest = w;
	}
	if (share < widest)
		share = widest;
	for (widest = 0, p = data; p && *p; p = p[len] ? p + len + 1 : NULL) {
		len = pack_items(p, share, &w);
		if (w > widest)
			widest = w;
	}
	return widest;
}

static char *list_nextchunk(const struct libscols_column *cl, char *data, void *hint)
{
	size_t w, len;

	if (!data)
		return NULL;
	len = pack_items(data, scols_column_get_width(cl), &w);
	if (!data[len])
		return NULL;
	data[len] = '\0';
	return data + len + 1;
}

int out_table_new(struct out_table **tbp, const struct out_column *cols, size_t nr)
{
	return out_table_new_spec(tbp, cols, nr, oopts.columns);
}

int out_table_new_spec(struct out_table **tbp, const struct out_column *cols, size_t nr,
		       const char *spec)
{
	struct out_table *t = xcalloc(1, sizeof(*t));
	size_t i;
	int ret;

	t->cols = cols;
	t->nr_cols = nr;
	ret = select_columns(t, spec);
	if (ret)
		goto cleanup;

	t->tb = scols_new();
	if (!t->tb) {
		ret = -ENOMEM;
		goto cleanup;
	}
	for (i = 0; i < t->nr_sel; i++) {
		const struct out_column *c = &cols[t->sel[i]];
		struct libscols_column *cl;
		/* Off a terminal libsmartcols wraps nothing. */
		bool list = (c->flags & OUT_WRAP) && isatty(STDOUT_FILENO) && !oopts.raw;
		int fl = 0;

		if (c->flags & OUT_RIGHT)
			fl |= SCOLS_FL_RIGHT;
		if (c->flags & OUT_TRUNC)
			fl |= SCOLS_FL_TRUNC;
		if (c->flags & OUT_WRAP)
			fl |= SCOLS_FL_WRAP;
		cl = scols_table_new_column(t->tb, c->name, list ? 1 : c->whint, fl);
		if (!cl) {
			err_errno("table", "cannot add column", ENOMEM);
			ret = -ENOMEM;
			goto cleanup;
		}
		if (list)
			scols_column_set_wrapfunc(cl, list_chunksize, list_nextchunk,
						  (void *)&c->whint);
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

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Output layer: the column model, tables (libsmartcols), JSON (json-c) and
 * the output options every listing command shares (output.c: options,
 * tables and text; output_json.c: every JSON any command prints).  Failures
 * are said on stderr and returned as -errno; the command turns them into
 * its status.
 *
 * A command declares its columns once, as lsfd does:
 *
 *	enum { COL_PID, COL_COMM };
 *	static const struct out_column cols[] = {
 *		[COL_PID]  = { "PID",  5, OUT_RIGHT | OUT_DEFAULT, OUT_NUMBER, "process id" },
 *		[COL_COMM] = { "COMM", 16, OUT_DEFAULT, OUT_STRING, "command name" },
 *	};
 *
 * includes output_argp as an argp child, then:
 *
 *	if (oopts.list_columns)
 *		return cli_status(out_list_columns(cols, ARRAY_SIZE(cols)));
 *	ret = out_table_new(&tb, cols, ARRAY_SIZE(cols));  // checks -o: -EINVAL
 *	...
 *	out_table_line(tb);
 *	out_table_set(tb, COL_PID, "42");	// ignored when PID is not shown
 *	...
 *	out_table_print(tb);
 *	out_table_free(tb);
 *
 * JSON never goes through the column model: each command's JSON layout is a
 * fixed contract (see out_json_dmabuf()), so -o is refused together with -J.
 * Table cells are escaped by libsmartcols: control characters, and a '\'
 * that precedes 'x', as \xHH; -r also escapes blanks and non-ASCII.  JSON
 * strings keep the exact bytes; only invalid UTF-8 becomes U+FFFD so the
 * document stays valid.
 */
#ifndef DMABUFCTL_OUTPUT_H
#define DMABUFCTL_OUTPUT_H

#include <argp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>

#include <json-c/json.h>

#include "dmabuf.h"

/*
 * A text that grows, for output written straight rather than through
 * json-c or libsmartcols: trace's records (output_record.c) and list -J's
 * stream of buffers (output_json_dmabuf.c).
 */
struct out_text {
	char *s;
	size_t len, cap;
};

/* Room for n more bytes (the capacity doubles past what is needed). */
void out_text_grow(struct out_text *t, size_t n);

/* Inline: most pieces are literals, which the compiler copies in place. */
static inline void out_text_add(struct out_text *t, const char *s, size_t n)
{
	if (t->len + n > t->cap)
		out_text_grow(t, n);
	memcpy(t->s + t->len, s, n);
	t->len += n;
}

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* struct out_column.flags */
#define OUT_RIGHT	(1u << 0)	/* right-aligned (numbers, sizes) */
#define OUT_TRUNC	(1u << 1)	/* may be truncated to fit the terminal */
#define OUT_WRAP	(1u << 2)	/* comma-separated items: wraps between them */
#define OUT_DEFAULT	(1u << 3)	/* shown without -o */
#define OUT_DESC	(1u << 4)	/* --sort puts the largest first */

/* What a column holds; printed by --list-columns, decides -b handling. */
enum out_type {
	OUT_STRING,
	OUT_NUMBER,
	OUT_SIZE,	/* bytes: human (K/M/G, base 1024) unless -b */
	OUT_BOOL,
};

struct out_column {
	const char *name;	/* upper case; -o matches it case-insensitively */
	double whint;		/* width hint: < 1 fraction of the terminal, >= 1 cells */
	unsigned int flags;
	enum out_type type;
	const char *help;	/* one line for --list-columns */
};

/* The index of the column called name[0..len) (any case), or -EINVAL after
 * saying so, with a hint listing the columns. */
int out_column_find(const struct out_column *cols, size_t nr, const char *name, size_t len);

/* Set by output_argp (or output_json_argp) while the command parses. */
struct out_opts {
	const char *columns;	/* -o: "A,B" replaces the default set, "+A,B" extends it */
	bool list_columns;	/* -H, --list-columns */
	bool noheadings;	/* -n */
	bool raw;		/* -r */
	bool json;		/* -J */
	bool bytes;		/* -b: exact sizes */
};

extern struct out_opts oopts;
/* -o, -H, -n, -r, -J, -b: for commands with a table. */
extern const struct argp output_argp;
/* -J, -b only: for commands without columns (show, revoke). */
extern const struct argp output_json_argp;

struct out_table;

/* Print the columns (name, type, default, help) as table, raw or JSON:
 * 0 or -errno. */
int out_list_columns(const struct out_column *cols, size_t nr);

/*
 * Parse -o against cols and create the table.  On a bad column list prints
 * one error line plus a hint and returns -EINVAL (nothing on stdout); 0, or
 * -ENOMEM.
 */
int out_table_new(struct out_table **tb, const struct out_column *cols, size_t nr);
/* The same with a column list of its own instead of -o's (NULL: defaults). */
int out_table_new_spec(struct out_table **tb, const struct out_column *cols, size_t nr,
		       const char *spec);
/* Whether column id (index in cols) is shown: skip costly formatting. */
bool out_table_wants(const struct out_table *tb, size_t id);
/* Start a row; the following sets fill it.  Out of memory, the table
 * takes no more rows and out_table_print() fails. */
void out_table_line(struct out_table *tb);
void out_table_set(struct out_table *tb, size_t id, const char *text);
void out_table_setf(struct out_table *tb, size_t id, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Size cell: human or, with -b, bytes; 0 (unknown) prints "-". */
void out_table_set_size(struct out_table *tb, size_t id, uint64_t bytes);
int out_table_print(struct out_table *tb);	/* 0 or -errno */
void out_table_free(struct out_table *tb);

/*
 * A one-line list, "a,b,c": items added printf-style, separated by sep;
 * out_join_end() returns the text ("" when empty; free it).
 */
struct out_join {
	char *s;
	size_t len, alloc;
	const char *sep;
};
void out_join_begin(struct out_join *j, const char *sep);
void out_join_add(struct out_join *j, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *out_join_end(struct out_join *j);

/* A holder as messages and tables name it, "comm[pid]" ("?" for no comm);
 * escaped as table cells are: free it. */
char *out_holder_name(const char *comm, pid_t pid);
/* Which holders out_holders() joins. */
enum out_holders {
	OUT_HOLDERS_ALL,
	OUT_HOLDERS_FDS,	/* holding it by fd */
	OUT_HOLDERS_MAPS_ONLY,	/* holding it by mappings only */
};
/* buf's holders as "comm[pid]" joined by sep; escape: for text that does
 * not go through a table (libsmartcols escapes cells itself).  Free it. */
char *out_holders(const struct dmabuf *buf, enum out_holders which, const char *sep,
		  bool escape);
/* The sources that saw buf, "bpf,procfs".  Free it. */
char *out_sources(const struct dmabuf *buf);
/* buf's ranges as "0xOFFSET+LENGTH" (the length as out_size() prints it)
 * joined by sep; "-" when unknown.  Free it. */
char *out_ranges(const struct dmabuf *buf, const char *sep);

/* "4M" or, with -b, "4194304"; buf must hold 24 bytes. */
const char *out_size(uint64_t bytes, char *buf, size_t len);
/* Copy of s escaped as table cells are, for other text output; free() it. */
char *out_escape(const char *s);

/* JSON values; a NULL string is null. */
/*
 * json_object_object_add() for a key that lives as long as the object (a
 * literal) and is added once: json-c neither copies it nor looks it up,
 * which is a third of building list -J's tree in a TCG guest.
 */
static inline void out_json_add(struct json_object *obj, const char *key,
				struct json_object *val)
{
	json_object_object_add_ex(obj, key, val, JSON_C_OBJECT_ADD_KEY_IS_NEW |
				  JSON_C_OBJECT_ADD_CONSTANT_KEY);
}

/* An array sized for n items: json-c's default of 32 slots would be most
 * of list -J's tree. */
static inline struct json_object *out_json_array(size_t n)
{
	return json_object_new_array_ext(n ? (int)n : 1);
}

struct json_object *out_json_str(const char *s);
/*
 * json-c's text of string s as out_json_str() makes it, quoted and escaped,
 * through str, a json-c string kept for the purpose by a printer that
 * writes its own text; valid until str's next use.
 */
const char *out_json_str_text(struct json_object *str, const char *s, size_t *len);
/* Integers as json-c prints them, faster (output_json.c). */
struct json_object *out_json_u64(uint64_t v);
struct json_object *out_json_int(int v);
/* Set the value of one of those (json-c keeps the faster printing). */
void out_json_set_u64(struct json_object *o, uint64_t v);
void out_json_set_int(struct json_object *o, int v);
/*
 * Times, every one to the microsecond: seconds (since the epoch, or a
 * duration) with six decimals, milliseconds (keys ending in _ms) with three.
 */
struct json_object *out_json_seconds(double s);
struct json_object *out_json_ms(double ms);
/* The text of those numbers, written backwards from end (no '\0'); returns
 * where it starts.  Digits need 20 bytes, seconds and ms 28. */
char *out_digits(char *end, uint64_t v);
char *out_fixed(char *end, double v, int decimals);
/* Flush stdout: 0, or -errno after saying the write failed. */
int out_flush(void);
/* Print root pretty on stdout with a newline and release it: 0 or -errno. */
int out_json_print(struct json_object *root);
/* Print o on one line (JSON Lines) and release it; stdout is not flushed. */
void out_json_line(struct json_object *o);

/* json-c's flags for every pretty document. */
#define OUT_JSON_FLAGS	(JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED | \
			 JSON_C_TO_STRING_NOSLASHESCAPE)

/*
 * A JSON Lines record printed over and over with the same members in the
 * same order (trace's events).  Building and freeing a json-c tree per line
 * was most of what trace -J cost per event; here each key is escaped once,
 * a member whose value is the last line's is copied from that line (runs
 * of them in one memcpy()), a string value is escaped again only when it
 * changes (keys and strings by json-c, strings after out_json_str()'s
 * UTF-8 cleaning) and numbers print as out_json_u64() and
 * out_json_seconds() print them: the line is the text out_json_line()
 * prints for the same object, byte for byte (tests/unit/json-record.c).
 *
 *	out_rec_begin(r);
 *	out_rec_str(r, "event", "attach");
 *	out_rec_u64(r, "inode", ino);
 *	out_rec_end(r);		// one fwrite() to stdout, not flushed
 *
 * Keys are literals, compared by address; a key that is not last line's
 * (another shape) rebuilds the record from that member on: right, slower.
 */
struct out_rec;
struct out_rec *out_rec_new(void);
void out_rec_free(struct out_rec *r);
void out_rec_begin(struct out_rec *r);
void out_rec_u64(struct out_rec *r, const char *key, uint64_t v);
void out_rec_seconds(struct out_rec *r, const char *key, double s);
void out_rec_bool(struct out_rec *r, const char *key, bool v);
void out_rec_str(struct out_rec *r, const char *key, const char *s);	/* NULL: null */
void out_rec_end(struct out_rec *r);

/*
 * The JSON contract for one buffer: the "dmabufs" element of list -J; with
 * detail, show -J's object (flags, mode, revoked, fences, processes[].maps).
 */
struct json_object *out_json_dmabuf(const struct dmabuf *buf, bool detail);

/*
 * A document whose first member is a long array of buffers ({"dmabufs":
 * [...], ...}), printed as it is made (output_json_dmabuf.c).  json-c has
 * no streaming writer: buffers are printed by batches, each json-c's text
 * of {"dmabufs": [batch]} less its opening and closing, so that every
 * buffer sits at its depth; the members after the array are json-c's text
 * of rest.  The text is out_json_print() of the whole tree, byte for byte
 * (tests/host/cli.bats checks it).  rest is consumed; end returns 0 or
 * -errno.  key is a literal.
 */
struct jprinter;
struct out_json_stream {
	const char *key;
	struct jprinter *p;
	size_t items;			/* printed */
};
void out_json_stream_begin(struct out_json_stream *js, const char *key);
void out_json_stream_dmabufs(struct out_json_stream *js, const struct dmabuf *const *bufs,
			     size_t nr);
int out_json_stream_end(struct out_json_stream *js, struct json_object *rest);

/* An importer's confirmation after an invalidate: device, callback,
 * dynamic, notified, unmapped, unmap and latency_ms added to o (trace's
 * "confirm" events, revoke's "confirmations"). */
struct tracer_confirm;
void out_json_confirm(struct json_object *o, const struct tracer_confirm *c);
/* Add "sources" (sources used) and "warnings" (the model's) to root. */
void out_json_meta(struct json_object *root, const struct dmabuf_set *set);
/* Whether any process source ran, so "held by no process" means something. */
bool out_holders_known(const struct dmabuf_set *set);
/* The model's warnings on stderr, one line each. */
void out_warnings(const struct dmabuf_set *set);

#endif

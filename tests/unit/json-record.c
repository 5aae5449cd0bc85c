// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * json-record: out_rec's lines (src/output_record.c) against json-c's text
 * of the same object (out_json_line() of a tree built with out_json_add()),
 * byte for byte.  Records are reused across lines and shapes as trace reuses
 * them: string values that repeat, change, are NULL or not UTF-8, keys that
 * need escaping, a record whose shape changes, grows and shrinks.  Prints
 * the first difference and exits 1, or the number of lines compared.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "output.h"

/* output.c's option parser reports usage errors through cli.c: not used here. */
void cli_usage(const char *fmt, ...)
{
	(void)fmt;
	abort();
}

enum type { T_U64, T_SECONDS, T_BOOL, T_STR };

struct member {
	const char *key;
	enum type type;
};

/* trace's event shapes, and keys and orders it does not use. */
static const struct member shape_attach[] = {
	{ "event", T_STR }, { "time", T_SECONDS }, { "inode", T_U64 }, { "pid", T_U64 },
	{ "tid", T_U64 }, { "comm", T_STR }, { "size", T_U64 }, { "exporter", T_STR },
	{ "device", T_STR }, { "dynamic", T_BOOL }, { "callback", T_STR },
};
static const struct member shape_release[] = {
	{ "event", T_STR }, { "time", T_SECONDS }, { "inode", T_U64 }, { "pid", T_U64 },
	{ "tid", T_U64 }, { "comm", T_STR }, { "size", T_U64 }, { "exporter", T_STR },
	{ "name", T_STR },
};
static const struct member shape_odd[] = {
	{ "quote\"back\\slash", T_STR }, { "sl/ash", T_U64 }, { "ctl\x01\n\t", T_BOOL },
	{ "\xc3\xa9t\xc3\xa9", T_SECONDS }, { "", T_STR },
};
static const struct member shape_one[] = { { "event", T_STR } };

static const struct {
	const struct member *m;
	size_t nr;
} shapes[] = {
	{ shape_attach, sizeof(shape_attach) / sizeof(*shape_attach) },
	{ shape_release, sizeof(shape_release) / sizeof(*shape_release) },
	{ shape_odd, sizeof(shape_odd) / sizeof(*shape_odd) },
	{ shape_one, 1 },
	{ shape_attach, 0 },	/* {} */
	{ shape_attach, 6 },	/* a prefix of another shape */
};

static const char *const strings[] = {
	NULL, "", "udmabuf", "dmabuf-vgem", "vgem", "0000:00:03.0", "a\"b\\c", "a/b",
	"\x01\x1f\x7f", "tab\tnew\nline", "\xff\xfe not UTF-8 \xc3", "\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80",
	"\xed\xa0\x80 surrogate", "a string of 47 bytes, as long as a device name!",
};
static const uint64_t numbers[] = {
	0, 1, 9, 10, 4096, 123456789, UINT32_MAX, (uint64_t)INT64_MAX + 1, UINT64_MAX,
};
static const double seconds[] = {
	0, 0.0000004, 0.0000005, 1.5, 1795711016.261484, 1795711016.9999996, 3.0, 1e-7,
	1795711016.5, 1795711017.0000004, -1.25, -0.0000004, 1795711016.0000005,
};

static uint64_t rnd = 88172645463325252ull;

static size_t pick(size_t n)
{
	rnd ^= rnd << 13;
	rnd ^= rnd >> 7;
	rnd ^= rnd << 17;
	return (size_t)(rnd % n);
}

/* What fn prints on stdout, as a string to free. */
static char *capture(void (*fn)(void *), void *arg)
{
	FILE *saved = stdout;
	char *text = NULL;
	size_t len = 0;

	stdout = open_memstream(&text, &len);
	if (!stdout) {
		perror("open_memstream");
		exit(2);
	}
	fn(arg);
	fclose(stdout);
	stdout = saved;
	return text;
}

struct line {
	struct out_rec *rec;
	const struct member *m;
	size_t nr;
	size_t val[16];		/* index into the pool of each member's type */
};

static void print_rec(void *arg)
{
	struct line *l = arg;
	size_t i;

	out_rec_begin(l->rec);
	for (i = 0; i < l->nr; i++) {
		const struct member *m = &l->m[i];

		switch (m->type) {
		case T_U64:
			out_rec_u64(l->rec, m->key, numbers[l->val[i]]);
			break;
		case T_SECONDS:
			out_rec_seconds(l->rec, m->key, seconds[l->val[i]]);
			break;
		case T_BOOL:
			out_rec_bool(l->rec, m->key, l->val[i]);
			break;
		case T_STR:
			out_rec_str(l->rec, m->key, strings[l->val[i]]);
			break;
		}
	}
	out_rec_end(l->rec);
}

static void print_tree(void *arg)
{
	struct line *l = arg;
	struct json_object *o = json_object_new_object();
	size_t i;

	for (i = 0; i < l->nr; i++) {
		const struct member *m = &l->m[i];
		struct json_object *v = NULL;

		switch (m->type) {
		case T_U64:
			v = out_json_u64(numbers[l->val[i]]);
			break;
		case T_SECONDS:
			v = out_json_seconds(seconds[l->val[i]]);
			break;
		case T_BOOL:
			v = json_object_new_boolean(l->val[i]);
			break;
		case T_STR:
			v = out_json_str(strings[l->val[i]]);
			break;
		}
		out_json_add(o, m->key, v);
	}
	out_json_line(o);
}

static size_t pool_size(enum type t)
{
	switch (t) {
	case T_U64:
		return sizeof(numbers) / sizeof(*numbers);
	case T_SECONDS:
		return sizeof(seconds) / sizeof(*seconds);
	case T_BOOL:
		return 2;
	case T_STR:
		break;
	}
	return sizeof(strings) / sizeof(*strings);
}

int main(void)
{
	struct out_rec *recs[2] = { out_rec_new(), out_rec_new() };
	size_t n, i, lines = 0;

	for (n = 0; n < 20000; n++) {
		/* Mostly one shape per record, as trace uses them; sometimes
		 * another, and values that mostly repeat. */
		size_t s = n % 7 == 6 ? pick(sizeof(shapes) / sizeof(*shapes)) : n & 1;
		struct line l = { recs[n & 1], shapes[s].m, shapes[s].nr, { 0 } };
		char *got, *want;

		for (i = 0; i < l.nr; i++)
			l.val[i] = pick(4) ? 2 + i % 3 : pick(pool_size(l.m[i].type));
		for (i = 0; i < l.nr; i++)
			if (l.val[i] >= pool_size(l.m[i].type))
				l.val[i] = pool_size(l.m[i].type) - 1;
		got = capture(print_rec, &l);
		want = capture(print_tree, &l);
		if (strcmp(got, want)) {
			fprintf(stderr, "json-record: line %zu differs\n out_rec: %s json-c:  %s",
				n, got, want);
			return 1;
		}
		free(got);
		free(want);
		lines++;
	}
	out_rec_free(recs[0]);
	out_rec_free(recs[1]);
	printf("%zu lines identical\n", lines);
	return 0;
}

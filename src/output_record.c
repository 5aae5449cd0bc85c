// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Output layer, JSON Lines records of a fixed shape (trace's events): the
 * text json-c prints for the object, with each key escaped once and each
 * member whose value did not change copied from the last line, runs of them
 * in one memcpy().  See output.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "util.h"

/* What a member held in the last line. */
enum rec_tag { TAG_NONE, TAG_U64, TAG_SECONDS, TAG_BOOL, TAG_STR, TAG_NULL };

struct rec_member {
	const char *key;	/* the caller's literal */
	char *key_text;		/* '{' or ',', then "key": as json-c escapes it */
	size_t key_len;
	enum rec_tag tag;
	uint64_t bits;		/* a number's, a double's or a bool's */
	char *str;		/* a string's */
	size_t off, len;	/* its text, key and value, in the last line */
	/* Seconds: the whole ones last printed, and their text. */
	int64_t whole;
	char whole_text[24];
	size_t whole_len;
};

struct out_rec {
	struct rec_member *m;
	size_t nr, alloc;	/* members known */
	size_t at;		/* the next member of this line */
	struct out_text line, prev;	/* this line, the last one */
	size_t copy_from, copy_len;	/* text of the last line still to copy */
	struct json_object *str;	/* what json-c escapes */
};

struct out_rec *out_rec_new(void)
{
	struct out_rec *r = xcalloc(1, sizeof(*r));

	r->str = json_object_new_string("");
	return r;
}

static void member_clear(struct rec_member *m)
{
	free(m->key_text);
	free(m->str);
	memset(m, 0, sizeof(*m));
}

void out_rec_free(struct out_rec *r)
{
	size_t i;

	if (!r)
		return;
	for (i = 0; i < r->nr; i++)
		member_clear(&r->m[i]);
	free(r->m);
	free(r->line.s);
	free(r->prev.s);
	json_object_put(r->str);
	free(r);
}

/* Inline: a changed member is two of these. */
static inline void append(struct out_rec *r, const char *s, size_t n)
{
	out_text_add(&r->line, s, n);
}

static void copy_pending(struct out_rec *r)
{
	if (r->copy_len)
		append(r, r->prev.s + r->copy_from, r->copy_len);
	r->copy_len = 0;
}

/* Member i, which must be called key: a new one, or another shape's. */
static struct rec_member *member_slow(struct out_rec *r, size_t i, const char *key)
{
	struct rec_member *m;
	const char *k;
	size_t len;

	if (i < r->nr && !strcmp(r->m[i].key, key))
		return &r->m[i];
	/* Another shape from here on. */
	while (r->nr > i)
		member_clear(&r->m[--r->nr]);
	if (r->nr == r->alloc) {
		r->alloc = r->alloc ? r->alloc * 2 : 16;
		r->m = xrealloc(r->m, r->alloc * sizeof(*r->m));
	}
	m = &r->m[r->nr++];
	memset(m, 0, sizeof(*m));
	m->key = key;
	k = out_json_str_text(r->str, key, &len);
	m->key_len = len + 2;
	m->key_text = xmalloc(m->key_len);
	m->key_text[0] = i ? ',' : '{';
	memcpy(m->key_text + 1, k, len);
	m->key_text[len + 1] = ':';
	return m;
}

/* The next member, which must be called key. */
static inline struct rec_member *member(struct out_rec *r, const char *key)
{
	size_t i = r->at++;

	if (i < r->nr && r->m[i].key == key)
		return &r->m[i];
	return member_slow(r, i, key);
}

/* m holds what it held in the last line: its text is copied from there,
 * with its unchanged neighbours. */
static inline bool same(struct out_rec *r, struct rec_member *m, enum rec_tag tag, uint64_t bits,
		 const char *str)
{
	size_t at = r->line.len + r->copy_len;	/* where its text lands */

	if (m->tag != tag || (tag == TAG_STR ? strcmp(m->str, str) : m->bits != bits))
		return false;
	/* The last line's members lie side by side, in order: a run of
	 * unchanged ones is one span of it. */
	if (!r->copy_len)
		r->copy_from = m->off;
	r->copy_len += m->len;
	m->off = at;
	return true;
}

/* m changed: its key, then the caller appends the value and calls set(). */
static void changed(struct out_rec *r, struct rec_member *m)
{
	copy_pending(r);
	m->off = r->line.len;
	append(r, m->key_text, m->key_len);
}

static void set(struct out_rec *r, struct rec_member *m, enum rec_tag tag, uint64_t bits)
{
	m->len = r->line.len - m->off;
	m->tag = tag;
	m->bits = bits;
}

void out_rec_begin(struct out_rec *r)
{
	r->at = 0;
	r->line.len = 0;
	r->copy_len = 0;
}

void out_rec_u64(struct out_rec *r, const char *key, uint64_t v)
{
	struct rec_member *m = member(r, key);
	char buf[24], *p;

	if (same(r, m, TAG_U64, v, NULL))
		return;
	changed(r, m);
	p = out_digits(buf + sizeof(buf), v);
	append(r, p, (size_t)(buf + sizeof(buf) - p));
	set(r, m, TAG_U64, v);
}

/*
 * Times change every line, their whole seconds seldom: those are kept as
 * text and only the microseconds printed, as out_fixed() would print them
 * (which prints the rest: negative times, a new second).
 */
void out_rec_seconds(struct out_rec *r, const char *key, double s)
{
	struct rec_member *m = member(r, key);
	char buf[48], *p, *end = buf + sizeof(buf);
	int64_t units, i;
	uint64_t bits;

	memcpy(&bits, &s, sizeof(bits));
	if (same(r, m, TAG_SECONDS, bits, NULL))
		return;
	changed(r, m);
	units = s >= 0 ? llround(s * 1e6) : -1;
	if (units >= 0 && m->whole_len && units / 1000000 == m->whole) {
		append(r, m->whole_text, m->whole_len);
		for (p = end, units %= 1000000, i = 0; i < 6; i++, units /= 10)
			*--p = (char)('0' + units % 10);
		append(r, p, 6);
	} else {
		p = out_fixed(end, s, 6);
		append(r, p, (size_t)(end - p));
		m->whole_len = 0;
		if (units >= 0 && (size_t)(end - p) - 6 <= sizeof(m->whole_text)) {
			m->whole = units / 1000000;
			m->whole_len = (size_t)(end - p) - 6;	/* "1795711016." */
			memcpy(m->whole_text, p, m->whole_len);
		}
	}
	set(r, m, TAG_SECONDS, bits);
}

void out_rec_bool(struct out_rec *r, const char *key, bool v)
{
	struct rec_member *m = member(r, key);

	if (same(r, m, TAG_BOOL, v, NULL))
		return;
	changed(r, m);
	if (v)
		append(r, "true", 4);
	else
		append(r, "false", 5);
	set(r, m, TAG_BOOL, v);
}

void out_rec_str(struct out_rec *r, const char *key, const char *s)
{
	struct rec_member *m = member(r, key);
	const char *t;
	size_t len;

	if (same(r, m, s ? TAG_STR : TAG_NULL, 0, s))
		return;
	changed(r, m);
	if (s) {
		t = out_json_str_text(r->str, s, &len);
		append(r, t, len);
		free(m->str);
		m->str = xstrdup(s);
	} else {
		append(r, "null", 4);
	}
	set(r, m, s ? TAG_STR : TAG_NULL, 0);
}

void out_rec_end(struct out_rec *r)
{
	struct out_text t;
	size_t i;

	copy_pending(r);
	if (!r->at)
		append(r, "{", 1);
	append(r, "}\n", 2);
	fwrite(r->line.s, 1, r->line.len, stdout);
	/* This line is the next one's last; members it had not have no text
	 * there. */
	for (i = r->at; i < r->nr; i++)
		r->m[i].tag = TAG_NONE;
	t = r->prev;
	r->prev = r->line;
	r->line = t;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Output layer, JSON Lines records of a fixed shape (trace's events): the
 * text json-c prints for the object, with the keys and the unchanged string
 * values escaped once instead of per line.  See output.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "utf8.h"
#include "util.h"

/* As out_json_line() prints. */
#define REC_FLAGS (JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE)

struct rec_member {
	const char *key;	/* the caller's literal */
	char *key_text;		/* '{' or ',', then "key": as json-c escapes it */
	size_t key_len;
	/* A string value: the last one given and its JSON text. */
	char *raw;
	char *text;
	size_t text_len;
};

struct out_rec {
	struct rec_member *m;
	size_t nr, alloc;	/* members known */
	size_t at;		/* the next member of this line */
	char *line;
	size_t len, line_alloc;
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
	free(m->raw);
	free(m->text);
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
	free(r->line);
	json_object_put(r->str);
	free(r);
}

/* json-c's text of string s, quoted and escaped; valid until the next call. */
static const char *escaped(struct out_rec *r, const char *s, size_t *len)
{
	char *clean = utf8_clean(s);
	const char *text;

	json_object_set_string(r->str, clean ? clean : s);
	free(clean);
	text = json_object_to_json_string_length(r->str, REC_FLAGS, len);
	if (!text)
		xoom();
	return text;
}

static void grow(struct out_rec *r, size_t n)
{
	r->line_alloc = (r->len + n) * 2;
	r->line = xrealloc(r->line, r->line_alloc);
}

/* Inline: a line is some 30 of these. */
static inline void append(struct out_rec *r, const char *s, size_t n)
{
	if (r->len + n > r->line_alloc)
		grow(r, n);
	memcpy(r->line + r->len, s, n);
	r->len += n;
}

/* The next member, which must be called key: its key text appended. */
static struct rec_member *member(struct out_rec *r, const char *key)
{
	struct rec_member *m;
	const char *k;
	size_t i = r->at++, len;

	if (i < r->nr && (r->m[i].key == key || !strcmp(r->m[i].key, key)))
		goto found;
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
	k = escaped(r, key, &len);
	m->key_len = len + 2;
	m->key_text = xmalloc(m->key_len);
	m->key_text[0] = i ? ',' : '{';
	memcpy(m->key_text + 1, k, len);
	m->key_text[len + 1] = ':';
found:
	m = &r->m[i];
	append(r, m->key_text, m->key_len);
	return m;
}

void out_rec_begin(struct out_rec *r)
{
	r->at = 0;
	r->len = 0;
}

void out_rec_u64(struct out_rec *r, const char *key, uint64_t v)
{
	char buf[24], *p;

	member(r, key);
	p = out_digits(buf + sizeof(buf), v);
	append(r, p, (size_t)(buf + sizeof(buf) - p));
}

void out_rec_seconds(struct out_rec *r, const char *key, double s)
{
	char buf[48], *p;

	member(r, key);
	p = out_fixed(buf + sizeof(buf), s, 6);
	append(r, p, (size_t)(buf + sizeof(buf) - p));
}

void out_rec_bool(struct out_rec *r, const char *key, bool v)
{
	member(r, key);
	if (v)
		append(r, "true", 4);
	else
		append(r, "false", 5);
}

void out_rec_str(struct out_rec *r, const char *key, const char *s)
{
	struct rec_member *m = member(r, key);
	const char *t;
	size_t len;

	if (!s) {
		append(r, "null", 4);
		return;
	}
	if (!m->raw || strcmp(m->raw, s)) {
		free(m->raw);
		m->raw = xstrdup(s);
		t = escaped(r, s, &len);
		free(m->text);
		m->text = xmalloc(len);
		memcpy(m->text, t, len);
		m->text_len = len;
	}
	append(r, m->text, m->text_len);
}

void out_rec_end(struct out_rec *r)
{
	/* Members known past r->at stay: the next line may have them. */
	if (!r->at)
		append(r, "{", 1);
	append(r, "}\n", 2);
	fwrite(r->line, 1, r->len, stdout);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Output layer, JSON: the one JSON writer of every command, json-c trees
 * printed pretty (a document) or on one line (JSON Lines); values with one
 * format (strings valid UTF-8, times to the microsecond); the contract for
 * a confirmation.  The contract for a buffer and list -J's stream are in
 * output_json_dmabuf.c.  See output.h.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output.h"
#include "tracer.h"
#include "utf8.h"
#include "util.h"

const char *out_json_str_text(struct json_object *str, const char *s, size_t *len)
{
	const char *text;
	char *clean;

	/*
	 * json-c before 0.17 (Debian 12 has 0.16) loses the buffer of a long
	 * string when "" is set over it, and the next long one leaks
	 * (json-c#780): "" never goes through str.
	 */
	if (!*s) {
		*len = 2;
		return "\"\"";
	}
	clean = utf8_clean(s);
	json_object_set_string(str, clean ? clean : s);
	free(clean);
	text = json_object_to_json_string_length(str, JSON_C_TO_STRING_PLAIN |
						 JSON_C_TO_STRING_NOSLASHESCAPE, len);
	if (!text)
		xoom();
	return text;
}

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

void out_json_set_u64(struct json_object *o, uint64_t v)
{
#if JSON_C_VERSION_NUM >= ((0 << 16) | (14 << 8))
	json_object_set_uint64(o, v);
#else
	json_object_set_int64(o, v > INT64_MAX ? INT64_MAX : (int64_t)v);
#endif
}

void out_json_set_int(struct json_object *o, int v)
{
	json_object_set_int64(o, v);
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

int out_json_print(struct json_object *root)
{
	fputs(json_object_to_json_string_ext(root, OUT_JSON_FLAGS), stdout);
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

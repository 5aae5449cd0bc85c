// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer: /proc/PID/maps text (parse_maps.c), read for two processes
 * (a parent and its forked child share mappings) so that holders merge;
 * and what the read-ahead keeps of it (parse_maps_keep()) must parse to
 * the same buffers and mappings as the whole text.
 */
#include "fuzz.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *comm(void *arg)
{
	return xstrdup(arg);
}

static size_t nr_maps(const struct dmabuf_set *set)
{
	size_t i, j, n = 0;

	for (i = 0; i < set->nr_bufs; i++)
		for (j = 0; j < set->bufs[i]->nr_holders; j++)
			n += set->bufs[i]->holders[j].nr_maps;
	return n;
}

static void check_keep(const uint8_t *data, size_t size, const struct dmabuf_set *whole,
		       size_t whole_long)
{
	struct dmabuf_set *set = dmabuf_set_new();
	struct maps_parse mp = { .pid = 200, .comm = comm, .arg = "child" };
	char *text = fuzz_text(data, size);
	size_t long_lines = 0, len = parse_maps_keep(text, size, &long_lines);

	if (len > size || text[len] || long_lines != whole_long)
		abort();
	parse_maps(set, text, len, &mp);
	if (mp.long_lines || set->nr_bufs != whole->nr_bufs || nr_maps(set) != nr_maps(whole))
		abort();
	free(text);
	dmabuf_set_free(set);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dmabuf_set *set = dmabuf_set_new();
	struct maps_parse mp = { .pid = 200, .comm = comm, .arg = "child" };
	char *text = fuzz_text(data, size);

	parse_maps(set, text, size, &mp);
	free(text);
	check_keep(data, size, set, mp.long_lines);
	text = fuzz_text(data, size);
	mp.pid = 100;
	mp.arg = "parent";
	parse_maps(set, text, size, &mp);
	fuzz_model(set);
	free(text);
	dmabuf_set_free(set);
	return 0;
}

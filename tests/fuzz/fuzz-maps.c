// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer: /proc/PID/maps text (parse_maps.c), read for two processes
 * (a parent and its forked child share mappings) so that holders merge.
 */
#include "fuzz.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char *comm(void *arg)
{
	return xstrdup(arg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dmabuf_set *set = dmabuf_set_new();
	struct maps_parse mp = { .pid = 200, .comm = comm, .arg = "child" };
	char *text = fuzz_text(data, size);

	parse_maps(set, text, size, &mp);
	free(text);
	text = fuzz_text(data, size);
	mp.pid = 100;
	mp.arg = "parent";
	parse_maps(set, text, size, &mp);
	fuzz_model(set);
	free(text);
	dmabuf_set_free(set);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer: debugfs dma_buf/bufinfo text (parse_bufinfo.c). */
#include "fuzz.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dmabuf_set *set = dmabuf_set_new();
	char *text = fuzz_text(data, size);

	parse_bufinfo(set, text, size);
	fuzz_model(set);
	free(text);
	dmabuf_set_free(set);
	return 0;
}

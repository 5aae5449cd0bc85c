// SPDX-License-Identifier: GPL-2.0-or-later
/* libFuzzer: the BPF dma-buf iterator's records (parse_iter.c), no BPF. */
#include "fuzz.h"
#include "parse.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char *sym(void *ctx, uint64_t addr)
{
	(void)ctx;
	return addr & 1 ? "iopt_revoke_notify" : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct dmabuf_set *set = dmabuf_set_new();
	/* A copy of exactly size bytes: ASan sees any read past the end. */
	char *copy = xmalloc(size ? size : 1);

	memcpy(copy, data, size);
	parse_iter_records(set, copy, size, sym, NULL);
	fuzz_model(set);
	free(copy);
	dmabuf_set_free(set);
	return 0;
}

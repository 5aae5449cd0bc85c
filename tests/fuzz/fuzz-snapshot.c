// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * libFuzzer: a `list -J` snapshot as diff reads it (snapshot.c), then the
 * model pass every command makes over what it built.
 */
#include "fuzz.h"
#include "snapshot.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct snapshot *s = NULL;
	char *why = NULL;

	/* The parser takes a length, not a string: no copy, no NUL. */
	if (!snapshot_parse((const char *)data, size, &s, &why)) {
		fuzz_model(s->set);
		snapshot_free(s);
	}
	free(why);
	return 0;
}

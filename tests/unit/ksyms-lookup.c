// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ksyms-lookup ADDR...: what src/ksyms.c names each hex address, one line
 * each: "ADDR NAME LABEL" (NAME "-" when it has none), all through one
 * handle, in the order given.
 */
#include <stdio.h>
#include <stdlib.h>

#include "ksyms.h"

int main(int argc, char **argv)
{
	struct ksyms *ks = ksyms_new();
	int i;

	for (i = 1; i < argc; i++) {
		unsigned long long addr = strtoull(argv[i], NULL, 16);
		const char *name = ksyms_name(ks, addr);
		const char *label = ksyms_label(ks, addr);

		printf("%llx %s %s\n", addr, name ? name : "-", label ? label : "-");
	}
	ksyms_free(ks);
	return 0;
}

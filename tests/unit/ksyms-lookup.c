// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ksyms-lookup [-f FILE] ADDR...: what src/ksyms.c names each hex address,
 * one line each: "ADDR NAME LABEL" (NAME "-" when it has none), all through
 * one handle, in the order given; from FILE in kallsyms' format instead of
 * /proc/kallsyms.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ksyms.h"

int main(int argc, char **argv)
{
	struct ksyms *ks;
	int i = 1;

	if (argc > 2 && !strcmp(argv[1], "-f")) {
		ks = ksyms_new_file(argv[2]);
		i = 3;
	} else {
		ks = ksyms_new();
	}
	for (; i < argc; i++) {
		unsigned long long addr = strtoull(argv[i], NULL, 16);
		const char *name = ksyms_name(ks, addr);
		const char *label = ksyms_label(ks, addr);

		printf("%llx %s %s\n", addr, name ? name : "-", label ? label : "-");
	}
	ksyms_free(ks);
	return 0;
}

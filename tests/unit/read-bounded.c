// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * read-bounded FILE MAX: what src/util.c's read_file_at() makes of FILE
 * with a bound of MAX bytes, and how many bytes it read to learn it:
 * "ok LEN" or "error: REASON", then "read BYTES" from this process's
 * /proc/self/io rchar before and after (which counts the first read of
 * /proc/self/io too: about a hundred bytes more).
 */
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "util.h"

static uint64_t rchar(void)
{
	char line[128];
	uint64_t v = UINT64_MAX;
	FILE *f = fopen("/proc/self/io", "re");

	if (!f) {
		perror("read-bounded: /proc/self/io");
		exit(2);
	}
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "rchar: %" SCNu64, &v) == 1)
			break;
	fclose(f);
	if (v == UINT64_MAX) {
		fprintf(stderr, "read-bounded: /proc/self/io: no rchar\n");
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	uint64_t before, after;
	char *text = NULL;
	ssize_t n;

	if (argc != 3) {
		fprintf(stderr, "usage: read-bounded FILE MAX\n");
		return 2;
	}
	before = rchar();
	n = read_file_at(AT_FDCWD, argv[1], strtoul(argv[2], NULL, 0), &text);
	after = rchar();
	if (n < 0)
		printf("error: %s\n", read_strerror((int)n));
	else
		printf("ok %zd\n", n);
	printf("read %" PRIu64 "\n", after - before);
	free(text);
	return 0;
}

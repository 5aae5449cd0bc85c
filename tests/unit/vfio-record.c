// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * vfio-record: the BPF iterator's device record of a VFIO buffer
 * (iter_record.h: struct iter_dev) through vfio.c into the model, and the
 * model out as list and show print it, without BPF.  One line per step on
 * stdin:
 *
 *	buf INODE EXPORTER		a buffer, as debugfs lists it
 *	fdinfo INODE 0|1		the revoke series' fdinfo mark
 *	dev INODE [bar=N] [nr=N] [revoked=N] [for_good=N] [closed=N]
 *	    [bdf=NAME] [ranges=OFF+LEN,...]	a record; bdf=@N: N bytes of 'x'
 *					with no NUL in the field
 *
 * Then, per buffer by inode: show -J's object (list -J's with --list) on
 * one line, a line "ranges TEXT" (the RANGES column) and the model's
 * warnings, one a line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "dmabuf.h"
#include "iter_record.h"
#include "output.h"
#include "vfio.h"

/* output.c's option parser reports usage errors through cli.c: not used here. */
void cli_usage(const char *fmt, ...)
{
	(void)fmt;
	abort();
}

static void parse_ranges(char *v, struct iter_dev *d)
{
	char *tok, *save = NULL;
	uint32_t i = 0;

	for (tok = strtok_r(v, ",", &save); tok && i < ITER_MAX_RANGES;
	     tok = strtok_r(NULL, ",", &save), i++) {
		d->ranges[i].offset = strtoull(tok, &tok, 0);
		d->ranges[i].length = strtoull(tok + 1, NULL, 0);
	}
}

static int parse_dev(struct dmabuf_set *set, char *args)
{
	struct iter_dev d = { .magic = ITER_MAGIC_DEV, .bar = -1, .revoked = -1,
			      .revoked_for_good = -1, .closed = -1 };
	char *tok, *save = NULL;
	struct dmabuf *buf;

	tok = strtok_r(args, " \n", &save);
	if (!tok)
		return -1;
	d.inode = strtoull(tok, NULL, 0);
	buf = dmabuf_find(set, d.inode);
	if (!buf)
		return -1;
	while ((tok = strtok_r(NULL, " \n", &save))) {
		char *v = strchr(tok, '=');

		if (!v)
			return -1;
		*v++ = '\0';
		if (!strcmp(tok, "bar"))
			d.bar = atoi(v);
		else if (!strcmp(tok, "nr"))
			d.nr_ranges = (uint32_t)strtoul(v, NULL, 0);
		else if (!strcmp(tok, "revoked"))
			d.revoked = (int8_t)atoi(v);
		else if (!strcmp(tok, "for_good"))
			d.revoked_for_good = (int8_t)atoi(v);
		else if (!strcmp(tok, "closed"))
			d.closed = (int8_t)atoi(v);
		else if (!strcmp(tok, "bdf") && v[0] == '@')
			memset(d.bdf, 'x', (size_t)atoi(v + 1) < sizeof(d.bdf) ?
			       (size_t)atoi(v + 1) : sizeof(d.bdf));
		else if (!strcmp(tok, "bdf"))
			snprintf(d.bdf, sizeof(d.bdf), "%s", v);
		else if (!strcmp(tok, "ranges"))
			parse_ranges(v, &d);
		else
			return -1;
	}
	vfio_dev_record(set, buf, &d);
	return 0;
}

int main(int argc, char **argv)
{
	bool detail = !(argc > 1 && !strcmp(argv[1], "--list"));
	struct dmabuf_set *set = dmabuf_set_new();
	char line[512];
	size_t i;

	while (fgets(line, sizeof(line), stdin)) {
		char ino[32], arg[64];
		int ok = 0;

		if (!strncmp(line, "buf ", 4) && sscanf(line + 4, "%31s %63s", ino, arg) == 2) {
			struct dmabuf *buf = dmabuf_get(set, strtoull(ino, NULL, 0),
							DMABUF_SRC_DEBUGFS);

			dmabuf_set_exporter(buf, DMABUF_SRC_DEBUGFS, arg);
			ok = 1;
		} else if (!strncmp(line, "fdinfo ", 7) &&
			   sscanf(line + 7, "%31s %63s", ino, arg) == 2) {
			struct dmabuf *buf = dmabuf_find(set, strtoull(ino, NULL, 0));

			if (buf) {
				dmabuf_set_revoked(buf, DMABUF_SRC_FDINFO, atoi(arg) != 0);
				ok = 1;
			}
		} else if (!strncmp(line, "dev ", 4)) {
			ok = !parse_dev(set, line + 4);
		}
		if (!ok) {
			fprintf(stderr, "vfio-record: bad line: %s", line);
			return 64;
		}
	}
	dmabuf_set_finish(set);
	for (i = 0; i < set->nr_bufs; i++) {
		char *r = out_ranges(set->bufs[i], ",");

		out_json_line(out_json_dmabuf(set->bufs[i], detail));
		printf("ranges %s\n", r);
		free(r);
	}
	for (i = 0; i < set->nr_warnings; i++)
		printf("warning %s\n", set->warnings[i]);
	dmabuf_set_free(set);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * names-replay: drive trace_names.c, the tracer's names by address, with
 * records written as text, without BPF.  One record per line on stdin:
 *
 *	KIND inode=N [buf=N] [attach=N] [exporter=NAME] [device=NAME]
 *
 * KIND is trace -J's event name; exporter= and device= mean the record
 * carries that name (TRACE_F_EXPORTER, TRACE_F_DEVICE; "-" is empty),
 * without them it leaves it to the table.  Each record prints "KIND
 * inode=N exporter=E device=D" as the reader filled it ("-": empty).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace_names.h"

static const char *const kinds[] = {
	[TRACE_EXPORT] = "export", [TRACE_RELEASE] = "release", [TRACE_MMAP] = "mmap",
	[TRACE_ATTACH] = "attach", [TRACE_DETACH] = "detach", [TRACE_MAP] = "map",
	[TRACE_UNMAP] = "unmap", [TRACE_INVALIDATE] = "invalidate",
	[TRACE_INV_ATTACH] = "inv-attach", [TRACE_INV_DONE] = "inv-done",
	[TRACE_CALLBACK] = "callback",
};

/* A name field: "-" is the empty name. */
static void set_name(char *out, size_t len, const char *v)
{
	snprintf(out, len, "%s", strcmp(v, "-") ? v : "");
}

static int parse(char *line, struct trace_event *e)
{
	char *tok, *save = NULL;
	size_t k;

	memset(e, 0, sizeof(*e));
	tok = strtok_r(line, " \t\n", &save);
	for (k = 1; tok && k < sizeof(kinds) / sizeof(*kinds); k++)
		if (!strcmp(tok, kinds[k]))
			break;
	if (!tok || k == sizeof(kinds) / sizeof(*kinds))
		return -1;
	e->kind = (uint32_t)k;
	while ((tok = strtok_r(NULL, " \t\n", &save))) {
		char *v = strchr(tok, '=');

		if (!v)
			return -1;
		*v++ = '\0';
		if (!strcmp(tok, "exporter")) {
			set_name(e->exporter, sizeof(e->exporter), v);
			e->flags |= TRACE_F_EXPORTER;
		} else if (!strcmp(tok, "device")) {
			set_name(e->device, sizeof(e->device), v);
			e->flags |= TRACE_F_DEVICE;
		} else if (!strcmp(tok, "inode")) {
			e->inode = strtoull(v, NULL, 0);
		} else if (!strcmp(tok, "buf")) {
			e->buf = strtoull(v, NULL, 0);
		} else if (!strcmp(tok, "attach")) {
			e->attach = strtoull(v, NULL, 0);
		} else {
			return -1;
		}
	}
	return 0;
}

int main(void)
{
	struct trace_names *tn = trace_names_new();
	uint64_t exporters, devices;
	char line[512];
	int lineno = 0;

	while (fgets(line, sizeof(line), stdin)) {
		struct trace_event e;

		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (parse(line, &e)) {
			fprintf(stderr, "names-replay: line %d: bad record\n", lineno);
			return 64;
		}
		trace_names_fill(tn, &e);
		printf("%s inode=%llu exporter=%s device=%s\n", kinds[e.kind],
		       (unsigned long long)e.inode, *e.exporter ? e.exporter : "-",
		       *e.device ? e.device : "-");
	}
	trace_names_stats(tn, &exporters, &devices);
	printf("from the table: %llu exporters, %llu devices\n", (unsigned long long)exporters,
	       (unsigned long long)devices);
	trace_names_free(tn);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * confirm-replay: drive confirm.c, the tracer's confirmation state machine,
 * with records written as text, without BPF.  One record per line on
 * stdin:
 *
 *	KIND ts=N [inode=N] [tid=N] [attach=N] [callback=N] [arg=N]
 *	     [dynamic=0|1] [device=NAME] [shown=0|1]
 *	finish now=N [force=1]
 *
 * KIND is trace -J's event name (attach, map, unmap, detach, invalidate,
 * inv-attach, inv-done, callback).  Numbers are decimal or 0x hex; ts and
 * now are CLOCK_MONOTONIC ns.  Each finished invalidate prints a line
 * "invalidated inode=N shown=B nr=N", then one line per attachment:
 * "confirm device=D callback=C notifiable=B notified=N unmapped=B
 * unmap=U latency_ns=N".  Arguments: the timeout in ns, then the callback
 * names that have a program on them (an address below every kernel
 * symbol is named 0xADDR).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "confirm.h"
#include "ksyms.h"

static const char *const kinds[] = {
	[TRACE_ATTACH] = "attach", [TRACE_DETACH] = "detach", [TRACE_MAP] = "map",
	[TRACE_UNMAP] = "unmap", [TRACE_INVALIDATE] = "invalidate",
	[TRACE_INV_ATTACH] = "inv-attach", [TRACE_INV_DONE] = "inv-done",
	[TRACE_CALLBACK] = "callback",
};

static void on_invalidated(void *ctx, uint64_t inode, bool shown,
			   const struct tracer_confirm *c, size_t nr)
{
	size_t i;

	printf("invalidated inode=%llu shown=%d nr=%zu\n", (unsigned long long)inode, shown, nr);
	for (i = 0; i < nr; i++)
		printf("confirm device=%s callback=%s notifiable=%d notified=%d unmapped=%d "
		       "unmap=%s latency_ns=%lld\n", c[i].device,
		       c[i].callback ? c[i].callback : "-", c[i].notifiable, c[i].notified,
		       c[i].unmapped, c[i].unmap ? c[i].unmap : "-", (long long)c[i].latency_ns);
}

static int parse(char *line, struct trace_event *e, bool *shown, uint64_t *now, bool *force)
{
	char *tok, *save = NULL;
	size_t k;

	memset(e, 0, sizeof(*e));
	tok = strtok_r(line, " \t\n", &save);
	if (!tok)
		return -1;
	if (!strcmp(tok, "finish"))
		e->kind = 0;
	else {
		for (k = 1; k < sizeof(kinds) / sizeof(*kinds); k++)
			if (kinds[k] && !strcmp(tok, kinds[k]))
				break;
		if (k == sizeof(kinds) / sizeof(*kinds))
			return -1;
		e->kind = (uint32_t)k;
	}
	while ((tok = strtok_r(NULL, " \t\n", &save))) {
		char *v = strchr(tok, '=');
		unsigned long long n;

		if (!v)
			return -1;
		*v++ = '\0';
		if (!strcmp(tok, "device")) {
			snprintf(e->device, sizeof(e->device), "%s", v);
			continue;
		}
		n = strtoull(v, NULL, 0);
		if (!strcmp(tok, "ts"))
			e->ts = n;
		else if (!strcmp(tok, "inode"))
			e->inode = n;
		else if (!strcmp(tok, "tid"))
			e->tid = (uint32_t)n;
		else if (!strcmp(tok, "attach"))
			e->attach = n;
		else if (!strcmp(tok, "callback"))
			e->callback = n;
		else if (!strcmp(tok, "arg"))
			e->arg = n;
		else if (!strcmp(tok, "dynamic"))
			e->dynamic = (int)n;
		else if (!strcmp(tok, "shown"))
			*shown = n != 0;
		else if (!strcmp(tok, "now"))
			*now = n;
		else if (!strcmp(tok, "force"))
			*force = n != 0;
		else
			return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	const struct tracer_handlers h = { .invalidated = on_invalidated };
	struct ksyms *ks = ksyms_new();
	struct confirm_state *cs;
	char line[512];
	int lineno = 0;

	if (argc < 2) {
		fprintf(stderr, "usage: confirm-replay TIMEOUT_NS [HOOKED-CALLBACK...]\n");
		return 64;
	}
	cs = confirm_new(strtoull(argv[1], NULL, 0), ks);
	confirm_set_hooked(cs, (const char *const *)argv + 2, (size_t)argc - 2);
	while (fgets(line, sizeof(line), stdin)) {
		struct trace_event e;
		bool shown = true, force = false;
		uint64_t now = 0;

		lineno++;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (parse(line, &e, &shown, &now, &force)) {
			fprintf(stderr, "confirm-replay: line %d: bad record\n", lineno);
			return 64;
		}
		if (e.kind)
			confirm_record(cs, &e, shown);
		else
			confirm_finish(cs, now, force, &h, NULL);
	}
	printf("pending=%zu\n", confirm_pending(cs));
	confirm_free(cs);
	ksyms_free(ks);
	return 0;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dmabufctl unpin: remove the BPF iterators earlier runs pinned in bpffs
 * (bpf_iters.h), every version of them.  The next root run loads them
 * again, and pins them unless --no-pin.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>

#include "bpf_pins.h"
#include "cli.h"
#include "output.h"
#include "util.h"

static error_t parse(int key, char *arg, struct argp_state *state)
{
	if (key == ARGP_KEY_ARG)
		cli_usage("'%s': unexpected argument", arg);
	return ARGP_ERR_UNKNOWN;
}

/* No common options: unpin reads nothing. */
static const struct argp_child children[] = {
	{ &cli_help_argp, 0, "Common options:", 2 },
	{ 0 }
};

static const struct argp unpin_argp = {
	NULL, parse, NULL,
	"Remove the BPF iterators that list, show and procs pinned in "
	"/sys/fs/bpf/dmabufctl (every version).  Needs root.\v"
	"A root run on a live system loads the iterators once and pins them there, "
	"so that later runs need not load them again; they stay until reboot or "
	"this command.  --no-pin keeps a run from pinning.",
	children, NULL, NULL
};

int cmd_unpin(int argc, char **argv)
{
	const char *what;
	size_t nr;
	int ret;

	cli_parse(&unpin_argp, argc, argv, NULL);
	ret = pins_unpin(&nr, &what);
	if (ret) {
		err_errno(what, "cannot remove the pins", -ret);
		if (ret == -EPERM)
			err_hint("run as root");
		return cli_status(ret);
	}
	if (nr)
		printf("removed %zu pinned iterator%s from %s\n", nr, nr == 1 ? "" : "s", what);
	else
		printf("nothing pinned in %s\n", what);
	return cli_status(out_flush());
}

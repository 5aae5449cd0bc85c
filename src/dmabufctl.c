// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dmabufctl: list, trace and revoke dma-bufs.
 *
 * Global options first, then a command from the table; each command parses
 * its own options with argp (see cmd_*.c).  Without a command, or when the
 * first argument is an option or an inode, the command is "list".
 */
#include <argp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dmabufctl.h"
#include "util.h"

const char *argp_program_version = PACKAGE_STRING;
struct global_opts gopts;

static const struct cmd cmds[] = {
	{ "list",   cmd_list,   "list dma-bufs (the default command)" },
	{ "show",   cmd_show,   "show all that is known of one dma-buf" },
	{ "procs",  cmd_procs,  "per-process dma-buf totals" },
	{ "trace",  cmd_trace,  "trace exports, attachments, maps and invalidations (BPF)" },
	{ "revoke", cmd_revoke, "revoke a dma-buf through a holder's fd" },
};

#define NR_CMDS (sizeof(cmds) / sizeof(cmds[0]))

enum { OPT_SYSROOT = 0x100, OPT_SOURCE };

static const struct argp_option common_options[] = {
	{ "sysroot", OPT_SYSROOT, "DIR", 0,
	  "Read proc/ and sys/kernel/debug/ under DIR (replay a captured tree)", -1 },
	{ "source", OPT_SOURCE, "SOURCE", 0,
	  "Use only this source: bpf, debugfs or procfs", -1 },
	{ 0 }
};

static error_t common_parse(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case OPT_SYSROOT:
		if (!*arg)
			argp_error(state, "--sysroot: empty directory name");
		gopts.sysroot = arg;
		break;
	case OPT_SOURCE:
		if (strcmp(arg, "bpf") && strcmp(arg, "debugfs") && strcmp(arg, "procfs"))
			argp_error(state, "--source: '%s': not one of bpf, debugfs, procfs", arg);
		gopts.source = arg;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

const struct argp common_argp = { common_options, common_parse, NULL, NULL, NULL, NULL, NULL };

static const struct cmd *find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < NR_CMDS; i++)
		if (!strcmp(cmds[i].name, name))
			return &cmds[i];
	return NULL;
}

static char *help_filter(int key, const char *text, void *input)
{
	size_t i, len = 0;
	char *s, *p;

	if (key != ARGP_KEY_HELP_POST_DOC)
		return (char *)text;
	for (i = 0; i < NR_CMDS; i++)
		len += strlen(cmds[i].name) + strlen(cmds[i].doc) + 8;
	s = p = xmalloc(len + 256);
	p += sprintf(p, "Commands:\n");
	for (i = 0; i < NR_CMDS; i++)
		p += sprintf(p, "  %-8s %s\n", cmds[i].name, cmds[i].doc);
	sprintf(p, "\nRun 'dmabufctl COMMAND --help' for a command's options.\n"
		   "Exit status: see dmabufctl(8).");
	return s;
}

static const struct argp_child main_children[] = {
	{ &common_argp, 0, "Options for every command:", 0 },
	{ 0 }
};

static error_t main_parse(int key, char *arg, struct argp_state *state)
{
	return ARGP_ERR_UNKNOWN;
}

static const struct argp main_argp = {
	NULL, main_parse, "[COMMAND [ARGS...]]",
	"dmabufctl -- list dma-bufs, trace their importers and revoke them."
	"\vThe default command is 'list'.",
	main_children, help_filter, NULL
};

/* An inode given without a command is a filter for "list". */
static int is_number(const char *s)
{
	return *s && strspn(s, "0123456789") == strlen(s);
}

int main(int argc, char **argv)
{
	const struct cmd *cmd;

	argp_err_exit_status = EXIT_USAGE;

	if (argc < 2 || (argv[1][0] == '-' && strcmp(argv[1], "--help") &&
			 strcmp(argv[1], "-?") && strcmp(argv[1], "--usage") &&
			 strcmp(argv[1], "-V") && strcmp(argv[1], "--version")) ||
	    is_number(argv[1]))
		return cmd_list(argc, argv);

	if (argv[1][0] == '-') {
		/* --help, --usage or --version: argp prints and exits. */
		argp_parse(&main_argp, argc, argv, 0, NULL, NULL);
		return EXIT_OK;
	}

	cmd = find_cmd(argv[1]);
	if (!cmd) {
		err_msg(argv[1], "unknown command", NULL);
		err_hint("commands: list, show, procs, trace, revoke; see 'dmabufctl --help'");
		return EXIT_USAGE;
	}
	return cmd->func(argc - 1, argv + 1);
}

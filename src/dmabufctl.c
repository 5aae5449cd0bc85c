// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dmabufctl: list, trace and revoke dma-bufs.  The entry point: finds the
 * command in the table and runs it; each command parses its own options
 * and the common ones with argp (cmd_*.c, cli.c).
 *
 * "list" is the default command, so the command line is first parsed as
 * list's: list's own argp tells which options take a value ("-o INODE,SIZE",
 * "-e system"), and its first argument, when not an inode number, is the
 * command word (cli_command_word()).  Then that command parses the whole
 * line again, the options before its name included ("--sysroot D show 5").
 */
#include <argp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "output.h"
#include "util.h"

const char *argp_program_version = PACKAGE_STRING;

struct cmd {
	const char *name;
	int (*func)(int argc, char **argv);
	const char *doc;
};

static const struct cmd cmds[] = {
	{ "list",    cmd_list,    "list dma-bufs (the default command)" },
	{ "show",    cmd_show,    "show all that is known of one dma-buf" },
	{ "procs",   cmd_procs,   "per-process dma-buf totals" },
	{ "metrics", cmd_metrics, "Prometheus metrics of buffers, importers and holders" },
	{ "watch",   cmd_watch,   "list again every interval, marking what changed" },
	{ "diff",    cmd_diff,    "compare two list -J snapshots" },
	{ "trace",   cmd_trace,   "trace exports, attachments, maps and invalidations (BPF)" },
	{ "revoke",  cmd_revoke,  "revoke a dma-buf through a holder's fd" },
};

#define NR_CMDS (sizeof(cmds) / sizeof(cmds[0]))

static const struct cmd *find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < NR_CMDS; i++)
		if (!strcmp(cmds[i].name, name))
			return &cmds[i];
	return NULL;
}

static bool is_command(const char *name)
{
	return find_cmd(name) != NULL;
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
	sprintf(p, "\nRun 'dmabufctl COMMAND --help' for a command's options; without a "
		   "command, list's options apply.\nExit status: see dmabufctl(8).");
	return s;
}

static const struct argp_child main_children[] = {
	{ &common_argp, 0, "Common options:", 2 },
	{ 0 }
};

/* Only for --help and --usage without a command (cli_main_help). */
static const struct argp main_argp = {
	NULL, NULL, "[COMMAND] [ARG...]",
	"dmabufctl -- list dma-bufs, trace their importers and revoke them."
	"\vThe default command is 'list'.",
	main_children, help_filter, NULL
};

/* "a, b, c" for the unknown-command hint. */
static char *command_list(void)
{
	size_t i, len = 0;
	char *s;

	for (i = 0; i < NR_CMDS; i++)
		len += strlen(cmds[i].name) + 2;
	s = xcalloc(1, len + 1);
	for (i = 0; i < NR_CMDS; i++) {
		if (i)
			strcat(s, ", ");
		strcat(s, cmds[i].name);
	}
	return s;
}

/* A reader that went away (dmabufctl list | head -1) ends us quietly, with
 * status 0, wherever we were writing; trace stops on EPIPE by itself. */
static void on_sigpipe(int sig)
{
	(void)sig;
	_exit(EXIT_OK);
}

int main(int argc, char **argv)
{
	const struct cmd *cmd;
	char *name;
	int i, w, ret;

	argp_err_exit_status = EXIT_USAGE;
	signal(SIGPIPE, on_sigpipe);
	cli_is_command = is_command;
	cli_command_list = command_list();
	cli_main_help = &main_argp;

	/* No command named yet: parse as list, which stops at a command. */
	ret = cmd_list(argc, argv);
	if (ret != CLI_DISPATCH)
		return ret;

	w = cli_word;
	cmd = find_cmd(argv[w]);
	cli_reset();
	cli_command = cmd->name;
	/* "dmabufctl --sysroot D show 5" -> "show --sysroot D 5": the command's
	 * own argp parses the options given before its name too. */
	name = argv[w];
	for (i = w; i > 1; i--)
		argv[i] = argv[i - 1];
	argv[1] = name;
	return cmd->func(argc - 1, argv + 1);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dmabufctl: list, trace and revoke dma-bufs.  The entry point: finds the
 * command in the table and runs it; each command parses its own options
 * and the common ones with argp (cmd_*.c, cli.c).  Without a command, or
 * when the first argument is an option or an inode, the command is "list".
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
	{ "list",   cmd_list,   "list dma-bufs (the default command)" },
	{ "show",   cmd_show,   "show all that is known of one dma-buf" },
	{ "procs",  cmd_procs,  "per-process dma-buf totals" },
	{ "trace",  cmd_trace,  "trace exports, attachments, maps and invalidations (BPF)" },
	{ "revoke", cmd_revoke, "revoke a dma-buf through a holder's fd" },
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

/*
 * Index of the first argument that is neither an option nor the value of a
 * global option given as two words ("--sysroot DIR"), or argc.
 */
static int first_word(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--"))
			return i + 1 < argc ? i + 1 : argc;
		if (argv[i][0] != '-')
			return i;
		if (!strcmp(argv[i], "--sysroot") || !strcmp(argv[i], "--source"))
			i++;
	}
	return argc;
}

static int is_main_option(const char *s)
{
	return !strcmp(s, "--help") || !strcmp(s, "-?") || !strcmp(s, "--usage") ||
	       !strcmp(s, "-V") || !strcmp(s, "--version");
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
	int i, w;

	argp_err_exit_status = EXIT_USAGE;
	signal(SIGPIPE, on_sigpipe);

	if (argc >= 2 && is_main_option(argv[1])) {
		/* argp prints help, usage or version and exits. */
		argp_parse(&main_argp, argc, argv, 0, NULL, NULL);
		return EXIT_OK;
	}

	w = first_word(argc, argv);
	if (w == argc || is_number(argv[w])) {
		argv[0] = (char *)"dmabufctl list";
		return cmd_list(argc, argv);
	}

	cmd = find_cmd(argv[w]);
	if (!cmd) {
		char *safe = out_escape(argv[w]);

		err_msg(safe, "unknown command", NULL);
		free(safe);
		err_hint("commands: list, show, procs, trace, revoke; see 'dmabufctl --help'");
		return EXIT_USAGE;
	}
	/* "dmabufctl --sysroot D show 5" -> "show --sysroot D 5": the command's
	 * own argp parses the global options too. */
	for (i = w; i > 1; i--) {
		char *t = argv[i];

		argv[i] = argv[i - 1];
		argv[i - 1] = t;
	}
	/* argp names the program after argv[0] in usage and error lines. */
	argv[1] = xasprintf("dmabufctl %s", cmd->name);
	return cmd->func(argc - 1, argv + 1);
}

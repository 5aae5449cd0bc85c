/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The command layer: what the commands (cmd_*.c) share and what the entry
 * point (dmabufctl.c) calls.  Only this layer knows exit statuses; the
 * layers below report -errno and a reason.
 *
 * Exit statuses are part of the scripting contract (man page, EXIT STATUS):
 * never renumber one, only add.
 */
#ifndef DMABUFCTL_CLI_H
#define DMABUFCTL_CLI_H

#include <argp.h>
#include <stdbool.h>
#include <sys/types.h>

enum dmabufctl_exit {
	EXIT_OK = 0,
	EXIT_FAIL = 1,		/* runtime failure: nothing could be read, I/O error */
	EXIT_NOTFOUND = 2,	/* named buffer or process does not exist */
	EXIT_UNSUPPORTED = 3,	/* kernel lacks the feature (BPF refused, no ioctl) */
	EXIT_PERM = 4,		/* not permitted */
	EXIT_NOTREVOCABLE = 5,	/* revoke: exporter has no revoke (EINVAL) */
	EXIT_BUSY = 6,		/* revoke: pinned or in use (EBUSY) */
	EXIT_REVOKED = 7,	/* revoke: already revoked (EBADFD) */
	EXIT_NODEV = 8,		/* revoke: exporter's device is gone (ENODEV) */
	EXIT_NOFD = 9,		/* revoke: held only by mappings or the kernel */
	EXIT_UNCONFIRMED = 10,	/* revoke --verify: not every importer confirmed */
	EXIT_IDENTITY = 11,	/* duplicated fd is not the named buffer */
	EXIT_ABORTED = 12,	/* user answered no, or no terminal to ask */
	EXIT_CHANGED = 13,	/* diff --exit-code: the snapshots differ */
	EXIT_USAGE = 64,	/* bad option or argument (argp's own status) */
	/* Bad input files, as sysexits.h numbers them after EX_USAGE (64). */
	EXIT_DATAERR = 65,	/* diff: a file is not a list -J snapshot */
	EXIT_NOINPUT = 66,	/* diff: a file cannot be opened or read */
};

/* Options every command understands (argp child common_argp). */
struct global_opts {
	const char *sysroot;	/* replay a captured tree: DIR/proc, DIR/sys/kernel/debug */
	const char *source;	/* NULL (automatic), "bpf", "debugfs" or "procfs" */
};

extern struct global_opts gopts;
/* --sysroot, --source, then -h/--help and --usage (cli_help_argp). */
extern const struct argp common_argp;
/* -h/--help and --usage alone: for commands without the common options
 * (trace).  argp's own --help (-?) is off: every parse goes through
 * cli_parse(). */
extern const struct argp cli_help_argp;
/* The argp children of a command with a table (output_argp) or without
 * (output_json_argp): output options, then common options. */
extern const struct argp_child cli_table_children[];
extern const struct argp_child cli_json_children[];
/* Common options only (commands with options of their own but no table). */
extern const struct argp_child cli_common_children[];

/*
 * The command line as the user typed it: cli_command is the command named
 * ("show"), NULL while no command was named (list implied); main() sets it.
 * Usage errors then read "dmabufctl: show: ..." or "dmabufctl: ...", and
 * --help prints that command's help (or, with none named, main_help).
 */
extern const char *cli_command;
extern const struct argp *cli_main_help;

/*
 * argp_parse() of a command's argp in the house style: its own -h/--help;
 * getopt's one-line message about an unknown option or a missing value,
 * then a hint naming the command's --help, then exit 64; options and
 * arguments in the order given (ARGP_IN_ORDER).  Returns 0, or
 * CLI_DISPATCH when cli_command_word() stopped at another command.
 */
#define CLI_DISPATCH	(-1)
int cli_parse(const struct argp *argp, int argc, char **argv, void *input);

/*
 * For list, the default command, on its first argument: when no command
 * was named and arg is not an inode number, it is the command word.  A
 * known command stops the parse (ARGP_KEY_ARG returns this value; the
 * word's index is in cli_word); an unknown one is a usage error.  Returns
 * 0 for an inode number.
 */
extern int cli_word;
error_t cli_command_word(struct argp_state *state, const char *arg);
/* Set by main(), which has the table: whether name is a command, and
 * their names for the hint ("list, show, ..."). */
extern bool (*cli_is_command)(const char *name);
extern const char *cli_command_list;
/* Forget what parsing up to the command word set (options, help). */
void cli_reset(void);

/* A usage error, one line: "dmabufctl: [COMMAND: ]MESSAGE"; exits 64. */
void cli_usage(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

/* Comma-separated and repeated values: "-p 1,2 -p 3".  Calls add() on each
 * item; an empty item is a usage error naming opt. */
void cli_each_item(const char *opt, char *arg, void (*add)(void *ctx, const char *item),
		   void *ctx);

/* The exit status of a step that failed with -errno (0: EXIT_OK):
 * EXIT_PERM, EXIT_UNSUPPORTED (the kernel cannot), else EXIT_FAIL. */
int cli_status(int err);

struct dmabuf_set;

/*
 * Scan with --sysroot/--source; on failure print the reasons and return the
 * exit status.  detail: everything every source knows (show); fdinfo: read
 * each buffer's fdinfo even where debugfs or BPF told (the REVOKED column).
 */
int cli_scan(struct dmabuf_set **set, bool detail, bool fdinfo);
/* EXIT_OK, or EXIT_NOTFOUND (message printed) when -p PID does not exist. */
int cli_check_pid(pid_t pid);

/* The commands: argv[0] names the command for argp's messages. */
int cmd_list(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_procs(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_revoke(int argc, char **argv);
int cmd_metrics(int argc, char **argv);
int cmd_watch(int argc, char **argv);
int cmd_diff(int argc, char **argv);


#endif

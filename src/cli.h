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
	EXIT_USAGE = 64,	/* bad option or argument (argp's own status) */
};

/* Options every command understands (argp child common_argp). */
struct global_opts {
	const char *sysroot;	/* replay a captured tree: DIR/proc, DIR/sys/kernel/debug */
	const char *source;	/* NULL (automatic), or a list: "bpf,procfs" */
	bool no_pin;		/* BPF iterators: no pins read or left */
};

extern struct global_opts gopts;
extern const struct argp common_argp;
/* The argp children of a command with a table (output_argp) or without
 * (output_json_argp): output options, then common options. */
extern const struct argp_child cli_table_children[];
extern const struct argp_child cli_json_children[];

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
int cmd_unpin(int argc, char **argv);

#endif

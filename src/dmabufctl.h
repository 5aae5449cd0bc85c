/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dmabufctl: commands, global options and exit statuses.
 *
 * Exit statuses are part of the scripting contract (man page, EXIT STATUS):
 * never renumber one, only add.
 */
#ifndef DMABUFCTL_H
#define DMABUFCTL_H

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

/* Options every command understands (argp child "common_argp"). */
struct global_opts {
	const char *sysroot;	/* replay a captured tree: DIR/proc, DIR/sys/kernel/debug */
	const char *source;	/* NULL (automatic), "bpf", "debugfs" or "procfs" */
};

extern struct global_opts gopts;
extern const struct argp common_argp;

struct cmd {
	const char *name;
	int (*func)(int argc, char **argv);
	const char *doc;
};

int cmd_list(int argc, char **argv);
int cmd_show(int argc, char **argv);
int cmd_procs(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_revoke(int argc, char **argv);

#endif

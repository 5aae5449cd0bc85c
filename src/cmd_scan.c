// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What the listing commands (list, show, procs, revoke) share before they
 * print: scan with --sysroot/--source, turn a failed source into an exit
 * status, check that a -p PID exists.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "cmd_scan.h"
#include "dmabufctl.h"
#include "source.h"
#include "util.h"

static int scan_status(int err)
{
	switch (err) {
	case EPERM:
	case EACCES:
		return EXIT_PERM;
	case ENOENT:
	case ENOSYS:
	case EOPNOTSUPP:
		return EXIT_UNSUPPORTED;
	default:
		return EXIT_FAIL;
	}
}

static void skipped_sources(const struct dmabuf_set *set)
{
	int src;

	for (src = 0; src < DMABUF_SRC_NR; src++) {
		const struct dmabuf_source_status *st = &set->status[src];

		if (!st->tried || st->used)
			continue;
		err_msg(dmabuf_source_name(src), "source could not run",
			st->why ? st->why : "unknown reason");
		if (st->hint)
			err_hint("%s", st->hint);
	}
}

int cmd_scan(struct dmabuf_set **setp, bool detail, bool fdinfo)
{
	struct scan_opts so = {
		.sysroot = gopts.sysroot, .only = gopts.source,
		.detail = detail, .fdinfo = fdinfo,
	};
	struct dmabuf_set *set;
	struct stat st;
	int src, ret;

	*setp = NULL;
	if (gopts.sysroot) {
		int e = stat(gopts.sysroot, &st) ? errno : S_ISDIR(st.st_mode) ? 0 : ENOTDIR;

		if (e) {
			err_errno(gopts.sysroot, "cannot use as --sysroot", e);
			return EXIT_USAGE;
		}
	}

	set = dmabuf_set_new();
	ret = scan(set, &so);
	for (src = 0; src < DMABUF_SRC_NR; src++)
		if (set->status[src].used)
			break;
	if (ret < 0 || src == DMABUF_SRC_NR) {
		/* The source asked for, or every source, failed: say why. */
		skipped_sources(set);
		dmabuf_set_free(set);
		return ret < 0 ? scan_status(-ret) : EXIT_FAIL;
	}
	*setp = set;
	return EXIT_OK;
}

int cmd_check_pid(pid_t pid)
{
	char *rel = xasprintf("/proc/%d", (int)pid);
	char *path = sysroot_path(gopts.sysroot, rel);
	struct stat st;
	int ret = EXIT_OK;

	if (stat(path, &st) || !S_ISDIR(st.st_mode)) {
		char obj[16];

		snprintf(obj, sizeof(obj), "%d", (int)pid);
		err_msg(obj, "no such process", NULL);
		ret = EXIT_NOTFOUND;
	}
	free(path);
	free(rel);
	return ret;
}

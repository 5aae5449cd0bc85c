// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What every command shares: the global options (--sysroot, --source), the
 * scan they select, -p PID checks, and -errno turned into an exit status.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "output.h"
#include "source.h"
#include "util.h"

struct global_opts gopts;

enum { OPT_SYSROOT = 0x100, OPT_SOURCE, OPT_NO_PIN };

static const struct argp_option common_options[] = {
	{ "sysroot", OPT_SYSROOT, "DIR", 0,
	  "Read proc/ and sys/kernel/debug/ under DIR (replay a captured tree)", -1 },
	{ "source", OPT_SOURCE, "LIST", 0,
	  "Use only these sources, comma-separated: bpf, debugfs, procfs", -1 },
	{ "no-pin", OPT_NO_PIN, NULL, 0,
	  "Load the BPF iterators for this run only: neither read nor leave pins "
	  "in /sys/fs/bpf/dmabufctl", -1 },
	{ 0 }
};

/* A --source list: known names, each once, none empty. */
static bool source_list_ok(const char *arg)
{
	static const char *const names[] = { "bpf", "debugfs", "procfs" };
	bool seen[3] = { false };
	const char *p = arg;

	for (;;) {
		size_t n = strcspn(p, ","), i;

		for (i = 0; i < 3; i++)
			if (strlen(names[i]) == n && !strncmp(p, names[i], n))
				break;
		if (i == 3 || seen[i])
			return false;
		seen[i] = true;
		if (!p[n])
			return true;
		p += n + 1;
	}
}

static error_t common_parse(int key, char *arg, struct argp_state *state)
{
	switch (key) {
	case OPT_SYSROOT:
		if (!*arg)
			argp_error(state, "--sysroot: empty directory name");
		gopts.sysroot = arg;
		break;
	case OPT_SOURCE:
		if (!source_list_ok(arg))
			argp_error(state, "--source: '%s': not a list of bpf, debugfs, procfs", arg);
		gopts.source = arg;
		break;
	case OPT_NO_PIN:
		gopts.no_pin = true;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

const struct argp common_argp = { common_options, common_parse, NULL, NULL, NULL, NULL, NULL };

const struct argp_child cli_table_children[] = {
	{ &output_argp, 0, "Output options:", 1 },
	{ &common_argp, 0, "Common options:", 2 },
	{ 0 }
};

const struct argp_child cli_json_children[] = {
	{ &output_json_argp, 0, "Output options:", 1 },
	{ &common_argp, 0, "Common options:", 2 },
	{ 0 }
};

int cli_status(int err)
{
	switch (-err) {
	case 0:
		return EXIT_OK;
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

int cli_scan(struct dmabuf_set **setp, bool detail, bool fdinfo)
{
	struct scan_opts so = {
		.sysroot = gopts.sysroot, .only = gopts.source, .pin = !gopts.no_pin,
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
		return ret < 0 ? cli_status(ret) : EXIT_FAIL;
	}
	*setp = set;
	return EXIT_OK;
}

int cli_check_pid(pid_t pid)
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

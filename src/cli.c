// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * What every command shares: the global options (--sysroot, --source), the
 * scan they select, -p PID checks, and -errno turned into an exit status.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "clock.h"
#include "output.h"
#include "source.h"
#include "util.h"

struct global_opts gopts;
const char *cli_command;
const struct argp *cli_main_help;
int cli_word;
bool (*cli_is_command)(const char *name);
const char *cli_command_list;

enum { OPT_SYSROOT = 0x100, OPT_SOURCE, OPT_NO_PIN, OPT_USAGE };

void cli_usage(const char *fmt, ...)
{
	va_list ap;

	fflush(stdout);
	fputs("dmabufctl: ", stderr);
	if (cli_command)
		fprintf(stderr, "%s: ", cli_command);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_USAGE);
}

/* "dmabufctl show", or "dmabufctl" while no command was named. */
static char *prog_name(void)
{
	return cli_command ? xasprintf("dmabufctl %s", cli_command) : xstrdup("dmabufctl");
}

/* In every command's help, after its own options (argp's own -? and
 * --help are off: ARGP_NO_HELP, which takes --version with them). */
#define HELP_OPTIONS \
	{ "help", 'h', NULL, 0, "Give this help list", -1 }, \
	{ "usage", OPT_USAGE, NULL, 0, "Give a short usage message", -1 }, \
	{ "version", 'V', NULL, 0, "Print program version", -1 }

static const struct argp_option help_options[] = {
	HELP_OPTIONS,
	{ 0 }
};

static error_t help_parse(int key, char *arg, struct argp_state *state)
{
	const struct argp *argp = cli_command || !cli_main_help ? state->root_argp : cli_main_help;
	char *name;

	switch (key) {
	case ARGP_KEY_INIT:
		/* Nothing from argp itself on errors: getopt says what was
		 * wrong in one line, ARGP_KEY_ERROR adds the hint. */
		state->err_stream = NULL;
		break;
	case 'h':
	case OPT_USAGE:
		name = prog_name();
		argp_help(argp, stdout, key == 'h' ? ARGP_HELP_STD_HELP : ARGP_HELP_USAGE, name);
		free(name);
		exit(fflush(stdout) ? EXIT_FAIL : EXIT_OK);
	case 'V':
		puts(PACKAGE_STRING);
		exit(fflush(stdout) ? EXIT_FAIL : EXIT_OK);
	case ARGP_KEY_ERROR:
		/* The parse stopped at another command's name: not an error. */
		if (cli_word)
			break;
		name = prog_name();
		err_hint("see '%s --help'", name);
		free(name);
		exit(EXIT_USAGE);
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

const struct argp cli_help_argp = { help_options, help_parse, NULL, NULL, NULL, NULL, NULL };

static const struct argp_option common_options[] = {
	{ "sysroot", OPT_SYSROOT, "DIR", 0,
	  "Read proc/ and sys/kernel/debug/ under DIR (replay a captured tree)", -1 },
	{ "source", OPT_SOURCE, "LIST", 0,
	  "Use only these sources, comma-separated: bpf, debugfs, procfs", -1 },
	{ "no-pin", OPT_NO_PIN, NULL, 0,
	  "Load the BPF iterators for this run only: neither read nor leave pins "
	  "in /sys/fs/bpf/dmabufctl", -1 },
	HELP_OPTIONS,
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
			cli_usage("--sysroot: empty directory name");
		gopts.sysroot = arg;
		break;
	case OPT_SOURCE:
		if (!source_list_ok(arg))
			cli_usage("--source: '%s': not a list of bpf, debugfs, procfs", arg);
		gopts.source = arg;
		break;
	case OPT_NO_PIN:
		gopts.no_pin = true;
		break;
	default:
		return help_parse(key, arg, state);
	}
	return 0;
}

const struct argp common_argp = { common_options, common_parse, NULL, NULL, NULL, NULL, NULL };

int cli_parse(const struct argp *argp, int argc, char **argv, void *input)
{
	/* getopt names the program after argv[0] in its messages. */
	argv[0] = cli_command ? xasprintf("dmabufctl: %s", cli_command) : (char *)"dmabufctl";
	cli_word = 0;
	argp_parse(argp, argc, argv, ARGP_IN_ORDER | ARGP_NO_HELP, NULL, input);
	return cli_word ? CLI_DISPATCH : 0;
}

error_t cli_command_word(struct argp_state *state, const char *arg)
{
	if (cli_command || state->arg_num || (*arg && strspn(arg, "0123456789") == strlen(arg)))
		return 0;
	if (!cli_is_command || !cli_is_command(arg)) {
		char *safe = out_escape(arg);

		fflush(stdout);
		err_msg(safe, "unknown command", NULL);
		free(safe);
		err_hint("commands: %s; see 'dmabufctl --help'", cli_command_list);
		exit(EXIT_USAGE);
	}
	cli_word = state->next - 1;
	/* Any error stops argp; ARGP_KEY_ERROR knows this one by cli_word. */
	return ECANCELED;
}

void cli_reset(void)
{
	memset(&gopts, 0, sizeof(gopts));
	memset(&oopts, 0, sizeof(oopts));
}

void cli_each_item(const char *opt, char *arg, void (*add)(void *ctx, const char *item),
		   void *ctx)
{
	char *p = arg, *end;

	for (;;) {
		end = strchrnul(p, ',');
		if (end == p)
			cli_usage("%s: '%s': empty item", opt, arg);
		if (!*end) {
			add(ctx, p);
			return;
		}
		*end = '\0';
		add(ctx, p);
		*end = ',';
		p = end + 1;
	}
}

const struct argp_child cli_table_children[] = {
	{ &output_argp, 0, "Output options:", 1 },
	{ &common_argp, 0, "Common options:", 2 },
	{ 0 }
};

const struct argp_child cli_common_children[] = {
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
	uint64_t t;

	*setp = NULL;
	if (gopts.sysroot) {
		int e = stat(gopts.sysroot, &st) ? errno : S_ISDIR(st.st_mode) ? 0 : ENOTDIR;

		if (e) {
			err_errno(gopts.sysroot, "cannot use as --sysroot", e);
			return EXIT_USAGE;
		}
	}

	t = mono_ns();
	set = dmabuf_set_new();
	ret = scan(set, &so);
	debug_step("scan", "total", &t);
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

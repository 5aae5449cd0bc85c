// SPDX-License-Identifier: GPL-2.0-or-later
/* Buffer selection: list's and watch's filters and --sort (see filter.h). */
#include <errno.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "filter.h"
#include "util.h"
#include "vfio.h"

enum { OPT_NAME = 0x400, OPT_IMPORTER, OPT_DEVICE, OPT_MIN_SIZE, OPT_ORPHANS };

static const struct argp_option filter_options[] = {
	{ "pid", 'p', "PID", 0, "Only buffers these processes hold (PID,... or repeated)", 0 },
	{ "exporter", 'e', "NAME", 0, "Only buffers of these exporters (NAME,... or repeated; "
	  "glob patterns)", 0 },
	{ "name", OPT_NAME, "GLOB", 0, "Only buffers whose name matches (repeatable)", 0 },
	{ "importer", OPT_IMPORTER, "DEVICE", 0, "Only buffers attached to these devices "
	  "(DEVICE,... or repeated; glob patterns)", 0 },
	{ "device", OPT_DEVICE, "DEVICE", 0, "Only buffers exported from these devices, "
	  "e.g. a PCI address for VFIO (DEVICE,... or repeated; glob patterns)", 0 },
	{ "min-size", OPT_MIN_SIZE, "SIZE", 0, "Only buffers of at least SIZE bytes "
	  "(K, M, G, T: base 1024)", 0 },
	{ "orphans", OPT_ORPHANS, NULL, 0, "Only buffers no process holds", 0 },
	{ "sort", 'x', "COLUMN", 0, "Sort by COLUMN: sizes and counts largest first, "
	  "the others ascending", 0 },
	{ 0 }
};

int parse_size(const char *s, uint64_t *bytes)
{
	static const char units[] = "KMGT";
	const char *u;
	uint64_t v = 0;
	size_t digits = strspn(s, "0123456789");
	char *num;
	int shift = 0, ret;

	if (!digits)
		return -EINVAL;
	if (s[digits]) {
		u = strchr(units, s[digits] & ~0x20);
		if (!u || !*u || s[digits + 1])
			return -EINVAL;
		shift = 10 * (int)(u - units + 1);
	}
	num = xasprintf("%.*s", (int)digits, s);
	ret = parse_u64(num, &v);
	free(num);
	if (ret)
		return ret;
	if (shift && v > (UINT64_MAX >> shift))
		return -ERANGE;
	*bytes = v << shift;
	return 0;
}

static void add_str(char ***arr, size_t *nr, const char *s)
{
	*arr = xrealloc(*arr, (*nr + 1) * sizeof(**arr));
	(*arr)[(*nr)++] = xstrdup(s);
}

static void add_pid(void *ctx, const char *item)
{
	struct buf_filter *f = ctx;
	pid_t pid;

	if (parse_pid(item, &pid))
		cli_usage("--pid: '%s': not a process id", item);
	f->pids = xrealloc(f->pids, (f->nr_pids + 1) * sizeof(*f->pids));
	f->pids[f->nr_pids++] = pid;
}

static void add_exporter(void *ctx, const char *item)
{
	struct buf_filter *f = ctx;

	add_str(&f->exporters, &f->nr_exporters, item);
}

static void add_importer(void *ctx, const char *item)
{
	struct buf_filter *f = ctx;

	add_str(&f->importers, &f->nr_importers, item);
}

static void add_device(void *ctx, const char *item)
{
	struct buf_filter *f = ctx;

	add_str(&f->devices, &f->nr_devices, item);
}

void filter_add_inode(struct buf_filter *f, uint64_t inode)
{
	f->inodes = xrealloc(f->inodes, (f->nr_inodes + 1) * sizeof(*f->inodes));
	f->inodes[f->nr_inodes++] = inode;
}

static error_t filter_parse(int key, char *arg, struct argp_state *state)
{
	struct buf_filter *f = state->input;
	uint64_t ino;
	int c;

	switch (key) {
	case ARGP_KEY_ARG:
		if (parse_u64(arg, &ino) || !ino)
			cli_usage("'%s': not an inode number", arg);
		filter_add_inode(f, ino);
		break;
	case 'p':
		cli_each_item("--pid", arg, add_pid, f);
		break;
	case 'e':
		cli_each_item("--exporter", arg, add_exporter, f);
		break;
	case OPT_NAME:
		/* Names may hold commas: one pattern per option. */
		add_str(&f->names, &f->nr_names, arg);
		break;
	case OPT_IMPORTER:
		cli_each_item("--importer", arg, add_importer, f);
		break;
	case OPT_DEVICE:
		cli_each_item("--device", arg, add_device, f);
		break;
	case OPT_MIN_SIZE:
		if (parse_size(arg, &f->min_size))
			cli_usage("--min-size: '%s': not a size (4096, 64K, 1M, 2G)", arg);
		break;
	case OPT_ORPHANS:
		f->orphans = true;
		break;
	case 'x':
		c = out_column_find(f->cols, f->nr_cols, arg, strlen(arg));
		if (c < 0)
			exit(EXIT_USAGE);
		f->sort = c;
		break;
	case ARGP_KEY_END:
		/* Refused before the scan: nothing could match. */
		if (f->orphans && gopts.source && strcmp(gopts.source, "procfs"))
			cli_usage("--orphans: --source %s does not see holders", gopts.source);
		if (f->nr_importers && gopts.source && !strcmp(gopts.source, "procfs"))
			cli_usage("--importer: --source procfs does not see importers");
		if (f->nr_devices && gopts.source && strcmp(gopts.source, "bpf"))
			cli_usage("--device: --source %s does not see exporters' devices",
				  gopts.source);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

const struct argp filter_argp = { filter_options, filter_parse, NULL, NULL, NULL, NULL, NULL };

static bool glob_any(char *const *globs, size_t nr, const char *s)
{
	size_t i;

	for (i = 0; i < nr; i++)
		if (!fnmatch(globs[i], s, 0))
			return true;
	return false;
}

bool filter_match(const struct buf_filter *f, const struct dmabuf *buf)
{
	size_t i, j;

	if (f->nr_inodes) {
		for (i = 0; i < f->nr_inodes && f->inodes[i] != buf->inode; i++)
			;
		if (i == f->nr_inodes)
			return false;
	}
	if (f->nr_exporters && (!buf->exporter ||
				!glob_any(f->exporters, f->nr_exporters, buf->exporter)))
		return false;
	if (f->nr_devices && (!buf->device ||
			      !glob_any(f->devices, f->nr_devices, buf->device)))
		return false;
	if (f->nr_names && !glob_any(f->names, f->nr_names, buf->name ? buf->name : ""))
		return false;
	if (f->min_size && buf->size < f->min_size)
		return false;
	if (f->orphans && buf->nr_holders)
		return false;
	if (f->nr_pids) {
		for (i = 0; i < buf->nr_holders; i++) {
			for (j = 0; j < f->nr_pids && f->pids[j] != buf->holders[i].pid; j++)
				;
			if (j < f->nr_pids)
				break;
		}
		if (i == buf->nr_holders)
			return false;
	}
	if (f->nr_importers) {
		for (i = 0; i < buf->nr_attachments; i++)
			if (glob_any(f->importers, f->nr_importers, buf->attachments[i].device))
				break;
		if (i == buf->nr_attachments)
			return false;
	}
	return true;
}

int filter_check_pids(const struct buf_filter *f)
{
	size_t i;
	int ret;

	for (i = 0; i < f->nr_pids; i++) {
		ret = cli_check_pid(f->pids[i]);
		if (ret)
			return ret;
	}
	return EXIT_OK;
}

int filter_check(const struct buf_filter *f, const struct dmabuf_set *set)
{
	size_t i;

	if (f->orphans && !out_holders_known(set)) {
		err_msg("--orphans", "cannot tell", "no process source could run");
		return EXIT_FAIL;
	}
	if (f->nr_importers) {
		for (i = 0; i < set->nr_bufs && !set->bufs[i]->attachments_known; i++)
			;
		if (set->nr_bufs && i == set->nr_bufs) {
			err_msg("--importer", "cannot tell",
				"no source that ran knows importers (debugfs, bpf)");
			return EXIT_FAIL;
		}
	}
	/* Only VFIO's buffers name a device, and only BPF reads it. */
	if (f->nr_devices && !set->status[DMABUF_SRC_BPF].used) {
		for (i = 0; i < set->nr_bufs && !vfio_exporter(set->bufs[i]->exporter); i++)
			;
		if (i < set->nr_bufs) {
			err_msg("--device", "cannot tell", "only the BPF iterator knows "
				"VFIO buffers' devices, and it did not run");
			return EXIT_FAIL;
		}
	}
	return EXIT_OK;
}

static bool keep(const struct dmabuf *buf, void *ctx)
{
	return filter_match(ctx, buf);
}

struct key_ctx {
	const struct buf_filter *f;
	struct dmabuf **bufs;
};

static void buf_key(size_t i, size_t col, struct sort_key *key, void *ctx)
{
	struct key_ctx *k = ctx;

	k->f->key(k->bufs[i], col, key);
}

void filter_apply(const struct buf_filter *f, struct dmabuf_set *set)
{
	struct key_ctx k = { f, set->bufs };
	size_t *order;

	dmabuf_set_keep(set, keep, (void *)f);
	if (f->sort < 0)
		return;
	k.bufs = set->bufs;
	order = sort_order(set->nr_bufs, (size_t)f->sort, f->cols[f->sort].flags & OUT_DESC,
			   buf_key, &k);
	sort_apply((void **)set->bufs, set->nr_bufs, order);
	free(order);
}

static void free_strs(char **arr, size_t nr)
{
	for (size_t i = 0; i < nr; i++)
		free(arr[i]);
	free(arr);
}

void filter_free(struct buf_filter *f)
{
	free(f->pids);
	free_strs(f->exporters, f->nr_exporters);
	free_strs(f->names, f->nr_names);
	free_strs(f->importers, f->nr_importers);
	free_strs(f->devices, f->nr_devices);
	free(f->inodes);
}

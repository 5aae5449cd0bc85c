// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dmabufctl list: one row per dma-buf, the default command.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "output.h"
#include "util.h"

enum {
	COL_INODE, COL_SIZE, COL_EXPORTER, COL_NAME, COL_REFS, COL_ATTACHED,
	COL_PROCESSES, COL_NATTACHED, COL_FLAGS, COL_MODE, COL_FDS, COL_MAPS,
	COL_NPROCS, COL_REVOKED, COL_SOURCES, COL_DEVICE, COL_BAR, COL_RANGES,
};

static const struct out_column cols[] = {
	[COL_INODE] = { "INODE", 8, OUT_RIGHT | OUT_DEFAULT, OUT_NUMBER,
		"inode number: the buffer's id (st_ino of its file)" },
	[COL_SIZE] = { "SIZE", 6, OUT_RIGHT | OUT_DEFAULT, OUT_SIZE,
		"buffer size" },
	[COL_EXPORTER] = { "EXPORTER", 10, OUT_DEFAULT, OUT_STRING,
		"exporting driver (exp_name)" },
	[COL_NAME] = { "NAME", 12, OUT_TRUNC | OUT_DEFAULT, OUT_STRING,
		"name set with DMA_BUF_SET_NAME, empty if none" },
	[COL_REFS] = { "REFS", 4, OUT_RIGHT | OUT_DEFAULT, OUT_NUMBER,
		"file reference count: fds, mappings and kernel users" },
	[COL_ATTACHED] = { "ATTACHED", 0.2, OUT_WRAP | OUT_DEFAULT, OUT_STRING,
		"importer devices, comma-separated; '-' if no source knows them" },
	[COL_PROCESSES] = { "PROCESSES", 0.3, OUT_WRAP | OUT_DEFAULT, OUT_STRING,
		"holders by fd or mapping, as comm[pid], comma-separated" },
	[COL_NATTACHED] = { "NATTACHED", 3, OUT_RIGHT, OUT_NUMBER,
		"number of attached devices" },
	[COL_FLAGS] = { "FLAGS", 8, OUT_RIGHT, OUT_NUMBER,
		"file flags (f_flags), octal" },
	[COL_MODE] = { "MODE", 8, OUT_RIGHT, OUT_NUMBER,
		"file mode (f_mode), hexadecimal" },
	[COL_FDS] = { "FDS", 3, OUT_RIGHT, OUT_NUMBER,
		"open file descriptors, all processes together" },
	[COL_MAPS] = { "MAPS", 3, OUT_RIGHT, OUT_NUMBER,
		"memory mappings, all processes together" },
	[COL_NPROCS] = { "NPROCS", 3, OUT_RIGHT, OUT_NUMBER,
		"number of processes holding it" },
	[COL_REVOKED] = { "REVOKED", 3, 0, OUT_BOOL,
		"yes/no where the kernel says (revoke series, VFIO), '-' elsewhere" },
	[COL_SOURCES] = { "SOURCES", 0.1, 0, OUT_STRING,
		"data sources that saw the buffer" },
	[COL_DEVICE] = { "DEVICE", 12, 0, OUT_STRING,
		"exporting device (VFIO: PCI address), '-' if unknown or none" },
	[COL_BAR] = { "BAR", 3, OUT_RIGHT, OUT_NUMBER,
		"PCI BAR of the exporting device the buffer is in (VFIO)" },
	[COL_RANGES] = { "RANGES", 0.2, OUT_WRAP, OUT_STRING,
		"ranges of the device memory, 0xOFFSET+LENGTH, comma-separated (VFIO)" },
};

struct list_args {
	pid_t pid;
	const char *exporter;
	uint64_t *inodes;
	size_t nr_inodes;
};

static const struct argp_option options[] = {
	{ "pid", 'p', "PID", 0, "Only buffers this process holds", 0 },
	{ "exporter", 'e', "NAME", 0, "Only buffers of this exporter (exact name)", 0 },
	{ 0 }
};

static error_t parse(int key, char *arg, struct argp_state *state)
{
	struct list_args *a = state->input;
	uint64_t ino;

	switch (key) {
	case 'p':
		if (parse_pid(arg, &a->pid))
			argp_error(state, "--pid: '%s': not a process id", arg);
		break;
	case 'e':
		if (!*arg)
			argp_error(state, "--exporter: empty name");
		a->exporter = arg;
		break;
	case ARGP_KEY_ARG:
		if (parse_u64(arg, &ino) || !ino)
			argp_error(state, "'%s': not an inode number", arg);
		a->inodes = xrealloc(a->inodes, (a->nr_inodes + 1) * sizeof(*a->inodes));
		a->inodes[a->nr_inodes++] = ino;
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp list_argp = {
	options, parse, "[INODE...]",
	"List dma-bufs: one row per buffer, with its importers and holders.\v"
	"Sizes are human-readable (K, M, G: base 1024) unless -b.  A totals line "
	"follows the table, except with -n, -r or -J (JSON has \"totals\").  "
	"An INODE that does not exist is reported and makes the exit status 2.",
	cli_table_children, NULL, NULL
};

/* The ATTACHED column: devices, or "-" when no source knows them. */
static char *join_attachments(const struct dmabuf *buf)
{
	struct out_join j;
	size_t i;

	if (!buf->attachments_known)
		return xstrdup("-");
	out_join_begin(&j, ",");
	for (i = 0; i < buf->nr_attachments; i++)
		out_join_add(&j, "%s", buf->attachments[i].device);
	return out_join_end(&j);
}

static void add_row(struct out_table *tb, const struct dmabuf *buf)
{
	size_t i, fds = 0, maps = 0;
	char *s;

	for (i = 0; i < buf->nr_holders; i++) {
		fds += buf->holders[i].nr_fds;
		maps += buf->holders[i].nr_maps;
	}
	out_table_line(tb);
	out_table_setf(tb, COL_INODE, "%llu", (unsigned long long)buf->inode);
	out_table_set_size(tb, COL_SIZE, buf->size);
	out_table_set(tb, COL_EXPORTER, buf->exporter ? buf->exporter : "-");
	out_table_set(tb, COL_NAME, buf->name ? buf->name : "");
	if (buf->refcount >= 0)
		out_table_setf(tb, COL_REFS, "%ld", buf->refcount);
	else
		out_table_set(tb, COL_REFS, "-");
	if (out_table_wants(tb, COL_ATTACHED)) {
		s = join_attachments(buf);
		out_table_set(tb, COL_ATTACHED, s);
		free(s);
	}
	if (out_table_wants(tb, COL_PROCESSES)) {
		s = out_holders(buf, OUT_HOLDERS_ALL, ",", false);
		out_table_set(tb, COL_PROCESSES, s);
		free(s);
	}
	if (buf->attachments_known)
		out_table_setf(tb, COL_NATTACHED, "%zu", buf->nr_attachments);
	else
		out_table_set(tb, COL_NATTACHED, "-");
	if (buf->flags_known)
		out_table_setf(tb, COL_FLAGS, "0%o", buf->flags);
	else
		out_table_set(tb, COL_FLAGS, "-");
	if (buf->mode_known)
		out_table_setf(tb, COL_MODE, "0x%x", buf->mode);
	else
		out_table_set(tb, COL_MODE, "-");
	out_table_setf(tb, COL_FDS, "%zu", fds);
	out_table_setf(tb, COL_MAPS, "%zu", maps);
	out_table_setf(tb, COL_NPROCS, "%zu", buf->nr_holders);
	out_table_set(tb, COL_REVOKED, buf->revoked < 0 ? "-" : buf->revoked ? "yes" : "no");
	if (out_table_wants(tb, COL_SOURCES)) {
		s = out_sources(buf);
		out_table_set(tb, COL_SOURCES, s);
		free(s);
	}
	out_table_set(tb, COL_DEVICE, buf->device ? buf->device : "-");
	if (buf->bar >= 0)
		out_table_setf(tb, COL_BAR, "%d", buf->bar);
	else
		out_table_set(tb, COL_BAR, "-");
	if (out_table_wants(tb, COL_RANGES)) {
		s = out_ranges(buf, ",");
		out_table_set(tb, COL_RANGES, s);
		free(s);
	}
}

static int print_json(const struct dmabuf_set *set)
{
	struct json_object *rest = json_object_new_object();
	struct json_object *tot = json_object_new_object();
	struct out_json_stream js;
	size_t i;

	out_json_stream_begin(&js, "dmabufs");
	for (i = 0; i < set->nr_bufs; i++)
		out_json_stream_item(&js, out_json_dmabuf(set->bufs[i], false));
	out_json_add(tot, "buffers", out_json_u64(set->nr_bufs));
	out_json_add(tot, "bytes", out_json_u64(dmabuf_set_bytes(set)));
	/* Without a process source every buffer would look unattributed. */
	out_json_add(tot, "unattributed_bytes", out_holders_known(set) ?
		     out_json_u64(dmabuf_set_orphan_bytes(set)) : NULL);
	out_json_add(rest, "totals", tot);
	out_json_meta(rest, set);
	return out_json_stream_end(&js, rest);
}

static int print_table(struct out_table *tb, const struct dmabuf_set *set)
{
	char total[24], orphan[24];
	size_t i;
	int ret;

	for (i = 0; i < set->nr_bufs; i++)
		add_row(tb, set->bufs[i]);
	ret = out_table_print(tb);
	if (ret || oopts.raw || oopts.noheadings)
		return ret;

	out_size(dmabuf_set_bytes(set), total, sizeof(total));
	printf("total: %zu buffer%s, %s", set->nr_bufs, set->nr_bufs == 1 ? "" : "s", total);
	if (out_holders_known(set))
		printf(", %s held by no process",
		       out_size(dmabuf_set_orphan_bytes(set), orphan, sizeof(orphan)));
	putchar('\n');
	return out_flush();
}

int cmd_list(int argc, char **argv)
{
	struct list_args a = { 0 };
	struct out_table *tb = NULL;
	struct dmabuf_set *set = NULL;
	int ret, missing = 0;
	size_t i;

	argp_parse(&list_argp, argc, argv, 0, NULL, &a);

	if (oopts.list_columns) {
		ret = cli_status(out_list_columns(cols, ARRAY_SIZE(cols)));
		goto cleanup;
	}
	/* Check -o before scanning: a usage error prints nothing on stdout. */
	if (!oopts.json) {
		ret = out_table_new(&tb, cols, ARRAY_SIZE(cols));
		if (ret) {
			ret = ret == -EINVAL ? EXIT_USAGE : cli_status(ret);
			goto cleanup;
		}
	}
	if (a.pid) {
		ret = cli_check_pid(a.pid);
		if (ret)
			goto cleanup;
	}
	/* Only fdinfo has the revoked mark: read it for every buffer then. */
	ret = cli_scan(&set, false, tb && out_table_wants(tb, COL_REVOKED));
	if (ret)
		goto cleanup;

	for (i = 0; i < a.nr_inodes; i++) {
		if (!dmabuf_find(set, a.inodes[i])) {
			char obj[24];

			snprintf(obj, sizeof(obj), "%llu", (unsigned long long)a.inodes[i]);
			err_msg(obj, "no such dma-buf", NULL);
			missing = 1;
		}
	}
	dmabuf_set_filter(set, a.pid, a.exporter, a.inodes, a.nr_inodes);
	out_warnings(set);

	ret = cli_status(oopts.json ? print_json(set) : print_table(tb, set));
	if (!ret && missing)
		ret = EXIT_NOTFOUND;
cleanup:
	out_table_free(tb);
	if (set)
		dmabuf_set_free(set);
	free(a.inodes);
	return ret;
}

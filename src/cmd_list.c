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
#include "clock.h"
#include "filter.h"
#include "list.h"
#include "output.h"
#include "util.h"

enum {
	COL_INODE, COL_SIZE, COL_EXPORTER, COL_NAME, COL_REFS, COL_ATTACHED,
	COL_PROCESSES, COL_NATTACHED, COL_FLAGS, COL_MODE, COL_FDS, COL_MAPS,
	COL_NPROCS, COL_REVOKED, COL_SOURCES, COL_GEM, COL_CGROUP, COL_DEVICE, COL_BAR,
	COL_RANGES,
};

const struct out_column list_cols[] = {
	[COL_INODE] = { "INODE", 8, OUT_RIGHT | OUT_DEFAULT, OUT_NUMBER,
		"inode number: the buffer's id (st_ino of its file)" },
	[COL_SIZE] = { "SIZE", 6, OUT_RIGHT | OUT_DEFAULT | OUT_DESC, OUT_SIZE,
		"buffer size" },
	[COL_EXPORTER] = { "EXPORTER", 10, OUT_DEFAULT, OUT_STRING,
		"exporting driver (exp_name)" },
	[COL_NAME] = { "NAME", 12, OUT_TRUNC | OUT_DEFAULT, OUT_STRING,
		"name set with DMA_BUF_SET_NAME, empty if none" },
	[COL_REFS] = { "REFS", 4, OUT_RIGHT | OUT_DEFAULT | OUT_DESC, OUT_NUMBER,
		"file reference count: fds, mappings and kernel users" },
	[COL_ATTACHED] = { "ATTACHED", 0.2, OUT_WRAP | OUT_DEFAULT, OUT_STRING,
		"importer devices, comma-separated; '-' if no source knows them" },
	[COL_PROCESSES] = { "PROCESSES", 0.3, OUT_WRAP | OUT_DEFAULT, OUT_STRING,
		"holders by fd, mapping or GEM handle, as comm[pid], comma-separated" },
	[COL_NATTACHED] = { "NATTACHED", 3, OUT_RIGHT | OUT_DESC, OUT_NUMBER,
		"number of attached devices" },
	[COL_FLAGS] = { "FLAGS", 8, OUT_RIGHT, OUT_NUMBER,
		"file flags (f_flags), octal" },
	[COL_MODE] = { "MODE", 8, OUT_RIGHT, OUT_NUMBER,
		"file mode (f_mode), hexadecimal" },
	[COL_FDS] = { "FDS", 3, OUT_RIGHT | OUT_DESC, OUT_NUMBER,
		"open file descriptors, all processes together" },
	[COL_MAPS] = { "MAPS", 3, OUT_RIGHT | OUT_DESC, OUT_NUMBER,
		"memory mappings, all processes together" },
	[COL_NPROCS] = { "NPROCS", 3, OUT_RIGHT | OUT_DESC, OUT_NUMBER,
		"number of processes holding it" },
	[COL_REVOKED] = { "REVOKED", 3, 0, OUT_BOOL,
		"yes/no where the kernel says (revoke series, VFIO), '-' elsewhere" },
	[COL_SOURCES] = { "SOURCES", 0.1, 0, OUT_STRING,
		"data sources that saw the buffer" },
	[COL_GEM] = { "GEM", 3, OUT_RIGHT, OUT_NUMBER,
		"GEM handles DRM files hold on it, all processes together" },
	[COL_CGROUP] = { "CGROUP", 0.2, OUT_WRAP, OUT_STRING,
		"the holders' cgroups (v2 paths), comma-separated" },
	[COL_DEVICE] = { "DEVICE", 12, 0, OUT_STRING,
		"exporting device (VFIO: PCI address), '-' if unknown or none" },
	[COL_BAR] = { "BAR", 3, OUT_RIGHT, OUT_NUMBER,
		"PCI BAR of the exporting device the buffer is in (VFIO)" },
	[COL_RANGES] = { "RANGES", 0.2, OUT_WRAP, OUT_STRING,
		"ranges of the device memory, 0xOFFSET+LENGTH, comma-separated (VFIO)" },
};

const size_t list_nr_cols = ARRAY_SIZE(list_cols);

static error_t parse(int key, char *arg, struct argp_state *state)
{
	error_t err;

	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = state->input;
		break;
	case ARGP_KEY_ARG:
		/* Without a command named, the first word may be one; an inode
		 * goes on to filter_argp. */
		err = cli_command_word(state, arg);
		return err ? err : ARGP_ERR_UNKNOWN;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

const struct argp_child list_children[] = {
	{ &filter_argp, 0, NULL, 0 },
	{ &output_argp, 0, "Output options:", 1 },
	{ &common_argp, 0, "Common options:", 2 },
	{ 0 }
};

static const struct argp list_argp = {
	NULL, parse, "[INODE...]",
	"List dma-bufs: one row per buffer, with its importers and holders.\v"
	"Sizes are human-readable (K, M, G: base 1024) unless -b.  A totals line "
	"follows the table, except with -n, -r or -J (JSON has \"totals\"), and "
	"counts the buffers listed.  Filters of one kind match any of their values, "
	"filters of different kinds must all match.  An INODE that does not exist "
	"is reported and makes the exit status 2.",
	list_children, NULL, NULL
};

static char *join_attachments(const struct dmabuf *buf);

/* --sort keys: numbers as numbers, lists and names as their text. */
static void sort_key(const struct dmabuf *buf, size_t col, struct sort_key *k)
{
	size_t i;

	k->known = true;
	switch (col) {
	case COL_INODE:
		k->num = buf->inode;
		break;
	case COL_SIZE:
		k->known = buf->size != 0;
		k->num = buf->size;
		break;
	case COL_REFS:
		k->known = buf->refcount >= 0;
		k->num = (uint64_t)buf->refcount;
		break;
	case COL_NATTACHED:
		k->known = buf->attachments_known;
		k->num = buf->nr_attachments;
		break;
	case COL_FLAGS:
		k->known = buf->flags_known;
		k->num = buf->flags;
		break;
	case COL_MODE:
		k->known = buf->mode_known;
		k->num = buf->mode;
		break;
	case COL_FDS:
	case COL_MAPS:
		for (i = 0; i < buf->nr_holders; i++)
			k->num += col == COL_FDS ? buf->holders[i].nr_fds : buf->holders[i].nr_maps;
		break;
	case COL_NPROCS:
		k->num = buf->nr_holders;
		break;
	case COL_REVOKED:
		k->known = buf->revoked >= 0;
		k->num = buf->revoked > 0;
		break;
	case COL_BAR:
		k->known = buf->bar >= 0;
		k->num = (uint64_t)buf->bar;
		break;
	case COL_RANGES:
		/* Where in the BAR: by the first range's offset. */
		k->known = buf->nr_ranges > 0;
		k->num = k->known ? buf->ranges[0].offset : 0;
		break;
	default:
		k->text = true;
		break;
	}
	if (!k->text)
		return;
	switch (col) {
	case COL_EXPORTER:
		k->known = buf->exporter != NULL;
		k->str = buf->exporter ? xstrdup(buf->exporter) : NULL;
		break;
	case COL_NAME:
		k->str = xstrdup(buf->name ? buf->name : "");
		break;
	case COL_ATTACHED:
		k->known = buf->attachments_known;
		k->str = join_attachments(buf);
		break;
	case COL_PROCESSES:
		k->str = out_holders(buf, OUT_HOLDERS_ALL, ",", false);
		break;
	case COL_DEVICE:
		k->known = buf->device != NULL;
		k->str = buf->device ? xstrdup(buf->device) : NULL;
		break;
	default:
		k->str = out_sources(buf);
		break;
	}
}

void list_filter_init(struct buf_filter *f)
{
	memset(f, 0, sizeof(*f));
	f->cols = list_cols;
	f->nr_cols = list_nr_cols;
	f->sort = -1;
	f->key = sort_key;
}

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

/* The CGROUP column: each holder's cgroup once, "-" for unknown ones. */
static char *join_cgroups(const struct dmabuf *buf)
{
	struct out_join j;
	size_t i, k;

	out_join_begin(&j, ",");
	for (i = 0; i < buf->nr_holders; i++) {
		const char *cg = buf->holders[i].cgroup ? buf->holders[i].cgroup : "-";

		for (k = 0; k < i; k++)
			if (!strcmp(cg, buf->holders[k].cgroup ? buf->holders[k].cgroup : "-"))
				break;
		if (k == i)
			out_join_add(&j, "%s", cg);
	}
	return out_join_end(&j);
}

void list_row(struct out_table *tb, const struct dmabuf *buf)
{
	size_t i, fds = 0, maps = 0, gems = 0;
	char *s;

	for (i = 0; i < buf->nr_holders; i++) {
		fds += buf->holders[i].nr_fds;
		maps += buf->holders[i].nr_maps;
		gems += buf->holders[i].nr_gems;
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
	if (buf->gems_known)
		out_table_setf(tb, COL_GEM, "%zu", gems);
	else
		out_table_set(tb, COL_GEM, "-");
	if (out_table_wants(tb, COL_CGROUP)) {
		s = join_cgroups(buf);
		out_table_set(tb, COL_CGROUP, s);
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

bool list_wants_fdinfo(const struct out_table *tb)
{
	/* Only fdinfo has the revoked mark: read it for every buffer then. */
	return tb && out_table_wants(tb, COL_REVOKED);
}

struct json_object *list_json_totals(const struct dmabuf_set *set, struct json_object *tot)
{
	if (!tot)
		tot = json_object_new_object();
	out_json_add(tot, "buffers", out_json_u64(set->nr_bufs));
	out_json_add(tot, "bytes", out_json_u64(dmabuf_set_bytes(set)));
	/* Without a process source every buffer would look unattributed. */
	out_json_add(tot, "unattributed_bytes", out_holders_known(set) ?
		     out_json_u64(dmabuf_set_orphan_bytes(set)) : NULL);
	return tot;
}

static int print_json(const struct dmabuf_set *set)
{
	struct json_object *rest = json_object_new_object();
	struct out_json_stream js;

	out_json_stream_begin(&js, "dmabufs");
	out_json_stream_dmabufs(&js, (const struct dmabuf *const *)set->bufs, set->nr_bufs);
	out_json_add(rest, "totals", list_json_totals(set, NULL));
	out_json_meta(rest, set);
	return out_json_stream_end(&js, rest);
}

static int print_table(struct out_table *tb, const struct dmabuf_set *set)
{
	char total[24], orphan[24];
	size_t i;
	int ret;

	for (i = 0; i < set->nr_bufs; i++)
		list_row(tb, set->bufs[i]);
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
	struct buf_filter f;
	struct out_table *tb = NULL;
	struct dmabuf_set *set = NULL;
	int ret, missing = 0;
	uint64_t t;
	size_t i;

	list_filter_init(&f);
	ret = cli_parse(&list_argp, argc, argv, &f);
	if (ret)	/* another command's name: main() runs it */
		goto cleanup;

	if (oopts.list_columns) {
		ret = cli_status(out_list_columns(list_cols, list_nr_cols));
		goto cleanup;
	}
	/* Check -o before scanning: a usage error prints nothing on stdout. */
	if (!oopts.json) {
		ret = out_table_new(&tb, list_cols, list_nr_cols);
		if (ret) {
			ret = ret == -EINVAL ? EXIT_USAGE : cli_status(ret);
			goto cleanup;
		}
	}
	ret = filter_check_pids(&f);
	if (ret)
		goto cleanup;
	ret = cli_scan(&set, false, list_wants_fdinfo(tb));
	if (ret)
		goto cleanup;
	ret = filter_check(&f, set);
	if (ret)
		goto cleanup;

	for (i = 0; i < f.nr_inodes; i++) {
		if (!dmabuf_find(set, f.inodes[i])) {
			char obj[24];

			snprintf(obj, sizeof(obj), "%llu", (unsigned long long)f.inodes[i]);
			err_msg(obj, "no such dma-buf", NULL);
			missing = 1;
		}
	}
	filter_apply(&f, set);
	out_warnings(set);

	t = mono_ns();
	ret = cli_status(oopts.json ? print_json(set) : print_table(tb, set));
	debug_step("list", oopts.json ? "JSON printed" : "table printed", &t);
	if (!ret && missing)
		ret = EXIT_NOTFOUND;
cleanup:
	out_table_free(tb);
	if (set) {
		t = mono_ns();
		dmabuf_set_free(set);
		debug_step("list", "model freed", &t);
	}
	filter_free(&f);
	return ret;
}

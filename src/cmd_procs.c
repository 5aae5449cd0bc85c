// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dmabufctl procs: per-process dma-buf totals, as Android's dmabuf_dump
 * reports them (RSS: whole buffers; PSS: each shared buffer split evenly
 * among its holders), largest RSS first, then the bytes no process holds.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "output.h"
#include "sort.h"
#include "util.h"

enum { COL_PID, COL_COMM, COL_BUFFERS, COL_RSS, COL_PSS };

static const struct out_column cols[] = {
	[COL_PID] = { "PID", 6, OUT_RIGHT | OUT_DEFAULT, OUT_NUMBER,
		"process id ('-' on the row of buffers no process holds)" },
	[COL_COMM] = { "COMM", 16, OUT_TRUNC | OUT_DEFAULT, OUT_STRING,
		"command name" },
	[COL_BUFFERS] = { "BUFFERS", 4, OUT_RIGHT | OUT_DEFAULT | OUT_DESC, OUT_NUMBER,
		"distinct buffers held by fd or mapping" },
	[COL_RSS] = { "RSS", 6, OUT_RIGHT | OUT_DEFAULT | OUT_DESC, OUT_SIZE,
		"sum of the sizes of those buffers" },
	[COL_PSS] = { "PSS", 6, OUT_RIGHT | OUT_DEFAULT | OUT_DESC, OUT_SIZE,
		"each buffer's size divided by its number of holders, summed" },
};

struct procs_args {
	pid_t *pids;
	size_t nr_pids;
	int sort;		/* column, or -1: by RSS */
};

static const struct argp_option options[] = {
	{ "pid", 'p', "PID", 0, "Only these processes (PID,... or repeated)", 0 },
	{ "sort", 'x', "COLUMN", 0, "Sort by COLUMN: sizes and counts largest first, "
	  "the others ascending (default: RSS)", 0 },
	{ 0 }
};

static void add_pid(void *ctx, const char *item)
{
	struct procs_args *a = ctx;
	pid_t pid;

	if (parse_pid(item, &pid))
		cli_usage("--pid: '%s': not a process id", item);
	a->pids = xrealloc(a->pids, (a->nr_pids + 1) * sizeof(*a->pids));
	a->pids[a->nr_pids++] = pid;
}

static error_t parse(int key, char *arg, struct argp_state *state)
{
	struct procs_args *a = state->input;
	int c;

	switch (key) {
	case 'p':
		cli_each_item("--pid", arg, add_pid, a);
		break;
	case 'x':
		c = out_column_find(cols, ARRAY_SIZE(cols), arg, strlen(arg));
		if (c < 0)
			exit(EXIT_USAGE);
		a->sort = c;
		break;
	case ARGP_KEY_ARG:
		cli_usage("'%s': unexpected argument", arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp procs_argp = {
	options, parse, NULL,
	"Per-process dma-buf totals, largest RSS first; the last row (PID '-') "
	"counts the buffers no process holds.\v"
	"With -p the table shows those processes only; JSON \"unattributed\" always "
	"covers the whole system (null when no process source could run).",
	cli_table_children, NULL, NULL
};

struct orphans {
	size_t buffers;
	uint64_t bytes;
};

static struct orphans count_orphans(const struct dmabuf_set *set)
{
	struct orphans o = { 0, dmabuf_set_orphan_bytes(set) };
	size_t i;

	for (i = 0; i < set->nr_bufs; i++)
		if (!set->bufs[i]->nr_holders)
			o.buffers++;
	return o;
}

static int print_json(const struct dmabuf_set *set, const struct dmabuf_proc *p,
		      size_t nr)
{
	struct json_object *root = json_object_new_object();
	struct json_object *arr = json_object_new_array();
	struct json_object *un = json_object_new_object();
	struct orphans o = count_orphans(set);
	bool known = out_holders_known(set);
	size_t i;

	for (i = 0; i < nr; i++) {
		struct json_object *obj = json_object_new_object();

		out_json_add(obj, "pid", json_object_new_int(p[i].pid));
		out_json_add(obj, "comm", out_json_str(p[i].comm));
		out_json_add(obj, "buffers", out_json_u64(p[i].nr_bufs));
		out_json_add(obj, "rss", out_json_u64(p[i].rss));
		out_json_add(obj, "pss", out_json_u64(p[i].pss));
		json_object_array_add(arr, obj);
	}
	out_json_add(root, "processes", arr);
	out_json_add(un, "buffers", known ? out_json_u64(o.buffers) : NULL);
	out_json_add(un, "bytes", known ? out_json_u64(o.bytes) : NULL);
	out_json_add(root, "unattributed", un);
	out_json_meta(root, set);
	return out_json_print(root);
}

static int print_table(struct out_table *tb, const struct dmabuf_set *set,
		       const struct dmabuf_proc *p, size_t nr, bool all)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		out_table_line(tb);
		out_table_setf(tb, COL_PID, "%d", (int)p[i].pid);
		out_table_set(tb, COL_COMM, p[i].comm ? p[i].comm : "?");
		out_table_setf(tb, COL_BUFFERS, "%zu", p[i].nr_bufs);
		out_table_set_size(tb, COL_RSS, p[i].rss);
		out_table_set_size(tb, COL_PSS, p[i].pss);
	}
	if (all && out_holders_known(set)) {
		struct orphans o = count_orphans(set);

		out_table_line(tb);
		out_table_set(tb, COL_PID, "-");
		out_table_set(tb, COL_COMM, "(no process)");
		out_table_setf(tb, COL_BUFFERS, "%zu", o.buffers);
		/* Sizes here are known: 0 means none, not unknown ("-"). */
		if (o.bytes) {
			out_table_set_size(tb, COL_RSS, o.bytes);
			out_table_set_size(tb, COL_PSS, o.bytes);
		} else {
			out_table_set(tb, COL_RSS, "0");
			out_table_set(tb, COL_PSS, "0");
		}
	}
	return out_table_print(tb);
}

static void proc_key(size_t i, size_t col, struct sort_key *k, void *ctx)
{
	const struct dmabuf_proc *p = (const struct dmabuf_proc *)ctx + i;

	k->known = true;
	switch (col) {
	case COL_PID:
		k->num = (uint64_t)p->pid;
		break;
	case COL_COMM:
		k->known = p->comm != NULL;
		k->text = true;
		k->str = p->comm ? xstrdup(p->comm) : NULL;
		break;
	case COL_BUFFERS:
		k->num = p->nr_bufs;
		break;
	case COL_RSS:
		k->num = p->rss;
		break;
	default:
		k->num = p->pss;
		break;
	}
}

/* Keep -p's processes, in --sort order: the new count. */
static size_t select_procs(struct dmabuf_proc *p, size_t nr, const struct procs_args *a)
{
	struct dmabuf_proc *copy;
	size_t i, j, n = 0, *order;

	for (i = 0; i < nr; i++) {
		for (j = 0; j < a->nr_pids && a->pids[j] != p[i].pid; j++)
			;
		if (!a->nr_pids || j < a->nr_pids)
			p[n++] = p[i];
	}
	if (a->sort < 0)
		return n;
	order = sort_order(n, (size_t)a->sort, cols[a->sort].flags & OUT_DESC, proc_key, p);
	copy = xcalloc(n, sizeof(*copy));
	for (i = 0; i < n; i++)
		copy[i] = p[order[i]];
	memcpy(p, copy, n * sizeof(*p));
	free(copy);
	free(order);
	return n;
}

int cmd_procs(int argc, char **argv)
{
	struct procs_args a = { .sort = -1 };
	struct out_table *tb = NULL;
	struct dmabuf_set *set = NULL;
	struct dmabuf_proc *p = NULL;
	size_t i, nr = 0;
	int ret;

	cli_parse(&procs_argp, argc, argv, &a);

	if (oopts.list_columns) {
		ret = cli_status(out_list_columns(cols, ARRAY_SIZE(cols)));
		goto cleanup;
	}
	if (!oopts.json) {
		ret = out_table_new(&tb, cols, ARRAY_SIZE(cols));
		if (ret) {
			ret = ret == -EINVAL ? EXIT_USAGE : cli_status(ret);
			goto cleanup;
		}
	}
	for (i = 0; i < a.nr_pids; i++) {
		ret = cli_check_pid(a.pids[i]);
		if (ret)
			goto cleanup;
	}
	ret = cli_scan(&set, false, false);
	if (ret)
		goto cleanup;
	out_warnings(set);

	p = dmabuf_set_procs(set, &nr);
	nr = select_procs(p, nr, &a);
	ret = cli_status(oopts.json ? print_json(set, p, nr) :
			 print_table(tb, set, p, nr, !a.nr_pids));
cleanup:
	free(p);
	free(a.pids);
	out_table_free(tb);
	if (set)
		dmabuf_set_free(set);
	return ret;
}

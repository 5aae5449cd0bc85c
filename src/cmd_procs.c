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

enum { COL_PID, COL_COMM, COL_BUFFERS, COL_RSS, COL_PSS, COL_CGROUP };

static const struct out_column cols[] = {
	[COL_PID] = { "PID", 6, OUT_RIGHT | OUT_DEFAULT, OUT_NUMBER,
		"process id ('-' on the row of buffers no process holds)" },
	[COL_COMM] = { "COMM", 16, OUT_TRUNC | OUT_DEFAULT, OUT_STRING,
		"command name" },
	[COL_BUFFERS] = { "BUFFERS", 4, OUT_RIGHT | OUT_DEFAULT | OUT_DESC, OUT_NUMBER,
		"distinct buffers held by fd, mapping or GEM handle" },
	[COL_RSS] = { "RSS", 6, OUT_RIGHT | OUT_DEFAULT | OUT_DESC, OUT_SIZE,
		"sum of the sizes of those buffers" },
	[COL_PSS] = { "PSS", 6, OUT_RIGHT | OUT_DEFAULT | OUT_DESC, OUT_SIZE,
		"each buffer's size divided by its number of holders, summed" },
	[COL_CGROUP] = { "CGROUP", 0.3, OUT_TRUNC, OUT_STRING,
		"the process's cgroup (v2 path)" },
};

/* --by: the key column takes the group's name. */
enum { GCOL_KEY, GCOL_PROCS, GCOL_BUFFERS, GCOL_RSS, GCOL_PSS };

#define GROUP_COLS(key, help) {							\
	[GCOL_KEY] = { key, 0.3, OUT_TRUNC | OUT_DEFAULT, OUT_STRING, help },	\
	[GCOL_PROCS] = { "PROCS", 5, OUT_RIGHT | OUT_DEFAULT, OUT_NUMBER,	\
		"processes of the group holding buffers" },			\
	[GCOL_BUFFERS] = { "BUFFERS", 4, OUT_RIGHT | OUT_DEFAULT, OUT_NUMBER,	\
		"distinct buffers they hold" },					\
	[GCOL_RSS] = { "RSS", 6, OUT_RIGHT | OUT_DEFAULT, OUT_SIZE,		\
		"sum of the sizes of those buffers, each once" },		\
	[GCOL_PSS] = { "PSS", 6, OUT_RIGHT | OUT_DEFAULT, OUT_SIZE,		\
		"the processes' PSS summed" },					\
}

static const struct out_column cgroup_cols[] = GROUP_COLS("CGROUP",
	"cgroup v2 path ('-' unknown; on the last row, buffers no process holds)");
static const struct out_column exporter_cols[] = GROUP_COLS("EXPORTER",
	"exporter ('-' unknown; on the last row, buffers no process holds)");

struct procs_args {
	pid_t *pids;
	size_t nr_pids;
	int sort;		/* column, or -1: by RSS */
	int by;			/* -1: per process, else enum dmabuf_group_by */
};

enum { OPT_BY = 0x400 };

static const struct argp_option options[] = {
	{ "pid", 'p', "PID", 0, "Only these processes (PID,... or repeated)", 0 },
	{ "sort", 'x', "COLUMN", 0, "Sort by COLUMN: sizes and counts largest first, "
	  "the others ascending (default: RSS)", 0 },
	{ "by", OPT_BY, "GROUP", 0, "Totals per group: cgroup or exporter", 0 },
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
	case OPT_BY:
		if (!strcmp(arg, "cgroup"))
			a->by = DMABUF_BY_CGROUP;
		else if (!strcmp(arg, "exporter"))
			a->by = DMABUF_BY_EXPORTER;
		else
			cli_usage("--by: '%s': not cgroup or exporter", arg);
		break;
	case ARGP_KEY_END:
		if (a->nr_pids && a->by >= 0)
			cli_usage("--pid and --by are mutually exclusive");
		if (a->sort >= 0 && a->by >= 0)
			cli_usage("--sort and --by are mutually exclusive");
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
	"covers the whole system (null when no process source could run).  "
	"--by cgroup sums per cgroup (v2) of the holders, --by exporter per exporter: "
	"RSS counts each buffer a group holds once, PSS sums its processes' PSS.",
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

/* The last row: the buffers no process holds. */
static void orphans_row(struct out_table *tb, const struct dmabuf_set *set, size_t col_bufs,
			size_t col_rss, size_t col_pss)
{
	struct orphans o = count_orphans(set);

	out_table_setf(tb, col_bufs, "%zu", o.buffers);
	/* Sizes here are known: 0 means none, not unknown ("-"). */
	if (o.bytes) {
		out_table_set_size(tb, col_rss, o.bytes);
		out_table_set_size(tb, col_pss, o.bytes);
	} else {
		out_table_set(tb, col_rss, "0");
		out_table_set(tb, col_pss, "0");
	}
}

/* "unattributed": the whole system's buffers no process holds. */
static void add_unattributed(struct json_object *root, const struct dmabuf_set *set)
{
	struct json_object *un = json_object_new_object();
	struct orphans o = count_orphans(set);
	bool known = out_holders_known(set);

	out_json_add(un, "buffers", known ? out_json_u64(o.buffers) : NULL);
	out_json_add(un, "bytes", known ? out_json_u64(o.bytes) : NULL);
	out_json_add(root, "unattributed", un);
}

static int print_json(const struct dmabuf_set *set, const struct dmabuf_proc *p,
		      size_t nr)
{
	struct json_object *root = json_object_new_object();
	struct json_object *arr = json_object_new_array();
	size_t i;

	for (i = 0; i < nr; i++) {
		struct json_object *obj;

		obj = json_object_new_object();
		out_json_add(obj, "pid", json_object_new_int(p[i].pid));
		out_json_add(obj, "comm", out_json_str(p[i].comm));
		out_json_add(obj, "buffers", out_json_u64(p[i].nr_bufs));
		out_json_add(obj, "rss", out_json_u64(p[i].rss));
		out_json_add(obj, "pss", out_json_u64(p[i].pss));
		out_json_add(obj, "cgroup", out_json_str(p[i].cgroup));
		json_object_array_add(arr, obj);
	}
	out_json_add(root, "processes", arr);
	add_unattributed(root, set);
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
		out_table_set(tb, COL_CGROUP, p[i].cgroup ? p[i].cgroup : "-");
	}
	if (all && out_holders_known(set)) {
		out_table_line(tb);
		out_table_set(tb, COL_PID, "-");
		out_table_set(tb, COL_COMM, "(no process)");
		orphans_row(tb, set, COL_BUFFERS, COL_RSS, COL_PSS);
	}
	return out_table_print(tb);
}

/* ---- --by ---- */

static const char *const by_keys[] = {
	[DMABUF_BY_CGROUP] = "cgroup",
	[DMABUF_BY_EXPORTER] = "exporter",
};

static int print_groups_json(const struct dmabuf_set *set, const struct dmabuf_group *g,
			     size_t nr, int by)
{
	struct json_object *root = json_object_new_object();
	struct json_object *arr = out_json_array(nr);
	size_t i;

	for (i = 0; i < nr; i++) {
		struct json_object *obj = json_object_new_object();

		out_json_add(obj, by_keys[by], out_json_str(g[i].key));
		out_json_add(obj, "processes", out_json_u64(g[i].nr_procs));
		out_json_add(obj, "buffers", out_json_u64(g[i].nr_bufs));
		out_json_add(obj, "rss", out_json_u64(g[i].rss));
		out_json_add(obj, "pss", out_json_u64(g[i].pss));
		json_object_array_add(arr, obj);
	}
	out_json_add(root, "by", json_object_new_string(by_keys[by]));
	out_json_add(root, "groups", arr);
	add_unattributed(root, set);
	out_json_meta(root, set);
	return out_json_print(root);
}

static int print_groups_table(struct out_table *tb, const struct dmabuf_set *set,
			      const struct dmabuf_group *g, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		out_table_line(tb);
		out_table_set(tb, GCOL_KEY, g[i].key ? g[i].key : "-");
		out_table_setf(tb, GCOL_PROCS, "%zu", g[i].nr_procs);
		out_table_setf(tb, GCOL_BUFFERS, "%zu", g[i].nr_bufs);
		out_table_set_size(tb, GCOL_RSS, g[i].rss);
		out_table_set_size(tb, GCOL_PSS, g[i].pss);
	}
	if (out_holders_known(set)) {
		out_table_line(tb);
		out_table_set(tb, GCOL_KEY, "(no process)");
		out_table_set(tb, GCOL_PROCS, "0");
		orphans_row(tb, set, GCOL_BUFFERS, GCOL_RSS, GCOL_PSS);
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
	case COL_CGROUP:
		k->known = p->cgroup != NULL;
		k->text = true;
		k->str = p->cgroup ? xstrdup(p->cgroup) : NULL;
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
	struct procs_args a = { .sort = -1, .by = -1 };
	const struct out_column *c = cols;
	struct out_table *tb = NULL;
	struct dmabuf_set *set = NULL;
	struct dmabuf_proc *p = NULL;
	struct dmabuf_group *g = NULL;
	size_t i, nr = 0, nc = ARRAY_SIZE(cols);
	int ret;

	cli_parse(&procs_argp, argc, argv, &a);

	if (a.by >= 0) {
		c = a.by == DMABUF_BY_CGROUP ? cgroup_cols : exporter_cols;
		nc = ARRAY_SIZE(cgroup_cols);
	}
	if (oopts.list_columns) {
		ret = cli_status(out_list_columns(c, nc));
		goto cleanup;
	}
	if (!oopts.json) {
		ret = out_table_new(&tb, c, nc);
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

	if (a.by >= 0) {
		g = dmabuf_set_groups(set, a.by, &nr);
		ret = cli_status(oopts.json ? print_groups_json(set, g, nr, a.by) :
				 print_groups_table(tb, set, g, nr));
		goto cleanup;
	}
	p = dmabuf_set_procs(set, &nr);
	nr = select_procs(p, nr, &a);
	ret = cli_status(oopts.json ? print_json(set, p, nr) :
			 print_table(tb, set, p, nr, !a.nr_pids));
cleanup:
	free(p);
	free(g);
	free(a.pids);
	out_table_free(tb);
	if (set)
		dmabuf_set_free(set);
	return ret;
}

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
#include "util.h"

enum { COL_PID, COL_COMM, COL_BUFFERS, COL_RSS, COL_PSS };

static const struct out_column cols[] = {
	[COL_PID] = { "PID", 6, OUT_RIGHT | OUT_DEFAULT, OUT_NUMBER,
		"process id ('-' on the row of buffers no process holds)" },
	[COL_COMM] = { "COMM", 16, OUT_TRUNC | OUT_DEFAULT, OUT_STRING,
		"command name" },
	[COL_BUFFERS] = { "BUFFERS", 4, OUT_RIGHT | OUT_DEFAULT, OUT_NUMBER,
		"distinct buffers held by fd or mapping" },
	[COL_RSS] = { "RSS", 6, OUT_RIGHT | OUT_DEFAULT, OUT_SIZE,
		"sum of the sizes of those buffers" },
	[COL_PSS] = { "PSS", 6, OUT_RIGHT | OUT_DEFAULT, OUT_SIZE,
		"each buffer's size divided by its number of holders, summed" },
};

static const struct argp_option options[] = {
	{ "pid", 'p', "PID", 0, "Only this process", 0 },
	{ 0 }
};

static error_t parse(int key, char *arg, struct argp_state *state)
{
	pid_t *pid = state->input;

	switch (key) {
	case 'p':
		if (parse_pid(arg, pid))
			argp_error(state, "--pid: '%s': not a process id", arg);
		break;
	case ARGP_KEY_ARG:
		argp_error(state, "'%s': unexpected argument", arg);
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
	"With -p the table shows that process only; JSON \"unattributed\" always "
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
		      size_t nr, pid_t pid)
{
	struct json_object *root = json_object_new_object();
	struct json_object *arr = json_object_new_array();
	struct json_object *un = json_object_new_object();
	struct orphans o = count_orphans(set);
	bool known = out_holders_known(set);
	size_t i;

	for (i = 0; i < nr; i++) {
		struct json_object *obj;

		if (pid && p[i].pid != pid)
			continue;
		obj = json_object_new_object();
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
		       const struct dmabuf_proc *p, size_t nr, pid_t pid)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		if (pid && p[i].pid != pid)
			continue;
		out_table_line(tb);
		out_table_setf(tb, COL_PID, "%d", (int)p[i].pid);
		out_table_set(tb, COL_COMM, p[i].comm ? p[i].comm : "?");
		out_table_setf(tb, COL_BUFFERS, "%zu", p[i].nr_bufs);
		out_table_set_size(tb, COL_RSS, p[i].rss);
		out_table_set_size(tb, COL_PSS, p[i].pss);
	}
	if (!pid && out_holders_known(set)) {
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

int cmd_procs(int argc, char **argv)
{
	struct out_table *tb = NULL;
	struct dmabuf_set *set = NULL;
	struct dmabuf_proc *p = NULL;
	pid_t pid = 0;
	size_t nr = 0;
	int ret;

	argp_parse(&procs_argp, argc, argv, 0, NULL, &pid);

	if (oopts.list_columns)
		return cli_status(out_list_columns(cols, ARRAY_SIZE(cols)));
	if (!oopts.json) {
		ret = out_table_new(&tb, cols, ARRAY_SIZE(cols));
		if (ret) {
			ret = ret == -EINVAL ? EXIT_USAGE : cli_status(ret);
			goto cleanup;
		}
	}
	if (pid) {
		ret = cli_check_pid(pid);
		if (ret)
			goto cleanup;
	}
	ret = cli_scan(&set, false, false);
	if (ret)
		goto cleanup;
	out_warnings(set);

	p = dmabuf_set_procs(set, &nr);
	ret = cli_status(oopts.json ? print_json(set, p, nr, pid) :
			 print_table(tb, set, p, nr, pid));
cleanup:
	free(p);
	out_table_free(tb);
	if (set)
		dmabuf_set_free(set);
	return ret;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dmabufctl diff OLD.json NEW.json: what changed between two `list -J`
 * snapshots, as leak hunting needs it: buffers created and released (by
 * inode), resized or otherwise changed, and how much each process's
 * buffers grew.  The snapshots are read whole (snapshot.c checks them);
 * "-" is standard input.
 */
#include <argp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "change.h"
#include "cli.h"
#include "list.h"
#include "output.h"
#include "snapshot.h"
#include "util.h"

/* No list -J of a real system is near this. */
#define SNAPSHOT_MAX	(256u << 20)

struct diff_args {
	const char *files[2];
	int nr_files;
	bool exit_code;
};

enum { OPT_EXIT_CODE = 0x600 };

static const struct argp_option options[] = {
	{ "exit-code", OPT_EXIT_CODE, NULL, 0, "Exit with status 13 when a buffer was created, "
	  "released or changed", 0 },
	{ 0 }
};

static error_t parse(int key, char *arg, struct argp_state *state)
{
	struct diff_args *a = state->input;

	switch (key) {
	case OPT_EXIT_CODE:
		a->exit_code = true;
		break;
	case ARGP_KEY_ARG:
		if (a->nr_files == 2)
			cli_usage("'%s': two snapshots only, OLD and NEW", arg);
		if (!*arg)
			cli_usage("empty file name");
		a->files[a->nr_files++] = arg;
		break;
	case ARGP_KEY_END:
		if (a->nr_files < 2)
			cli_usage("missing %s snapshot (dmabufctl list -J > FILE makes one)",
				  a->nr_files ? "NEW" : "OLD");
		if (!strcmp(a->files[0], "-") && !strcmp(a->files[1], "-"))
			cli_usage("-: standard input for one snapshot only");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

/* No common options: diff reads files, not the system. */
static const struct argp_child children[] = {
	{ &output_argp, 0, "Output options:", 1 },
	{ &cli_help_argp, 0, "Common options:", 2 },
	{ 0 }
};

static const struct argp diff_argp = {
	options, parse, "OLD.json NEW.json",
	"Compare two snapshots taken with 'dmabufctl list -J': buffers created, "
	"released, resized or otherwise changed (by inode), and each process's "
	"growth in buffers, RSS and PSS.  '-' reads a snapshot from standard input.\v"
	"Exit status 0 when compared (13 with --exit-code when they differ), 65 when "
	"a file is not a list -J snapshot (corrupt, truncated, another document), "
	"66 when a file cannot be read.",
	children, NULL, NULL
};

/* The whole file (or stdin), up to SNAPSHOT_MAX: 0, or the exit status
 * after one line naming the file. */
static int read_snapshot(const char *path, struct snapshot **s)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "re") : stdin;
	size_t len = 0, alloc = 1 << 16;
	char *text, *why;
	int ret;

	if (!f) {
		err_errno(path, "cannot open", errno);
		return EXIT_NOINPUT;
	}
	text = xmalloc(alloc);
	for (;;) {
		size_t n = fread(text + len, 1, alloc - len, f);

		len += n;
		if (n == 0 || len > SNAPSHOT_MAX)
			break;
		if (len == alloc)
			text = xrealloc(text, alloc *= 2);
	}
	ret = ferror(f) ? errno ? errno : EIO : 0;
	if (f != stdin)
		fclose(f);
	if (ret) {
		err_errno(path, "cannot read", ret);
		free(text);
		return EXIT_NOINPUT;
	}
	if (len > SNAPSHOT_MAX) {
		err_msg(path, "not a dmabufctl list -J snapshot", "larger than 256 MiB");
		free(text);
		return EXIT_DATAERR;
	}
	if (snapshot_parse(text, len, s, &why)) {
		char *safe = out_escape(why);

		err_msg(path, safe, NULL);
		free(safe);
		free(why);
		free(text);
		return EXIT_DATAERR;
	}
	free(text);
	return EXIT_OK;
}

struct diff {
	const struct dmabuf_set *old, *new;
	/* every inode of either set with its change, by inode */
	const struct dmabuf **bufs;	/* new's, or old's when released */
	enum buf_change *changes;
	uint64_t *old_size;
	size_t nr;
	struct proc_change *procs;
	size_t nr_procs;
	size_t count[BUF_CHANGED + 1];
};

static void diff_compute(struct diff *d)
{
	size_t i = 0, j = 0, no = d->old->nr_bufs, nn = d->new->nr_bufs;

	d->bufs = xcalloc(no + nn, sizeof(*d->bufs));
	d->changes = xcalloc(no + nn, sizeof(*d->changes));
	d->old_size = xcalloc(no + nn, sizeof(*d->old_size));
	/* Both sets are sorted by inode: merge them. */
	while (i < no || j < nn) {
		const struct dmabuf *a = i < no ? d->old->bufs[i] : NULL;
		const struct dmabuf *b = j < nn ? d->new->bufs[j] : NULL;
		enum buf_change c;

		if (a && b && a->inode != b->inode) {
			if (a->inode < b->inode)
				b = NULL;
			else
				a = NULL;
		}
		i += a != NULL;
		j += b != NULL;
		c = buf_compare(a, b);
		d->count[c]++;
		if (c == BUF_SAME)
			continue;
		d->bufs[d->nr] = b ? b : a;
		d->old_size[d->nr] = a ? a->size : 0;
		d->changes[d->nr++] = c;
	}
	d->procs = proc_changes(d->old, d->new, &d->nr_procs);
}

static void diff_free(struct diff *d)
{
	free(d->bufs);
	free(d->changes);
	free(d->old_size);
	free(d->procs);
}

static int64_t growth(uint64_t old, uint64_t new)
{
	return (int64_t)(new - old);
}

static struct json_object *side(const char *file, const struct dmabuf_set *set)
{
	struct json_object *o = json_object_new_object();

	out_json_add(o, "file", out_json_str(file));
	return list_json_totals(set, o);
}

static struct json_object *json_growth(int64_t v)
{
	return json_object_new_int64(v);
}

static int print_json(const struct diff *d, const struct diff_args *a)
{
	static const char *const keys[] = {
		[BUF_NEW] = "created", [BUF_RELEASED] = "released", [BUF_RESIZED] = "resized",
	};
	struct json_object *root = json_object_new_object(), *arr[BUF_CHANGED + 1];
	struct json_object *procs = json_object_new_array(), *tot = json_object_new_object();
	bool known = out_holders_known(d->old) && out_holders_known(d->new);
	size_t i;
	int c;

	out_json_add(root, "old", side(a->files[0], d->old));
	out_json_add(root, "new", side(a->files[1], d->new));
	for (c = BUF_NEW; c <= BUF_CHANGED; c++)
		arr[c] = c <= BUF_RESIZED ? json_object_new_array() : NULL;
	arr[BUF_GROWN] = arr[BUF_SHRUNK] = arr[BUF_CHANGED] = json_object_new_array();
	for (i = 0; i < d->nr; i++) {
		struct json_object *o = change_json(d->bufs[i], d->changes[i]);

		if (d->changes[i] == BUF_RESIZED)
			out_json_add(o, "old_size", out_json_u64(d->old_size[i]));
		json_object_array_add(arr[d->changes[i]], o);
	}
	for (c = BUF_NEW; c <= BUF_RESIZED; c++)
		out_json_add(root, keys[c], arr[c]);
	out_json_add(root, "changed", arr[BUF_CHANGED]);

	for (i = 0; i < d->nr_procs; i++) {
		const struct proc_change *p = &d->procs[i];
		struct json_object *o = json_object_new_object();

		out_json_add(o, "pid", json_object_new_int(p->pid));
		out_json_add(o, "comm", out_json_str(p->comm));
		out_json_add(o, "buffers", out_json_u64(p->new_bufs));
		out_json_add(o, "rss", out_json_u64(p->new_rss));
		out_json_add(o, "pss", out_json_u64(p->new_pss));
		out_json_add(o, "buffers_growth", json_growth((int64_t)p->new_bufs -
							      (int64_t)p->old_bufs));
		out_json_add(o, "rss_growth", json_growth(growth(p->old_rss, p->new_rss)));
		out_json_add(o, "pss_growth", json_growth(growth(p->old_pss, p->new_pss)));
		json_object_array_add(procs, o);
	}
	out_json_add(root, "processes", procs);

	out_json_add(tot, "created", out_json_u64(d->count[BUF_NEW]));
	out_json_add(tot, "released", out_json_u64(d->count[BUF_RELEASED]));
	out_json_add(tot, "resized", out_json_u64(d->count[BUF_RESIZED]));
	out_json_add(tot, "changed", out_json_u64(d->count[BUF_GROWN] + d->count[BUF_SHRUNK] +
						  d->count[BUF_CHANGED]));
	out_json_add(tot, "buffers_growth", json_growth((int64_t)d->new->nr_bufs -
							(int64_t)d->old->nr_bufs));
	out_json_add(tot, "bytes_growth", json_growth(growth(dmabuf_set_bytes(d->old),
							     dmabuf_set_bytes(d->new))));
	out_json_add(tot, "unattributed_bytes_growth", known ?
		     json_growth(growth(dmabuf_set_orphan_bytes(d->old),
					dmabuf_set_orphan_bytes(d->new))) : NULL);
	out_json_add(root, "totals", tot);
	return out_json_print(root);
}

enum { PCOL_PID, PCOL_COMM, PCOL_BUFFERS, PCOL_GBUFFERS, PCOL_RSS, PCOL_GRSS, PCOL_PSS,
       PCOL_GPSS };

static const struct out_column proc_cols[] = {
	[PCOL_PID] = { "PID", 6, OUT_RIGHT | OUT_DEFAULT, OUT_NUMBER, "process id" },
	[PCOL_COMM] = { "COMM", 16, OUT_TRUNC | OUT_DEFAULT, OUT_STRING, "command name" },
	[PCOL_BUFFERS] = { "BUFFERS", 4, OUT_RIGHT | OUT_DEFAULT, OUT_NUMBER, "buffers now" },
	[PCOL_GBUFFERS] = { "+BUFFERS", 4, OUT_RIGHT | OUT_DEFAULT, OUT_NUMBER, "their growth" },
	[PCOL_RSS] = { "RSS", 6, OUT_RIGHT | OUT_DEFAULT, OUT_SIZE, "RSS now" },
	[PCOL_GRSS] = { "+RSS", 6, OUT_RIGHT | OUT_DEFAULT, OUT_SIZE, "its growth" },
	[PCOL_PSS] = { "PSS", 6, OUT_RIGHT | OUT_DEFAULT, OUT_SIZE, "PSS now" },
	[PCOL_GPSS] = { "+PSS", 6, OUT_RIGHT | OUT_DEFAULT, OUT_SIZE, "its growth" },
};

static void set_bytes(struct out_table *tb, size_t col, uint64_t bytes)
{
	if (bytes)
		out_table_set_size(tb, col, bytes);
	else
		out_table_set(tb, col, "0");
}

static int print_procs(const struct diff *d)
{
	struct out_table *tb;
	char g[32];
	size_t i;
	int ret;

	ret = out_table_new_spec(&tb, proc_cols, ARRAY_SIZE(proc_cols), NULL);
	if (ret)
		return ret;
	for (i = 0; i < d->nr_procs; i++) {
		const struct proc_change *p = &d->procs[i];

		out_table_line(tb);
		out_table_setf(tb, PCOL_PID, "%d", (int)p->pid);
		out_table_set(tb, PCOL_COMM, p->comm ? p->comm : "?");
		out_table_setf(tb, PCOL_BUFFERS, "%zu", p->new_bufs);
		out_table_setf(tb, PCOL_GBUFFERS, "%+lld",
			       (long long)p->new_bufs - (long long)p->old_bufs);
		/* 0 here is a fact, not "unknown" ('-'). */
		set_bytes(tb, PCOL_RSS, p->new_rss);
		out_table_set(tb, PCOL_GRSS, change_size(growth(p->old_rss, p->new_rss), g,
							 sizeof(g)));
		set_bytes(tb, PCOL_PSS, p->new_pss);
		out_table_set(tb, PCOL_GPSS, change_size(growth(p->old_pss, p->new_pss), g,
							 sizeof(g)));
	}
	ret = out_table_print(tb);
	out_table_free(tb);
	return ret;
}

static int print_tables(struct out_table *tb, const struct diff *d)
{
	char g[32];
	size_t i;
	int ret;

	for (i = 0; i < d->nr; i++)
		change_row(tb, d->bufs[i], d->changes[i]);
	if (d->nr) {
		ret = out_table_print(tb);
		if (ret)
			return ret;
	}
	if (d->nr_procs && !oopts.raw && !oopts.noheadings && d->nr)
		putchar('\n');
	if (d->nr_procs) {
		ret = print_procs(d);
		if (ret)
			return ret;
	}
	if (oopts.raw || oopts.noheadings)
		return out_flush();
	printf("%s%zu created, %zu released, %zu resized, %zu changed; buffers %+lld, bytes %s",
	       d->nr || d->nr_procs ? "\n" : "", d->count[BUF_NEW], d->count[BUF_RELEASED],
	       d->count[BUF_RESIZED],
	       d->count[BUF_GROWN] + d->count[BUF_SHRUNK] + d->count[BUF_CHANGED],
	       (long long)d->new->nr_bufs - (long long)d->old->nr_bufs,
	       change_size(growth(dmabuf_set_bytes(d->old), dmabuf_set_bytes(d->new)), g,
			   sizeof(g)));
	if (out_holders_known(d->old) && out_holders_known(d->new))
		printf(", held by no process %s",
		       change_size(growth(dmabuf_set_orphan_bytes(d->old),
					  dmabuf_set_orphan_bytes(d->new)), g, sizeof(g)));
	putchar('\n');
	return out_flush();
}

int cmd_diff(int argc, char **argv)
{
	struct diff_args a = { 0 };
	struct snapshot *s[2] = { NULL, NULL };
	struct out_table *tb = NULL;
	struct diff d = { 0 };
	const struct out_column *cols;
	size_t nr;
	int i, ret;

	cli_parse(&diff_argp, argc, argv, &a);
	if (oopts.list_columns) {
		cols = change_columns(&nr);
		return cli_status(out_list_columns(cols, nr));
	}
	if (!oopts.json) {
		ret = change_table_new(&tb);
		if (ret)
			return ret == -EINVAL ? EXIT_USAGE : cli_status(ret);
	}
	for (i = 0; i < 2; i++) {
		ret = read_snapshot(a.files[i], &s[i]);
		if (ret)
			goto cleanup;
	}
	d.old = s[0]->set;
	d.new = s[1]->set;
	diff_compute(&d);
	ret = cli_status(oopts.json ? print_json(&d, &a) : print_tables(tb, &d));
	if (!ret && a.exit_code && d.nr)
		ret = EXIT_CHANGED;
cleanup:
	diff_free(&d);
	out_table_free(tb);
	snapshot_free(s[0]);
	snapshot_free(s[1]);
	return ret;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dmabufctl watch: list's table again every interval, with a CHANGE column
 * saying what changed since the last refresh, keyed by inode (change.c):
 * new, released (shown once, from the last refresh), resized, grown,
 * shrunk.  On a terminal the screen is redrawn; otherwise each refresh is
 * a block of text, or with -J one JSON object per line.  Ctrl-C (SIGINT)
 * or SIGTERM ends it quietly, as does --count.
 */
#include <argp.h>
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "change.h"
#include "cli.h"
#include "clock.h"
#include "filter.h"
#include "list.h"
#include "output.h"
#include "util.h"

#define INTERVAL_DEFAULT	2.0	/* seconds, as watch(1) */

struct watch_args {
	struct buf_filter f;
	double interval;
	int count;		/* 0: until interrupted */
};

static const struct argp_option options[] = {
	{ "interval", 'i', "TIME", 0, "Refresh every TIME (default 2s; 5, 2.5s, 500ms, 1m)", 0 },
	{ "count", 'c', "N", 0, "Stop after N refreshes", 0 },
	{ 0 }
};

static error_t parse(int key, char *arg, struct argp_state *state)
{
	struct watch_args *a = state->input;

	switch (key) {
	case ARGP_KEY_INIT:
		state->child_inputs[0] = &a->f;
		break;
	case 'i':
		if (parse_duration(arg, &a->interval))
			cli_usage("--interval: '%s': not a duration (5, 2.5s, 500ms, 1m)", arg);
		break;
	case 'c':
		if (parse_int(arg, 1, INT_MAX, &a->count))
			cli_usage("--count: '%s': not a number from 1", arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp watch_argp = {
	options, parse, "[INODE...]",
	"List the dma-bufs again every interval, with what changed since the last "
	"refresh (CHANGE: new, released, resized, grown, shrunk, changed), keyed by "
	"inode.  list's filters, -x and output options apply.\v"
	"On a terminal the screen is redrawn; otherwise each refresh is printed as a "
	"block (a header line, the table, a totals line, an empty line), or with -J "
	"as one JSON object per line.  Ctrl-C or SIGTERM ends it, with status 0.",
	list_children, NULL, NULL
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

struct refresh {
	int n;
	double time;		/* seconds since the epoch */
	const struct dmabuf_set *prev;	/* NULL on the first */
	const struct dmabuf_set *set;
	size_t count[BUF_CHANGED + 1];
};

static enum buf_change change_of(const struct refresh *r, const struct dmabuf *buf)
{
	return r->prev ? buf_compare(dmabuf_find(r->prev, buf->inode), buf) : BUF_SAME;
}

static void count_changes(struct refresh *r)
{
	size_t i;

	for (i = 0; i < r->set->nr_bufs; i++)
		r->count[change_of(r, r->set->bufs[i])]++;
	for (i = 0; r->prev && i < r->prev->nr_bufs; i++)
		if (!dmabuf_find(r->set, r->prev->bufs[i]->inode))
			r->count[BUF_RELEASED]++;
}

static int print_json(const struct refresh *r)
{
	struct json_object *o = json_object_new_object();
	struct json_object *bufs = out_json_array(r->set->nr_bufs);
	struct json_object *gone = json_object_new_array();
	size_t i;

	out_json_add(o, "refresh", json_object_new_int(r->n));
	out_json_add(o, "time", out_json_seconds(r->time));
	for (i = 0; i < r->set->nr_bufs; i++)
		json_object_array_add(bufs, change_json(r->set->bufs[i],
							change_of(r, r->set->bufs[i])));
	out_json_add(o, "dmabufs", bufs);
	for (i = 0; r->prev && i < r->prev->nr_bufs; i++)
		if (!dmabuf_find(r->set, r->prev->bufs[i]->inode))
			json_object_array_add(gone, change_json(r->prev->bufs[i], BUF_RELEASED));
	out_json_add(o, "released", gone);
	out_json_add(o, "totals", list_json_totals(r->set, NULL));
	out_json_meta(o, r->set);
	out_json_line(o);
	return out_flush();
}

static int print_table(const struct refresh *r, bool tty)
{
	struct out_table *tb;
	char when[32], total[24], orphan[24];
	time_t t = (time_t)r->time;
	struct tm tm;
	size_t i;
	int ret;

	ret = change_table_new(&tb);
	if (ret)
		return ret;
	for (i = 0; i < r->set->nr_bufs; i++)
		change_row(tb, r->set->bufs[i], change_of(r, r->set->bufs[i]));
	for (i = 0; r->prev && i < r->prev->nr_bufs; i++)
		if (!dmabuf_find(r->set, r->prev->bufs[i]->inode))
			change_row(tb, r->prev->bufs[i], BUF_RELEASED);

	localtime_r(&t, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	if (tty)
		fputs("\033[H\033[2J", stdout);	/* home, clear: a redraw */
	if (!oopts.noheadings && !oopts.raw)
		printf("refresh %d, %s%s\n", r->n, when, tty ? " (Ctrl-C ends)" : "");
	ret = out_table_print(tb);
	out_table_free(tb);
	if (ret)
		return ret;
	if (!oopts.noheadings && !oopts.raw) {
		out_size(dmabuf_set_bytes(r->set), total, sizeof(total));
		printf("total: %zu buffer%s, %s", r->set->nr_bufs,
		       r->set->nr_bufs == 1 ? "" : "s", total);
		if (out_holders_known(r->set))
			printf(", %s held by no process",
			       out_size(dmabuf_set_orphan_bytes(r->set), orphan, sizeof(orphan)));
		if (r->prev)
			printf("; %zu new, %zu released, %zu changed", r->count[BUF_NEW],
			       r->count[BUF_RELEASED], r->count[BUF_RESIZED] +
			       r->count[BUF_GROWN] + r->count[BUF_SHRUNK] + r->count[BUF_CHANGED]);
		putchar('\n');
	}
	if (!tty && !oopts.raw)
		putchar('\n');
	return out_flush();
}

/* Sleep until deadline (CLOCK_MONOTONIC, ns); false when interrupted. */
static bool sleep_until(uint64_t deadline)
{
	struct timespec ts = { .tv_sec = (time_t)(deadline / 1000000000u),
			       .tv_nsec = (long)(deadline % 1000000000u) };

	while (!stop) {
		int e = clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);

		if (!e)
			return true;
		if (e != EINTR)
			return false;
	}
	return false;
}

int cmd_watch(int argc, char **argv)
{
	struct watch_args a = { .interval = INTERVAL_DEFAULT };
	struct sigaction sa = { .sa_handler = on_signal };
	struct dmabuf_set *prev = NULL, *set = NULL;
	struct out_table *tb = NULL;
	const struct out_column *cols;
	bool tty, fdinfo = false;
	size_t nr;
	int ret = EXIT_OK, n;

	list_filter_init(&a.f);
	cli_parse(&watch_argp, argc, argv, &a);
	if (oopts.list_columns) {
		cols = change_columns(&nr);
		ret = cli_status(out_list_columns(cols, nr));
		goto cleanup;
	}
	/* A bad -o is said before the first scan, with nothing on stdout. */
	if (!oopts.json) {
		ret = change_table_new(&tb);
		fdinfo = list_wants_fdinfo(tb);
		out_table_free(tb);
		if (ret) {
			ret = ret == -EINVAL ? EXIT_USAGE : cli_status(ret);
			goto cleanup;
		}
	}
	ret = filter_check_pids(&a.f);
	if (ret)
		goto cleanup;
	/* No SA_RESTART: the signal ends the sleep at once. */
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	tty = !oopts.json && isatty(STDOUT_FILENO);

	for (n = 1; !stop; n++) {
		uint64_t start = mono_ns();
		struct refresh r = { .n = n, .prev = prev };

		ret = cli_scan(&set, false, fdinfo);
		if (ret)
			break;
		r.time = (double)wall_ns() / 1e9;
		if (n == 1) {
			ret = filter_check(&a.f, set);
			if (ret)
				break;
			/* Warnings once: every refresh would repeat them. */
			out_warnings(set);
		}
		filter_apply(&a.f, set);
		r.set = set;
		count_changes(&r);
		ret = cli_status(oopts.json ? print_json(&r) : print_table(&r, tty));
		if (prev)
			dmabuf_set_free(prev);
		prev = set;
		set = NULL;
		if (ret || (a.count && n >= a.count))
			break;
		if (!sleep_until(start + (uint64_t)(a.interval * 1e9)))
			break;
	}
	/* Interrupted: the last refresh stands, nothing more to say. */
cleanup:
	if (prev)
		dmabuf_set_free(prev);
	if (set)
		dmabuf_set_free(set);
	filter_free(&a.f);
	return ret;
}

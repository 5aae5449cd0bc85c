// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dmabufctl trace: live dma-buf events (export, release, mmap, attach,
 * detach, map, unmap, invalidate, importer callbacks) and, for every
 * invalidate, one confirmation per attachment: did its callback run, did the
 * importer unmap within --timeout.  BPF; see tracer.h and trace.bpf.c.
 *
 * -J writes JSON Lines.  The first line, {"event": "start", ...}, comes once
 * every probe is attached: scripts start their workload after reading it.
 */
#include <argp.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bpf_record.h"
#include "clock.h"
#include "cli.h"
#include "output.h"
#include "tracer.h"
#include "util.h"

struct trace_args {
	uint64_t inode;
	pid_t pid;
	const char *exporter;
	double duration;	/* 0: until Ctrl-C */
	double timeout;
	int count;		/* 0: unlimited */
	bool kprobes;
};

enum { OPT_INODE = 0x300, OPT_DURATION, OPT_TIMEOUT, OPT_KPROBES };

static const struct argp_option options[] = {
	{ "inode", OPT_INODE, "INODE", 0, "Only this buffer (filtered in the kernel)", 0 },
	{ "exporter", 'e', "NAME", 0, "Only buffers of this exporter (udmabuf, system, ...)", 0 },
	{ "pid", 'p', "PID", 0, "Only events caused by this process", 0 },
	{ "duration", OPT_DURATION, "TIME", 0, "Stop after TIME (5, 2.5s, 500ms, 1m)", 0 },
	{ "count", 'c', "N", 0, "Stop after N events", 0 },
	{ "timeout", OPT_TIMEOUT, "TIME", 0,
	  "How long importers get to react to an invalidate (default 3s)", 0 },
	{ "kprobes", OPT_KPROBES, NULL, 0, "Use kprobes even where fentry works", 0 },
	{ 0 }
};

static error_t parse(int key, char *arg, struct argp_state *state)
{
	struct trace_args *a = state->input;

	switch (key) {
	case OPT_INODE:
		/* The kernel side filters on one value of each. */
		if (a->inode)
			cli_usage("--inode: one buffer only");
		if (parse_u64(arg, &a->inode) || !a->inode)
			cli_usage("--inode: '%s': not an inode number", arg);
		break;
	case 'e':
		if (a->exporter)
			cli_usage("--exporter: one exporter only");
		if (!*arg)
			cli_usage("--exporter: empty name");
		/* Compared as BPF records them (bpf_record.h). */
		if (strlen(arg) >= REC_EXP_LEN)
			cli_usage("--exporter: '%s': longer than %d bytes", arg,
				  REC_EXP_LEN - 1);
		a->exporter = arg;
		break;
	case 'p':
		if (a->pid)
			cli_usage("--pid: one process only");
		if (parse_pid(arg, &a->pid))
			cli_usage("--pid: '%s': not a process id", arg);
		break;
	case OPT_DURATION:
		if (parse_duration(arg, &a->duration))
			cli_usage("--duration: '%s': not a duration (5, 2.5s, 500ms, 1m)", arg);
		break;
	case 'c':
		if (parse_int(arg, 1, 1 << 30, &a->count))
			cli_usage("--count: '%s': not a number from 1", arg);
		break;
	case OPT_TIMEOUT:
		if (parse_duration(arg, &a->timeout))
			cli_usage("--timeout: '%s': not a duration (5, 2.5s, 500ms, 1m)", arg);
		break;
	case OPT_KPROBES:
		a->kprobes = true;
		break;
	case ARGP_KEY_ARG:
		cli_usage("'%s': unexpected argument (use --inode)", arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp_child children[] = {
	/* No common options: trace watches the running kernel, from BPF only. */
	{ &output_json_argp, 0, "Output options:", 1 },
	{ &cli_help_argp, 0, "Common options:", 2 },
	{ 0 }
};

static const struct argp trace_argp = {
	options, parse, NULL,
	"Trace dma-buf exports, releases, mmaps, importer attachments, maps, "
	"invalidations and importer callbacks as they happen; confirm for every "
	"invalidate whether each importer was notified and unmapped.  Needs root "
	"and a kernel with BTF.\v"
	"An invalidate says whether it revoked or restored access and why "
	"(memory decoding, reset, close, ioctl) where the kernel lets us know: "
	"VFIO's buffers, DMA_BUF_IOCTL_REVOKE.  "
	"With -J, one JSON object per line; the first is {\"event\": \"start\"} once "
	"every probe is attached, the last {\"event\": \"summary\"}.  Ctrl-C or "
	"SIGTERM ends the trace.  Exit status 3 when the kernel refuses BPF or "
	"lacks BTF, 4 without privileges.",
	children, NULL, NULL
};

static volatile sig_atomic_t exiting;
static char outbuf[64 << 10];	/* stdout's, when not a terminal */

static void on_signal(int sig)
{
	exiting = 1;
}

struct trace_state {
	const struct trace_args *args;
	struct tracer *t;
	long printed;
	struct out_rec *recs[TRACE_KIND_MAX + 1];	/* -J: one per event kind */
};

static const char *const kind_names[TRACE_KIND_MAX + 1] = {
	[TRACE_EXPORT] = "export",
	[TRACE_RELEASE] = "release",
	[TRACE_MMAP] = "mmap",
	[TRACE_ATTACH] = "attach",
	[TRACE_DETACH] = "detach",
	[TRACE_MAP] = "map",
	[TRACE_UNMAP] = "unmap",
	[TRACE_INVALIDATE] = "invalidate",
	[TRACE_INV_ATTACH] = "inv-attach",
	[TRACE_INV_DONE] = "inv-done",
	[TRACE_CALLBACK] = "callback",
};

/* An invalidate's direction and cause (trace_event.h); NULL: unknown. */
static const char *const direction_names[TRACE_DIR_MAX + 1] = {
	[TRACE_DIR_REVOKE] = "revoke",
	[TRACE_DIR_RESTORE] = "restore",
};

static const char *const cause_names[TRACE_CAUSE_MAX + 1] = {
	[TRACE_CAUSE_DECODING] = "memory_decoding",
	[TRACE_CAUSE_RESET] = "reset",
	[TRACE_CAUSE_CLOSE] = "close",
	[TRACE_CAUSE_IOCTL] = "ioctl",
};

static const char *direction_name(const struct trace_event *e)
{
	return e->direction <= TRACE_DIR_MAX ? direction_names[e->direction] : NULL;
}

static const char *cause_name(const struct trace_event *e)
{
	return e->cause <= TRACE_CAUSE_MAX ? cause_names[e->cause] : NULL;
}

static bool has_attachment(uint32_t kind)
{
	return kind == TRACE_ATTACH || kind == TRACE_DETACH || kind == TRACE_MAP ||
	       kind == TRACE_UNMAP || kind == TRACE_CALLBACK;
}

static bool has_name(uint32_t kind)
{
	return kind == TRACE_EXPORT || kind == TRACE_RELEASE || kind == TRACE_MMAP;
}

/* One record per kind: an event's members depend on its kind only. */
static void event_json(struct trace_state *st, const struct trace_event *e, double t,
		       const char *cbsym)
{
	struct out_rec *r = st->recs[e->kind];

	if (!r)
		r = st->recs[e->kind] = out_rec_new();
	out_rec_begin(r);
	out_rec_str(r, "event", kind_names[e->kind]);
	out_rec_seconds(r, "time", t);
	out_rec_u64(r, "inode", e->inode);
	out_rec_u64(r, "pid", e->pid);
	out_rec_u64(r, "tid", e->tid);
	out_rec_str(r, "comm", e->comm);
	if (e->kind != TRACE_CALLBACK)
		out_rec_u64(r, "size", e->size);
	out_rec_str(r, "exporter", e->exporter);
	if (has_name(e->kind))
		out_rec_str(r, "name", e->name[0] ? e->name : NULL);
	if (e->kind == TRACE_MMAP)
		out_rec_u64(r, "offset", e->arg);
	if (e->kind == TRACE_INVALIDATE) {
		out_rec_str(r, "direction", direction_name(e));
		out_rec_str(r, "cause", cause_name(e));
	}
	if (has_attachment(e->kind)) {
		out_rec_str(r, "device", e->device);
		out_rec_bool(r, "dynamic", e->dynamic);
		out_rec_str(r, "callback", cbsym);
	}
	out_rec_end(r);
}

static void print_time(double t)
{
	time_t sec = (time_t)t;
	struct tm tm;

	localtime_r(&sec, &tm);
	printf("%02d:%02d:%02d.%06d ", tm.tm_hour, tm.tm_min, tm.tm_sec,
	       (int)((t - (double)sec) * 1e6));
}

/* Human text: escaped as table cells are. */
static void print_kv(const char *key, const char *val)
{
	char *s;

	if (!val || !*val)
		return;
	s = out_escape(val);
	printf(" %s=%s", key, s);
	free(s);
}

static int on_event(void *ctx, const struct trace_event *e, const char *cbsym)
{
	struct trace_state *st = ctx;
	const struct trace_args *a = st->args;
	double t = tracer_walltime(st->t, e->ts);
	char sz[24], *comm;

	if (a->pid && (pid_t)e->pid != a->pid)
		return 0;
	if (a->exporter && strcmp(e->exporter, a->exporter))
		return 0;
	if (a->count && st->printed >= a->count)
		return 0;
	st->printed++;

	if (oopts.json) {
		event_json(st, e, t, cbsym);
		return 1;
	}

	print_time(t);
	comm = out_escape(e->comm);	/* a process names itself (PR_SET_NAME) */
	printf("%-7u %-16.16s %-10s %-8llu", e->pid, comm, kind_names[e->kind],
	       (unsigned long long)e->inode);
	free(comm);
	if (e->kind != TRACE_CALLBACK)
		printf(" %s=%s", e->kind == TRACE_MMAP ? "length" : "size",
		       out_size(e->size, sz, sizeof(sz)));
	if (e->kind == TRACE_MMAP)
		printf(" offset=%llu", (unsigned long long)e->arg);
	print_kv("exporter", e->exporter);
	if (has_name(e->kind))
		print_kv("name", e->name);
	if (e->kind == TRACE_INVALIDATE) {
		print_kv("direction", direction_name(e));
		print_kv("cause", cause_name(e));
	}
	if (has_attachment(e->kind)) {
		print_kv("device", e->device);
		printf(" %s", e->dynamic ? "dynamic" : "static");
		print_kv("callback", cbsym);
	}
	putchar('\n');
	return 1;
}

static const char *tri(int v)
{
	return v > 0 ? "yes" : v == 0 ? "no" : "unknown";
}

static void print_confirm(struct trace_state *st, const struct tracer_confirm *c)
{
	double now = tracer_walltime(st->t, c->final_ns);

	if (oopts.json) {
		struct json_object *o = json_object_new_object();

		out_json_add(o, "event", json_object_new_string("confirm"));
		out_json_add(o, "time", out_json_seconds(now));
		out_json_add(o, "inode", out_json_u64(c->inode));
		out_json_add(o, "invalidate_time",
			     out_json_seconds(tracer_walltime(st->t, c->invalidate_ns)));
		out_json_add(o, "notifiable", json_object_new_boolean(c->notifiable));
		out_json_confirm(o, c);
		out_json_line(o);
		return;
	}
	print_time(now);
	printf("%-7s %-16s %-10s %-8llu", "-", "-", "confirm", (unsigned long long)c->inode);
	print_kv("device", c->device);
	print_kv("callback", c->callback ? c->callback : "none");
	if (!c->notifiable)
		printf(" notified=no (no callback: cannot be notified)");
	else
		printf(" notified=%s", tri(c->notified));
	printf(" unmapped=%s", c->unmapped ? "yes" : "no");
	if (c->unmap)
		printf(" via=%s", c->unmap);
	if (c->latency_ns >= 0)
		printf(" after=%.3fms", c->latency_ns / 1e6);
	putchar('\n');
}

static void on_invalidated(void *ctx, uint64_t inode, bool shown,
			   const struct tracer_confirm *c, size_t nr)
{
	struct trace_state *st = ctx;
	const struct trace_args *a = st->args;
	size_t i;

	for (i = 0; shown && i < nr && !(a->count && st->printed >= a->count); i++) {
		st->printed++;
		print_confirm(st, &c[i]);
	}
}

static void json_strings(struct json_object *o, const char *key, const char *const *v, size_t n)
{
	struct json_object *arr = json_object_new_array();
	size_t i;

	for (i = 0; i < n; i++)
		if (*v[i])
			json_object_array_add(arr, json_object_new_string(v[i]));
	out_json_add(o, key, arr);
}

static void print_start(struct tracer *t, const struct trace_args *a)
{
	const struct tracer_info *ti = tracer_info(t);
	size_t i;

	if (oopts.json) {
		struct json_object *o = json_object_new_object();

		out_json_add(o, "event", json_object_new_string("start"));
		out_json_add(o, "time", out_json_seconds(wall_ns() / 1e9));
		out_json_add(o, "inode", a->inode ? out_json_u64(a->inode) : NULL);
		out_json_add(o, "mode", json_object_new_string(ti->mode));
		out_json_add(o, "fallback", out_json_str(ti->fallback));
		json_strings(o, "probes", ti->probes, ti->nr_probes);
		json_strings(o, "callbacks", ti->callbacks, ti->nr_callbacks);
		json_strings(o, "missing", ti->missing, ti->nr_missing);
		out_json_add(o, "load_ms", out_json_ms(ti->load_ms));
		out_json_add(o, "timeout", out_json_seconds(a->timeout));
		out_json_line(o);
	} else {
		fprintf(stderr, "Tracing dma-bufs with %s (%zu functions, %zu importer callbacks",
			ti->mode, ti->nr_probes, ti->nr_callbacks);
		if (ti->nr_missing) {
			fprintf(stderr, "; missing:");
			for (i = 0; i < ti->nr_missing; i++)
				fprintf(stderr, " %s", ti->missing[i]);
		}
		fprintf(stderr, ")%s%s. Ctrl-C to end.\n",
			ti->fallback ? ": fentry unavailable: " : "",
			ti->fallback ? ti->fallback : "");
		printf("%-15s %-7s %-16s %-10s %-8s %s\n", "TIME", "PID", "COMM", "EVENT",
		       "INODE", "DETAILS");
	}
	fflush(stdout);
}

static void print_summary(struct trace_state *st)
{
	struct tracer_stats ts;

	tracer_stats(st->t, &ts);
	if (oopts.json) {
		struct json_object *o = json_object_new_object();

		out_json_add(o, "event", json_object_new_string("summary"));
		out_json_add(o, "time", out_json_seconds(wall_ns() / 1e9));
		out_json_add(o, "events", out_json_u64(ts.seen));
		out_json_add(o, "printed", out_json_u64(st->printed));
		out_json_add(o, "lost", out_json_u64(ts.lost));
		out_json_add(o, "missed", out_json_u64(ts.missed));
		out_json_add(o, "truncated", out_json_u64(ts.truncated));
		out_json_line(o);
		return;
	}
	fprintf(stderr, "%llu events seen, %ld printed, %llu lost, %llu missed",
		(unsigned long long)ts.seen, st->printed,
		(unsigned long long)ts.lost, (unsigned long long)ts.missed);
	if (ts.truncated)
		fprintf(stderr, ", %llu invalidates with more than %d attachments",
			(unsigned long long)ts.truncated, TRACE_MAX_ATTACH);
	fputc('\n', stderr);
}

int cmd_trace(int argc, char **argv)
{
	struct trace_args a = { .timeout = 3 };
	const struct tracer_handlers h = { on_event, on_invalidated };
	struct trace_state st = { .args = &a };
	struct tracer_opts topts;
	struct tracer_err terr;
	struct sigaction sa;
	uint64_t t0;
	struct tracer *t = NULL;
	int ret = EXIT_OK;

	if (cli_parse(&trace_argp, argc, argv, &a))
		return EXIT_USAGE;
	if (a.pid && (ret = cli_check_pid(a.pid)))
		return ret;

	/* Into a file or a pipe, events go out in writes of up to 64 KiB, and
	 * at least after each poll (tracer.h): not a write per 4 KiB.  glibc
	 * takes the size only with a buffer. */
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	/* Before loading, which takes seconds on a slow machine: a script
	 * that started trace in the background (where the shell ignores
	 * SIGINT) and interrupts it then must not see it run on. */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;	/* no SA_RESTART: epoll_wait returns EINTR */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	topts = (struct tracer_opts){ .inode = a.inode, .timeout = a.timeout, .kprobes = a.kprobes };
	ret = tracer_open(&t, &topts, &terr);
	if (ret) {
		err_msg("trace", "cannot trace", terr.why);
		if (*terr.hint)
			err_hint("%s", terr.hint);
		return cli_status(ret);
	}
	st.t = t;

	print_start(t, &a);
	t0 = mono_ns();
	while (!exiting) {
		int ms = 200, n;

		if (a.duration) {
			double left = a.duration - (mono_ns() - t0) / 1e9;

			if (left <= 0)
				break;
			if (left * 1000 < ms)
				ms = (int)(left * 1000) + 1;
		}
		n = tracer_poll(t, ms, &h, &st);
		if (n < 0 && n != -EINTR) {
			err_errno("trace", "reading events", n);
			ret = EXIT_FAIL;
			break;
		}
		if (fflush(stdout) == EOF || ferror(stdout))
			break;	/* reader gone (EPIPE): stop quietly */
		if (a.count && st.printed >= a.count)
			break;
	}
	if (!(a.count && st.printed >= a.count))
		tracer_flush(t, &h, &st);
	print_summary(&st);
	fflush(stdout);
	tracer_close(t);
	for (size_t i = 0; i < ARRAY_SIZE(st.recs); i++)
		out_rec_free(st.recs[i]);
	return ret;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dmabufctl metrics: what list and procs know, as Prometheus (or
 * OpenMetrics) text, on stdout or into a file that node_exporter's textfile
 * collector reads.  A scrape loop must never hang: the scan runs in a
 * thread and is given --timeout; past it the text says
 * dmabufctl_scan_success 0 and the command exits, whatever the scan is
 * stuck in (bufinfo behind a reservation lock has its own 2 s deadline,
 * source_debugfs.c; a process's maps wait for its mmap lock).
 */
#include <argp.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "clock.h"
#include "metrics.h"
#include "output.h"
#include "util.h"

#define TIMEOUT_DEFAULT	10.0	/* seconds */
#define TOP_DEFAULT	10

struct metrics_args {
	const char *output;
	bool openmetrics;
	int top;
	double timeout;
};

enum { OPT_OUTPUT = 0x500, OPT_OPENMETRICS, OPT_TOP, OPT_TIMEOUT };

static const struct argp_option options[] = {
	{ "output", OPT_OUTPUT, "FILE", 0, "Write to FILE atomically (a temporary file in its "
	  "directory, then rename), not to stdout", 0 },
	{ "openmetrics", OPT_OPENMETRICS, NULL, 0, "OpenMetrics 1.0 text instead of "
	  "Prometheus' 0.0.4 (node_exporter reads the latter)", 0 },
	{ "top", OPT_TOP, "N", 0, "Series for the N processes with the largest RSS "
	  "(default 10; 0: every process)", 0 },
	{ "timeout", OPT_TIMEOUT, "TIME", 0, "Give the scan up after TIME (default 10s): "
	  "dmabufctl_scan_success 0", 0 },
	{ 0 }
};

static error_t parse(int key, char *arg, struct argp_state *state)
{
	struct metrics_args *a = state->input;

	switch (key) {
	case OPT_OUTPUT:
		if (!*arg)
			cli_usage("--output: empty file name");
		a->output = arg;
		break;
	case OPT_OPENMETRICS:
		a->openmetrics = true;
		break;
	case OPT_TOP:
		if (parse_int(arg, 0, INT_MAX, &a->top))
			cli_usage("--top: '%s': not a number from 0", arg);
		break;
	case OPT_TIMEOUT:
		if (parse_duration(arg, &a->timeout))
			cli_usage("--timeout: '%s': not a duration (5, 2.5s, 500ms, 1m)", arg);
		break;
	case ARGP_KEY_ARG:
		cli_usage("'%s': unexpected argument", arg);
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp metrics_argp = {
	options, parse, NULL,
	"Metrics of the dma-bufs for Prometheus: buffers and bytes by exporter, "
	"attachments by importer device, bytes held by the largest processes (RSS, "
	"PSS) and by cgroup, unattributed bytes, the sources used and how long the "
	"scan took.\v"
	"No label carries an inode; processes beyond --top are only counted.  With "
	"--output, a file in node_exporter's textfile directory (ending in .prom) is "
	"replaced whole or not at all.  Exit status 1 when the scan failed or timed "
	"out (the metrics say so), 1 or 4 when FILE cannot be written (the old file "
	"stays).",
	cli_common_children, NULL, NULL
};

/*
 * The cgroup a holder runs in: unknown until the model has it.  Once
 * struct dmabuf_holder has the holder's cgroup path, return it here and
 * the dmabuf_cgroup_* families appear (metrics.c, cgroups()).
 */
static const char *holder_cgroup(const struct dmabuf_holder *h)
{
	(void)h;
	return NULL;
}

struct scan_job {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool done;
	int status;
	struct dmabuf_set *set;
};

static void *scan_thread(void *arg)
{
	struct scan_job *job = arg;
	struct dmabuf_set *set = NULL;
	int status = cli_scan(&set, false, false);

	pthread_mutex_lock(&job->lock);
	job->set = set;
	job->status = status;
	job->done = true;
	pthread_cond_signal(&job->cond);
	pthread_mutex_unlock(&job->lock);
	return NULL;
}

/* The scan, given timeout seconds: EXIT_OK and *set, the scan's status, or
 * -ETIMEDOUT (the thread is left behind; the process exits soon). */
static int scan_bounded(struct dmabuf_set **set, double timeout)
{
	static struct scan_job job = {
		.lock = PTHREAD_MUTEX_INITIALIZER,
	};
	uint64_t end = mono_ns() + (uint64_t)(timeout * 1e9);
	struct timespec ts = { .tv_sec = (time_t)(end / 1000000000u),
			       .tv_nsec = (long)(end % 1000000000u) };
	pthread_condattr_t attr;
	pthread_t thread;
	int ret = 0;

	pthread_condattr_init(&attr);
	pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	pthread_cond_init(&job.cond, &attr);
	if (pthread_create(&thread, NULL, scan_thread, &job)) {
		/* No thread: scan here, unbounded but for bufinfo's deadline. */
		scan_thread(&job);
	}
	pthread_mutex_lock(&job.lock);
	while (!job.done && ret != ETIMEDOUT)
		ret = pthread_cond_timedwait(&job.cond, &job.lock, &ts);
	if (job.done) {
		*set = job.set;
		ret = job.status;
	} else {
		ret = -ETIMEDOUT;
	}
	pthread_mutex_unlock(&job.lock);
	if (ret != -ETIMEDOUT)
		pthread_join(thread, NULL);
	return ret;
}

/* Write all of len bytes. */
static int write_all(int fd, const char *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

/*
 * Replace path with text, atomically: a temporary file beside it (hidden,
 * and not ending in .prom, which the textfile collector would read), made
 * readable by all as node_exporter runs as another user, written, synced,
 * renamed over path, and the directory synced.  On any failure the
 * temporary file is removed and path is left as it was.  0 or -errno.
 */
static int write_atomic(const char *path, const char *text, size_t len)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? xasprintf("%.*s", (int)(slash - path + (slash == path)), path)
			  : xstrdup(".");
	char *tmp = xasprintf("%s/.%s.XXXXXX", dir, slash ? slash + 1 : path);
	const char *step = "cannot create a file in its directory";
	int fd, dfd, ret;

	fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		goto fail;
	}
	step = "cannot write";
	ret = fchmod(fd, 0644) ? -errno : write_all(fd, text, len);
	if (!ret && fsync(fd))
		ret = -errno;
	if (close(fd) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path)) {
		step = "cannot replace";
		ret = -errno;
	}
	if (ret) {
		unlink(tmp);
		goto fail;
	}
	/* The rename itself survives a crash once the directory is synced. */
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	goto out;
fail:
	err_errno(path, step, -ret);
out:
	free(tmp);
	free(dir);
	return ret;
}

int cmd_metrics(int argc, char **argv)
{
	struct metrics_args a = { .top = TOP_DEFAULT, .timeout = TIMEOUT_DEFAULT };
	struct metrics_opts mo = { .cgroup_of = holder_cgroup };
	struct dmabuf_set *set = NULL;
	char *text = NULL;
	size_t len = 0;
	uint64_t t0;
	bool timed_out;
	FILE *f;
	int status, ret;

	cli_parse(&metrics_argp, argc, argv, &a);
	mo.openmetrics = a.openmetrics;
	mo.top = (size_t)a.top;

	t0 = mono_ns();
	status = scan_bounded(&set, a.timeout);
	mo.scan_seconds = (double)(mono_ns() - t0) / 1e9;
	mo.timestamp = (double)wall_ns() / 1e9;
	timed_out = status == -ETIMEDOUT;
	if (timed_out) {
		char why[64];

		snprintf(why, sizeof(why), "no answer within %g s", a.timeout);
		err_msg("scan", "given up", why);
		status = EXIT_FAIL;
	}

	/* Built whole first: a file is replaced by all of it or not at all. */
	f = open_memstream(&text, &len);
	if (!f) {
		err_errno("metrics", "cannot build", errno);
		status = EXIT_FAIL;
		goto cleanup;
	}
	metrics_write(f, status ? NULL : set, &mo);
	if (fclose(f)) {
		err_errno("metrics", "cannot build", errno);
		status = EXIT_FAIL;
		goto cleanup;
	}
	if (a.output) {
		ret = write_atomic(a.output, text, len);
	} else {
		fwrite(text, 1, len, stdout);
		ret = out_flush();
	}
	if (ret && !status)
		status = ret == -EACCES || ret == -EPERM ? EXIT_PERM : EXIT_FAIL;
	if (!set && timed_out) {
		/* The scan's thread is still in the kernel: leave now, with
		 * our output out, not through exit()'s handlers beside it. */
		fflush(stdout);
		fflush(stderr);
		_exit(status);
	}
cleanup:
	free(text);
	if (set)	/* NULL when the scan timed out: its thread owns it */
		dmabuf_set_free(set);
	return status;
}

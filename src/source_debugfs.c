// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Source: debugfs dma_buf/bufinfo (drivers/dma-buf/dma-buf.c,
 * dma_buf_debug_show()).  It lists every buffer, those held by no process
 * included, with refcount, flags, mode, fences and attached devices.  Where
 * debugfs is mounted, reading bufinfo in time, and refusing what is no
 * kernel file; the format is parse_bufinfo.c's.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "parse.h"
#include "source.h"
#include "util.h"

#define HINT_MOUNT "mount -t debugfs none /sys/kernel/debug"
#define HINT_ROOT "run as root"
#define DEADLINE_S 2
/* Older glibc (Debian 12: 2.36) does not name the SIGEV_THREAD_ID member. */
#ifndef sigev_notify_thread_id
#define sigev_notify_thread_id _sigev_un._tid
#endif

/* Undo the octal escapes of mountinfo paths (\040 for a space), in place. */
static void unescape_octal(char *s)
{
	char *d = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' &&
		    s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 4;
		} else {
			*d++ = *s++;
		}
	}
	*d = '\0';
}

/* Mount point of the first debugfs in /proc/self/mountinfo, or NULL. */
static char *debugfs_mountpoint(void)
{
	char *text, *line, *found = NULL;
	struct line_iter it;
	ssize_t n;

	n = read_file_at(AT_FDCWD, "/proc/self/mountinfo", READ_MAX_LARGE, &text);
	if (n < 0)
		return NULL;
	line_iter_init(&it, text, (size_t)n, LINE_MAX_BYTES);
	while (!found && (line = line_next(&it))) {
		char *sep, *f[5];
		int i;
		/* "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [TAGS...] - FSTYPE SRC SUPER" */
		sep = strstr(line, " - ");
		if (!sep || strncmp(sep + 3, "debugfs ", 8))
			continue;
		for (i = 0; i < 5; i++) {
			f[i] = strsep(&line, " ");
			if (!f[i])
				break;
		}
		if (i < 5)
			continue;
		unescape_octal(f[4]);
		found = xstrdup(f[4]);
	}
	free(text);
	return found;
}

static void skipped(struct dmabuf_set *set, const char *hint, const char *why)
{
	dmabuf_source_skipped(set, DMABUF_SRC_DEBUGFS, "%s", why);
	dmabuf_source_hint(set, DMABUF_SRC_DEBUGFS, hint);
}

static void on_deadline(int sig)
{
	(void)sig;	/* only there to interrupt the read */
}

/*
 * Reading bufinfo takes a global mutex and then each buffer's reservation
 * lock, both interruptibly (6.12 and 7.2 alike), so a job that holds one for
 * long would stall us.  A timer signal to this thread (the one reading,
 * whichever it is), without SA_RESTART, ends the wait with EINTR
 * (util.c's read loop gives up on it) and the caller moves on.
 */
static ssize_t read_bufinfo(const char *path, char **text)
{
	struct itimerspec deadline = { .it_value = { .tv_sec = DEADLINE_S } };
	struct sigaction sa = { .sa_handler = on_deadline }, old;
	struct sigevent ev = { .sigev_notify = SIGEV_THREAD_ID, .sigev_signo = SIGALRM };
	timer_t timer;
	bool made;
	ssize_t n;

	ev.sigev_notify_thread_id = gettid();
	sigemptyset(&sa.sa_mask);
	sigaction(SIGALRM, &sa, &old);
	made = !timer_create(CLOCK_MONOTONIC, &ev, &timer);
	if (made)
		timer_settime(timer, 0, &deadline, NULL);
	n = read_file_at(AT_FDCWD, path, READ_MAX_LARGE, text);
	if (made)
		timer_delete(timer);
	sigaction(SIGALRM, &old, NULL);
	return n;
}

int source_debugfs_scan(struct dmabuf_set *set, const struct scan_opts *opts)
{
	char *dir, *path, *text = NULL;
	ssize_t n;
	int ret;

	if (opts->sysroot) {
		dir = sysroot_path(opts->sysroot, "/sys/kernel/debug");
	} else {
		dir = debugfs_mountpoint();
		if (!dir) {
			skipped(set, HINT_MOUNT, "not mounted");
			return -ENOENT;
		}
	}
	path = xasprintf("%s/dma_buf/bufinfo", dir);
	/* One open for the whole file: each read takes every buffer's
	 * reservation lock, and the list may change between two opens. */
	n = read_bufinfo(path, &text);
	if (n < 0) {
		ret = (int)n;
		if (n == -EINTR) {
			char *why = xasprintf("no answer within %d s (a buffer's "
					      "reservation lock is held)", DEADLINE_S);

			skipped(set, NULL, why);
			free(why);
		} else if (n == -EACCES || n == -EPERM) {
			/* debugfs is root-only (0700); root is refused under
			 * lockdown or with debugfs=no-mount. */
			skipped(set, geteuid() ? HINT_ROOT : NULL,
				geteuid() ? "not root" : "permission denied");
		} else if (n == -ENOENT) {
			char *d = xasprintf("%s/dma_buf", dir);

			if (access(dir, F_OK))
				skipped(set, opts->sysroot ? NULL : HINT_MOUNT, "not mounted");
			else if (access(d, F_OK))
				skipped(set, NULL, "no dma_buf directory");
			else
				skipped(set, NULL, "no dma_buf/bufinfo");
			free(d);
		} else {
			char *why = xasprintf("%s: %s", path, read_strerror((int)n));

			skipped(set, NULL, why);
			free(why);
		}
		goto cleanup;
	}
	parse_bufinfo(set, text, (size_t)n);
	dmabuf_source_used(set, DMABUF_SRC_DEBUGFS);
	ret = 0;
cleanup:
	free(text);
	free(path);
	free(dir);
	return ret;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Source: debugfs dma_buf/bufinfo (drivers/dma-buf/dma-buf.c,
 * dma_buf_debug_show()).  It lists every buffer, those held by no process
 * included, with refcount, flags, mode, fences and attached devices.
 *
 * Format, as the kernel sources print it:
 *   "\nDma-buf Objects:\n"
 *   header: "size\tflags\tmode\tcount\texp_name\tino\tname" (5.19+); without
 *           "\tname" before 5.19, though rows print the name since 5.3
 *   row:    "%08zu\t%08x\t%08x\t%08ld\t%s\t%08lu\t%s" size, f_flags (hex),
 *           f_mode (hex), file_count() (no reference taken to print it),
 *           exp_name, inode (%08llu on 7.x), name: "" when none before 5.19,
 *           "<none>" since
 *   fences: until 5.16 "\tExclusive fence: DRV TL [un]signalled" and
 *           "\tShared fence: ..."; 5.17/5.18 dma_resv_describe():
 *           "\tExclusive fence:DRV TL seq N [un]signalled"; 5.19+ usage
 *           "\t{kernel,write,read,bookkeep} fence:DRV TL seq N ..."; 6.17+
 *           dma_fence_describe() "CTX:SEQ TL DRV [un]signalled"
 *   "\tAttached Devices:\n", one "\t%s\n" per dev_name(),
 *   "Total %d devices attached\n\n", and at the end
 *   "\nTotal %d objects, %zu bytes\n".
 * Fields are tab-separated, so exporters or names with spaces are safe; a
 * name can hold '\t' (taken whole: it is the last field) and '\n' (the
 * lines before the first fence or "Attached Devices:" that do not start
 * with a tab continue it).
 */
#include <ctype.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "source.h"
#include "util.h"

#define NAME_MAX_BYTES 31
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
	char *text, *line, *next, *found = NULL;

	if (read_file("/proc/self/mountinfo", &text) < 0)
		return NULL;
	for (line = text; *line && !found; line = next) {
		char *sep, *f[5];
		int i;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = line + strlen(line);
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

static bool all_digits(const char *s, size_t n)
{
	size_t i;

	if (!n)
		return false;
	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

struct row {
	uint64_t size, ino;
	unsigned long flags, mode;
	long count;
	char *exp, *name;	/* point into the line */
};

/* "size\tflags\tmode\tcount\texp_name\tino\tname"; false if not a row. */
static bool parse_row(char *line, struct row *r)
{
	char *f[4], *rest, *p, *end;
	int i;

	for (i = 0; i < 4; i++) {
		f[i] = strsep(&line, "\t");
		if (!f[i] || !line)
			return false;
	}
	if (parse_u64(f[0], &r->size))
		return false;
	r->flags = strtoul(f[1], &end, 16);
	if (end == f[1] || *end)
		return false;
	r->mode = strtoul(f[2], &end, 16);
	if (end == f[2] || *end)
		return false;
	r->count = strtol(f[3], &end, 10);
	if (end == f[3] || *end)
		return false;

	/* The inode is the first "\tDIGITS\t" after the exporter's start. */
	rest = line;
	for (p = strchr(rest, '\t'); p; p = strchr(p + 1, '\t')) {
		char *q = strchr(p + 1, '\t');

		if (q && all_digits(p + 1, (size_t)(q - p - 1))) {
			*p = '\0';
			*q = '\0';
			if (parse_u64(p + 1, &r->ino))
				return false;
			r->exp = rest;
			r->name = q + 1;
			return true;
		}
	}
	return false;
}

/* "Total N<what>": sscanf() on every line would cost more than the rest. */
static bool total_line(const char *line, const char *what, long *n)
{
	char *end;

	if (strncmp(line, "Total ", 6) || !isdigit((unsigned char)line[6]))
		return false;
	*n = strtol(line + 6, &end, 10);
	return !strncmp(end, what, strlen(what));
}

static bool is_fence_line(const char *line)
{
	return line[0] == '\t' && strstr(line, "fence:") != NULL;
}

struct parser {
	struct dmabuf_set *set;
	struct dmabuf *cur;
	enum { P_START, P_ROWS, P_BUF, P_ATTACH } state;
	bool name_col;		/* header has "name" (5.19+) */
	char name[NAME_MAX_BYTES + 1];
	bool name_cont;		/* a '\n' in the name may still continue it */
	size_t rows, attached;
	long total_objects;
};

static void set_name(struct parser *p)
{
	/*
	 * No name prints "<none>" since 5.19 (with the "name" header), ""
	 * before, where an empty name set by the user looks the same.  A user
	 * may even set "<none>": record "none" at fdinfo's priority, so that
	 * fdinfo (exact) may still correct it.
	 */
	if (!strcmp(p->name, p->name_col ? "<none>" : ""))
		dmabuf_set_name(p->cur, DMABUF_SRC_FDINFO, NULL);
	else
		dmabuf_set_name(p->cur, DMABUF_SRC_DEBUGFS, p->name);
}

static void end_buf(struct parser *p)
{
	if (p->cur && p->name_cont)
		set_name(p);
	p->name_cont = false;
	p->cur = NULL;
}

static void parse_line(struct parser *p, char *line)
{
	struct row r;
	long n;

	if (p->state == P_START) {
		/* "%-8s" pads the column names: "size    \tflags   \t..." */
		if (!strncmp(line, "size", 4) && strstr(line, "\texp_name")) {
			p->name_col = strstr(line, "\tname") != NULL;
			p->state = P_ROWS;
		}
		return;
	}
	if (!*line)
		return;
	if (total_line(line, " objects", &n)) {
		end_buf(p);
		p->total_objects = n;
		p->state = P_ROWS;
		return;
	}
	if (p->state == P_ATTACH) {
		if (total_line(line, " devices attached", &n)) {
			if ((size_t)n != p->attached)
				dmabuf_warn(p->set, "debugfs: inode %llu: %ld devices attached, "
					    "%zu listed", (unsigned long long)p->cur->inode,
					    n, p->attached);
			end_buf(p);
			p->state = P_ROWS;
		} else if (line[0] == '\t') {
			dmabuf_add_attachment(p->cur, DMABUF_SRC_DEBUGFS, line + 1, NULL, -1);
			p->attached++;
		}
		return;
	}
	if (p->state == P_BUF) {
		if (!strcmp(line, "\tAttached Devices:")) {
			if (p->name_cont)
				set_name(p);
			p->name_cont = false;
			dmabuf_add_attachment(p->cur, DMABUF_SRC_DEBUGFS, NULL, NULL, -1);
			p->attached = 0;
			p->state = P_ATTACH;
			return;
		}
		if (is_fence_line(line)) {
			if (p->name_cont)
				set_name(p);
			p->name_cont = false;
			dmabuf_add_fence(p->cur, line + 1);
			return;
		}
		if (p->name_cont && line[0] != '\t') {
			size_t len = strlen(p->name), l = strlen(line);

			if (len + 1 + l <= NAME_MAX_BYTES) {
				p->name[len] = '\n';
				memcpy(p->name + len + 1, line, l + 1);
				return;
			}
		}
		/* Anything else may be the next row (no attachment part). */
		end_buf(p);
		p->state = P_ROWS;
	}
	if (!parse_row(line, &r))
		return;
	p->cur = dmabuf_get(p->set, r.ino, DMABUF_SRC_DEBUGFS);
	p->cur->fences_known = true;
	p->rows++;
	dmabuf_set_size(p->cur, DMABUF_SRC_DEBUGFS, r.size);
	dmabuf_set_flags(p->cur, DMABUF_SRC_DEBUGFS, (unsigned int)r.flags,
			 (unsigned int)r.mode);
	dmabuf_set_refcount(p->cur, DMABUF_SRC_DEBUGFS, r.count);
	dmabuf_set_exporter(p->cur, DMABUF_SRC_DEBUGFS, r.exp);
	snprintf(p->name, sizeof(p->name), "%s", r.name);
	p->name_cont = true;
	p->state = P_BUF;
}

static void parse_bufinfo(struct dmabuf_set *set, char *text)
{
	struct parser p = { .set = set, .total_objects = -1 };
	char *line, *next;

	for (line = text; *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = line + strlen(line);
		parse_line(&p, line);
	}
	end_buf(&p);
	if (p.total_objects < 0)
		dmabuf_warn(set, "debugfs: bufinfo ends early (no \"Total N objects\" line)");
	else if ((size_t)p.total_objects != p.rows)
		dmabuf_warn(set, "debugfs: bufinfo counts %ld objects, %zu parsed",
			    p.total_objects, p.rows);
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
 * long would stall us.  A timer signal to this thread (scan() may run us
 * beside the fd walk), without SA_RESTART, ends the wait with EINTR
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
	n = read_file(path, text);
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
			char *why = xasprintf("%s: %s", path, strerror((int)-n));

			skipped(set, NULL, why);
			free(why);
		}
		goto cleanup;
	}
	parse_bufinfo(set, text);
	dmabuf_source_used(set, DMABUF_SRC_DEBUGFS);
	ret = 0;
cleanup:
	free(text);
	free(path);
	free(dir);
	return ret;
}

// SPDX-License-Identifier: GPL-2.0-or-later
/* Error reporting, input validation and formatting shared by all commands. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "util.h"

void err_msg(const char *object, const char *what, const char *reason)
{
	fflush(stdout);
	if (reason)
		fprintf(stderr, "dmabufctl: %s: %s: %s\n", object, what, reason);
	else
		fprintf(stderr, "dmabufctl: %s: %s\n", object, what);
}

void err_errno(const char *object, const char *what, int errnum)
{
	err_msg(object, what, strerror(errnum < 0 ? -errnum : errnum));
}

void err_hint(const char *fmt, ...)
{
	va_list ap;

	fputs("dmabufctl: hint: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;

	if (!s || !*s)
		return -EINVAL;
	for (; *s; s++) {
		unsigned int d = (unsigned char)*s - (unsigned int)'0';

		if (d > 9)
			return -EINVAL;
		/* No division per digit: bufinfo and fdinfo are mostly digits,
		 * and under TCG a division is a helper call. */
		if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, d, &v))
			return -ERANGE;
	}
	*out = v;
	return 0;
}

int parse_pid(const char *s, pid_t *out)
{
	uint64_t v;
	int ret = parse_u64(s, &v);

	if (ret)
		return ret;
	/* PID_MAX_LIMIT is 2^22 on 64-bit; 0 is never a process. */
	if (v == 0 || v > (1u << 22))
		return -ERANGE;
	*out = (pid_t)v;
	return 0;
}

int parse_int(const char *s, int min, int max, int *out)
{
	uint64_t v;
	int ret = parse_u64(s, &v);

	if (ret)
		return ret;
	if (v < (uint64_t)(min < 0 ? 0 : min) || v > (uint64_t)max)
		return -ERANGE;
	*out = (int)v;
	return 0;
}

int parse_count(const char *s, long *out)
{
	uint64_t v;
	int ret = parse_u64(s, &v);

	if (ret)
		return ret;
	if (v > LONG_MAX)
		return -ERANGE;
	*out = (long)v;
	return 0;
}

int parse_duration(const char *s, double *seconds)
{
	char *end;
	double v, mul = 1;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || end == s || !isfinite(v))
		return -EINVAL;
	if (!strcmp(end, "ms"))
		mul = 0.001;
	else if (!strcmp(end, "m"))
		mul = 60;
	else if (*end && strcmp(end, "s"))
		return -EINVAL;
	v *= mul;
	if (v <= 0 || v > 86400 * 365)
		return -ERANGE;
	*seconds = v;
	return 0;
}

const char *size_human(uint64_t bytes, char *buf, size_t len)
{
	static const char units[] = "BKMGTPE";
	double v = (double)bytes;
	int u = 0;

	while (v >= 1024 && u < 6) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, len, "%llu", (unsigned long long)bytes);
	else if (v < 10 && v != (double)(uint64_t)v)
		snprintf(buf, len, "%.1f%c", v, units[u]);
	else
		snprintf(buf, len, "%.0f%c", v, units[u]);
	return buf;
}

char *sysroot_path(const char *sysroot, const char *path)
{
	size_t n;

	if (!sysroot || !*sysroot)
		return xstrdup(path);
	n = strlen(sysroot);
	while (n > 1 && sysroot[n - 1] == '/')
		n--;
	return xasprintf("%.*s/%s", (int)n, sysroot, path + (*path == '/'));
}

static int open_regular_stat(int dirfd, const char *path, struct stat *st)
{
	int fd, e;

	/* O_NONBLOCK: a FIFO's open() waits for a writer without it. */
	fd = openat(dirfd, path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, st) < 0) {
		e = errno;
		close(fd);
		return -e;
	}
	if (!S_ISREG(st->st_mode)) {
		close(fd);
		return -EINVAL;
	}
	return fd;
}

int open_regular_at(int dirfd, const char *path)
{
	struct stat st;

	return open_regular_stat(dirfd, path, &st);
}

/* Up to max bytes of fd, plus one to tell a file of exactly max from more. */
static ssize_t read_fd_max(int fd, size_t max, char **out)
{
	size_t len = 0, alloc = 4096;
	char *buf;

	if (alloc > max + 2)
		alloc = max + 2;
	buf = xmalloc(alloc);
	for (;;) {
		ssize_t n;

		if (alloc - len < 2) {
			alloc = alloc > (max + 2) / 2 ? max + 2 : 2 * alloc;
			buf = xrealloc(buf, alloc);
		}
		n = read(fd, buf + len, alloc - len - 1);
		if (n < 0) {
			int e = errno;

			free(buf);
			return -e;
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len > max) {
			free(buf);
			return -EFBIG;
		}
	}
	buf[len] = '\0';
	*out = buf;
	return (ssize_t)len;
}

ssize_t read_file_at(int dirfd, const char *path, size_t max, char **out)
{
	struct stat st;
	ssize_t len;
	int fd;

	fd = open_regular_stat(dirfd, path, &st);
	if (fd < 0)
		return fd;
	/*
	 * procfs and debugfs files say 0 bytes, sysfs ones a page: only a
	 * replayed tree's file can say more than max, and then it is too big.
	 * Refused before reading, so a sparse 64 MiB is not read for nothing.
	 */
	if (st.st_size > 0 && (uint64_t)st.st_size > max) {
		close(fd);
		return -EFBIG;
	}
	len = read_fd_max(fd, max, out);
	close(fd);
	return len;
}

ssize_t read_file(const char *path, char **out)
{
	return read_file_at(AT_FDCWD, path, READ_MAX_SMALL, out);
}

const char *read_strerror(int err)
{
	if (err < 0)
		err = -err;
	if (err == EINVAL)
		return "not a regular file";
	if (err == EFBIG)
		return "larger than a kernel file can be";
	return strerror(err);
}

char *read_comm_at(int dirfd, const char *path)
{
	char buf[64];
	ssize_t n;
	int fd;

	fd = open_regular_at(dirfd, path);
	if (fd < 0)
		return NULL;
	/* comm_show() prints the raw name (16 bytes, 64 for a workqueue
	 * worker's full name) and one '\n': one read, the rest ignored. */
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return NULL;
	if (buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	return xstrdup(buf);
}

void line_iter_init(struct line_iter *it, char *text, size_t len, size_t max)
{
	it->pos = text;
	it->end = text + len;
	it->max = max;
	it->skipped = 0;
}

char *line_next(struct line_iter *it)
{
	while (it->pos < it->end) {
		char *line = it->pos, *nl;
		size_t n;

		nl = memchr(line, '\n', (size_t)(it->end - line));
		n = nl ? (size_t)(nl - line) : (size_t)(it->end - line);
		it->pos = nl ? nl + 1 : it->end;
		line[n] = '\0';		/* the '\n', or the reader's final NUL */
		if (n <= it->max)
			return line;
		it->skipped++;
	}
	return NULL;
}

void *array_reserve(void *base, size_t nr, size_t size)
{
	if (!(nr & (nr - 1)))
		return xrealloc(base, (nr ? 2 * nr : 1) * size);
	return base;
}

int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return x < y ? -1 : x > y;
}

void *sorted_insert(void *basep, size_t *nr, size_t *alloc, size_t size, const void *elem,
		    int (*cmp)(const void *, const void *), bool *added)
{
	char **base = basep;
	size_t lo = 0, hi = *nr;
	char *slot;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = cmp(*base + mid * size, elem);

		if (!c) {
			*added = false;
			return *base + mid * size;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!alloc) {
		*base = array_reserve(*base, *nr, size);
	} else if (*nr == *alloc) {
		*alloc = *alloc ? 2 * *alloc : 8;
		*base = xrealloc(*base, *alloc * size);
	}
	slot = *base + lo * size;
	memmove(slot + size, slot, (*nr - lo) * size);
	memcpy(slot, elem, size);
	(*nr)++;
	*added = true;
	return slot;
}

bool threads_useful(void)
{
	cpu_set_t set;

	return sched_getaffinity(0, sizeof(set), &set) || CPU_COUNT(&set) > 1;
}

bool release_before(const char *release, int maj, int min)
{
	int major, minor;

	if (sscanf(release, "%d.%d", &major, &minor) != 2)
		return false;
	return major < maj || (major == maj && minor < min);
}

void debug_step(const char *what, const char *step, uint64_t *since)
{
	uint64_t now = mono_ns();

	if (getenv("DMABUFCTL_DEBUG"))
		fprintf(stderr, "dmabufctl: debug: %s: %s: %.1f ms\n", what, step,
			(double)(now - *since) / 1e6);
	*since = now;
}

void xoom(void)
{
	fputs("dmabufctl: memory: allocation failed: Cannot allocate memory\n", stderr);
	exit(1);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		xoom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		xoom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);

	if (!q)
		xoom();
	return q;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		xoom();
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;
	int ret;

	va_start(ap, fmt);
	ret = vasprintf(&p, fmt, ap);
	va_end(ap);
	if (ret < 0)
		xoom();
	return p;
}

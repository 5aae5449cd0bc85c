// SPDX-License-Identifier: GPL-2.0-or-later
/* Error reporting, input validation and formatting shared by all commands. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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
		if (*s < '0' || *s > '9')
			return -EINVAL;
		if (v > (UINT64_MAX - (uint64_t)(*s - '0')) / 10)
			return -ERANGE;
		v = v * 10 + (uint64_t)(*s - '0');
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

ssize_t read_fd_all(int fd, char **out)
{
	size_t len = 0, alloc = 4096;
	char *buf;

	buf = xmalloc(alloc);
	for (;;) {
		ssize_t n;

		if (alloc - len < 2) {
			alloc *= 2;
			buf = xrealloc(buf, alloc);
		}
		n = read(fd, buf + len, alloc - len - 1);
		if (n < 0) {
			int e = errno;

			/* EINTR too: a signal we handle without SA_RESTART
			 * is a deadline (source_debugfs.c). */
			free(buf);
			return -e;
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	*out = buf;
	return (ssize_t)len;
}

ssize_t read_file(const char *path, char **out)
{
	ssize_t len;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = read_fd_all(fd, out);
	close(fd);
	return len;
}

static void oom(void)
{
	fputs("dmabufctl: memory: allocation failed: Cannot allocate memory\n", stderr);
	exit(1);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s);

	if (!p)
		oom();
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
		oom();
	return p;
}

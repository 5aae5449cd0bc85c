// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Shared bits of the test helpers: see helper.h and README.md.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "helper.h"

const char *errname(int err)
{
	const char *name = strerrorname_np(err);

	return name ? name : "EUNKNOWN";
}

void die_errno(int status, int err, const char *call)
{
	fflush(stdout);
	fprintf(stderr, "%s: %s: %s (%s)\n", prog, call, errname(err),
		strerror(err));
	exit(status);
}

static void __attribute__((noreturn)) vdie(int status, const char *fmt, va_list ap)
{
	fflush(stdout);
	fprintf(stderr, "%s: ", prog);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	exit(status);
}

void die_msg(int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdie(status, fmt, ap);
}

void usage_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdie(EX_USAGE_ERR, fmt, ap);
}

void reply_ok(const char *fmt, ...)
{
	va_list ap;

	fputs("ok", stdout);
	if (fmt && *fmt) {
		fputc(' ', stdout);
		va_start(ap, fmt);
		vprintf(fmt, ap);
		va_end(ap);
	}
	fputc('\n', stdout);
	fflush(stdout);
}

void reply_err(int err, const char *fmt, ...)
{
	va_list ap;

	printf("err %s ", err ? errname(err) : "EINVAL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
	fflush(stdout);
}

void say_ready(void)
{
	puts("ready");
	fflush(stdout);
}

int parse_uint(const char *s, unsigned long max, unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v > max)
		return -1;
	*out = v;
	return 0;
}

int parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	unsigned int shift = 0;

	if (!s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno)
		return -1;
	switch (*end) {
	case 'k': case 'K':
		shift = 10;
		end++;
		break;
	case 'm': case 'M':
		shift = 20;
		end++;
		break;
	case 'g': case 'G':
		shift = 30;
		end++;
		break;
	}
	if (*end || v == 0 || v > (UINT64_MAX >> shift))
		return -1;
	*out = (uint64_t)v << shift;
	return 0;
}

void escape_value(char *out, size_t outlen, const char *in)
{
	size_t o = 0;

	for (; *in && o + 5 < outlen; in++) {
		unsigned char c = *in;

		if (c <= 0x20 || c >= 0x7f || c == '=' || c == '\\')
			o += snprintf(out + o, outlen - o, "\\x%02x", c);
		else
			out[o++] = c;
	}
	out[o] = '\0';
}

char *read_command(char *buf, size_t len, char **arg)
{
	char *sp;
	size_t n;

	if (!fgets(buf, len, stdin))
		return NULL;
	n = strlen(buf);
	while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
		buf[--n] = '\0';
	sp = strchr(buf, ' ');
	if (sp) {
		*sp = '\0';
		*arg = sp + 1;
	} else {
		*arg = NULL;
	}
	return buf;
}

int fdinfo_exporter(int fd, char *out, size_t len)
{
	char path[64], line[256];
	FILE *f;
	int ret = -1;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "exp_name:", 9))
			continue;
		line[strcspn(line, "\n")] = '\0';
		escape_value(out, len, line + 9 + strspn(line + 9, " \t"));
		ret = 0;
		break;
	}
	fclose(f);
	return ret;
}

void reply_fd_command(const char *cmd, int *fd)
{
	if (!strcmp(cmd, "fd")) {
		if (*fd < 0)
			reply_err(EBADF, "dma-buf fd closed");
		else
			reply_ok("fd=%d pid=%d", *fd, (int)getpid());
	} else if (!strcmp(cmd, "close")) {
		if (*fd < 0) {
			reply_err(EBADF, "dma-buf fd closed");
		} else {
			close(*fd);
			*fd = -1;
			reply_ok(NULL);
		}
	} else {
		reply_err(EINVAL, "unknown command '%s'", cmd);
	}
}

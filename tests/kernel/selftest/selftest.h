/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Tiny TAP helpers shared by the revoke selftests.  Built against the
 * test kernel's own uapi headers (make headers), so DMA_BUF_IOCTL_REVOKE
 * comes from the patched <linux/dma-buf.h>.
 */
#ifndef SELFTEST_H
#define SELFTEST_H

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/dma-buf.h>

/* Unpatched kernels lack it; the ioctl then fails with ENOTTY. */
#ifndef DMA_BUF_IOCTL_REVOKE
#define DMA_BUF_IOCTL_REVOKE _IO(DMA_BUF_BASE, 4)
#endif

#define ST_UNUSED __attribute__((unused))

static int st_count;
static int st_failed;

static ST_UNUSED const char *st_errname(int err)
{
	const char *name = err ? strerrorname_np(err) : "0";

	return name ? name : "?";
}

/* Check that RET (0, or -1 with errno set) is WANT (0 or an errno). */
static ST_UNUSED void st_expect(const char *what, int ret, int want)
{
	int got = ret < 0 ? errno : 0;

	st_count++;
	if (got == want) {
		printf("ok %d - %s: %s\n", st_count, what, st_errname(want));
		return;
	}
	st_failed++;
	printf("not ok %d - %s: want %s, got %s\n", st_count, what,
	       st_errname(want), st_errname(got));
}

static ST_UNUSED void st_check(const char *what, int cond, const char *detail)
{
	st_count++;
	if (cond) {
		printf("ok %d - %s\n", st_count, what);
		return;
	}
	st_failed++;
	printf("not ok %d - %s (%s)\n", st_count, what, detail);
}

static ST_UNUSED void st_skip(const char *what, const char *why)
{
	st_count++;
	printf("ok %d - %s # SKIP %s\n", st_count, what, why);
}

static ST_UNUSED int st_done(void)
{
	printf("1..%d\n", st_count);
	return st_failed ? 1 : 0;
}

/* Fail the whole program: a setup step that every later case needs. */
static ST_UNUSED void st_bail(const char *what)
{
	printf("Bail out! %s: %s\n", what, strerror(errno));
	exit(2);
}

static ST_UNUSED int dmabuf_revoke(int fd)
{
	return ioctl(fd, DMA_BUF_IOCTL_REVOKE);
}

/* fdinfo "revoked:" of FD: 0 or 1, or -1 when the line is absent. */
static ST_UNUSED int fdinfo_revoked(int fd)
{
	char path[64], line[256];
	int val = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		return -2;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "revoked:\t%d", &val) == 1)
			break;
	fclose(f);
	return val;
}

static sigjmp_buf st_jmp;

static ST_UNUSED void st_on_sigbus(int sig)
{
	siglongjmp(st_jmp, sig);
}

/* Read one byte at P: 0 if it worked, else the signal it raised. */
static ST_UNUSED int st_touch(volatile const char *p)
{
	struct sigaction sa = { .sa_handler = st_on_sigbus }, old_bus, old_segv;
	int sig;

	sigaction(SIGBUS, &sa, &old_bus);
	sigaction(SIGSEGV, &sa, &old_segv);
	sig = sigsetjmp(st_jmp, 1);
	if (!sig)
		(void)*p;
	sigaction(SIGBUS, &old_bus, NULL);
	sigaction(SIGSEGV, &old_segv, NULL);
	return sig;
}

#endif

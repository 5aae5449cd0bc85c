// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * stall-read.so, for LD_PRELOAD: read() of a file whose path ends in
 * /dma_buf/bufinfo waits as the kernel's does when another task holds the
 * buffer list's mutex or a buffer's reservation lock (both taken
 * interruptibly, 6.12 and 7.2): until a signal arrives, and then fails with
 * EINTR, as the kernel does for a handler without SA_RESTART.  After 60 s
 * without one it reads.  Every other read() is the real one.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int is_bufinfo(int fd)
{
	static const char tail[] = "/dma_buf/bufinfo";
	char link[64], path[4096];
	ssize_t len;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	len = readlink(link, path, sizeof(path) - 1);
	if (len < (ssize_t)sizeof(tail) - 1)
		return 0;
	path[len] = '\0';
	return !strcmp(path + len - (sizeof(tail) - 1), tail);
}

ssize_t read(int fd, void *buf, size_t count)
{
	static ssize_t (*real_read)(int, void *, size_t);
	struct timespec left = { .tv_sec = 60 };

	if (!real_read)
		real_read = (ssize_t (*)(int, void *, size_t))dlsym(RTLD_NEXT, "read");
	if (is_bufinfo(fd) && nanosleep(&left, &left) < 0 && errno == EINTR)
		return -1;
	return real_read(fd, buf, count);
}

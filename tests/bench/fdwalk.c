// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fdwalk - the floor a process-table scanner can reach, for tests/bench/run.
 *
 *   fdwalk fd     one readlink() per /proc/PID/fd/N, nothing else
 *   fdwalk maps   read every /proc/PID/maps to the end
 *
 * Prints what it saw on stdout (processes, fds or bytes, and how many fd
 * links name a dma-buf) so the caller can check the walk really happened.
 */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int is_pid(const char *s)
{
	if (!*s)
		return 0;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return 0;
	return 1;
}

static void walk_fds(int procfd, const char *pid, unsigned long *nfds,
		     unsigned long *ndmabufs)
{
	char path[NAME_MAX + 8], target[PATH_MAX];
	struct dirent *de;
	DIR *dir;
	int fd;

	snprintf(path, sizeof(path), "%s/fd", pid);
	fd = openat(procfd, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	dir = fdopendir(fd);
	if (!dir) {
		close(fd);
		return;
	}
	while ((de = readdir(dir))) {
		ssize_t n;

		if (de->d_name[0] == '.')
			continue;
		n = readlinkat(fd, de->d_name, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		(*nfds)++;
		if (!strncmp(target, "/dmabuf:", 8) ||
		    !strcmp(target, "anon_inode:dmabuf"))
			(*ndmabufs)++;
	}
	closedir(dir);
}

static void read_maps(int procfd, const char *pid, unsigned long *bytes,
		      unsigned long *ndmabufs)
{
	static char buf[65536];
	char path[NAME_MAX + 8];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "%s/maps", pid);
	fd = openat(procfd, path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	while ((n = read(fd, buf, sizeof(buf) - 1)) > 0) {
		char *p = buf;

		buf[n] = '\0';
		*bytes += n;
		/* a chunk boundary may split one name: good enough for a count */
		while ((p = strstr(p, "/dmabuf:"))) {
			(*ndmabufs)++;
			p += 8;
		}
	}
	close(fd);
}

int main(int argc, char **argv)
{
	unsigned long nprocs = 0, count = 0, ndmabufs = 0;
	struct dirent *de;
	int maps, procfd;
	DIR *proc;

	if (argc != 2 || (strcmp(argv[1], "fd") && strcmp(argv[1], "maps"))) {
		fprintf(stderr, "usage: fdwalk fd|maps\n");
		return 64;
	}
	maps = !strcmp(argv[1], "maps");
	proc = opendir("/proc");
	if (!proc) {
		perror("fdwalk: /proc");
		return 1;
	}
	procfd = dirfd(proc);
	while ((de = readdir(proc))) {
		if (!is_pid(de->d_name))
			continue;
		nprocs++;
		if (maps)
			read_maps(procfd, de->d_name, &count, &ndmabufs);
		else
			walk_fds(procfd, de->d_name, &count, &ndmabufs);
	}
	closedir(proc);
	printf("procs=%lu %s=%lu dmabufs=%lu\n", nprocs, maps ? "bytes" : "fds",
	       count, ndmabufs);
	return 0;
}

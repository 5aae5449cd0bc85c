// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * holders - a busy process table for tests/bench/run.
 *
 *   holders N M K MAPPED
 *
 * Forks N processes; each makes M one-page udmabufs (from a sealed memfd,
 * closed once the buffer exists), maps the first MAPPED of them, and opens
 * K other fds (alternately /dev/null and pipe ends).  M may be a range
 * LO-HI: child i makes LO + i % (HI - LO + 1).  Prints "ready procs=N
 * dmabufs=TOTAL" once every child is set up, then holds everything until
 * stdin reaches EOF or reads "quit".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/udmabuf.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static void die(const char *what)
{
	fprintf(stderr, "holders[%d]: %s: %s\n", getpid(), what, strerror(errno));
	exit(1);
}

static int make_udmabuf(int devfd, size_t size)
{
	struct udmabuf_create create = { 0 };
	int memfd, fd;

	memfd = memfd_create("bench", MFD_ALLOW_SEALING | MFD_CLOEXEC);
	if (memfd < 0)
		die("memfd_create");
	if (ftruncate(memfd, size) < 0)
		die("ftruncate");
	if (fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK) < 0)
		die("F_ADD_SEALS");
	create.memfd = memfd;
	create.flags = UDMABUF_FLAGS_CLOEXEC;
	create.size = size;
	fd = ioctl(devfd, UDMABUF_CREATE, &create);
	if (fd < 0)
		die("UDMABUF_CREATE");
	close(memfd);
	return fd;
}

static void child(int m, int k, int mapped, int readyfd)
{
	size_t page = sysconf(_SC_PAGESIZE);
	int devfd, i;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	devfd = m ? open("/dev/udmabuf", O_RDWR | O_CLOEXEC) : -1;
	if (m && devfd < 0)
		die("/dev/udmabuf");
	for (i = 0; i < m; i++) {
		int fd = make_udmabuf(devfd, page);

		if (i < mapped &&
		    mmap(NULL, page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) ==
		    MAP_FAILED)
			die("mmap");
	}
	if (m)
		close(devfd);
	for (i = 0; i < k;) {
		int p[2];

		if ((i / 3) % 2 == 0 || k - i < 2) {
			if (open("/dev/null", O_RDONLY | O_CLOEXEC) < 0)
				die("/dev/null");
			i++;
		} else {
			if (pipe2(p, O_CLOEXEC) < 0)
				die("pipe2");
			i += 2;
		}
	}
	if (write(readyfd, "r", 1) != 1)
		die("write ready");
	close(readyfd);
	for (;;)
		pause();
}

int main(int argc, char **argv)
{
	int n, lo, hi, k, mapped, i, ready[2];
	long total = 0;
	pid_t *pids;
	char buf[64];

	if (argc != 5) {
		fprintf(stderr, "usage: holders N M|LO-HI K MAPPED\n");
		return 64;
	}
	n = atoi(argv[1]);
	if (sscanf(argv[2], "%d-%d", &lo, &hi) != 2)
		lo = hi = atoi(argv[2]);
	if (lo < 0 || hi < lo) {
		fprintf(stderr, "holders: bad buffer count '%s'\n", argv[2]);
		return 64;
	}
	k = atoi(argv[3]);
	mapped = atoi(argv[4]);
	pids = calloc(n, sizeof(*pids));
	if (!pids || pipe(ready) < 0)
		die("setup");
	for (i = 0; i < n; i++) {
		pids[i] = fork();
		if (pids[i] < 0)
			die("fork");
		if (pids[i] == 0) {
			close(ready[0]);
			child(lo + i % (hi - lo + 1), k, mapped, ready[1]);
		}
		total += lo + i % (hi - lo + 1);
	}
	close(ready[1]);
	for (i = 0; i < n; i++) {
		char c;

		if (read(ready[0], &c, 1) != 1) {
			fprintf(stderr, "holders: only %d of %d children ready\n", i, n);
			for (i = 0; i < n; i++)
				kill(pids[i], SIGKILL);
			return 1;
		}
	}
	printf("ready procs=%d dmabufs=%ld\n", n, total);
	fflush(stdout);
	while (fgets(buf, sizeof(buf), stdin) && strcmp(buf, "quit\n"))
		;
	for (i = 0; i < n; i++)
		kill(pids[i], SIGKILL);
	while (wait(NULL) > 0)
		;
	return 0;
}

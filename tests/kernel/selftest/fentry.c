// SPDX-License-Identifier: GPL-2.0
/*
 * fentry CMD...: attach fentry programs to dma_buf_invalidate_mappings and
 * iopt_revoke_notify, run CMD, then check both fired.  Proves the two
 * functions are in BTF and fentry-attachable (traceable, not inlined).
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include "fentry.skel.h"

int main(int argc, char **argv)
{
	unsigned long long invalidate, notify;
	struct fentry *skel;
	int status;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: fentry CMD [ARG...]\n");
		return 64;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	skel = fentry__open_and_load();
	if (!skel) {
		printf("not ok - load fentry programs\n");
		return 1;
	}
	if (fentry__attach(skel)) {
		printf("not ok - attach fentry programs\n");
		return 1;
	}
	printf("ok - fentry attached to dma_buf_invalidate_mappings and iopt_revoke_notify\n");

	pid = fork();
	if (pid == 0) {
		execvp(argv[1], argv + 1);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) < 0)
		return 1;

	invalidate = skel->bss->invalidate_calls;
	notify = skel->bss->revoke_notify_calls;
	fentry__destroy(skel);
	printf("%sok - dma_buf_invalidate_mappings fired %llu times\n",
	       invalidate ? "" : "not ", invalidate);
	printf("%sok - iopt_revoke_notify fired %llu times\n",
	       notify ? "" : "not ", notify);
	return invalidate && notify && WIFEXITED(status) &&
	       !WEXITSTATUS(status) ? 0 : 1;
}

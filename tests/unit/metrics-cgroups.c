// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * metrics-cgroups: metrics_write() of a model made here, whose holders run
 * in the cgroups of "PID=CGROUP" arguments (a holder not named has none):
 * the dmabuf_cgroup_* families, with paths no cgroup file system allows.
 * stdin: one line per holding, "INODE SIZE PID"; the metrics on stdout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"

static const char *cgroup_of(int argc, char **argv, pid_t pid)
{
	int i;

	for (i = 1; i < argc; i++)
		if (atoi(argv[i]) == pid && strchr(argv[i], '='))
			return strchr(argv[i], '=') + 1;
	return NULL;
}

int main(int argc, char **argv)
{
	struct dmabuf_set *set = dmabuf_set_new();
	struct metrics_opts o = { 0 };
	unsigned long long ino, size;
	int pid;

	while (scanf("%llu %llu %d", &ino, &size, &pid) == 3) {
		struct dmabuf *b = dmabuf_get(set, ino, DMABUF_SRC_FDINFO);
		struct dmabuf_holder *h;
		const char *cg;

		dmabuf_set_size(b, DMABUF_SRC_FDINFO, size);
		dmabuf_set_exporter(b, DMABUF_SRC_FDINFO, "system");
		h = dmabuf_holder(b, pid, "p");
		dmabuf_holder_add_fd(h, 3);
		cg = cgroup_of(argc, argv, pid);
		if (cg && !h->cgroup)
			h->cgroup = dmabuf_set_intern(set, cg);
	}
	dmabuf_source_used(set, DMABUF_SRC_FDINFO);
	dmabuf_set_finish(set);
	metrics_write(stdout, set, &o);
	dmabuf_set_free(set);
	return fflush(stdout) ? 1 : 0;
}

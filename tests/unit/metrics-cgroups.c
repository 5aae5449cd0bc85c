// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * metrics-cgroups: metrics_write() of a model made here, whose holders run
 * in the cgroups of "PID=CGROUP" arguments (a holder not named has none),
 * for the dmabuf_cgroup_* families before any source finds cgroups.
 * stdin: one line per holding, "INODE SIZE PID"; the metrics on stdout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"

static int nr_map;
static char **map;

static const char *cgroup_of(const struct dmabuf_holder *h)
{
	int i;

	for (i = 0; i < nr_map; i++)
		if (atoi(map[i]) == h->pid)
			return strchr(map[i], '=') + 1;
	return NULL;
}

int main(int argc, char **argv)
{
	struct dmabuf_set *set = dmabuf_set_new();
	struct metrics_opts o = { .cgroup_of = cgroup_of };
	unsigned long long ino, size;
	int pid;

	nr_map = argc - 1;
	map = argv + 1;
	while (scanf("%llu %llu %d", &ino, &size, &pid) == 3) {
		struct dmabuf *b = dmabuf_get(set, ino, DMABUF_SRC_FDINFO);

		dmabuf_set_size(b, DMABUF_SRC_FDINFO, size);
		dmabuf_set_exporter(b, DMABUF_SRC_FDINFO, "system");
		dmabuf_holder_add_fd(dmabuf_holder(b, pid, "p"), 3);
	}
	dmabuf_source_used(set, DMABUF_SRC_FDINFO);
	dmabuf_set_finish(set);
	metrics_write(stdout, set, &o);
	dmabuf_set_free(set);
	return fflush(stdout) ? 1 : 0;
}

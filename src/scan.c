// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Orchestration: run the sources in priority order into one set.
 *
 * Automatic: the BPF iterator (6.16+) lists every buffer; where it cannot
 * run, debugfs bufinfo does.  procfs then finds the holders by fd, and maps
 * by mapping unless refcounts prove none is mapped (source_maps_needed()).
 * --source=X runs only X ("procfs" is fd + maps) and fails if X cannot.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "source.h"
#include "util.h"

static bool want(const struct scan_opts *opts, const char *name)
{
	return !opts->only || !strcmp(opts->only, name);
}

static void warn_skipped(struct dmabuf_set *set, enum dmabuf_source src)
{
	const struct dmabuf_source_status *st = &set->status[src];

	dmabuf_warn_hint(set, st->hint, "%s: %s", dmabuf_source_name(src),
			 st->why ? st->why : "unknown");
}

static int scan_holders(struct dmabuf_set *set, const struct scan_opts *opts)
{
	char *why = NULL;
	int ret;

	ret = source_procfs_scan(set, opts);
	if (ret < 0)
		return ret;
	if (source_maps_needed(set, opts, &why)) {
		ret = source_maps_scan(set, opts);
	} else {
		dmabuf_source_skipped(set, DMABUF_SRC_MAPS, "%s", why);
		ret = 0;
	}
	free(why);
	if (set->procs_unreadable)
		dmabuf_warn_hint(set, geteuid() ? "run as root to see every process" : NULL,
				 "%zu process%s could not be read (%s)", set->procs_unreadable,
				 set->procs_unreadable == 1 ? "" : "es",
				 geteuid() ? "not root" : "permission denied");
	return ret;
}

int scan(struct dmabuf_set *set, const struct scan_opts *opts)
{
	bool listed = false;	/* a source listed every buffer */
	int ret = 0;

	if (want(opts, "bpf")) {
#ifdef HAVE_BPF
		ret = source_bpf_scan(set, opts);
		if (!ret) {
			if (!set->status[DMABUF_SRC_BPF].tried)
				dmabuf_source_used(set, DMABUF_SRC_BPF);
			listed = true;
		} else if (!set->status[DMABUF_SRC_BPF].tried) {
			dmabuf_source_skipped(set, DMABUF_SRC_BPF, "%s", strerror(-ret));
		}
#else
		dmabuf_source_skipped(set, DMABUF_SRC_BPF, "built without BPF support");
		ret = -EOPNOTSUPP;
#endif
		if (ret && opts->only)
			goto out;
	}

	/* After a full BPF listing debugfs adds only fences: read it for show. */
	if (want(opts, "debugfs") && (!listed || opts->detail)) {
		ret = source_debugfs_scan(set, opts);
		if (ret && opts->only)
			goto out;
		if (ret && !listed)
			warn_skipped(set, DMABUF_SRC_DEBUGFS);
	}

	if (want(opts, "procfs")) {
		ret = scan_holders(set, opts);
		if (ret && opts->only)
			goto out;
	}
	ret = 0;
out:
	dmabuf_set_finish(set);
	return ret;
}

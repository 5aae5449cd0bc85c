// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Orchestration: run the sources in priority order into one set.
 *
 * Automatic: debugfs bufinfo lists every buffer, for a tenth of what
 * loading the BPF iterator costs (a verifier pass and all of vmlinux BTF).
 * The iterator (6.16+) runs where it adds something: debugfs cannot be
 * read (not mounted, lockdown, kernels built without it, as Android's are)
 * or timed out on a held reservation lock, or a buffer has importers (only
 * the iterator knows their callback and whether they are dynamic).  procfs
 * then finds the holders by fd, and maps by mapping unless refcounts prove
 * none is mapped (source_maps_needed()).  --source=X runs only X ("procfs"
 * is fd + maps) and fails if X cannot.
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

static bool any_attachments(const struct dmabuf_set *set)
{
	for (size_t i = 0; i < set->nr_bufs; i++)
		if (set->bufs[i]->nr_attachments)
			return true;
	return false;
}

/* Returns 0 when the iterator listed every buffer. */
static int scan_bpf(struct dmabuf_set *set, const struct scan_opts *opts)
{
#ifdef HAVE_BPF
	int ret = source_bpf_scan(set, opts);

	if (!ret) {
		if (!set->status[DMABUF_SRC_BPF].tried)
			dmabuf_source_used(set, DMABUF_SRC_BPF);
	} else if (!set->status[DMABUF_SRC_BPF].tried) {
		dmabuf_source_skipped(set, DMABUF_SRC_BPF, "%s", strerror(-ret));
	}
	return ret;
#else
	(void)opts;
	dmabuf_source_skipped(set, DMABUF_SRC_BPF, "built without BPF support");
	return -EOPNOTSUPP;
#endif
}

int scan(struct dmabuf_set *set, const struct scan_opts *opts)
{
	bool listed = false;	/* a source listed every buffer */
	int ret = 0, debugfs = -ENOENT;

	if (want(opts, "debugfs")) {
		ret = debugfs = source_debugfs_scan(set, opts);
		if (ret && opts->only)
			goto out;
		listed = !ret;
	}

	if (want(opts, "bpf")) {
		/* A replay says why it cannot run BPF rather than "not needed". */
		if (listed && !opts->sysroot && !any_attachments(set)) {
			dmabuf_source_skipped(set, DMABUF_SRC_BPF, "not needed: debugfs listed "
					      "every buffer and none has an importer");
		} else {
			ret = scan_bpf(set, opts);
			if (ret && opts->only)
				goto out;
			listed |= !ret;
		}
	}
	if (!listed && debugfs && want(opts, "debugfs"))
		warn_skipped(set, DMABUF_SRC_DEBUGFS);

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

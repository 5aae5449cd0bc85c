// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Orchestration: run the sources in priority order into one set.
 *
 * Automatic: debugfs bufinfo lists every buffer, for a tenth of what
 * loading the BPF iterator costs (a verifier pass and all of vmlinux BTF).
 * The iterator (6.16+) runs where it adds something: debugfs cannot be
 * read (not mounted, lockdown, kernels built without it, as Android's are)
 * or timed out on a held reservation lock, or a buffer has importers (only
 * the iterator knows their callback and whether they are dynamic), or is
 * VFIO's (only the iterator knows its PCI device and whether VFIO revoked
 * it).  procfs
 * then finds the holders by fd, and maps by mapping unless refcounts prove
 * none is mapped (source_maps_needed()).  --source=X runs only X ("procfs"
 * is fd + maps) and fails if X cannot.
 *
 * The listing and the fd walk are independent kernel reads (bufinfo alone
 * is a fifth of list's time on a busy host), so on a live system a second
 * thread lists while this one walks /proc, then walks too, the two taking
 * processes in turn.  The walk touches no model: procfs_resolve() puts its
 * fds into the set once both threads are done.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "source.h"
#include "util.h"
#include "vfio.h"

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

static int scan_holders(struct dmabuf_set *set, struct procfs_walk *w,
			const struct scan_opts *opts)
{
	char *why = NULL;
	int ret;

	ret = procfs_resolve(set, w, opts);
	if (ret < 0)
		return ret;
	if (source_maps_needed(set, opts, &why)) {
		ret = source_maps_scan(set, opts, w);
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

/* VFIO's buffers: only the iterator knows their device and revoked state. */
static bool any_vfio(const struct dmabuf_set *set)
{
	for (size_t i = 0; i < set->nr_bufs; i++)
		if (vfio_exporter(set->bufs[i]->exporter))
			return true;
	return false;
}

/* Returns 0 when the iterator listed every buffer. */
static int scan_bpf(struct dmabuf_set *set, const struct scan_opts *opts)
{
	int ret = source_bpf_scan(set, opts);

	if (!ret) {
		if (!set->status[DMABUF_SRC_BPF].tried)
			dmabuf_source_used(set, DMABUF_SRC_BPF);
	} else if (!set->status[DMABUF_SRC_BPF].tried) {
		dmabuf_source_skipped(set, DMABUF_SRC_BPF, "%s", strerror(-ret));
	}
	return ret;
}

struct listing {
	struct dmabuf_set *set;
	const struct scan_opts *opts;
	bool listed;		/* a source listed every buffer */
	int debugfs;		/* its result, -ENOENT when not run */
	int ret;		/* of the last source run, for --source */
	struct procfs_walk *walk;	/* to join once listed, when ready */
	bool walk_ready;
	struct procfs_walk part;	/* what this thread found */
};

static void list_buffers(struct listing *l)
{
	const struct scan_opts *opts = l->opts;
	struct dmabuf_set *set = l->set;

	l->debugfs = -ENOENT;
	if (want(opts, "debugfs")) {
		l->ret = l->debugfs = source_debugfs_scan(set, opts);
		if (l->ret && opts->only)
			return;
		l->listed = !l->ret;
	}
	if (want(opts, "bpf")) {
		/* A replay says why it cannot run BPF rather than "not needed". */
		if (l->listed && !opts->sysroot && !any_attachments(set) && !any_vfio(set)) {
			dmabuf_source_skipped(set, DMABUF_SRC_BPF, "not needed: debugfs listed "
					      "every buffer and none has an importer");
		} else {
			l->ret = scan_bpf(set, opts);
			l->listed |= !l->ret;
		}
	}
}

static void *listing_thread(void *arg)
{
	struct listing *l = arg;

	list_buffers(l);
	if (__atomic_load_n(&l->walk_ready, __ATOMIC_ACQUIRE))
		procfs_walk_run(l->walk, &l->part);
	return NULL;
}

int scan(struct dmabuf_set *set, const struct scan_opts *opts)
{
	struct procfs_walk w = { .procfd = -1 };
	struct listing l = { .set = set, .opts = opts, .walk = &w, .part.procfd = -1 };
	bool listing = want(opts, "debugfs") || want(opts, "bpf");
	bool walk = want(opts, "procfs");
	bool together = listing && walk && !opts->sysroot;
	pthread_t thread;
	int ret = 0;

	if (together)
		together = !pthread_create(&thread, NULL, listing_thread, &l);
	if (listing && !together)
		list_buffers(&l);
	if (walk && !procfs_walk_begin(&w, opts)) {
		__atomic_store_n(&l.walk_ready, true, __ATOMIC_RELEASE);
		procfs_walk_run(&w, &w);
	}
	if (together) {
		pthread_join(thread, NULL);
		procfs_walk_merge(&w, &l.part);
	}
	if (listing && l.ret && opts->only) {
		ret = l.ret;
		goto out;
	}
	if (!l.listed && l.debugfs && want(opts, "debugfs"))
		warn_skipped(set, DMABUF_SRC_DEBUGFS);

	if (walk) {
		ret = scan_holders(set, &w, opts);
		if (ret && opts->only)
			goto out;
	}
	ret = 0;
out:
	procfs_walk_free(&w);
	dmabuf_set_finish(set);
	return ret;
}

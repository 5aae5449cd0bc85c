// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Orchestration: run the sources in priority order into one set.
 *
 * Automatic, first the kernel's own view: the BPF iterators (bpf_iters.c),
 * loaded once per boot and pinned, or once per run.  The task iterators
 * find every holder (fds, GEM handles, mappings) in one pass with no /proc
 * walk; the dma-buf iterator (6.16+) lists every buffer, so debugfs is then
 * read only for what it alone has (show's fences), and otherwise lists the
 * buffers no process holds.  The dma-buf iterator also reads what VFIO
 * keeps private: a buffer's PCI device, BAR ranges and revoked state.
 *
 * Without them (not root, no BTF, BPF refused, a kernel before 5.17, a
 * replayed tree) the procfs path: debugfs bufinfo lists every buffer, for a
 * tenth of what loading the dma-buf iterator costs.  The iterator (6.16+)
 * runs where it adds something: debugfs cannot be read (not mounted,
 * lockdown, kernels built without it, as Android's are) or timed out on a
 * held reservation lock, or a buffer has importers (only the iterator knows
 * their callback and whether they are dynamic).  procfs then finds the
 * holders by fd, and maps by mapping unless refcounts prove none is mapped
 * (source_maps_needed()).
 *
 * --source=LIST runs only the sources named ("bpf" is the three iterators,
 * "procfs" is fd + maps) and fails if one of them cannot run at all.
 *
 * The fd walk is most of the procfs path's time: on a live system with a
 * second CPU of ours two threads walk, taking processes in turn, the second
 * once it has read the listing.  The walk touches no model: procfs_resolve()
 * puts its fds into the set once both threads are done.  A walker holds a
 * reference on each file it looks at for a moment (proc_fd_link()), which
 * bufinfo read meanwhile may count: source_maps_scan() reads such counts
 * again (scan_procfs()).
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup.h"
#include "clock.h"
#include "source.h"
#include "util.h"

/* Whether name is in the comma-separated --source list (all without one). */
static bool want(const struct scan_opts *opts, const char *name)
{
	size_t n = strlen(name);
	const char *p;

	if (!opts->only)
		return true;
	for (p = opts->only; p; p = strchr(p, ',')) {
		if (*p == ',')
			p++;
		if (!strncmp(p, name, n) && (p[n] == ',' || !p[n]))
			return true;
	}
	return false;
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
	procfs_ahead_cgroups(set, &w->ahead);
	if (set->procs_unreadable)
		dmabuf_warn_hint(set, geteuid() ? "run as root to see every process" : NULL,
				 "%zu process%s could not be read (%s)", set->procs_unreadable,
				 set->procs_unreadable == 1 ? "" : "es",
				 geteuid() ? "not root" : "permission denied");
	return ret;
}

struct listing {
	struct dmabuf_set *set;
	const struct scan_opts *opts;
	bool listed;		/* a source listed every buffer */
	int debugfs;		/* its result, -ENOENT when not run */
	int ret;		/* debugfs's, for --source */
};

static void list_buffers(struct listing *l)
{
	const struct scan_opts *opts = l->opts;
	struct dmabuf_set *set = l->set;

	l->debugfs = -ENOENT;
	/* The dma-buf iterator ran already, if it could (source_bpf_scan()). */
	l->listed = set->status[DMABUF_SRC_BPF].used;
	if (want(opts, "debugfs")) {
		if (l->listed && !opts->detail) {
			dmabuf_source_skipped(set, DMABUF_SRC_DEBUGFS, "not needed: the BPF "
					      "iterator listed every buffer");
			return;
		}
		l->ret = l->debugfs = source_debugfs_scan(set, opts);
		l->listed |= !l->ret;
	}
}

/* The second walker: the listing first, if it has one; what it finds goes to part. */
struct walker {
	struct procfs_walk *walk;
	struct procfs_walk part;
	struct listing *listing;
};

/*
 * Tests: DMABUFCTL_FAULT_REFCOUNT=INODE counts one reference more in that
 * buffer's listing, as a walker's transient one would be counted, which
 * no test can time.  The maps scan must read it again (recount()).
 */
static void fault_refcount(struct dmabuf_set *set)
{
	const char *env = getenv("DMABUFCTL_FAULT_REFCOUNT");
	struct dmabuf *buf;
	uint64_t ino;

	if (!env || parse_u64(env, &ino))
		return;
	buf = dmabuf_find(set, ino);
	if (buf && buf->refcount >= 0)
		dmabuf_set_refcount(buf, DMABUF_SRC_DEBUGFS, buf->refcount + 1);
}

static void *walker_thread(void *arg)
{
	struct walker *x = arg;
	uint64_t t = mono_ns();

	if (x->listing) {
		list_buffers(x->listing);
		fault_refcount(x->listing->set);
		debug_step("scan", "debugfs, beside the walk", &t);
	}
	procfs_walk_run(x->walk, &x->part);
	return NULL;
}

/*
 * The procfs path.  On a live system with a second CPU of ours: two
 * threads walk the fds, the second after reading the listing (debugfs),
 * each reading the maps and cgroup of the holders it finds; then the fds
 * are resolved and maps scanned.  The listing may then count a walker's
 * transient reference (proc_fd_link()): the maps scan reads again, through
 * fdinfo, the counts that the fds and mappings found do not explain.
 * Otherwise one thread: the walk, then the listing, then the rest.
 */
static int scan_procfs(struct dmabuf_set *set, const struct scan_opts *opts)
{
	struct procfs_walk w = { .procfd = -1 };
	struct listing l = { .set = set, .opts = opts };
	struct walker x = { .walk = &w, .part.procfd = -1 };
	bool listing = want(opts, "debugfs");
	bool walk = want(opts, "procfs");
	bool two = false, listed = false;
	uint64_t t = mono_ns();
	pthread_t thread;
	int ret = 0;

	if (walk && !procfs_walk_begin(&w, opts)) {
		w.read_ahead = !opts->sysroot && threads_useful();
		x.listing = listing ? &l : NULL;
		two = w.read_ahead && !pthread_create(&thread, NULL, walker_thread, &x);
		if (!two)
			w.read_ahead = false;
		procfs_walk_run(&w, &w);
		if (two) {
			pthread_join(thread, NULL);
			procfs_walk_merge(&w, &x.part);
			listed = listing;
			/* bufinfo counted beside the walk (not the BPF
			 * iterator, which ran before it) */
			w.counts_racy = listed && !l.debugfs;
		}
		debug_step("scan", two ? "the fd walk, two threads" : "the fd walk", &t);
	}
	if (listing) {
		if (!listed) {
			list_buffers(&l);
			debug_step("scan", "debugfs", &t);
		}
		if (l.ret && opts->only) {
			ret = l.ret;
			goto out;
		}
		if (!l.listed && l.debugfs)
			warn_skipped(set, DMABUF_SRC_DEBUGFS);
	}
	if (walk) {
		ret = scan_holders(set, &w, opts);
		debug_step("scan", two ? "fds resolved, maps (read ahead)" :
			   "fds resolved, maps", &t);
		if (ret && opts->only)
			goto out;
	}
	ret = 0;
out:
	procfs_walk_free(&w);
	return ret;
}

/*
 * The revoked mark of the patched kernel is in fdinfo only: when asked for
 * (the REVOKED column, show), read it through one holder's fd per buffer,
 * as the fd walk would have (procfs_resolve() of a walk made of those fds).
 */
static int scan_fdinfo(struct dmabuf_set *set, const struct scan_opts *opts)
{
	struct procfs_walk w = { 0 };
	size_t i, j;
	int ret;

	/* Live (the task iterators ran): no --sysroot. */
	w.procfd = open("/proc", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (w.procfd < 0) {
		ret = -errno;
		dmabuf_source_skipped(set, DMABUF_SRC_FDINFO, "cannot open /proc: %s",
				      strerror(-ret));
		return ret;
	}
	w.live = false;		/* no fstatat() identity: read every fdinfo */
	for (i = 0; i < set->nr_bufs; i++) {
		const struct dmabuf *buf = set->bufs[i];

		for (j = 0; j < buf->nr_holders; j++) {
			const struct dmabuf_holder *h = &buf->holders[j];
			struct procfs_fd *f;

			if (!h->nr_fds)
				continue;
			if (w.nr == w.alloc) {
				w.alloc = w.alloc ? 2 * w.alloc : 64;
				w.fds = xrealloc(w.fds, w.alloc * sizeof(*w.fds));
			}
			f = &w.fds[w.nr++];
			memset(f, 0, sizeof(*f));
			/* /proc/TID works for a thread as for a process. */
			f->tgid = f->holder = h->pid;
			f->fd = h->fds[0];
			break;
		}
	}
	ret = procfs_resolve(set, &w, opts);
	procfs_walk_free(&w);
	return ret;
}

/* The kernel path, once the task iterators found the holders: debugfs
 * where it adds something, fdinfo for the revoked mark when asked, maps
 * only if task_vma failed. */
static int scan_tasks(struct dmabuf_set *set, const struct scan_opts *opts)
{
	bool listed = set->status[DMABUF_SRC_BPF].used;
	uint64_t t = mono_ns();
	struct procfs_walk w;
	int ret = 0;

	if (want(opts, "debugfs")) {
		if (!listed || opts->detail) {
			ret = source_debugfs_scan(set, opts);
			if (ret && !listed)
				warn_skipped(set, DMABUF_SRC_DEBUGFS);
			if (ret && (listed || !opts->only))
				ret = 0;	/* what it adds is not needed */
		} else {
			dmabuf_source_skipped(set, DMABUF_SRC_DEBUGFS, "not needed: the BPF "
					      "iterator listed every buffer");
		}
	}
	debug_step("scan", "debugfs", &t);
	if (ret || !want(opts, "procfs"))
		return ret;
	if (opts->fdinfo || opts->detail)
		scan_fdinfo(set, opts);
	else
		dmabuf_source_skipped(set, DMABUF_SRC_FDINFO, "not needed: the task_file "
				      "iterator found every fd");
	if (set->status[DMABUF_SRC_TASK_VMA].used) {
		dmabuf_source_skipped(set, DMABUF_SRC_MAPS, "not needed: the task_vma iterator "
				      "found every mapping");
		return 0;
	}
	/* Its load or attach failed alone: read maps. */
	ret = procfs_walk_begin(&w, opts);
	if (!ret)
		ret = source_maps_scan(set, opts, &w);
	else
		dmabuf_source_skipped(set, DMABUF_SRC_MAPS, "%s", w.why);
	procfs_walk_free(&w);
	return opts->only ? ret : 0;
}

int scan(struct dmabuf_set *set, const struct scan_opts *opts)
{
	uint64_t t;
	int ret = 0;

	if (want(opts, "bpf")) {
		ret = source_bpf_scan(set, opts);
		if (ret && opts->only)
			goto out;	/* named, and none of the iterators ran */
	}
	if (set->status[DMABUF_SRC_TASK_FILE].used)
		ret = scan_tasks(set, opts);
	else if (want(opts, "debugfs") || want(opts, "procfs"))
		ret = scan_procfs(set, opts);
	else
		ret = 0;
out:
	t = mono_ns();
	dmabuf_set_finish(set);
	debug_step("scan", "model finished", &t);
	cgroup_fill(set, opts);
	debug_step("scan", "cgroups", &t);
	return ret;
}

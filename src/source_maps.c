// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Source: /proc/PID/maps, for buffers held by a mapping (a process may mmap
 * and close the fd; fork() children inherit shared mappings).  The format
 * is parse_maps.c's.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "parse.h"
#include "source.h"
#include "util.h"

/*
 * When may maps be skipped?  A dma-buf's file refcount counts (5.3 .. 7.2):
 *  - one reference per fd table slot (fd_install; dup() and fork() add slots);
 *  - one per VMA (vma->vm_file: mmap takes it, split_vma() and fork()'s
 *    dup_mmap() take more);
 *  - kernel users: importers' dma_buf_get()/get_dma_buf() (DRM PRIME import),
 *    exporters' own (the GEM handle cache), fds in flight in SCM_RIGHTS,
 *    io_uring fixed files, an fd in use by a syscall in a multithreaded
 *    process (fdget() takes one when the table is shared);
 *  - not our own reads: fdinfo's count leaves out seq_show()'s reference and
 *    bufinfo takes none.
 * So refcount == fds found proves no VMA exists, and refcount == fds + VMAs
 * found proves there is no other VMA: maps are read for the processes that
 * hold buffers by fd first (that is where mappings usually are) and the
 * others only while a reference is unexplained.  Attachments prove nothing
 * (dma_buf_attach() takes no reference, an importer usually holds one, an
 * exporter may hold more), so they never explain a reference.  The proof
 * also needs the list of buffers to be complete, which only an enumerating
 * source (BPF, debugfs) gives: the fd walk cannot see a buffer whose fd was
 * closed after mmap.  Two holders with the same fds may be one fd table
 * shared by two processes (clone(CLONE_FILES)) counted twice; kcmp tells
 * on a live system, a replayed tree is unsure.  Whenever unsure, read maps.
 */
/*
 * Holders j and k list the same fds: one fd table seen twice (counted
 * once), or two tables (fork() without exec keeps the numbers)?  Live,
 * kcmp(KCMP_FILES) answers; otherwise -1 (unsure).
 */
static int same_table(const struct scan_opts *opts, pid_t a, pid_t b)
{
	return opts->sysroot ? -1 : procfs_same_files(a, b);
}

static bool same_fds(const struct dmabuf_holder *x, const struct dmabuf_holder *y)
{
	return x->nr_fds == y->nr_fds && !memcmp(x->fds, y->fds, x->nr_fds * sizeof(*x->fds));
}

/* By fd list, then pid: holders listing the same fds end up side by side. */
static int cmp_fd_lists(const void *a, const void *b)
{
	const struct dmabuf_holder *x = *(const struct dmabuf_holder *const *)a;
	const struct dmabuf_holder *y = *(const struct dmabuf_holder *const *)b;
	int c;

	if (x->nr_fds != y->nr_fds)
		return x->nr_fds < y->nr_fds ? -1 : 1;
	c = memcmp(x->fds, y->fds, x->nr_fds * sizeof(*x->fds));
	if (c)
		return c;
	return x->pid < y->pid ? -1 : x->pid > y->pid;
}

/*
 * The references buf's fds explain, a table seen under several pids
 * counted once; -1 when unsure.  Only holders listing the same fds can be
 * one table: sorting by fd list makes them neighbours, so that thousands
 * of holders cost a sort, not a comparison of every pair.
 */
static long fd_refs(const struct dmabuf *buf, const struct scan_opts *opts)
{
	const struct dmabuf_holder **v = xmalloc((buf->nr_holders + 1) * sizeof(*v));
	size_t n = 0, i, j, k, m;
	long refs = 0;

	for (i = 0; i < buf->nr_holders; i++)
		if (buf->holders[i].nr_fds)
			v[n++] = &buf->holders[i];
	if (n > 1)
		qsort(v, n, sizeof(*v), cmp_fd_lists);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && same_fds(v[i], v[j]); j++)
			;
		for (k = i; k < j; k++) {
			int same = 0;

			for (m = i; m < k && !same; m++)
				same = same_table(opts, v[k]->pid, v[m]->pid);
			if (same < 0) {
				refs = -1;
				goto out;
			}
			if (!same)
				refs += (long)v[k]->nr_fds;
		}
	}
out:
	free(v);
	return refs;
}

/* Has every reference of buf an fd (or a VMA) found? */
static bool buf_explained(const struct dmabuf *buf, const struct scan_opts *opts,
			  bool count_maps)
{
	long fd_count = dmabuf_refcount_from(buf, DMABUF_SRC_FDINFO);
	long refs;
	size_t j;

	if (buf->refcount < 0)
		return false;
	/* Counts that moved between the two reads: the world changed. */
	if (fd_count >= 0 && fd_count != buf->refcount)
		return false;
	refs = fd_refs(buf, opts);
	if (refs < 0)
		return false;
	for (j = 0; count_maps && j < buf->nr_holders; j++)
		refs += (long)buf->holders[j].nr_maps;
	return refs == buf->refcount;
}

/* Did a source list every buffer?  The fd walk cannot see a buffer whose
 * fd was closed after mmap. */
static bool listed_all(const struct dmabuf_set *set)
{
	return set->status[DMABUF_SRC_BPF].used || set->status[DMABUF_SRC_DEBUGFS].used;
}

/* Does every reference of every buffer have an fd (or a VMA) found? */
static bool refs_explained(const struct dmabuf_set *set, const struct scan_opts *opts,
			   bool count_maps)
{
	size_t i;

	if (!listed_all(set))
		return false;
	for (i = 0; i < set->nr_bufs; i++)
		if (!buf_explained(set->bufs[i], opts, count_maps))
			return false;
	return true;
}

/*
 * The listing ran beside the walk (w->counts_racy): once the holders' maps
 * are in, a buffer held by fd whose references are not all explained may
 * have been counted with a walker's transient one.  Its holder's fdinfo,
 * read now, counts without it (procfs_recount()).  A buffer a kernel
 * object also holds (a GEM import) is read again for nothing: a few.
 * Returns what refs_explained(set, opts, true) would, from the same pass.
 */
static bool recount(struct dmabuf_set *set, const struct scan_opts *opts,
		    struct procfs_walk *w)
{
	bool explained = listed_all(set);
	uint64_t t = mono_ns();
	size_t i, n = 0;
	char step[64];

	w->counts_racy = false;
	for (i = 0; i < set->nr_bufs; i++) {
		struct dmabuf *buf = set->bufs[i];

		if (buf_explained(buf, opts, true))
			continue;
		if (!procfs_recount(set, w, buf)) {
			n++;
			if (buf_explained(buf, opts, true))
				continue;
		}
		explained = false;
	}
	snprintf(step, sizeof(step), "refcounts read again after the walk: %zu", n);
	debug_step("scan", step, &t);
	return explained;	/* as refs_explained(set, opts, true) now */
}

bool source_maps_needed(const struct dmabuf_set *set, const struct scan_opts *opts,
			char **why)
{
	*why = NULL;
	if (!refs_explained(set, opts, false))
		return true;
	*why = xstrdup("every reference is an fd: no buffer is mapped");
	return false;
}

/* Reorder pids (sorted) so that those holding a buffer by fd come first;
 * returns how many do.  Threads' TIDs are not in pids: skipped. */
static size_t holders_first(const struct dmabuf_set *set, pid_t *pids, size_t nr)
{
	bool *holds = xcalloc(nr, sizeof(*holds));
	pid_t *order = xmalloc(nr * sizeof(*order));
	size_t i, j, first = 0, o = 0;

	for (i = 0; i < set->nr_bufs; i++) {
		for (j = 0; j < set->bufs[i]->nr_holders; j++) {
			pid_t *p = bsearch(&set->bufs[i]->holders[j].pid, pids, nr,
					   sizeof(*pids), cmp_pid);

			if (p)
				holds[p - pids] = true;
		}
	}
	for (i = 0; i < nr; i++)
		if (holds[i])
			order[o++] = pids[i];
	first = o;
	for (i = 0; i < nr; i++)
		if (!holds[i])
			order[o++] = pids[i];
	memcpy(pids, order, nr * sizeof(*pids));
	free(order);
	free(holds);
	return first;
}

/* A process's directory, opened when first needed (read-ahead text). */
struct maps_dir {
	int procfd;
	pid_t pid;
	int fd;
};

static int maps_dir_fd(struct maps_dir *d)
{
	char name[16];

	if (d->fd < 0) {
		snprintf(name, sizeof(name), "%d", (int)d->pid);
		d->fd = openat(d->procfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	}
	return d->fd;
}

static char *maps_comm(void *arg)
{
	int fd = maps_dir_fd(arg);

	return fd < 0 ? NULL : procfs_comm(fd);
}

int source_maps_scan(struct dmabuf_set *set, const struct scan_opts *opts,
		     struct procfs_walk *w)
{
	size_t i, nr = w->nr_pids, pre53 = 0, long_lines = 0, refused = 0, first;
	char *refused_why = NULL;
	pid_t *pids;

	if (w->err) {
		dmabuf_source_skipped(set, DMABUF_SRC_MAPS, "%s", w->why);
		return w->err;
	}
	/* The processes the fd walk listed, holders first. */
	pids = xmalloc((nr ? nr : 1) * sizeof(*pids));
	memcpy(pids, w->pids, nr * sizeof(*pids));
	first = holders_first(set, pids, nr);
	for (i = 0; i < nr; i++) {
		struct maps_dir d = { .procfd = w->procfd, .pid = pids[i], .fd = -1 };
		struct maps_parse mp = { .pid = pids[i], .comm = maps_comm, .arg = &d };
		struct procfs_ahead_entry *e = procfs_ahead_find(&w->ahead, pids[i]);
		char *text = NULL;
		ssize_t n;

		/* no mapping is left to find */
		if (i == first && (w->counts_racy ? recount(set, opts, w) :
				   refs_explained(set, opts, true)))
			break;

		if (e) {
			n = e->err ? e->err : (ssize_t)e->maps_len;
			text = e->maps;
			e->maps = NULL;
			long_lines += e->long_lines;
		} else if (maps_dir_fd(&d) < 0) {
			continue;
		} else {
			/* One open reads it all (kernel threads have an empty one). */
			n = read_file_at(d.fd, "maps", READ_MAX_LARGE, &text);
		}
		if (n < 0) {
			if (n == -EACCES || n == -EPERM)
				dmabuf_proc_unreadable(set, pids[i]);
			else if ((n == -EINVAL || n == -EFBIG) && !refused++)
				refused_why = xasprintf("proc/%d/maps: %s", (int)pids[i],
							read_strerror((int)n));
		} else {
			parse_maps(set, text, (size_t)n, &mp);
			pre53 += mp.pre53;
			long_lines += mp.long_lines;
		}
		free(text);
		if (d.fd >= 0)
			close(d.fd);
	}
	if (w->counts_racy)	/* every process holds one by fd */
		recount(set, opts, w);
	dmabuf_source_used(set, DMABUF_SRC_MAPS);
	if (pre53)
		dmabuf_warn(set, "maps: %zu dma-buf mappings skipped: kernel before 5.3 "
			    "gives dma-bufs no inode of their own", pre53);
	if (refused)
		dmabuf_warn(set, "maps: %zu maps file%s ignored: %s", refused,
			    refused == 1 ? "" : "s", refused_why);
	if (long_lines)
		dmabuf_warn(set, "maps: %zu line%s longer than %u bytes skipped", long_lines,
			    long_lines == 1 ? "" : "s", LINE_MAX_BYTES);
	free(refused_why);
	free(pids);
	return 0;
}

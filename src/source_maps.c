// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Source: /proc/PID/maps, for buffers held by a mapping (a process may mmap
 * and close the fd; fork() children inherit shared mappings).  The line is
 * "start-end perms pgoff major:minor inode path" (fs/proc/task_mmu.c
 * show_map_vma(), 5.10 to 7.2 alike): pgoff is a byte offset in hex, inode
 * the buffer's id, path "/dmabuf:NAME" from dmabuffs_dname() with '\n'
 * escaped as "\012" by seq_path().
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/kcmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

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
	long r;

	if (opts->sysroot)
		return -1;
	r = syscall(SYS_kcmp, a, b, KCMP_FILES, 0, 0);
	return r < 0 ? -1 : r == 0;
}

/* Does every reference of every buffer have an fd (or a VMA) found? */
static bool refs_explained(const struct dmabuf_set *set, const struct scan_opts *opts,
			   bool count_maps)
{
	size_t i, j, k;

	if (!set->status[DMABUF_SRC_BPF].used && !set->status[DMABUF_SRC_DEBUGFS].used)
		return false;	/* no complete list of buffers */
	for (i = 0; i < set->nr_bufs; i++) {
		const struct dmabuf *buf = set->bufs[i];
		long fd_count = dmabuf_refcount_from(buf, DMABUF_SRC_FDINFO);
		long refs = 0;

		if (buf->refcount < 0)
			return false;
		/* Counts that moved between the two reads: the world changed. */
		if (fd_count >= 0 && fd_count != buf->refcount)
			return false;
		for (j = 0; j < buf->nr_holders; j++) {
			const struct dmabuf_holder *h = &buf->holders[j];

			int same = 0;

			for (k = 0; k < j && !same; k++)
				if (h->nr_fds && h->nr_fds == buf->holders[k].nr_fds &&
				    !memcmp(h->fds, buf->holders[k].fds,
					    h->nr_fds * sizeof(*h->fds)))
					same = same_table(opts, h->pid, buf->holders[k].pid);
			if (same < 0)
				return false;
			if (!same)
				refs += (long)h->nr_fds;
			if (count_maps)
				refs += (long)h->nr_maps;
		}
		if (refs != buf->refcount)
			return false;
	}
	return true;
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

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return x < y ? -1 : x > y;
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

/* Decode seq_path()'s "\012" back to '\n', in place. */
static void unescape_nl(char *s)
{
	char *d = s;

	while (*s) {
		if (!strncmp(s, "\\012", 4)) {
			*d++ = '\n';
			s += 4;
		} else {
			*d++ = *s++;
		}
	}
	*d = '\0';
}

/* The comm the fd walk already read for pid, if it holds buf by fd. */
static const char *known_comm(const struct dmabuf *buf, pid_t pid)
{
	for (size_t i = 0; i < buf->nr_holders; i++)
		if (buf->holders[i].pid == pid)
			return buf->holders[i].comm;
	return NULL;
}

static void parse_maps(struct dmabuf_set *set, char *text, pid_t pid, int piddir,
		       size_t *pre53)
{
	char *line, *next, *comm = NULL;
	bool comm_read = false;

	for (line = text; *line; line = next) {
		unsigned long long start, end, pgoff, ino;
		struct dmabuf_mapping m;
		struct dmabuf_holder *h;
		struct dmabuf *buf;
		unsigned int maj, min;
		char perms[5], *path;
		int off = 0;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = line + strlen(line);
		/* Cheap filter first: most lines are no dma-buf. */
		if (!strstr(line, "dmabuf"))
			continue;
		if (sscanf(line, "%llx-%llx %4s %llx %x:%x %llu %n", &start, &end, perms,
			   &pgoff, &maj, &min, &ino, &off) != 7 || !off)
			continue;
		path = line + off;
		if (!strcmp(path, "anon_inode:dmabuf")) {
			(*pre53)++;
			continue;
		}
		if (strncmp(path, "/dmabuf:", 8) || !ino)
			continue;

		buf = dmabuf_get(set, ino, DMABUF_SRC_MAPS);
		/* "/dmabuf:" alone is no name or an empty one: leave it unknown. */
		if (path[8]) {
			unescape_nl(path + 8);
			dmabuf_set_name(buf, DMABUF_SRC_MAPS, path + 8);
		}
		if (!comm_read && !known_comm(buf, pid)) {
			comm = procfs_comm(piddir);
			comm_read = true;
		}
		memset(&m, 0, sizeof(m));
		m.start = start;
		m.end = end;
		m.pgoff = pgoff;
		memcpy(m.perms, perms, sizeof(m.perms));
		h = dmabuf_holder(buf, pid, comm ? comm : known_comm(buf, pid));
		dmabuf_holder_add_map(h, &m);
	}
	free(comm);
}

int source_maps_scan(struct dmabuf_set *set, const struct scan_opts *opts,
		     const struct procfs_walk *w)
{
	size_t i, nr = w->nr_pids, pre53 = 0, first;
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
		char name[16], *text;
		ssize_t n;
		int piddir;

		if (i == first && refs_explained(set, opts, true))
			break;	/* no mapping is left to find */

		snprintf(name, sizeof(name), "%d", (int)pids[i]);
		piddir = openat(w->procfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (piddir < 0)
			continue;
		/* One open reads it all (kernel threads have an empty one). */
		n = procfs_read_at(piddir, "maps", &text);
		if (n < 0) {
			if (n == -EACCES || n == -EPERM)
				dmabuf_proc_unreadable(set, pids[i]);
			close(piddir);
			continue;
		}
		/* No real maps line holds a NUL; do not let one end the parse. */
		for (ssize_t z = 0; z < n; z++)
			if (!text[z])
				text[z] = '?';
		parse_maps(set, text, pids[i], piddir, &pre53);
		free(text);
		close(piddir);
	}
	dmabuf_source_used(set, DMABUF_SRC_MAPS);
	if (pre53)
		dmabuf_warn(set, "maps: %zu dma-buf mappings skipped: kernel before 5.3 "
			    "gives dma-bufs no inode of their own", pre53);
	free(pids);
	return 0;
}

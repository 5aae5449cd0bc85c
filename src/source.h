/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Data sources.  Each fills the model and, when it cannot run, records why
 * with dmabuf_source_skipped() (not root, debugfs not mounted, kernel too
 * old) instead of failing: every source is optional.
 */
#ifndef DMABUFCTL_SOURCE_H
#define DMABUFCTL_SOURCE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>

#include "dmabuf.h"

struct scan_opts {
	const char *sysroot;	/* NULL: live system */
	const char *only;	/* NULL, or a comma-separated list of bpf, debugfs, procfs */
	pid_t pid;		/* 0: all processes */
	bool pin;		/* BPF: read the iterators' pins, pin what is loaded */
	bool detail;		/* show: everything every source knows */
	bool fdinfo;		/* read each buffer's fdinfo even when debugfs or BPF
				 * described it: the revoked mark is only there */
};

/* Run the sources in priority order, then dmabuf_set_finish().  Returns 0, or
 * -errno when --source named a source that could not run (reason reported). */
int scan(struct dmabuf_set *set, const struct scan_opts *opts);

/*
 * The BPF iterators, loaded (or read from their pins) together: the dma-buf
 * iterator lists the buffers (DMABUF_SRC_BPF), task_file and task_vma find
 * the holders (DMABUF_SRC_TASK_FILE, _TASK_VMA).  Each source's status says
 * whether it ran.  0 when one did, else -errno (the reasons are recorded).
 */
#ifdef HAVE_BPF
int source_bpf_scan(struct dmabuf_set *set, const struct scan_opts *opts);
struct bpf_iters;
/*
 * source_tasks.c: the task iterators' records into the model as they are
 * read: files() and vmas() take the complete records of data[len] and
 * return how many bytes they were; end() says what was garbled or cut and
 * which sources ran.
 */
struct tasks_parse;
struct tasks_parse *source_tasks_begin(struct dmabuf_set *set, const struct scan_opts *opts);
size_t source_tasks_files(struct tasks_parse *c, const char *data, size_t len);
size_t source_tasks_vmas(struct tasks_parse *c, const char *data, size_t len);
void source_tasks_end(struct tasks_parse *c, const struct bpf_iters *it);
#else
#include <errno.h>

/* Built with --disable-bpf. */
static inline int source_bpf_scan(struct dmabuf_set *set, const struct scan_opts *opts)
{
	dmabuf_source_skipped(set, DMABUF_SRC_BPF, "built without BPF support");
	dmabuf_source_skipped(set, DMABUF_SRC_TASK_FILE, "built without BPF support");
	dmabuf_source_skipped(set, DMABUF_SRC_TASK_VMA, "built without BPF support");
	return -EOPNOTSUPP;
}
#endif
int source_debugfs_scan(struct dmabuf_set *set, const struct scan_opts *opts);

/*
 * /proc/PID/fd + fdinfo, in two steps.  The walk finds every dma-buf fd and
 * touches no model, so scan() runs it in two threads taking processes in
 * turn; procfs_resolve() then gives each fd its buffer, reading fdinfo only
 * for buffers the listing did not describe.  Live, on 5.3 and later, the
 * walk makes one statx() per fd (the file's device tells a dma-buf, its
 * inode and size are the buffer's); a replayed tree or an older kernel is
 * walked by the links' text.
 */
struct procfs_fd {
	pid_t tgid;
	pid_t holder;		/* tgid, or the tid of a thread with its own table */
	int fd;
	dev_t dev;		/* of the fd's file at walk time (live only) */
	uint64_t ino, size;
	const char *comm;	/* the walk's (procfs_walk.comms) */
	char *fdinfo;		/* its fdinfo when the walk read it, or NULL */
	size_t fdinfo_len;
};

/*
 * Read ahead (procfs_ahead.c): on two CPUs each walker reads, while a
 * process's directory is open, what the scan will want of it once the
 * walk found it holding a dma-buf by fd: its maps (their dma-buf lines) and
 * its cgroup.  Neither read takes a reference on a buffer's file
 * (show_map_vma() prints vm_file under the mmap lock, 5.3 .. 7.2).
 */
struct procfs_ahead_entry {
	pid_t pid;
	int err;		/* -errno of the maps read, or 0 */
	char *maps;		/* its dma-buf lines (NUL-terminated) */
	size_t maps_len, long_lines;
	char *cgroup;		/* cgroup v2 path, NULL: unknown */
};
struct procfs_ahead {
	struct procfs_ahead_entry *v;	/* by pid, once sorted */
	size_t nr;
};
/* Read pid's maps and cgroup under its /proc/PID directory into a. */
void procfs_ahead_add(struct procfs_ahead *a, int piddir, pid_t pid);
/* Sort a by pid, for procfs_ahead_find() (walkers' parts are appended). */
void procfs_ahead_sort(struct procfs_ahead *a);
/* The entry of pid, NULL if none (a may be NULL). */
struct procfs_ahead_entry *procfs_ahead_find(const struct procfs_ahead *a, pid_t pid);
/* Holders (by pid) whose cgroup was read ahead take it. */
void procfs_ahead_cgroups(struct dmabuf_set *set, const struct procfs_ahead *a);
void procfs_ahead_free(struct procfs_ahead *a);

/* A device the walk has seen, and whether it is the dma-buf filesystem. */
struct procfs_dev {
	dev_t dev;
	bool dmabuf;
};

struct procfs_walk {
	bool live;
	bool by_stat;		/* statx() alone tells dma-bufs (live, 5.3+) */
	/* The walk the walkers share (the first one's own): the dma-buf
	 * device, learned once for all under its lock. */
	struct procfs_walk *shared;
	pthread_mutex_t dev_lock;
	bool dmabuf_dev_known;
	dev_t dmabuf_dev;
	int procfd;
	pid_t *pids;		/* to walk; walkers take them in turn (next) */
	size_t nr_pids, next;
	struct procfs_fd *fds;	/* what was found */
	size_t nr, alloc;
	char **comms;		/* the fds' comms, one per fd table */
	size_t nr_comms;
	struct procfs_dev *devs;	/* devices classified (by_stat) */
	size_t nr_devs;
	char *dents;		/* getdents64() buffer */
	pid_t *unreadable;	/* fd tables we may not read */
	size_t nr_unreadable;
	size_t procs_scanned;
	size_t pre53;		/* anon_inode:dmabuf fds (no identity) */
	bool read_ahead;	/* walkers read holders' maps and cgroups (ahead) */
	struct procfs_ahead ahead;
	/* The listing ran beside the walk: a refcount may hold a walker's
	 * transient reference (source_maps_scan() reads it again). */
	bool counts_racy;
	int err;		/* -errno when /proc could not be listed */
	char *why;
};

/* Open (sysroot)/proc and list its processes: 0 or -errno (w->why says). */
int procfs_walk_begin(struct procfs_walk *w, const struct scan_opts *opts);
/* Walk processes of w not yet taken by another walker; results into out
 * (w itself, or a part for procfs_walk_merge()). */
void procfs_walk_run(struct procfs_walk *w, struct procfs_walk *out);
void procfs_walk_merge(struct procfs_walk *w, struct procfs_walk *part);
int procfs_resolve(struct dmabuf_set *set, struct procfs_walk *w,
		   const struct scan_opts *opts);
void procfs_walk_free(struct procfs_walk *w);
/* Read buf's refcount again through one holder's fdinfo, which then
 * gives the buffer its refcount: 0, or -errno (the fd closed, reused). */
int procfs_recount(struct dmabuf_set *set, const struct procfs_walk *w, struct dmabuf *buf);

/* /proc/PID/maps of the processes the walk listed; scan() skips it when
 * source_maps_needed() says refcounts prove no buffer is mapped (the reason
 * is put in *why, malloc'ed). */
int source_maps_scan(struct dmabuf_set *set, const struct scan_opts *opts,
		     struct procfs_walk *w);
bool source_maps_needed(const struct dmabuf_set *set, const struct scan_opts *opts,
			char **why);

/* Shared by the procfs sources (defined in source_procfs.c). */
char *procfs_comm(int dirfd);	/* comm under a /proc/PID or task/TID dir; NULL if gone */
/* Whether two processes share one fd table (kcmp(KCMP_FILES)): 1 yes, 0 no,
 * -1 unknown (gone, or no kcmp: ENOSYS before 5.12 without
 * CONFIG_CHECKPOINT_RESTORE, EPERM). */
int procfs_same_files(pid_t a, pid_t b);

#endif

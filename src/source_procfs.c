// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Source: /proc/PID/fd and /proc/PID/fdinfo.
 *
 * One readlinkat() per fd: only links "/dmabuf:NAME" (5.3+) are looked at
 * any further, so a busy host costs little more than a bare readlink walk.
 *
 * A dma-buf fd's identity comes from one call, so an fd closed and reused
 * meanwhile cannot mix two buffers: fstatat() of the fd (device and inode
 * of the file it names now), or one fdinfo read ("ino:", 5.14+).  fdinfo
 * is read once per buffer, and not at all for a buffer debugfs or the BPF
 * iterator already described, unless the caller needs what only fdinfo
 * has (scan_opts.fdinfo: the revoked mark of the patched kernel).  The
 * first fdinfo read learns which device is the dma-buf filesystem; until
 * then an fstatat() alone proves nothing.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kcmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "parse.h"
#include "source.h"
#include "util.h"

/* Resolving the walk's fds against the model. */
struct procfs_ctx {
	struct dmabuf_set *set;
	struct procfs_walk *w;
	bool live;			/* not a replayed --sysroot tree */
	bool fdinfo;			/* read fdinfo even where another source told */
	bool dev_known;			/* dmabuf_dev is learned */
	dev_t dmabuf_dev;		/* st_dev of every dma-buf file */
	size_t no_ino_skipped;		/* replayed pre-5.14 fds without "ino:" */
	size_t refused;			/* fdinfo no kernel file (replayed tree) */
	char *refused_why;		/* the first refusal: path and reason */
	size_t long_lines;		/* fdinfo lines skipped as too long */
};

static int procfs_open(const struct scan_opts *opts)
{
	char *path = sysroot_path(opts->sysroot, "/proc");
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int e = errno;

	free(path);
	return fd < 0 ? -e : fd;
}

static bool procfs_pid_name(const char *name, pid_t *pid)
{
	return parse_pid(name, pid) == 0;
}

char *procfs_comm(int dirfd)
{
	return read_comm_at(dirfd, "comm");
}

static int procfs_pids(int procfd, const struct scan_opts *opts, pid_t **pids, size_t *nr)
{
	size_t n = 0, alloc = 256;
	struct dirent *de;
	pid_t *v, pid;
	DIR *d;
	int fd;

	if (opts->pid) {
		*pids = xmalloc(sizeof(pid_t));
		**pids = opts->pid;
		*nr = 1;
		return 0;
	}
	fd = openat(procfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		int e = errno;

		close(fd);
		return -e;
	}
	v = xmalloc(alloc * sizeof(*v));
	while ((de = readdir(d))) {
		if (!procfs_pid_name(de->d_name, &pid))
			continue;
		if (n == alloc) {
			alloc *= 2;
			v = xrealloc(v, alloc * sizeof(*v));
		}
		v[n++] = pid;
	}
	closedir(d);
	qsort(v, n, sizeof(*v), cmp_pid);
	*pids = v;
	*nr = n;
	return 0;
}

static bool is_perm(int e)
{
	return e == EACCES || e == EPERM;
}

static bool is_dmabuf_link(const char *link, ssize_t n, struct procfs_walk *w)
{
	if (n >= 8 && !memcmp(link, "/dmabuf:", 8))
		return true;
	/* Before 5.3 every dma-buf shares the anon inode: no identity. */
	if (n == 17 && !memcmp(link, "anon_inode:dmabuf", 17))
		w->pre53++;
	return false;
}

/* ---- the walk: touches no model, so it can run beside the listing ---- */

static void walk_unreadable(struct procfs_walk *w, pid_t pid)
{
	if (w->nr_unreadable && w->unreadable[w->nr_unreadable - 1] == pid)
		return;
	w->unreadable = xrealloc(w->unreadable, (w->nr_unreadable + 1) * sizeof(pid_t));
	w->unreadable[w->nr_unreadable++] = pid;
}

static struct procfs_fd *walk_add(struct procfs_walk *w)
{
	if (w->nr == w->alloc) {
		w->alloc = w->alloc ? 2 * w->alloc : 256;
		w->fds = xrealloc(w->fds, w->alloc * sizeof(*w->fds));
	}
	memset(&w->fds[w->nr], 0, sizeof(w->fds[0]));
	return &w->fds[w->nr++];
}

/* Walk one fd table: basefd is a /proc/PID or /proc/PID/task/TID dir. */
static void walk_fdtable(struct procfs_walk *w, int basefd, pid_t tgid, pid_t holder)
{
	char link[64], *comm = NULL;
	struct dirent *de;
	int fddir;
	DIR *d;

	fddir = openat(basefd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fddir < 0) {
		if (is_perm(errno))
			walk_unreadable(w, holder);
		return;
	}
	d = fdopendir(fddir);
	if (!d) {
		close(fddir);
		return;
	}
	while ((de = readdir(d))) {
		struct procfs_fd *f;
		ssize_t n;
		int fd;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		/* "/dmabuf:" + 31 bytes fits; a longer link is no dma-buf. */
		n = readlinkat(fddir, de->d_name, link, sizeof(link));
		if (n < 0) {
			if (is_perm(errno))
				walk_unreadable(w, holder);
			continue;
		}
		if (!is_dmabuf_link(link, n, w) || parse_int(de->d_name, 0, 0x7fffffff, &fd))
			continue;
		f = walk_add(w);
		f->tgid = tgid;
		f->holder = holder;
		f->fd = fd;
		/* Identity now: the fd may be closed and reused before fdinfo. */
		if (w->live && fstatat(fddir, de->d_name, &f->st, 0)) {
			w->nr--;	/* closed meanwhile */
			continue;
		}
		if (!comm)
			comm = procfs_comm(basefd);
		f->comm = comm ? xstrdup(comm) : NULL;
	}
	closedir(d);
	free(comm);
}

int procfs_same_files(pid_t a, pid_t b)
{
	long r = syscall(SYS_kcmp, a, b, KCMP_FILES, 0, 0);

	return r < 0 ? -1 : r == 0;
}

/*
 * Threads normally share the leader's fd table (CLONE_FILES).  One that
 * does not (clone() without it, or unshare(CLONE_FILES)) holds its own fds:
 * kcmp(KCMP_FILES) tells, one syscall per thread.  Without kcmp (ENOSYS
 * before 5.12 without CONFIG_CHECKPOINT_RESTORE, EPERM) threads count as
 * sharing.  A replayed tree cannot be asked: its threads count as sharing.
 */
static void walk_threads(struct procfs_walk *w, int piddir, pid_t pid)
{
	struct stat st;
	struct dirent *de;
	int taskfd;
	pid_t tid;
	DIR *d;

	if (!w->live)
		return;
	/* procfs counts threads in the task dir's links (2 + threads): one
	 * call spares listing it for a single-threaded process. */
	if (!fstatat(piddir, "task", &st, 0) && st.st_nlink <= 3)
		return;
	taskfd = openat(piddir, "task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (taskfd < 0)
		return;
	d = fdopendir(taskfd);
	if (!d) {
		close(taskfd);
		return;
	}
	while ((de = readdir(d))) {
		int tdir;

		if (!procfs_pid_name(de->d_name, &tid) || tid == pid)
			continue;
		if (procfs_same_files(pid, tid))
			continue;	/* shared, gone, or kcmp refused */
		tdir = openat(taskfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (tdir < 0)
			continue;
		walk_fdtable(w, tdir, pid, tid);
		close(tdir);
	}
	closedir(d);
}

int procfs_walk_begin(struct procfs_walk *w, const struct scan_opts *opts)
{
	int ret;

	memset(w, 0, sizeof(*w));
	w->live = !opts->sysroot;
	w->procfd = procfs_open(opts);
	if (w->procfd < 0) {
		w->why = xasprintf("cannot open %s/proc: %s", opts->sysroot ? opts->sysroot : "",
				   strerror(-w->procfd));
		return w->err = w->procfd;
	}
	ret = procfs_pids(w->procfd, opts, &w->pids, &w->nr_pids);
	if (ret < 0) {
		w->why = xasprintf("cannot list /proc: %s", strerror(-ret));
		return w->err = ret;
	}
	return 0;
}

/* Walk the processes w lists, each taken by one walker only, into out. */
void procfs_walk_run(struct procfs_walk *w, struct procfs_walk *out)
{
	size_t i;

	if (out != w) {
		memset(out, 0, sizeof(*out));
		out->live = w->live;
		out->procfd = -1;
	}
	if (w->err)
		return;
	while ((i = __atomic_fetch_add(&w->next, 1, __ATOMIC_RELAXED)) < w->nr_pids) {
		pid_t pid = w->pids[i];
		char name[16];
		int piddir;

		snprintf(name, sizeof(name), "%d", (int)pid);
		piddir = openat(w->procfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (piddir < 0)
			continue;	/* exited */
		out->procs_scanned++;
		walk_fdtable(out, piddir, pid, pid);
		walk_threads(out, piddir, pid);
		close(piddir);
	}
}

/* Take part's results into w. */
void procfs_walk_merge(struct procfs_walk *w, struct procfs_walk *part)
{
	if (part->nr) {
		w->fds = xrealloc(w->fds, (w->nr + part->nr) * sizeof(*w->fds));
		memcpy(w->fds + w->nr, part->fds, part->nr * sizeof(*w->fds));
		w->nr += part->nr;
		w->alloc = w->nr;
	}
	if (part->nr_unreadable) {
		w->unreadable = xrealloc(w->unreadable, (w->nr_unreadable + part->nr_unreadable) *
					 sizeof(pid_t));
		memcpy(w->unreadable + w->nr_unreadable, part->unreadable,
		       part->nr_unreadable * sizeof(pid_t));
		w->nr_unreadable += part->nr_unreadable;
	}
	w->procs_scanned += part->procs_scanned;
	w->pre53 += part->pre53;
	free(part->fds);
	free(part->unreadable);
	memset(part, 0, sizeof(*part));
	part->procfd = -1;
}

void procfs_walk_free(struct procfs_walk *w)
{
	for (size_t i = 0; i < w->nr; i++)
		free(w->fds[i].comm);
	free(w->fds);
	free(w->unreadable);
	free(w->pids);
	free(w->why);
	if (w->procfd >= 0)
		close(w->procfd);
	memset(w, 0, sizeof(*w));
	w->procfd = -1;
}

/* ---- resolving: each fd to its buffer, fdinfo only where needed ---- */

/* The buffer an fstatat() names, if fdinfo would tell nothing new of it. */
static struct dmabuf *known_buf(struct procfs_ctx *c, const struct stat *st)
{
	const unsigned int listed = 1u << DMABUF_SRC_BPF | 1u << DMABUF_SRC_DEBUGFS;
	struct dmabuf *buf;

	if (!c->dev_known || st->st_dev != c->dmabuf_dev)
		return NULL;
	buf = dmabuf_find(c->set, st->st_ino);
	if (!buf)
		return NULL;
	if (buf->sources & 1u << DMABUF_SRC_FDINFO)
		return buf;
	return !c->fdinfo && (buf->sources & listed) ? buf : NULL;
}

/* A replayed tree's fdinfo that is no kernel file: a FIFO, a device, an
 * endless file.  Counted, and the first one named in the warning. */
static void refuse(struct procfs_ctx *c, const char *path, int err)
{
	if (!c->refused++)
		c->refused_why = xasprintf("proc/%s: %s", path, read_strerror(err));
}

/*
 * fdinfo's "count:" is file_count() - 1: dma_buf_show_fdinfo() leaves out
 * the reference seq_show() took to print it (5.3 to 7.2 alike), so it is the
 * file refcount as bufinfo prints it (file_count(), nothing taken there).
 */
static void resolve_fd(struct procfs_ctx *c, const struct procfs_fd *f)
{
	struct dmabuf *buf;
	struct fdinfo fi;
	char path[64], *text;
	ssize_t n;

	if (c->live) {
		buf = known_buf(c, &f->st);
		if (buf)
			goto holder;
	}
	if (f->holder == f->tgid)
		snprintf(path, sizeof(path), "%d/fdinfo/%d", (int)f->tgid, f->fd);
	else
		snprintf(path, sizeof(path), "%d/task/%d/fdinfo/%d", (int)f->tgid,
			 (int)f->holder, f->fd);
	n = read_file_at(c->w->procfd, path, READ_MAX_SMALL, &text);
	if (n < 0) {
		if (is_perm((int)-n))
			dmabuf_proc_unreadable(c->set, f->holder);
		else if (n == -EINVAL || n == -EFBIG)
			refuse(c, path, (int)n);
		return;		/* ENOENT: the fd was closed meanwhile */
	}
	parse_fdinfo(text, (size_t)n, &fi);
	c->long_lines += fi.long_lines;
	if (!fi.exp_name || !fi.has_size)
		goto cleanup;	/* a file named "/dmabuf:..." on a real fs */

	if (!fi.has_ino) {
		/*
		 * Before 5.14 fdinfo has no "ino:": take the walk's fstatat();
		 * a size that differs means the fd was reused.
		 */
		if (!c->live) {
			c->no_ino_skipped++;
			goto cleanup;
		}
		if ((uint64_t)f->st.st_size != fi.size)
			goto cleanup;
		fi.ino = f->st.st_ino;
	} else if (c->live && !c->dev_known && fi.ino == f->st.st_ino) {
		/* Not reused between the two calls: st names a dma-buf. */
		c->dmabuf_dev = f->st.st_dev;
		c->dev_known = true;
	}

	buf = fdinfo_to_model(c->set, &fi);
	free(text);
holder:
	dmabuf_holder_add_fd(dmabuf_holder(buf, f->holder, f->comm), f->fd);
	return;
cleanup:
	free(text);
}

int procfs_resolve(struct dmabuf_set *set, struct procfs_walk *w, const struct scan_opts *opts)
{
	struct procfs_ctx c = {
		.set = set, .w = w, .live = w->live, .fdinfo = opts->detail || opts->fdinfo,
	};
	size_t i;

	if (w->err) {
		dmabuf_source_skipped(set, DMABUF_SRC_FDINFO, "%s", w->why);
		return w->err;
	}
	set->procs_scanned += w->procs_scanned;
	for (i = 0; i < w->nr_unreadable; i++)
		dmabuf_proc_unreadable(set, w->unreadable[i]);
	for (i = 0; i < w->nr; i++)
		resolve_fd(&c, &w->fds[i]);
	dmabuf_source_used(set, DMABUF_SRC_FDINFO);
	if (c.no_ino_skipped)
		dmabuf_warn(set, "procfs: %zu dma-buf fds skipped: fdinfo without ino: "
			    "(kernel before 5.14) cannot be replayed", c.no_ino_skipped);
	if (w->pre53)
		dmabuf_warn(set, "procfs: %zu dma-buf fds skipped: kernel before 5.3 "
			    "gives dma-bufs no inode of their own", w->pre53);
	if (c.refused)
		dmabuf_warn(set, "procfs: %zu fdinfo file%s ignored: %s", c.refused,
			    c.refused == 1 ? "" : "s", c.refused_why);
	if (c.long_lines)
		dmabuf_warn(set, "procfs: %zu fdinfo line%s longer than %u bytes skipped",
			    c.long_lines, c.long_lines == 1 ? "" : "s", LINE_MAX_BYTES);
	free(c.refused_why);
	return 0;
}

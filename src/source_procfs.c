// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Source: /proc/PID/fd and /proc/PID/fdinfo.
 *
 * Live, since 5.3 (one inode per buffer, on the dma-buf filesystem): one
 * statx() per fd, which follows the fd's link to its file as readlink
 * would, without printing the link.  The file's device tells a dma-buf:
 * every dma-buf shares the dma-buf filesystem's, learned from the first fd
 * on each device (its link, then its fdinfo).  Its inode is the buffer,
 * its size the buffer's.  So a busy host costs no more than a bare
 * readlink walk.  A replayed tree (--sysroot), or a kernel before 5.3, is
 * walked by the links' text: "/dmabuf:NAME", then an fstatat() (live).
 *
 * A dma-buf fd's identity comes from one call, so an fd closed and reused
 * meanwhile cannot mix two buffers: fstatat() of the fd (device and inode
 * of the file it names now), or one fdinfo read ("ino:", 5.14+).  fdinfo
 * is read once per buffer, and not at all for a buffer debugfs or the BPF
 * iterator already described, unless the caller needs what only fdinfo
 * has (scan_opts.fdinfo: the revoked mark of the patched kernel).  Walked
 * by the links, the first fdinfo read learns which device is the dma-buf
 * filesystem; until then an fstatat() alone proves nothing.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/kcmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
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

/* ---- the walk: touches no model, so two threads can walk ---- */

#define DENTS_SIZE	(32u << 10)

/*
 * A directory's entries through getdents64() into the walker's buffer:
 * readdir() allocates and frees 32 KiB per directory, which in the second
 * thread's arena made glibc grow its heap with an mprotect() each time.
 */
struct dents {
	int fd;
	char *buf;
	long len, pos;
};

static const char *dents_next(struct dents *d)
{
	const struct dirent64 *de;

	if (d->pos >= d->len) {
		d->len = getdents64(d->fd, d->buf, DENTS_SIZE);
		d->pos = 0;
		if (d->len <= 0)
			return NULL;
	}
	de = (const struct dirent64 *)(d->buf + d->pos);
	d->pos += de->d_reclen;
	return de->d_name;
}

static void walk_unreadable(struct procfs_walk *w, pid_t pid)
{
	if (w->nr_unreadable && w->unreadable[w->nr_unreadable - 1] == pid)
		return;
	w->unreadable = array_reserve(w->unreadable, w->nr_unreadable, sizeof(pid_t));
	w->unreadable[w->nr_unreadable++] = pid;
}

static struct procfs_fd *walk_add(struct procfs_walk *w)
{
	if (w->nr == w->alloc) {
		w->alloc = w->alloc ? 2 * w->alloc : 256;
		w->fds = xrealloc(w->fds, w->alloc * sizeof(*w->fds));
	}
	return &w->fds[w->nr++];
}

/* The comm of the fd table under basefd, once per table, kept by the walk. */
static const char *walk_comm(struct procfs_walk *w, int basefd, const char **comm)
{
	char *c;

	if (*comm)
		return *comm;
	c = procfs_comm(basefd);
	if (!c)
		return NULL;
	w->comms = array_reserve(w->comms, w->nr_comms, sizeof(*w->comms));
	w->comms[w->nr_comms++] = c;
	return *comm = c;
}

/*
 * Whether dev is the dma-buf filesystem's, asked once per device: the fd's
 * link is "/dmabuf:NAME" (dmabuffs_dname(), 5.3+) and its fdinfo has the
 * dma-buf part for the same inode (a file so named on another filesystem
 * has none).  Neither asks the filesystem itself, as fstatfs() would: a
 * stuck FUSE daemon or NFS server cannot stall the walk.  -1 when the fd
 * was closed meanwhile, or is unreadable (not remembered).
 */
static int walk_dev_dmabuf(struct procfs_walk *w, int basefd, int fddir, const char *name,
			   struct procfs_fd *f)
{
	char link[64], path[sizeof("fdinfo/") + 256], *text;
	struct procfs_walk *sh = w->shared;
	struct fdinfo fi;
	bool dmabuf;
	ssize_t n;
	size_t i;

	for (i = 0; i < w->nr_devs; i++)
		if (w->devs[i].dev == f->dev)
			return w->devs[i].dmabuf;
	n = readlinkat(fddir, name, link, sizeof(link));
	if (n < 0)
		return -1;
	dmabuf = n >= 8 && !memcmp(link, "/dmabuf:", 8);
	/* One fdinfo read for all walkers: the other may have learned it. */
	if (dmabuf) {
		pthread_mutex_lock(&sh->dev_lock);
		if (sh->dmabuf_dev_known) {
			dmabuf = f->dev == sh->dmabuf_dev;
			goto learned;
		}
		snprintf(path, sizeof(path), "fdinfo/%s", name);
		n = read_file_at(basefd, path, READ_MAX_SMALL, &text);
		if (n < 0) {
			pthread_mutex_unlock(&sh->dev_lock);
			return -1;
		}
		/* Parsed in place: resolving parses a copy. */
		f->fdinfo = xmalloc((size_t)n + 1);
		memcpy(f->fdinfo, text, (size_t)n + 1);
		f->fdinfo_len = (size_t)n;
		parse_fdinfo(text, (size_t)n, &fi);
		free(text);
		dmabuf = fi.exp_name && fi.has_size;
		if (!fi.has_ino || fi.ino != f->ino || !dmabuf) {
			free(f->fdinfo);
			f->fdinfo = NULL;
		}
		if (!fi.has_ino || fi.ino != f->ino) {
			pthread_mutex_unlock(&sh->dev_lock);
			return -1;	/* reused meanwhile: ask the next fd */
		}
		sh->dmabuf_dev_known = dmabuf;
		sh->dmabuf_dev = f->dev;
learned:
		pthread_mutex_unlock(&sh->dev_lock);
	}
	w->devs = array_reserve(w->devs, w->nr_devs, sizeof(*w->devs));
	w->devs[w->nr_devs].dev = f->dev;
	w->devs[w->nr_devs].dmabuf = dmabuf;
	return w->devs[w->nr_devs++].dmabuf;
}

/* One fd by its link's text: "/dmabuf:NAME" (5.3+), then its identity. */
static bool walk_fd_link(struct procfs_walk *w, int fddir, const char *name, pid_t holder,
			 struct procfs_fd *f)
{
	char link[64];
	struct stat st;
	ssize_t n;

	/* "/dmabuf:" + 31 bytes fits; a longer link is no dma-buf. */
	n = readlinkat(fddir, name, link, sizeof(link));
	if (n < 0) {
		if (is_perm(errno))
			walk_unreadable(w, holder);
		return false;
	}
	if (!is_dmabuf_link(link, n, w))
		return false;
	if (!w->live)
		return true;
	/* Identity now: the fd may be closed and reused before fdinfo. */
	if (fstatat(fddir, name, &st, 0))
		return false;
	f->dev = st.st_dev;
	f->ino = st.st_ino;
	f->size = (uint64_t)st.st_size;
	return true;
}

/*
 * One fd by its file: a dma-buf is on the dma-buf filesystem.  statx()
 * with AT_STATX_DONT_SYNC takes what the inode has cached, where a network
 * or FUSE filesystem would ask its server.  A file we may not stat (FUSE
 * refuses other users, root too) is no dma-buf, unless the fd itself is
 * hidden from us (ptrace rules), which its link tells.
 */
static bool walk_fd_stat(struct procfs_walk *w, int basefd, int fddir, const char *name,
			 pid_t holder, struct procfs_fd *f)
{
	struct statx stx;
	char link[64];

	if (statx(fddir, name, AT_STATX_DONT_SYNC, STATX_INO | STATX_SIZE, &stx)) {
		if (is_perm(errno) && readlinkat(fddir, name, link, sizeof(link)) < 0 &&
		    is_perm(errno))
			walk_unreadable(w, holder);
		return false;
	}
	f->dev = makedev(stx.stx_dev_major, stx.stx_dev_minor);
	f->ino = stx.stx_ino;
	f->size = stx.stx_size;
	return walk_dev_dmabuf(w, basefd, fddir, name, f) > 0;
}

/* Walk one fd table: basefd is a /proc/PID or /proc/PID/task/TID dir. */
static void walk_fdtable(struct procfs_walk *w, int basefd, pid_t tgid, pid_t holder)
{
	struct dents d = { .buf = w->dents };
	const char *name, *comm = NULL;

	d.fd = openat(basefd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d.fd < 0) {
		if (is_perm(errno))
			walk_unreadable(w, holder);
		return;
	}
	while ((name = dents_next(&d))) {
		struct procfs_fd f = { .tgid = tgid, .holder = holder };
		bool found;

		if (name[0] < '0' || name[0] > '9')
			continue;
		found = w->by_stat ? walk_fd_stat(w, basefd, d.fd, name, holder, &f) :
			walk_fd_link(w, d.fd, name, holder, &f);
		if (!found || parse_int(name, 0, 0x7fffffff, &f.fd)) {
			free(f.fdinfo);
			continue;
		}
		f.comm = walk_comm(w, basefd, &comm);
		*walk_add(w) = f;
	}
	close(d.fd);
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
	struct dents d = { 0 };
	const char *name;
	struct stat st;
	pid_t tid;

	if (!w->live)
		return;
	/* procfs counts threads in the task dir's links (2 + threads): one
	 * call spares listing it for a single-threaded process. */
	if (!fstatat(piddir, "task", &st, 0) && st.st_nlink <= 3)
		return;
	d.fd = openat(piddir, "task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (d.fd < 0)
		return;
	/* Its own buffer: walk_fdtable() takes the walker's. */
	d.buf = xmalloc(DENTS_SIZE);
	while ((name = dents_next(&d))) {
		int tdir;

		if (!procfs_pid_name(name, &tid) || tid == pid)
			continue;
		if (procfs_same_files(pid, tid))
			continue;	/* shared, gone, or kcmp refused */
		tdir = openat(d.fd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (tdir < 0)
			continue;
		walk_fdtable(w, tdir, pid, tid);
		close(tdir);
	}
	free(d.buf);
	close(d.fd);
}

int procfs_walk_begin(struct procfs_walk *w, const struct scan_opts *opts)
{
	struct utsname un;
	int ret;

	memset(w, 0, sizeof(*w));
	w->shared = w;
	pthread_mutex_init(&w->dev_lock, NULL);
	w->live = !opts->sysroot;
	/* Before 5.3 dma-bufs were anonymous inodes: the links tell them. */
	w->by_stat = w->live && !uname(&un) && !release_before(un.release, 5, 3);
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
		out->by_stat = w->by_stat;
		out->read_ahead = w->read_ahead;
		out->shared = w;
		out->procfd = -1;
	}
	if (w->err)
		return;
	if (!out->dents)
		out->dents = xmalloc(DENTS_SIZE);
	while ((i = __atomic_fetch_add(&w->next, 1, __ATOMIC_RELAXED)) < w->nr_pids) {
		pid_t pid = w->pids[i];
		size_t found = out->nr;
		char name[16];
		int piddir;

		snprintf(name, sizeof(name), "%d", (int)pid);
		piddir = openat(w->procfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (piddir < 0)
			continue;	/* exited */
		out->procs_scanned++;
		walk_fdtable(out, piddir, pid, pid);
		walk_threads(out, piddir, pid);
		if (out->read_ahead && out->nr > found)
			procfs_ahead_add(&out->ahead, piddir, pid);
		close(piddir);
	}
}

/* Append n elements of size from *src to *dst (holding *nr), then free *src. */
static void append(void *dstp, size_t *nr, void *srcp, size_t n, size_t size)
{
	char **dst = dstp, **src = srcp;

	if (n) {
		*dst = xrealloc(*dst, (*nr + n) * size);
		memcpy(*dst + *nr * size, *src, n * size);
		*nr += n;
	}
	free(*src);
	*src = NULL;
}

/* Take part's results into w. */
void procfs_walk_merge(struct procfs_walk *w, struct procfs_walk *part)
{
	size_t i, j;

	append(&w->fds, &w->nr, &part->fds, part->nr, sizeof(*w->fds));
	w->alloc = w->nr;
	append(&w->unreadable, &w->nr_unreadable, &part->unreadable, part->nr_unreadable,
	       sizeof(pid_t));
	append(&w->comms, &w->nr_comms, &part->comms, part->nr_comms, sizeof(char *));
	for (i = 0; i < part->nr_devs; i++) {
		for (j = 0; j < w->nr_devs && w->devs[j].dev != part->devs[i].dev; j++)
			;
		if (j < w->nr_devs)
			continue;
		w->devs = array_reserve(w->devs, w->nr_devs, sizeof(*w->devs));
		w->devs[w->nr_devs++] = part->devs[i];
	}
	w->procs_scanned += part->procs_scanned;
	w->pre53 += part->pre53;
	append(&w->ahead.v, &w->ahead.nr, &part->ahead.v, part->ahead.nr,
	       sizeof(*w->ahead.v));
	procfs_ahead_sort(&w->ahead);
	free(part->devs);
	free(part->dents);
	memset(part, 0, sizeof(*part));
	part->procfd = -1;
}

void procfs_walk_free(struct procfs_walk *w)
{
	size_t i;

	for (i = 0; i < w->nr; i++)
		free(w->fds[i].fdinfo);
	for (i = 0; i < w->nr_comms; i++)
		free(w->comms[i]);
	free(w->comms);
	free(w->fds);
	free(w->devs);
	free(w->dents);
	free(w->unreadable);
	free(w->pids);
	free(w->why);
	procfs_ahead_free(&w->ahead);
	if (w->procfd >= 0)
		close(w->procfd);
	if (w->shared == w)
		pthread_mutex_destroy(&w->dev_lock);
	memset(w, 0, sizeof(*w));
	w->procfd = -1;
}

/* ---- resolving: each fd to its buffer, fdinfo only where needed ---- */

/* The buffer the walk's fstatat() names, if fdinfo would tell nothing new of it. */
static struct dmabuf *known_buf(struct procfs_ctx *c, const struct procfs_fd *f)
{
	const unsigned int listed = 1u << DMABUF_SRC_BPF | 1u << DMABUF_SRC_DEBUGFS;
	struct dmabuf *buf;

	if (!c->dev_known || f->dev != c->dmabuf_dev)
		return NULL;
	buf = dmabuf_find(c->set, f->ino);
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
static void resolve_fd(struct procfs_ctx *c, struct procfs_fd *f)
{
	struct dmabuf *buf;
	struct fdinfo fi;
	char path[64], *text;
	ssize_t n;

	if (c->live) {
		buf = known_buf(c, f);
		if (buf)
			goto holder;
	}
	if (f->holder == f->tgid)
		snprintf(path, sizeof(path), "%d/fdinfo/%d", (int)f->tgid, f->fd);
	else
		snprintf(path, sizeof(path), "%d/task/%d/fdinfo/%d", (int)f->tgid,
			 (int)f->holder, f->fd);
	if (f->fdinfo) {	/* read by the walk */
		text = f->fdinfo;
		n = (ssize_t)f->fdinfo_len;
		f->fdinfo = NULL;
	} else {
		n = read_file_at(c->w->procfd, path, READ_MAX_SMALL, &text);
	}
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
		if (f->size != fi.size)
			goto cleanup;
		fi.ino = f->ino;
	} else if (c->live && !c->dev_known && fi.ino == f->ino) {
		/* Not reused between the two calls: st names a dma-buf. */
		c->dmabuf_dev = f->dev;
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
	/* The walk asked the filesystem (by_stat). */
	for (i = 0; i < w->nr_devs && !c.dev_known; i++) {
		c.dev_known = w->devs[i].dmabuf;
		c.dmabuf_dev = w->devs[i].dev;
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

/*
 * Why read a count again: bufinfo read beside the walk may have counted a
 * walker's reference, held for a moment while statx() follows the fd's
 * link (proc_fd_link(), 5.3 .. 7.2).  Once the walk is over, the holder's
 * fdinfo counts the processes' references alone ("count:" leaves out its
 * own).  Its "ino:" (5.14+) proves the fd still names buf.
 */
int procfs_recount(struct dmabuf_set *set, const struct procfs_walk *w, struct dmabuf *buf)
{
	const struct dmabuf_holder *h = NULL;
	struct fdinfo fi;
	char path[64], *text;
	int ret = -ENOENT;
	ssize_t n;
	size_t i;

	for (i = 0; i < buf->nr_holders && !h; i++)
		if (buf->holders[i].nr_fds)
			h = &buf->holders[i];
	if (!h)
		return -ENOENT;
	/* /proc/TID works for a thread as for a process. */
	snprintf(path, sizeof(path), "%d/fdinfo/%d", (int)h->pid, h->fds[0]);
	n = read_file_at(w->procfd, path, READ_MAX_SMALL, &text);
	if (n < 0)
		return (int)n;
	parse_fdinfo(text, (size_t)n, &fi);
	if (fi.exp_name && fi.has_size && fi.has_count && fi.has_ino && fi.ino == buf->inode &&
	    fdinfo_to_model(set, &fi) == buf) {
		dmabuf_refcount_retake(buf, DMABUF_SRC_FDINFO);
		ret = 0;
	}
	free(text);
	return ret;
}

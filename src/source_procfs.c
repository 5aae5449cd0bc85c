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

#include "source.h"
#include "util.h"

/* Names are at most DMA_BUF_NAME_LEN - 1 bytes (strndup_user(.., 32)). */
#define NAME_MAX_BYTES 31

struct fdinfo {
	bool has_ino, has_size, has_count, has_name, has_revoked;
	uint64_t ino, size;
	long count;
	unsigned int flags;
	int revoked;
	const char *exp_name;		/* points into the read buffer */
	char name[NAME_MAX_BYTES + 1];
};

struct procfs_ctx {
	struct dmabuf_set *set;
	bool live;			/* not a replayed --sysroot tree */
	bool fdinfo;			/* read fdinfo even where another source told */
	bool dev_known;			/* dmabuf_dev is learned */
	dev_t dmabuf_dev;		/* st_dev of every dma-buf file */
	size_t no_ino_skipped;		/* replayed pre-5.14 fds without "ino:" */
	size_t pre53;			/* anon_inode:dmabuf fds (no identity) */
};

int procfs_open(const struct scan_opts *opts)
{
	char *path = sysroot_path(opts->sysroot, "/proc");
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int e = errno;

	free(path);
	return fd < 0 ? -e : fd;
}

bool procfs_pid_name(const char *name, pid_t *pid)
{
	return parse_pid(name, pid) == 0;
}

char *procfs_comm(int dirfd)
{
	char buf[64];
	ssize_t n;
	int fd;

	fd = openat(dirfd, "comm", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return NULL;
	/* comm_show() prints the raw name and one '\n'. */
	if (buf[n - 1] == '\n')
		n--;
	buf[n] = '\0';
	return xstrdup(buf);
}

static int cmp_pid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return x < y ? -1 : x > y;
}

int procfs_pids(int procfd, const struct scan_opts *opts, pid_t **pids, size_t *nr)
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

ssize_t procfs_read_at(int dirfd, const char *name, char **out)
{
	ssize_t len;
	int fd;

	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	len = read_fd_all(fd, out);
	close(fd);
	return len;
}

static bool is_perm(int e)
{
	return e == EACCES || e == EPERM;
}

static bool key_line(const char *line)
{
	/* "word:\t" as every fdinfo line starts. */
	while ((*line >= 'a' && *line <= 'z') || *line == '_')
		line++;
	return line[0] == ':' && line[1] == '\t';
}

/*
 * fdinfo: the generic part (fs/proc/fd.c seq_show: pos, flags in octal with
 * O_CLOEXEC of this fd, mnt_id, ino since 5.14, lock lines), then
 * dma_buf_show_fdinfo(): size, count, exp_name and, when one is set, name
 * last.  The patched test kernel adds "revoked:".  A name may hold '\n':
 * lines after "name:" that are no "key:\t" line belong to it.
 */
static void parse_fdinfo(char *text, struct fdinfo *fi)
{
	char *line = text, *next;

	memset(fi, 0, sizeof(*fi));
	for (; *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		else
			next = line + strlen(line);

		if (!strncmp(line, "ino:\t", 5)) {
			fi->has_ino = !parse_u64(line + 5, &fi->ino);
		} else if (!strncmp(line, "flags:\t", 7)) {
			fi->flags = (unsigned int)strtoul(line + 7, NULL, 8);
		} else if (!strncmp(line, "size:\t", 6)) {
			fi->has_size = !parse_u64(line + 6, &fi->size);
		} else if (!strncmp(line, "count:\t", 7)) {
			char *end;

			fi->count = strtol(line + 7, &end, 10);
			fi->has_count = end != line + 7 && !*end;
		} else if (!strncmp(line, "exp_name:\t", 10)) {
			fi->exp_name = line + 10;
		} else if (!strncmp(line, "revoked:\t", 9)) {
			fi->has_revoked = true;
			fi->revoked = atoi(line + 9) != 0;
		} else if (!strncmp(line, "name:\t", 6)) {
			size_t len = strlen(line + 6);

			fi->has_name = true;
			if (len > NAME_MAX_BYTES)
				len = NAME_MAX_BYTES;
			memcpy(fi->name, line + 6, len);
			fi->name[len] = '\0';
			while (*next && !key_line(next)) {
				char *nl = strchr(next, '\n');
				size_t l = nl ? (size_t)(nl - next) : strlen(next);

				if (len + 1 + l > NAME_MAX_BYTES)
					break;
				fi->name[len++] = '\n';
				memcpy(fi->name + len, next, l);
				len += l;
				fi->name[len] = '\0';
				next = nl ? nl + 1 : next + l;
			}
		}
	}
}

static bool is_dmabuf_link(const char *link, ssize_t n, struct procfs_ctx *c)
{
	if (n >= 8 && !memcmp(link, "/dmabuf:", 8))
		return true;
	/* Before 5.3 every dma-buf shares the anon inode: no identity. */
	if (n == 17 && !memcmp(link, "anon_inode:dmabuf", 17))
		c->pre53++;
	return false;
}

static void add_holder(struct dmabuf *buf, pid_t holder, int fd, int basefd, char **comm)
{
	if (!*comm)
		*comm = procfs_comm(basefd);
	dmabuf_holder_add_fd(dmabuf_holder(buf, holder, *comm), fd);
}

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

/*
 * fdinfo's "count:" is file_count() - 1: dma_buf_show_fdinfo() leaves out
 * the reference seq_show() took to print it (5.3 to 7.2 alike), so it is the
 * file refcount as bufinfo prints it (file_count(), nothing taken there).
 */
static void record_fd(struct procfs_ctx *c, int fddir, int *infodir, const char *fdname,
		      pid_t holder, int basefd, char **comm)
{
	struct dmabuf *buf;
	struct fdinfo fi;
	struct stat st;
	char *text;
	ssize_t n;
	int fd;

	if (parse_int(fdname, 0, 0x7fffffff, &fd))
		return;
	if (c->live) {
		if (fstatat(fddir, fdname, &st, 0))
			return;		/* closed meanwhile */
		buf = known_buf(c, &st);
		if (buf) {
			add_holder(buf, holder, fd, basefd, comm);
			return;
		}
	}
	if (*infodir < 0) {
		*infodir = openat(basefd, "fdinfo", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (*infodir < 0) {
			if (is_perm(errno))
				dmabuf_proc_unreadable(c->set, holder);
			return;
		}
	}
	n = procfs_read_at(*infodir, fdname, &text);
	if (n < 0) {
		if (is_perm((int)-n))
			dmabuf_proc_unreadable(c->set, holder);
		return;		/* ENOENT: the fd was closed meanwhile */
	}
	parse_fdinfo(text, &fi);
	if (!fi.exp_name || !fi.has_size)
		goto cleanup;	/* a file named "/dmabuf:..." on a real fs */

	if (!fi.has_ino) {
		/*
		 * Before 5.14 fdinfo has no "ino:": take the fstatat() from
		 * before the read; a size that differs means the fd was reused.
		 */
		if (!c->live) {
			c->no_ino_skipped++;
			goto cleanup;
		}
		if ((uint64_t)st.st_size != fi.size)
			goto cleanup;
		fi.ino = st.st_ino;
	} else if (c->live && !c->dev_known && fi.ino == st.st_ino) {
		/* Not reused between the two calls: st names a dma-buf. */
		c->dmabuf_dev = st.st_dev;
		c->dev_known = true;
	}

	buf = dmabuf_get(c->set, fi.ino, DMABUF_SRC_FDINFO);
	dmabuf_set_size(buf, DMABUF_SRC_FDINFO, fi.size);
	dmabuf_set_exporter(buf, DMABUF_SRC_FDINFO, fi.exp_name);
	dmabuf_set_name(buf, DMABUF_SRC_FDINFO, fi.has_name ? fi.name : NULL);
	if (fi.has_count)
		dmabuf_set_refcount(buf, DMABUF_SRC_FDINFO, fi.count);
	/* O_CLOEXEC is the fd's, not the file's: dma_buf_getfile() keeps
	 * only O_ACCMODE | O_NONBLOCK in f_flags. */
	dmabuf_set_flags(buf, DMABUF_SRC_FDINFO, fi.flags & ~(unsigned int)O_CLOEXEC,
			 DMABUF_MODE_UNKNOWN);
	if (fi.has_revoked)
		dmabuf_set_revoked(buf, DMABUF_SRC_FDINFO, fi.revoked);
	add_holder(buf, holder, fd, basefd, comm);
cleanup:
	free(text);
}

/* Walk one fd table: basefd is a /proc/PID or /proc/PID/task/TID dir. */
static void scan_fdtable(struct procfs_ctx *c, int basefd, pid_t holder)
{
	char link[64], *comm = NULL;
	int fddir, infodir = -1;
	struct dirent *de;
	DIR *d;

	fddir = openat(basefd, "fd", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fddir < 0) {
		if (is_perm(errno))
			dmabuf_proc_unreadable(c->set, holder);
		return;
	}
	d = fdopendir(fddir);
	if (!d) {
		close(fddir);
		return;
	}
	while ((de = readdir(d))) {
		ssize_t n;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		/* "/dmabuf:" + 31 bytes fits; a longer link is no dma-buf. */
		n = readlinkat(fddir, de->d_name, link, sizeof(link));
		if (n < 0) {
			if (is_perm(errno))
				dmabuf_proc_unreadable(c->set, holder);
			continue;
		}
		if (!is_dmabuf_link(link, n, c))
			continue;
		record_fd(c, fddir, &infodir, de->d_name, holder, basefd, &comm);
	}
	if (infodir >= 0)
		close(infodir);
	closedir(d);
	free(comm);
}

static long kcmp_files(pid_t a, pid_t b)
{
	return syscall(SYS_kcmp, a, b, KCMP_FILES, 0, 0);
}

/*
 * Threads normally share the leader's fd table (CLONE_FILES).  One that
 * does not (clone() without it, or unshare(CLONE_FILES)) holds its own fds:
 * kcmp(KCMP_FILES) tells, one syscall per thread.  Without kcmp (ENOSYS
 * before 5.12 without CONFIG_CHECKPOINT_RESTORE, EPERM) threads count as
 * sharing.  A replayed tree cannot be asked: its threads count as sharing.
 */
static void scan_threads(struct procfs_ctx *c, int piddir, pid_t pid)
{
	struct stat st;
	struct dirent *de;
	int taskfd;
	pid_t tid;
	DIR *d;

	if (!c->live)
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
		if (kcmp_files(pid, tid) <= 0)
			continue;	/* shared, gone, or kcmp refused */
		tdir = openat(taskfd, de->d_name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (tdir < 0)
			continue;
		scan_fdtable(c, tdir, tid);
		close(tdir);
	}
	closedir(d);
}

int source_procfs_scan(struct dmabuf_set *set, const struct scan_opts *opts)
{
	struct procfs_ctx c = {
		.set = set, .live = !opts->sysroot, .fdinfo = opts->detail || opts->fdinfo,
	};
	pid_t *pids = NULL;
	size_t i, nr = 0;
	int procfd, ret;

	procfd = procfs_open(opts);
	if (procfd < 0) {
		dmabuf_source_skipped(set, DMABUF_SRC_FDINFO, "cannot open %s/proc: %s",
				      opts->sysroot ? opts->sysroot : "", strerror(-procfd));
		return procfd;
	}
	ret = procfs_pids(procfd, opts, &pids, &nr);
	if (ret < 0) {
		dmabuf_source_skipped(set, DMABUF_SRC_FDINFO, "cannot list /proc: %s",
				      strerror(-ret));
		goto cleanup;
	}
	for (i = 0; i < nr; i++) {
		char name[16];
		int piddir;

		snprintf(name, sizeof(name), "%d", (int)pids[i]);
		piddir = openat(procfd, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (piddir < 0)
			continue;	/* exited */
		set->procs_scanned++;
		scan_fdtable(&c, piddir, pids[i]);
		scan_threads(&c, piddir, pids[i]);
		close(piddir);
	}
	dmabuf_source_used(set, DMABUF_SRC_FDINFO);
	if (c.no_ino_skipped)
		dmabuf_warn(set, "procfs: %zu dma-buf fds skipped: fdinfo without ino: "
			    "(kernel before 5.14) cannot be replayed", c.no_ino_skipped);
	if (c.pre53)
		dmabuf_warn(set, "procfs: %zu dma-buf fds skipped: kernel before 5.3 "
			    "gives dma-bufs no inode of their own", c.pre53);
	ret = 0;
cleanup:
	free(pids);
	close(procfd);
	return ret;
}

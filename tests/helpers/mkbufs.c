// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mkbufs - make real dma-bufs in every shape and hold them until told.
 *
 * Exporters: udmabuf (sealed memfd through /dev/udmabuf) and the system
 * dma-heap.  Holders: this process (fds, dups, mappings), a forked child
 * that inherited the buffer, a child that received it over SCM_RIGHTS, a
 * thread with a fd table of its own (unshare(CLONE_FILES)).
 * Protocol and SPEC syntax: README.md.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/dma-buf.h>
#include <linux/dma-heap.h>
#include <linux/udmabuf.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "helper.h"
#include "scm.h"

const char *prog = "mkbufs";

#define MAX_FDS		SCM_MAX_FDS
#define MAX_MAPS	64
#define MAX_CHILDREN	3
#define NAME_MAX_LEN	128
#define MAX_DUP		250	/* all fds fit one SCM_RIGHTS message (253) */

enum kind { KIND_UDMABUF, KIND_HEAP };
enum role { ROLE_FORK, ROLE_SCM, ROLE_THREAD };

static const char *const role_names[] = {
	[ROLE_FORK] = "fork", [ROLE_SCM] = "scm", [ROLE_THREAD] = "thread",
};

struct child {
	pid_t pid;		/* a TID for ROLE_THREAD */
	pthread_t thread;
	int ctl;		/* SOCK_SEQPACKET to the child, -1 once gone */
	enum role role;
	int fds[MAX_FDS];	/* fd numbers in the child */
	int nfds;
	int nmaps;
};

struct map {
	void *addr;
	size_t len;
};

struct buf {
	enum kind kind;
	uint64_t size;
	char name[NAME_MAX_LEN];
	bool named;
	unsigned long ino;
	char exporter[64];
	/* modifiers */
	unsigned int dup;
	bool fork, scm, thread, map, maponly;
	/* this process */
	int fds[MAX_FDS];
	int nfds;
	struct map maps[MAX_MAPS];
	int nmaps;
	struct child children[MAX_CHILDREN];
	int nchildren;
};

static struct buf *bufs;
static size_t nbufs, capbufs;
static int udmabuf_dev = -1, heap_dev = -1;
static long page_size;

static struct buf *new_buf(void)
{
	if (nbufs == capbufs) {
		capbufs = capbufs ? 2 * capbufs : 16;
		bufs = realloc(bufs, capbufs * sizeof(*bufs));
		if (!bufs)
			die_errno(EX_SYSCALL_ERR, ENOMEM, "realloc");
	}
	memset(&bufs[nbufs], 0, sizeof(*bufs));
	return &bufs[nbufs++];
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s SPEC...\n"
		"  SPEC := KIND:SIZE[:NAME][,MOD]...\n"
		"  KIND := udmabuf | heap\n"
		"  SIZE := bytes, with optional K, M or G suffix\n"
		"  MOD  := dup=N | fork | scm | thread | map | maponly | many=N\n"
		"Prints one line per holding process and buffer, then 'ready';\n"
		"then reads commands: touch INODE, mmap INODE, close INODE,\n"
		"unmap INODE, swapfd FD, list, quit.  See tests/helpers/README.md.\n",
		prog);
}

/* Opening an exporter: ENOENT means this kernel lacks it (exit 3). */
static int open_exporter(const char *path)
{
	int fd = open(path, O_RDWR | O_CLOEXEC);

	if (fd < 0) {
		int err = errno;

		if (err == ENOENT || err == ENODEV || err == ENXIO) {
			fprintf(stderr, "%s: %s: %s: exporter not available\n",
				prog, path, errname(err));
			exit(EX_UNSUPPORTED);
		}
		die_errno(EX_SYSCALL_ERR, err, path);
	}
	return fd;
}

/* Returns a new dma-buf fd, or -errno with *call naming what failed. */
static int alloc_dmabuf(enum kind kind, uint64_t size, const char **call)
{
	if (kind == KIND_HEAP) {
		struct dma_heap_allocation_data data = {
			.len = size,
			.fd_flags = O_RDWR | O_CLOEXEC,
		};

		if (heap_dev < 0)
			heap_dev = open_exporter("/dev/dma_heap/system");
		*call = "ioctl(DMA_HEAP_IOCTL_ALLOC)";
		if (ioctl(heap_dev, DMA_HEAP_IOCTL_ALLOC, &data) < 0)
			return -errno;
		return data.fd;
	} else {
		struct udmabuf_create create = {
			.flags = UDMABUF_FLAGS_CLOEXEC,
			.size = size,
		};
		int memfd, fd, err;

		if (udmabuf_dev < 0)
			udmabuf_dev = open_exporter("/dev/udmabuf");
		*call = "memfd_create";
		memfd = memfd_create("mkbufs", MFD_ALLOW_SEALING | MFD_CLOEXEC);
		if (memfd < 0)
			return -errno;
		/* udmabuf insists on a memfd that can no longer shrink */
		*call = "ftruncate";
		if (ftruncate(memfd, size) < 0)
			goto fail;
		*call = "fcntl(F_ADD_SEALS)";
		if (fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK) < 0)
			goto fail;
		create.memfd = memfd;
		*call = "ioctl(UDMABUF_CREATE)";
		fd = ioctl(udmabuf_dev, UDMABUF_CREATE, &create);
		if (fd < 0)
			goto fail;
		/* the udmabuf pins the pages; the memfd is not a holder */
		close(memfd);
		return fd;
fail:
		err = errno;
		close(memfd);
		return -err;
	}
}

static const char *kind_name(enum kind kind)
{
	return kind == KIND_HEAP ? "heap" : "udmabuf";
}

static void parse_spec(const char *spec)
{
	char *s = strdup(spec), *mods, *p, *size, *name;
	struct buf proto = { 0 };
	unsigned long many = 1, n;

	if (!s)
		die_errno(EX_SYSCALL_ERR, ENOMEM, "strdup");
	mods = strchr(s, ',');
	if (mods)
		*mods++ = '\0';
	size = strchr(s, ':');
	if (!size)
		usage_error("%s: expected KIND:SIZE", spec);
	*size++ = '\0';
	name = strchr(size, ':');
	if (name)
		*name++ = '\0';

	if (!strcmp(s, "udmabuf"))
		proto.kind = KIND_UDMABUF;
	else if (!strcmp(s, "heap"))
		proto.kind = KIND_HEAP;
	else
		usage_error("%s: unknown kind '%s' (udmabuf, heap)", spec, s);
	if (parse_size(size, &proto.size))
		usage_error("%s: bad size '%s'", spec, size);
	if (name) {
		if (strlen(name) >= sizeof(proto.name))
			usage_error("%s: name too long", spec);
		strcpy(proto.name, name);
		proto.named = true;
	}

	for (p = mods ? strtok(mods, ",") : NULL; p; p = strtok(NULL, ",")) {
		if (!strncmp(p, "dup=", 4)) {
			if (parse_uint(p + 4, MAX_DUP, &n))
				usage_error("%s: bad dup count '%s'", spec, p + 4);
			proto.dup = n;
		} else if (!strncmp(p, "many=", 5)) {
			if (parse_uint(p + 5, 100000, &n) || !n)
				usage_error("%s: bad many count '%s'", spec, p + 5);
			many = n;
		} else if (!strcmp(p, "fork")) {
			proto.fork = true;
		} else if (!strcmp(p, "scm")) {
			proto.scm = true;
		} else if (!strcmp(p, "thread")) {
			proto.thread = true;
		} else if (!strcmp(p, "map")) {
			proto.map = true;
		} else if (!strcmp(p, "maponly")) {
			proto.maponly = true;
		} else {
			usage_error("%s: unknown modifier '%s'", spec, p);
		}
	}
	if (proto.maponly && proto.scm)
		usage_error("%s: maponly and scm exclude each other", spec);

	while (many--)
		*new_buf() = proto;
	free(s);
}

/* ---- children ---------------------------------------------------------- */

static void fmt_fds(char *out, size_t len, const int *fds, int nfds)
{
	size_t o = 0;
	int i;

	if (!nfds) {
		snprintf(out, len, "-");
		return;
	}
	out[0] = '\0';
	for (i = 0; i < nfds && o < len; i++)
		o += snprintf(out + o, len - o, "%s%d", i ? "," : "", fds[i]);
}

/*
 * A holder's life after setup: hold FDS, answer "close", "unmap" and
 * "take" (fds over SCM_RIGHTS) until the parent says "quit" or goes away.
 * A thread's mappings are the process's: its "unmap" leaves them alone.
 */
static void serve(struct buf *b, int ctl, enum role role, int *fds, int nfds, int nmaps)
{
	char msg[256], reply[MAX_FDS * 8];
	int i;

	for (;;) {
		int got[MAX_FDS], ngot = 0;
		ssize_t n = scm_recv(ctl, msg, sizeof(msg), got, &ngot);

		if (n <= 0 || !strcmp(msg, "quit"))
			return;
		if (!strcmp(msg, "take")) {
			memcpy(fds + nfds, got, sizeof(int) * ngot);
			nfds += ngot;
			fmt_fds(reply, sizeof(reply), fds, nfds);
		} else if (!strcmp(msg, "close")) {
			for (i = 0; i < nfds; i++)
				close(fds[i]);
			snprintf(reply, sizeof(reply), "%d", nfds);
			nfds = 0;
		} else if (!strcmp(msg, "unmap")) {
			if (role == ROLE_FORK)
				for (i = 0; i < b->nmaps; i++)
					munmap(b->maps[i].addr, b->maps[i].len);
			snprintf(reply, sizeof(reply), "%d", nmaps);
			nmaps = 0;
		} else {
			snprintf(reply, sizeof(reply), "?");
		}
		if (scm_send(ctl, reply, NULL, 0) < 0)
			return;
	}
}

/* Keep B's fds (numbers as in B) and CTL; close every other fd from 3. */
static void keep_only(const struct buf *b, int ctl)
{
	int keep[MAX_FDS + 1];

	memcpy(keep, b->fds, sizeof(int) * b->nfds);
	keep[b->nfds] = ctl;
	close_all_but(keep, b->nfds + 1);
}

/* A forked child's whole life. */
static void __attribute__((noreturn))
child_main(struct buf *b, int ctl, enum role role)
{
	int fds[MAX_FDS], nfds = 0, i;
	int nmaps = 0;
	int devnull;

	devnull = open("/dev/null", O_RDWR);
	if (devnull >= 0) {
		dup2(devnull, 0);
		dup2(devnull, 1);
		close(devnull);
	}
	if (role == ROLE_FORK) {
		memcpy(fds, b->fds, sizeof(int) * b->nfds);
		nfds = b->nfds;
		nmaps = b->nmaps;
	} else {
		for (i = 0; i < b->nmaps; i++)
			munmap(b->maps[i].addr, b->maps[i].len);
	}
	/* drop every other buffer this fork inherited */
	for (size_t k = 0; k < nbufs; k++) {
		if (&bufs[k] == b)
			continue;
		for (i = 0; i < bufs[k].nmaps; i++)
			munmap(bufs[k].maps[i].addr, bufs[k].maps[i].len);
	}
	if (role == ROLE_FORK)
		keep_only(b, ctl);
	else
		close_all_but(&ctl, 1);
	serve(b, ctl, role, fds, nfds, nmaps);
	_exit(0);
}

struct thread_arg {
	struct buf *b;
	int ctl;
};

/*
 * A thread that unshares its fd table (as some servers' workers do) holds
 * a copy of every fd; it keeps B's, answers with its TID, then serves.
 * Until it has unshared, the main thread must not close anything.
 */
static void *thread_main(void *p)
{
	struct thread_arg a = *(struct thread_arg *)p;
	int fds[MAX_FDS];
	char hello[32];

	free(p);
	if (unshare(CLONE_FILES) < 0) {
		snprintf(hello, sizeof(hello), "err %d", errno);
		scm_send(a.ctl, hello, NULL, 0);
		return NULL;
	}
	prctl(PR_SET_NAME, "mkbufs-thread");
	keep_only(a.b, a.ctl);
	memcpy(fds, a.b->fds, sizeof(int) * a.b->nfds);
	snprintf(hello, sizeof(hello), "tid %d", (int)gettid());
	if (scm_send(a.ctl, hello, NULL, 0) == 0)
		serve(a.b, a.ctl, ROLE_THREAD, fds, a.b->nfds, 0);
	close(a.ctl);
	return NULL;
}

static void spawn_thread(struct buf *b)
{
	struct child *c = &b->children[b->nchildren];
	struct thread_arg *a;
	char hello[32];
	int sv[2], err;
	ssize_t n;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		die_errno(EX_SYSCALL_ERR, errno, "socketpair");
	a = malloc(sizeof(*a));
	if (!a)
		die_errno(EX_SYSCALL_ERR, ENOMEM, "malloc");
	a->b = b;
	a->ctl = sv[1];
	err = pthread_create(&c->thread, NULL, thread_main, a);
	if (err)
		die_errno(EX_SYSCALL_ERR, err, "pthread_create");
	n = scm_recv(sv[0], hello, sizeof(hello), NULL, NULL);
	if (n <= 0)
		die_errno(EX_SYSCALL_ERR, n < 0 ? (int)-n : EPIPE, "thread hello");
	if (!strncmp(hello, "err ", 4))
		die_errno(EX_SYSCALL_ERR, atoi(hello + 4), "unshare(CLONE_FILES)");
	close(sv[1]);		/* ours; the thread has its own copy now */
	c->pid = atoi(hello + 4);
	c->ctl = sv[0];
	c->role = ROLE_THREAD;
	memcpy(c->fds, b->fds, sizeof(int) * b->nfds);
	c->nfds = b->nfds;
	c->nmaps = 0;
	b->nchildren++;
}

static int child_call(struct child *c, const char *msg, const int *fds,
		      int nfds, char *reply, size_t len)
{
	ssize_t n;
	int err;

	if (c->ctl < 0)
		return -ESRCH;
	err = scm_send(c->ctl, msg, fds, nfds);
	if (err)
		return err;
	n = scm_recv(c->ctl, reply, len, NULL, NULL);
	if (n < 0)
		return n;
	if (n == 0)
		return -ESRCH;
	return 0;
}

static void spawn_child(struct buf *b, enum role role)
{
	struct child *c = &b->children[b->nchildren];
	pid_t parent = getpid();
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		die_errno(EX_SYSCALL_ERR, errno, "socketpair");
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		die_errno(EX_SYSCALL_ERR, errno, "fork");
	if (pid == 0) {
		/* never outlive the parent, even if it is SIGKILLed */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(0);
		close(sv[0]);
		child_main(b, sv[1], role);
	}
	close(sv[1]);
	c->pid = pid;
	c->ctl = sv[0];
	c->role = role;
	if (role == ROLE_FORK) {
		memcpy(c->fds, b->fds, sizeof(int) * b->nfds);
		c->nfds = b->nfds;
		c->nmaps = b->nmaps;
	}
	b->nchildren++;
}

static void parse_fd_list(const char *s, int *fds, int *nfds)
{
	*nfds = 0;
	if (!strcmp(s, "-"))
		return;
	while (*s && *nfds < MAX_FDS) {
		fds[(*nfds)++] = atoi(s);
		s = strchr(s, ',');
		if (!s)
			break;
		s++;
	}
}

/* ---- making buffers ---------------------------------------------------- */

static void do_map(struct buf *b, int fd, const char *what)
{
	void *p = mmap(NULL, b->size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);

	if (p == MAP_FAILED)
		die_errno(EX_SYSCALL_ERR, errno, what);
	b->maps[b->nmaps].addr = p;
	b->maps[b->nmaps].len = b->size;
	b->nmaps++;
}

/*
 * Order, so that combinations mean one thing: allocate, name, dup,
 * map/maponly, fork (inherits fds and maps), thread (copies the fds), scm
 * (fds move to the child), then maponly closes this process's fds.
 */
static void make_buf(struct buf *b)
{
	const char *call;
	struct stat st;
	unsigned int i;
	int fd, err;

	fd = alloc_dmabuf(b->kind, b->size, &call);
	if (fd < 0)
		die_errno(EX_SYSCALL_ERR, -fd, call);
	if (fstat(fd, &st) < 0)
		die_errno(EX_SYSCALL_ERR, errno, "fstat");
	b->ino = st.st_ino;
	if (fdinfo_exporter(fd, b->exporter, sizeof(b->exporter)))
		snprintf(b->exporter, sizeof(b->exporter), "?");
	if (b->named && ioctl(fd, DMA_BUF_SET_NAME_B, b->name) < 0)
		die_errno(EX_SYSCALL_ERR, errno, "ioctl(DMA_BUF_SET_NAME_B)");
	b->fds[b->nfds++] = fd;
	for (i = 0; i < b->dup; i++) {
		int d = fcntl(fd, F_DUPFD_CLOEXEC, 0);

		if (d < 0)
			die_errno(EX_SYSCALL_ERR, errno, "fcntl(F_DUPFD_CLOEXEC)");
		b->fds[b->nfds++] = d;
	}
	if (b->map || b->maponly)
		do_map(b, fd, "mmap");
	if (b->fork)
		spawn_child(b, ROLE_FORK);
	if (b->thread)
		spawn_thread(b);
	if (b->scm) {
		struct child *c;
		char reply[MAX_FDS * 8];

		spawn_child(b, ROLE_SCM);
		c = &b->children[b->nchildren - 1];
		err = child_call(c, "take", b->fds, b->nfds, reply, sizeof(reply));
		if (err)
			die_errno(EX_SYSCALL_ERR, -err, "sendmsg(SCM_RIGHTS)");
		parse_fd_list(reply, c->fds, &c->nfds);
	}
	if (b->scm || b->maponly) {
		for (i = 0; i < (unsigned int)b->nfds; i++)
			close(b->fds[i]);
		b->nfds = 0;
	}
}

/* ---- reporting --------------------------------------------------------- */

static void print_holder(const struct buf *b, pid_t pid, const char *role,
			 const int *fds, int nfds, int nmaps)
{
	char name[NAME_MAX_LEN * 4 + 1], fdl[MAX_FDS * 8];

	if (!nfds && !nmaps)
		return;
	escape_value(name, sizeof(name), b->named ? b->name : "");
	fmt_fds(fdl, sizeof(fdl), fds, nfds);
	printf("inode=%lu size=%llu exporter=%s name=%s kind=%s pid=%d role=%s fds=%s maps=%d\n",
	       b->ino, (unsigned long long)b->size, b->exporter, name,
	       kind_name(b->kind), (int)pid, role, fdl, nmaps);
}

static void print_all(void)
{
	pid_t self = getpid();

	for (size_t k = 0; k < nbufs; k++) {
		struct buf *b = &bufs[k];

		print_holder(b, self, "main", b->fds, b->nfds, b->nmaps);
		for (int i = 0; i < b->nchildren; i++) {
			struct child *c = &b->children[i];

			if (c->ctl < 0)
				continue;
			print_holder(b, c->pid, role_names[c->role],
				     c->fds, c->nfds, c->nmaps);
		}
	}
	fflush(stdout);
}

/* ---- commands ---------------------------------------------------------- */

static sigjmp_buf touch_env;
static volatile sig_atomic_t touching;

static void fault_handler(int sig)
{
	if (touching)
		siglongjmp(touch_env, sig);
	signal(sig, SIG_DFL);
	raise(sig);
}

static struct buf *find_ino(const char *arg)
{
	unsigned long ino;

	if (parse_uint(arg, ~0UL, &ino))
		return NULL;
	for (size_t k = 0; k < nbufs; k++)
		if (bufs[k].ino == ino)
			return &bufs[k];
	return NULL;
}

static void cmd_touch(struct buf *b)
{
	volatile unsigned long pages = 0;
	volatile int m = 0;
	volatile size_t off = 0;
	int sig;

	if (!b->nmaps) {
		reply_err(ENXIO, "not mapped in this process");
		return;
	}
	sig = sigsetjmp(touch_env, 1);
	if (sig) {
		touching = 0;
		printf("err %s map=%d offset=%zu pages=%lu\n",
		       sig == SIGBUS ? "SIGBUS" : "SIGSEGV", m, off, pages);
		fflush(stdout);
		return;
	}
	touching = 1;
	for (m = 0; m < b->nmaps; m++) {
		for (off = 0; off < b->maps[m].len; off += page_size) {
			(void)*(volatile char *)((char *)b->maps[m].addr + off);
			pages++;
		}
	}
	touching = 0;
	reply_ok("pages=%lu", pages);
}

static void cmd_mmap(struct buf *b)
{
	void *p;

	if (!b->nfds) {
		reply_err(EBADF, "no fd in this process");
		return;
	}
	if (b->nmaps == MAX_MAPS) {
		reply_err(ENOMEM, "too many maps");
		return;
	}
	p = mmap(NULL, b->size, PROT_READ | PROT_WRITE, MAP_SHARED, b->fds[0], 0);
	if (p == MAP_FAILED) {
		reply_err(errno, "mmap: %s", strerror(errno));
		return;
	}
	b->maps[b->nmaps].addr = p;
	b->maps[b->nmaps].len = b->size;
	b->nmaps++;
	reply_ok("maps=%d", b->nmaps);
}

static void cmd_close(struct buf *b)
{
	char reply[64];
	int closed = 0, i, err;

	for (i = 0; i < b->nfds; i++)
		if (!close(b->fds[i]))
			closed++;
	b->nfds = 0;
	for (i = 0; i < b->nchildren; i++) {
		struct child *c = &b->children[i];

		err = child_call(c, "close", NULL, 0, reply, sizeof(reply));
		if (err) {
			reply_err(-err, "child %d did not answer", (int)c->pid);
			return;
		}
		closed += atoi(reply);
		c->nfds = 0;
	}
	reply_ok("closed=%d", closed);
}

static void cmd_unmap(struct buf *b)
{
	char reply[64];
	int unmapped = 0, i, err;

	for (i = 0; i < b->nmaps; i++)
		if (!munmap(b->maps[i].addr, b->maps[i].len))
			unmapped++;
	b->nmaps = 0;
	for (i = 0; i < b->nchildren; i++) {
		struct child *c = &b->children[i];

		err = child_call(c, "unmap", NULL, 0, reply, sizeof(reply));
		if (err) {
			reply_err(-err, "child %d did not answer", (int)c->pid);
			return;
		}
		unmapped += atoi(reply);
		c->nmaps = 0;
	}
	reply_ok("unmapped=%d", unmapped);
}

/*
 * Revoke race: the fd number a tool looked at now names another buffer.
 * Close FD first (as a racing program would), then put a new buffer of the
 * same kind and size on that number.
 */
static void cmd_swapfd(const char *arg)
{
	struct buf *old = NULL, *b;
	unsigned long want;
	const char *call;
	struct stat st;
	int fd, i;

	if (parse_uint(arg, 1 << 30, &want)) {
		reply_err(EINVAL, "usage: swapfd FD");
		return;
	}
	for (size_t k = 0; k < nbufs && !old; k++)
		for (i = 0; i < bufs[k].nfds; i++)
			if (bufs[k].fds[i] == (int)want) {
				old = &bufs[k];
				old->fds[i] = old->fds[--old->nfds];
				break;
			}
	if (!old) {
		reply_err(EBADF, "fd %lu is not a dma-buf held here", want);
		return;
	}
	close(want);
	fd = alloc_dmabuf(old->kind, old->size, &call);
	if (fd < 0) {
		reply_err(-fd, "%s: %s", call, strerror(-fd));
		return;
	}
	if (fd != (int)want) {
		if (dup3(fd, want, O_CLOEXEC) < 0) {
			reply_err(errno, "dup3: %s", strerror(errno));
			close(fd);
			return;
		}
		close(fd);
		fd = want;
	}
	/* new_buf() may move bufs: old is stale from here on */
	b = new_buf();
	if (fstat(fd, &st) < 0) {
		reply_err(errno, "fstat: %s", strerror(errno));
		return;
	}
	b->ino = st.st_ino;
	b->size = st.st_size;
	if (fdinfo_exporter(fd, b->exporter, sizeof(b->exporter)))
		snprintf(b->exporter, sizeof(b->exporter), "?");
	b->kind = !strcmp(b->exporter, "udmabuf") ? KIND_UDMABUF : KIND_HEAP;
	b->fds[b->nfds++] = fd;
	reply_ok("inode=%lu fd=%d size=%llu exporter=%s", b->ino, fd,
		 (unsigned long long)b->size, b->exporter);
}

static void quit_children(void)
{
	for (size_t k = 0; k < nbufs; k++) {
		for (int i = 0; i < bufs[k].nchildren; i++) {
			struct child *c = &bufs[k].children[i];

			if (c->ctl < 0)
				continue;
			scm_send(c->ctl, "quit", NULL, 0);
			close(c->ctl);
			c->ctl = -1;
			if (c->role == ROLE_THREAD)
				pthread_join(c->thread, NULL);
			else
				waitpid(c->pid, NULL, 0);
		}
	}
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = fault_handler };
	char line[512], *cmd, *arg;
	int i;

	if (argc < 2) {
		usage(stderr);
		return EX_USAGE_ERR;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help")) {
		usage(stdout);
		return 0;
	}
	for (i = 1; i < argc; i++)
		parse_spec(argv[i]);

	page_size = sysconf(_SC_PAGESIZE);
	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);

	for (size_t k = 0; k < nbufs; k++)
		make_buf(&bufs[k]);
	print_all();
	say_ready();

	while ((cmd = read_command(line, sizeof(line), &arg))) {
		struct buf *b = NULL;

		if (!*cmd)
			continue;
		if (!strcmp(cmd, "quit"))
			break;
		if (!strcmp(cmd, "list")) {
			print_all();
			reply_ok(NULL);
			continue;
		}
		if (!strcmp(cmd, "swapfd")) {
			cmd_swapfd(arg);
			continue;
		}
		if (strcmp(cmd, "touch") && strcmp(cmd, "mmap") &&
		    strcmp(cmd, "close") && strcmp(cmd, "unmap")) {
			reply_err(EINVAL, "unknown command '%s'", cmd);
			continue;
		}
		b = find_ino(arg);
		if (!b) {
			reply_err(ENOENT, "no buffer with inode '%s'", arg ? arg : "");
			continue;
		}
		if (!strcmp(cmd, "touch"))
			cmd_touch(b);
		else if (!strcmp(cmd, "mmap"))
			cmd_mmap(b);
		else if (!strcmp(cmd, "close"))
			cmd_close(b);
		else
			cmd_unmap(b);
	}
	quit_children();
	return 0;
}

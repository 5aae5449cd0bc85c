// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The iterators of iter.bpf.c: loaded from one skeleton (one parse of
 * vmlinux BTF, one verifier pass each) or opened from their pins, then read
 * to the end.  See bpf_iters.h.
 *
 * Which programs load: the dma-buf iterator since 6.16, the task iterators
 * since 5.17 (their walks use bpf_loop()).  A release older than that is
 * asked the BTF first (a backport is still found); a newer one loads
 * straight away and is asked only when the load fails, to say why.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/utsname.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "bpf_iters.h"
#include "bpf_pins.h"
#include "bpf_util.h"
#include "clock.h"
#include "iter_record.h"
#include "iter.skel.h"
#include "util.h"

/* Pin file names, one per iterator. */
static const char *const pin_names[BPF_ITER_NR] = {
	[BPF_ITER_DMABUF] = "dmabuf",
	[BPF_ITER_TASK_FILE] = "task_file",
	[BPF_ITER_TASK_VMA] = "task_vma",
};

static struct bpf_program *prog_of(struct iter_bpf *s, enum bpf_iter_kind k, bool devices)
{
	switch (k) {
	case BPF_ITER_DMABUF:
		return devices ? s->progs.dmabuf_collect_dev : s->progs.dmabuf_collect;
	case BPF_ITER_TASK_FILE:
		return s->progs.task_fds;
	default:
		return s->progs.task_maps;
	}
}

static void out_fail(struct bpf_iter_out *o, int err, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void out_fail(struct bpf_iter_out *o, int err, const char *hint, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(o->why, sizeof(o->why), fmt, ap);
	va_end(ap);
	o->ok = false;
	o->err = err;
	o->hint = hint;
}

static void all_fail(struct bpf_iters *it, int err, const char *hint, const char *why)
{
	for (int k = 0; k < BPF_ITER_NR; k++)
		if (!it->out[k].ok && !it->out[k].why[0])
			out_fail(&it->out[k], err, hint, "%s", why);
}

/*
 * Reading an iterator to the end.  Early 6.16 kernels stopped the dma-buf
 * iterator after the first read(): read until 0.  A read returns at most
 * the iterator's buffer (8 pages): ask for no less.  Whole, the output
 * grows in memory; given consume(), it goes there a chunk at a time, from
 * one buffer: 4 MiB of output is a thousand page faults less.
 */
#define READ_CHUNK	(256u << 10)

struct reader {
	struct bpf_iter_out *o;
	int fd;
	const char *what;
	bpf_iter_consume_fn *consume;
	void *ctx;
	size_t alloc;
	bool hold;		/* keep what is read, consume() it later */
};

static void reader_init(struct reader *r, struct bpf_iter_out *o, int fd, const char *what,
			const struct bpf_iters_opts *opts, enum bpf_iter_kind k)
{
	r->o = o;
	r->fd = fd;
	r->what = what;
	r->consume = opts->consume[k];
	r->ctx = opts->consume_ctx[k];
	r->alloc = READ_CHUNK;
	o->data = xmalloc(r->alloc);
	o->len = 0;
	o->ok = true;
}

/* One read() more: 1, or 0 at the end (o->ok false on an error). */
static int reader_step(struct reader *r)
{
	struct bpf_iter_out *o = r->o;
	ssize_t n;

	if (!o->ok)
		return 0;
	if ((!r->consume || r->hold) && r->alloc - o->len < 64 * 1024)
		o->data = xrealloc(o->data, r->alloc *= 2);
	do
		n = read(r->fd, o->data + o->len, r->alloc - o->len);
	/* EAGAIN: a million objects without output in one read. */
	while (n < 0 && (errno == EINTR || errno == EAGAIN));
	if (n < 0) {
		int e = errno;

		free(o->data);
		o->data = NULL;
		o->len = 0;
		out_fail(o, -e, NULL, "reading the %s iterator: %s", r->what, strerror(e));
		return 0;
	}
	o->len += (size_t)n;
	if (r->consume && !r->hold) {
		size_t took = r->consume(r->ctx, o->data, o->len);

		/* A record is far smaller than a chunk: took is never 0 here. */
		memmove(o->data, o->data + took, o->len - took);
		o->len -= took;
	}
	return n > 0;
}

static void reader_run(struct reader *r)
{
	while (reader_step(r))
		;
}

struct side {
	struct reader r[BPF_ITER_NR];
	size_t nr;
};

static void *side_thread(void *arg)
{
	struct side *s = arg;

	for (size_t i = 0; i < s->nr; i++)
		reader_run(&s->r[i]);
	return NULL;
}

/*
 * task_file's first read, held: its header says what the programs were
 * loaded with (read_pins() may find them stale and take nothing).
 */
static void begin_task_file(struct bpf_iters *it, const struct bpf_iters_opts *opts, int fd,
			    struct reader *tf)
{
	const struct bpf_iter_out *o = &it->out[BPF_ITER_TASK_FILE];
	struct iter_hdr h;

	reader_init(tf, &it->out[BPF_ITER_TASK_FILE], fd, pin_names[BPF_ITER_TASK_FILE], opts,
		    BPF_ITER_TASK_FILE);
	tf->hold = true;
	reader_step(tf);
	if (o->ok && o->len >= sizeof(h)) {
		memcpy(&h, o->data, sizeof(h));
		if (h.magic == ITER_MAGIC_HDR)
			it->features = h.features;
	}
}

/*
 * Read the iterators of fds (-1: none) to their ends, task_file's begun in
 * tf.  The walks are independent kernel work: a second thread reads the
 * dma-buf and task_vma iterators while this one reads task_file, each
 * consume()'ing as it goes.
 */
static void read_iters(struct bpf_iters *it, const struct bpf_iters_opts *opts,
		       const int fds[BPF_ITER_NR], struct reader *tf)
{
	struct side s = { 0 };
	pthread_t thread;
	bool threaded;
	int k;

	for (k = 0; k < BPF_ITER_NR; k++) {
		if (fds[k] < 0 || k == BPF_ITER_TASK_FILE)
			continue;
		reader_init(&s.r[s.nr++], &it->out[k], fds[k], pin_names[k], opts, k);
	}
	tf->hold = false;
	threaded = s.nr && fds[BPF_ITER_TASK_FILE] >= 0 && threads_useful() &&
		   !pthread_create(&thread, NULL, side_thread, &s);
	if (!threaded)
		side_thread(&s);
	if (fds[BPF_ITER_TASK_FILE] >= 0)
		reader_run(tf);
	if (threaded)
		pthread_join(thread, NULL);
}

/* ---- which programs this kernel can load ---- */

static bool btf_has(struct kernel_btf **kb, bool *tried, const char *type)
{
	int err;

	if (!*tried) {
		*tried = true;
		*kb = kernel_btf_load(&err);
	}
	if (!*kb)
		return true;	/* cannot tell: do not blame the kernel */
	return kernel_btf_has_struct(*kb, type);
}

/* Decide what to load; reasons for the rest go to it->out. */
static void choose(struct bpf_iters *it, const struct utsname *un, bool load[BPF_ITER_NR])
{
	struct kernel_btf *kb = NULL;
	bool tried = false;

	load[BPF_ITER_DMABUF] = true;
	if (release_before(un->release, 6, 16) && !btf_has(&kb, &tried, "bpf_iter__dmabuf")) {
		load[BPF_ITER_DMABUF] = false;
		out_fail(&it->out[BPF_ITER_DMABUF], -EOPNOTSUPP, NULL,
			 "kernel %s is too old: no dma-buf BPF iterator (Linux 6.16+)",
			 un->release);
	}
	load[BPF_ITER_TASK_FILE] = load[BPF_ITER_TASK_VMA] = true;
	if (release_before(un->release, 5, 17)) {
		for (int k = BPF_ITER_TASK_FILE; k <= BPF_ITER_TASK_VMA; k++) {
			load[k] = false;
			out_fail(&it->out[k], -EOPNOTSUPP, NULL,
				 "kernel %s is too old for the BPF task iterators (Linux 5.17+)",
				 un->release);
		}
	}
	kernel_btf_free(kb);
}

/* ---- pins ---- */

/* The version: a hash (FNV-1a) of the BPF object, so that a pin is only
 * read by a program that writes the same records. */
static void version_name(char *name, size_t len, bool devices)
{
	const unsigned char *p;
	uint64_t h = 0xcbf29ce484222325ull;
	size_t sz, i;

	p = iter_bpf__elf_bytes(&sz);
	for (i = 0; i < sz; i++)
		h = (h ^ p[i]) * 0x100000001b3ull;
	snprintf(name, len, "%016llx%s", (unsigned long long)h, devices ? "-dev" : "");
}

/* Whether pins made without the DRM types should be made again: drm.ko
 * was loaded since (built in, the load found them). */
static bool pins_stale(const struct bpf_iter_out *tf, unsigned int *features)
{
	struct iter_hdr h;

	if (tf->len < sizeof(h))
		return true;
	memcpy(&h, tf->data, sizeof(h));
	if (h.magic != ITER_MAGIC_HDR)
		return true;
	*features = h.features;
	return !(h.features & ITER_F_GEM) && !access("/sys/kernel/btf/drm", F_OK);
}

/* Read every iterator from the pins of this version: 0, or -errno. */
static int read_pins(struct bpf_iters *it, const struct bpf_iters_opts *opts,
		     const struct utsname *un)
{
	int fds[BPF_ITER_NR] = { -1, -1, -1 };
	int rootfd, dirfd, k, ret = 0;
	struct reader tf = { 0 };
	struct stat st;
	char name[32];

	rootfd = pins_root(false, it->pin_why, sizeof(it->pin_why));
	if (rootfd < 0)
		return rootfd;
	version_name(name, sizeof(name), opts->devices);
	dirfd = openat(rootfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dirfd < 0 || fstat(dirfd, &st) || !pins_private(&st, S_IFDIR)) {
		if (dirfd >= 0)
			close(dirfd);
		close(rootfd);
		return -ENOENT;
	}
	for (k = 0; k < BPF_ITER_NR; k++) {
		struct bpf_iter_out *o = &it->out[k];
		int fd;

		if (!opts->want[k] && k != BPF_ITER_TASK_FILE)
			continue;
		/* Opening a pinned iterator starts a walk. */
		fd = openat(dirfd, pin_names[k], O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0) {
			/* The run that pinned the others could not load it. */
			if (k == BPF_ITER_DMABUF && release_before(un->release, 6, 16))
				out_fail(o, -EOPNOTSUPP, NULL, "kernel %s is too old: no dma-buf "
					 "BPF iterator (Linux 6.16+)", un->release);
			else
				out_fail(o, -EOPNOTSUPP, NULL, "kernel %s has no %s BPF iterator",
					 un->release, pin_names[k]);
			continue;
		}
		if (fstat(fd, &st) || !pins_private(&st, S_IFREG)) {
			out_fail(o, -EPERM, NULL, "%s/%s/%s is not private: not used",
				 BPF_PINS_ROOT, name, pin_names[k]);
			close(fd);
			continue;
		}
		fds[k] = fd;
	}
	close(dirfd);
	/* task_file's first read has its header: pins made without the DRM
	 * types are made again, by the load that follows. */
	if (fds[BPF_ITER_TASK_FILE] >= 0)
		begin_task_file(it, opts, fds[BPF_ITER_TASK_FILE], &tf);
	if (!it->out[BPF_ITER_TASK_FILE].ok ||
	    pins_stale(&it->out[BPF_ITER_TASK_FILE], &it->features)) {
		pins_remove(rootfd, name, NULL);
		for (k = 0; k < BPF_ITER_NR; k++)
			free(it->out[k].data);
		memset(it->out, 0, sizeof(it->out));
		ret = -ESTALE;
	} else {
		read_iters(it, opts, fds, &tf);
		snprintf(it->pin, sizeof(it->pin), "%s/%s", BPF_PINS_ROOT, name);
		it->from_pin = true;
	}
	for (k = 0; k < BPF_ITER_NR; k++)
		if (fds[k] >= 0)
			close(fds[k]);
	close(rootfd);
	return ret;
}

/* Pin the links under a new name, then rename it into place: a run that
 * reads meanwhile sees all of them or none.  Failing only costs speed. */
static void make_pins(struct bpf_iters *it, const struct bpf_iters_opts *opts,
		      struct bpf_link *links[BPF_ITER_NR])
{
	char name[32], tmp[32], path[256];
	int rootfd, k;

	rootfd = pins_root(true, it->pin_why, sizeof(it->pin_why));
	if (rootfd < 0)
		return;
	version_name(name, sizeof(name), opts->devices);
	snprintf(tmp, sizeof(tmp), "new-%d", (int)getpid());
	if (mkdirat(rootfd, tmp, 0700)) {
		snprintf(it->pin_why, sizeof(it->pin_why), "cannot create %s/%s: %s",
			 BPF_PINS_ROOT, tmp, strerror(errno));
		goto out;
	}
	for (k = 0; k < BPF_ITER_NR; k++) {
		if (!links[k])
			continue;
		snprintf(path, sizeof(path), "%s/%s/%s", BPF_PINS_ROOT, tmp, pin_names[k]);
		if (bpf_link__pin(links[k], path)) {
			snprintf(it->pin_why, sizeof(it->pin_why), "cannot pin %s: %s",
				 pin_names[k], strerror(errno));
			pins_remove(rootfd, tmp, NULL);
			goto out;
		}
	}
	/* Another run may have pinned the same version meanwhile: keep it. */
	if (renameat(rootfd, tmp, rootfd, name)) {
		int e = errno;

		pins_remove(rootfd, tmp, NULL);
		if (e != EEXIST && e != ENOTEMPTY) {
			snprintf(it->pin_why, sizeof(it->pin_why), "cannot rename %s: %s", tmp,
				 strerror(e));
			goto out;
		}
	}
	snprintf(it->pin, sizeof(it->pin), "%s/%s", BPF_PINS_ROOT, name);
	it->pin_why[0] = '\0';
	pins_remove_stale(rootfd, name);
out:
	close(rootfd);
}

/* ---- loading ---- */

static int load_skel(struct iter_bpf **out, const bool load[BPF_ITER_NR], bool devices)
{
	struct iter_bpf *skel;
	int k, ret;

	skel = iter_bpf__open();
	if (!skel)
		return -errno;
	/* One of the two dma-buf programs, or neither. */
	bpf_program__set_autoload(prog_of(skel, BPF_ITER_DMABUF, !devices), false);
	for (k = 0; k < BPF_ITER_NR; k++)
		bpf_program__set_autoload(prog_of(skel, k, devices), load[k]);
	ret = iter_bpf__load(skel);
	if (ret) {
		iter_bpf__destroy(skel);
		return ret;
	}
	*out = skel;
	return 0;
}

static void load_and_read(struct bpf_iters *it, const struct bpf_iters_opts *opts,
			  const struct utsname *un)
{
	struct bpf_link *links[BPF_ITER_NR] = { 0 };
	struct iter_bpf *skel = NULL;
	int k, ret, fds[BPF_ITER_NR];
	struct reader tf = { 0 };
	bool load[BPF_ITER_NR];

	choose(it, un, load);
	if (!load[BPF_ITER_DMABUF] && !load[BPF_ITER_TASK_FILE] && !load[BPF_ITER_TASK_VMA])
		return;
	ret = load_skel(&skel, load, opts->devices);
	/* The dma-buf iterator is the newest: without it the others may load. */
	if (ret && load[BPF_ITER_DMABUF] && ret != -EPERM && ret != -EACCES) {
		struct kernel_btf *kb = NULL;
		bool tried = false;

		if (!btf_has(&kb, &tried, "bpf_iter__dmabuf")) {
			load[BPF_ITER_DMABUF] = false;
			out_fail(&it->out[BPF_ITER_DMABUF], -EOPNOTSUPP, NULL,
				 "kernel %s has no dma-buf BPF iterator", un->release);
			ret = load_skel(&skel, load, opts->devices);
		}
		kernel_btf_free(kb);
	}
	if (ret) {
		char why[256];

		snprintf(why, sizeof(why), "kernel refused the BPF iterators: %s",
			 strerror(-ret));
		all_fail(it, ret, bpf_util_refusal_hint(ret), why);
		return;
	}
	for (k = 0; k < BPF_ITER_NR; k++) {
		if (!load[k])
			continue;
		links[k] = bpf_program__attach_iter(prog_of(skel, k, opts->devices), NULL);
		if (!links[k])
			out_fail(&it->out[k], -errno, NULL, "kernel refused the %s iterator: "
				 "attach: %s", pin_names[k], strerror(errno));
	}
	if (opts->pin)
		make_pins(it, opts, links);
	for (k = 0; k < BPF_ITER_NR; k++) {
		fds[k] = -1;
		if (!links[k] || !opts->want[k])
			continue;
		fds[k] = bpf_iter_create(bpf_link__fd(links[k]));
		if (fds[k] < 0)
			out_fail(&it->out[k], -errno, NULL, "cannot create the %s iterator: %s",
				 pin_names[k], strerror(errno));
	}
	if (fds[BPF_ITER_TASK_FILE] >= 0)
		begin_task_file(it, opts, fds[BPF_ITER_TASK_FILE], &tf);
	read_iters(it, opts, fds, &tf);
	for (k = 0; k < BPF_ITER_NR; k++)
		if (fds[k] >= 0)
			close(fds[k]);
	for (k = 0; k < BPF_ITER_NR; k++)
		bpf_link__destroy(links[k]);	/* pins keep theirs */
	iter_bpf__destroy(skel);
}

void bpf_iters_read(struct bpf_iters *it, const struct bpf_iters_opts *opts)
{
	uint64_t t0 = mono_ns();
	struct utsname un;

	memset(it, 0, sizeof(*it));
	bpf_util_init_log();
	uname(&un);
	if (!opts->pin)
		snprintf(it->pin_why, sizeof(it->pin_why), "--no-pin");

	/* The kernel's verifier needs its own BTF for tracing programs. */
	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		char why[128];

		snprintf(why, sizeof(why), "kernel %s has no BTF", un.release);
		all_fail(it, -EOPNOTSUPP, "the BPF iterators need a kernel with "
			 "CONFIG_DEBUG_INFO_BTF", why);
		return;
	}
	if (geteuid() != 0) {
		all_fail(it, -EPERM, "run as root for the BPF iterators", "not root");
		return;
	}
	if (!opts->pin || read_pins(it, opts, &un))
		load_and_read(it, opts, &un);
	it->load_ms = (mono_ns() - t0) / 1e6;
	bpf_util_debug_step("iterators", it->from_pin ? "read from pins" : "load and read", &t0);
	if (getenv("DMABUFCTL_DEBUG"))
		fprintf(stderr, "dmabufctl: debug: iterators: features %#x, pins: %s\n",
			it->features, it->pin[0] ? it->pin : it->pin_why);
}

void bpf_iters_free(struct bpf_iters *it)
{
	for (int k = 0; k < BPF_ITER_NR; k++)
		free(it->out[k].data);
	memset(it, 0, sizeof(*it));
}

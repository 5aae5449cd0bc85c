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

/* Read an iterator to the end.  Early 6.16 kernels stopped the dma-buf
 * iterator after the first read(): read until 0.  A read returns at most
 * the iterator's buffer (8 pages): ask for no less. */
static ssize_t read_all(int fd, char **out)
{
	size_t len = 0, alloc = 256 * 1024;
	char *buf = xmalloc(alloc);

	for (;;) {
		ssize_t n;

		if (alloc - len < 64 * 1024)
			buf = xrealloc(buf, alloc *= 2);
		n = read(fd, buf + len, alloc - len);
		if (n < 0) {
			int e = errno;

			/* EAGAIN: a million objects without output in one read. */
			if (e == EINTR || e == EAGAIN)
				continue;
			free(buf);
			return -e;
		}
		if (!n)
			break;
		len += (size_t)n;
	}
	*out = buf;
	return (ssize_t)len;
}

static void read_into(struct bpf_iter_out *o, int fd, const char *what)
{
	ssize_t n = read_all(fd, &o->data);

	if (n < 0) {
		o->data = NULL;
		out_fail(o, (int)n, NULL, "reading the %s iterator: %s", what, strerror((int)-n));
		return;
	}
	o->len = (size_t)n;
	o->ok = true;
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
	char name[32];
	struct stat st;
	int rootfd, dirfd, k;

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
		if (fstat(fd, &st) || !pins_private(&st, S_IFREG))
			out_fail(o, -EPERM, NULL, "%s/%s/%s is not private: not used",
				 BPF_PINS_ROOT, name, pin_names[k]);
		else
			read_into(o, fd, pin_names[k]);
		close(fd);
	}
	close(dirfd);
	if (!it->out[BPF_ITER_TASK_FILE].ok ||
	    pins_stale(&it->out[BPF_ITER_TASK_FILE], &it->features)) {
		/* Made again by the load that follows. */
		pins_remove(rootfd, name, NULL);
		close(rootfd);
		for (k = 0; k < BPF_ITER_NR; k++) {
			free(it->out[k].data);
			memset(&it->out[k], 0, sizeof(it->out[k]));
		}
		return -ESTALE;
	}
	close(rootfd);
	snprintf(it->pin, sizeof(it->pin), "%s/%s", BPF_PINS_ROOT, name);
	it->from_pin = true;
	return 0;
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
	bool load[BPF_ITER_NR];
	int k, ret;

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
		int fd;

		if (!links[k] || !opts->want[k])
			continue;
		fd = bpf_iter_create(bpf_link__fd(links[k]));
		if (fd < 0) {
			out_fail(&it->out[k], -errno, NULL, "cannot create the %s iterator: %s",
				 pin_names[k], strerror(errno));
			continue;
		}
		read_into(&it->out[k], fd, pin_names[k]);
		close(fd);
	}
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
	if (it->out[BPF_ITER_TASK_FILE].ok && it->out[BPF_ITER_TASK_FILE].len >= sizeof(struct iter_hdr)) {
		struct iter_hdr h;

		memcpy(&h, it->out[BPF_ITER_TASK_FILE].data, sizeof(h));
		if (h.magic == ITER_MAGIC_HDR)
			it->features = h.features;
	}
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

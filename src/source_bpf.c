// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Source: the dma-buf BPF iterator (Linux 6.16+, iter/dmabuf).  Lists every
 * buffer with size, exporter, name, refcount, flags and attachments (device,
 * dynamic or not, importer callback symbol) without debugfs and without
 * taking each buffer's reservation lock as debugfs bufinfo does.
 *
 * On 6.16+ the program is loaded straight away (libbpf parses vmlinux BTF
 * once for it); only when that fails do we look at the kernel's BTF for the
 * reason.  Older releases are checked in the BTF first.
 * The reason goes to the set (kernel too old, no BTF, BPF refused, not
 * root) and scan() falls back to debugfs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "parse.h"
#include "source.h"
#include "bpf_util.h"
#include "iter_record.h"
#include "ksyms.h"
#include "iter.skel.h"
#include "util.h"
#include "vfio.h"

static int skip(struct dmabuf_set *set, int err, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int skip(struct dmabuf_set *set, int err, const char *hint, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	dmabuf_source_skipped(set, DMABUF_SRC_BPF, "%s", why);
	if (hint)
		dmabuf_source_hint(set, DMABUF_SRC_BPF, hint);
	return err;
}

/* Read the iterator to the end: early 6.16 kernels stopped after the first
 * read(), so keep reading until 0 and check the records add up. */
static ssize_t read_all(int fd, char **out)
{
	size_t len = 0, alloc = 64 * 1024;
	char *buf = xmalloc(alloc);

	for (;;) {
		ssize_t n;

		if (alloc - len < 4096)
			buf = xrealloc(buf, alloc *= 2);
		n = read(fd, buf + len, alloc - len);
		if (n < 0) {
			int e = errno;

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

/* The iterator's callback addresses, named from kallsyms. */
static const char *callback_name(void *ks, uint64_t addr)
{
	return ksyms_name(ks, addr);
}

/*
 * Whether the kernel's BTF has the iterator's context (6.16+).  Parsing
 * vmlinux BTF costs more than the rest of a list, and libbpf does it again
 * to load: only for a reason, or on releases that predate the iterator.
 */
static bool kernel_has_iter(void)
{
	struct kernel_btf *kb;
	bool has;
	int err;

	kb = kernel_btf_load(&err);
	if (!kb)
		return true;	/* cannot tell: do not blame the kernel */
	has = kernel_btf_has_struct(kb, "bpf_iter__dmabuf");
	kernel_btf_free(kb);
	return has;
}

static int skip_old(struct dmabuf_set *set, const struct utsname *un)
{
	return skip(set, -EOPNOTSUPP, NULL,
		    "kernel %s is too old: no dma-buf BPF iterator (Linux 6.16+)", un->release);
}

/* A release before 6.16, which added the iterator.  Those are asked the
 * BTF first (a backport is still found): a failed load costs more, as
 * libbpf parses vmlinux and then every module's BTF for the target. */
static bool release_before_iter(const char *release)
{
	int major, minor;

	if (sscanf(release, "%d.%d", &major, &minor) != 2)
		return false;
	return major < 6 || (major == 6 && minor < 16);
}

/*
 * Whether to read exporters' devices (VFIO's: dmabuf_collect_dev).  Its
 * types are VFIO's, which libbpf looks for in every module's BTF unless
 * vmlinux has them: only when debugfs listed a VFIO buffer, or listed
 * nothing (then any buffer may be one).
 */
static bool want_devices(const struct dmabuf_set *set)
{
	size_t i;

	if (!set->status[DMABUF_SRC_DEBUGFS].used)
		return true;
	for (i = 0; i < set->nr_bufs; i++)
		if (vfio_exporter(set->bufs[i]->exporter))
			return true;
	return false;
}

int source_bpf_scan(struct dmabuf_set *set, const struct scan_opts *opts)
{
	struct iter_bpf *skel = NULL;
	struct bpf_link *link = NULL;
	struct ksyms *ks;
	struct utsname un;
	char *data = NULL;
	ssize_t len;
	int fd = -1, ret;
	bool dev = false;

	if (opts->sysroot)
		return skip(set, -EOPNOTSUPP, NULL, "replaying a captured tree (--sysroot)");
	bpf_util_init_log();
	uname(&un);

	/* The kernel's verifier needs its own BTF for tracing programs. */
	if (access("/sys/kernel/btf/vmlinux", R_OK))
		return skip(set, -EOPNOTSUPP, "the iterator needs a kernel with CONFIG_DEBUG_INFO_BTF",
			    "kernel %s has no BTF", un.release);
	if (release_before_iter(un.release) && !kernel_has_iter())
		return skip_old(set, &un);
	if (geteuid() != 0)
		return skip(set, -EPERM, "run as root for the BPF iterator", "not root");

	/* Load first: the supported case then parses vmlinux BTF once. */
	skel = iter_bpf__open();
	ret = skel ? 0 : -errno;
	if (skel) {
		dev = want_devices(set);
		bpf_program__set_autoload(skel->progs.dmabuf_collect, !dev);
		bpf_program__set_autoload(skel->progs.dmabuf_collect_dev, dev);
		ret = iter_bpf__load(skel);
		if (ret) {
			ret = ret < 0 ? ret : -EINVAL;
			iter_bpf__destroy(skel);
			skel = NULL;
		}
	}
	if (!skel) {
		if (ret != -EPERM && ret != -EACCES && !kernel_has_iter())
			ret = skip(set, -EOPNOTSUPP, NULL,
				   "kernel %s has no dma-buf BPF iterator", un.release);
		else
			skip(set, ret, NULL, "kernel refused the BPF iterator: %s", strerror(-ret));
		goto cleanup;
	}
	link = bpf_program__attach_iter(dev ? skel->progs.dmabuf_collect_dev :
					skel->progs.dmabuf_collect, NULL);
	if (!link) {
		ret = -errno;
		skip(set, ret, NULL, "kernel refused the BPF iterator: attach: %s", strerror(-ret));
		goto cleanup;
	}
	fd = bpf_iter_create(bpf_link__fd(link));
	if (fd < 0) {
		ret = -errno;
		skip(set, ret, NULL, "cannot create the BPF iterator: %s", strerror(-ret));
		goto cleanup;
	}
	len = read_all(fd, &data);
	if (len < 0) {
		ret = (int)len;
		skip(set, ret, NULL, "reading the BPF iterator: %s", strerror(-ret));
		goto cleanup;
	}
	/* kallsyms is read at the first callback: static importers (most)
	 * never cost that. */
	ks = ksyms_new();
	parse_iter_records(set, data, (size_t)len, callback_name, ks);
	ksyms_free(ks);
	dmabuf_source_used(set, DMABUF_SRC_BPF);
	ret = 0;

cleanup:
	free(data);
	if (fd >= 0)
		close(fd);
	bpf_link__destroy(link);
	iter_bpf__destroy(skel);
	return ret;
}

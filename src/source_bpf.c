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

static void nul_terminate(char *s, size_t n)
{
	s[n - 1] = '\0';
}

/* Records are self-describing (iter_record.h): a buffer, maybe its device,
 * its attachments, maybe a "more" marker.  Each must follow its own buffer. */
static int parse_records(struct dmabuf_set *set, char *data, size_t len)
{
	struct ksyms *ks = ksyms_new();
	struct dmabuf *buf = NULL;
	uint64_t inode = 0;
	size_t off = 0, nrec = 0;

	for (; off < len; nrec++) {
		struct iter_buf b;
		struct iter_att a;
		uint32_t magic;

		if (len - off < sizeof(magic))
			goto short_read;
		memcpy(&magic, data + off, sizeof(magic));
		if (magic == ITER_MAGIC_BUF) {
			if (len - off < sizeof(b))
				goto short_read;
			memcpy(&b, data + off, sizeof(b));
			off += sizeof(b);
			nul_terminate(b.exporter, sizeof(b.exporter));
			nul_terminate(b.name, sizeof(b.name));

			inode = b.inode;
			buf = dmabuf_get(set, b.inode, DMABUF_SRC_BPF);
			dmabuf_set_size(buf, DMABUF_SRC_BPF, b.size);
			dmabuf_set_exporter(buf, DMABUF_SRC_BPF, b.exporter);
			dmabuf_set_name(buf, DMABUF_SRC_BPF, b.name[0] ? b.name : NULL);
			dmabuf_set_refcount(buf, DMABUF_SRC_BPF, (long)b.refcount);
			dmabuf_set_flags(buf, DMABUF_SRC_BPF, b.f_flags, b.f_mode);
			/* Known, possibly empty. */
			dmabuf_add_attachment(buf, DMABUF_SRC_BPF, NULL, NULL, -1);
			continue;
		}
		if (magic == ITER_MAGIC_DEV) {
			struct iter_dev d;

			if (len - off < sizeof(d))
				goto short_read;
			memcpy(&d, data + off, sizeof(d));
			off += sizeof(d);
			if (!buf || d.inode != inode)
				goto garbled;
			vfio_dev_record(set, buf, &d);
			continue;
		}
		if (magic != ITER_MAGIC_ATT && magic != ITER_MAGIC_MORE)
			goto garbled;
		if (len - off < sizeof(a))
			goto short_read;
		memcpy(&a, data + off, sizeof(a));
		off += sizeof(a);
		if (!buf || a.inode != inode)
			goto garbled;
		if (magic == ITER_MAGIC_MORE) {
			dmabuf_warn(set, "bpf: buffer %llu has more than %d attachments; "
				    "only the first %d are listed", (unsigned long long)inode,
				    ITER_MAX_ATTACH, ITER_MAX_ATTACH);
			continue;
		}
		nul_terminate(a.device, sizeof(a.device));
		/* kallsyms is read at the first callback: static importers
		 * (most) never cost that. */
		dmabuf_add_attachment(buf, DMABUF_SRC_BPF, a.device[0] ? a.device : "?",
				      ksyms_name(ks, a.callback), a.dynamic);
	}
	goto out;

garbled:
	dmabuf_warn(set, "bpf: iterator record %zu is garbled; "
		    "the rest of its output is ignored", nrec);
	goto out;
short_read:
	dmabuf_warn(set, "bpf: iterator output ends inside a record (%zu bytes left)", len - off);
out:
	ksyms_free(ks);
	return 0;
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
	ret = parse_records(set, data, (size_t)len);
	if (!ret)
		dmabuf_source_used(set, DMABUF_SRC_BPF);

cleanup:
	free(data);
	if (fd >= 0)
		close(fd);
	bpf_link__destroy(link);
	iter_bpf__destroy(skel);
	return ret;
}

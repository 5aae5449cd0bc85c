// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Source: the dma-buf BPF iterator (Linux 6.16+, iter/dmabuf).  Lists every
 * buffer with size, exporter, name, refcount, flags and attachments (device,
 * dynamic or not, importer callback symbol) without debugfs and without
 * taking each buffer's reservation lock as debugfs bufinfo does.
 *
 * Support is read from the kernel's BTF (struct bpf_iter__dmabuf) before
 * anything is loaded; when it cannot run, the reason goes to the set
 * (kernel too old, no BTF, BPF refused, not root) and scan() falls back to
 * debugfs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/utsname.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "source.h"
#include "trace.h"
#include "trace_bpf.h"
#include "iter.skel.h"
#include "util.h"

static int quiet(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (!getenv("DMABUFCTL_DEBUG") || level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

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

static int parse_records(struct dmabuf_set *set, char *data, size_t len)
{
	size_t off = 0, nbufs = 0;

	while (off < len) {
		struct iter_buf b;
		struct dmabuf *buf;
		uint32_t i;

		if (len - off < sizeof(b))
			goto short_read;
		memcpy(&b, data + off, sizeof(b));
		off += sizeof(b);
		if (b.magic != ITER_MAGIC || b.nr_attach > TRACE_MAX_ATTACH) {
			dmabuf_warn(set, "bpf: iterator record %zu is garbled; "
				    "the rest of its output is ignored", nbufs);
			return 0;
		}
		if (len - off < b.nr_attach * sizeof(struct iter_att))
			goto short_read;
		nul_terminate(b.exporter, sizeof(b.exporter));
		nul_terminate(b.name, sizeof(b.name));

		buf = dmabuf_get(set, b.inode, DMABUF_SRC_BPF);
		dmabuf_set_size(buf, DMABUF_SRC_BPF, b.size);
		dmabuf_set_exporter(buf, DMABUF_SRC_BPF, b.exporter);
		dmabuf_set_name(buf, DMABUF_SRC_BPF, b.name[0] ? b.name : NULL);
		dmabuf_set_refcount(buf, DMABUF_SRC_BPF, (long)b.refcount);
		dmabuf_set_flags(buf, DMABUF_SRC_BPF, b.f_flags, b.f_mode);
		/* Known, possibly empty. */
		dmabuf_add_attachment(buf, DMABUF_SRC_BPF, NULL, NULL, -1);
		for (i = 0; i < b.nr_attach; i++) {
			struct iter_att a;

			memcpy(&a, data + off, sizeof(a));
			off += sizeof(a);
			nul_terminate(a.device, sizeof(a.device));
			if (a.dynamic < 0)
				continue;	/* detached while we walked */
			dmabuf_add_attachment(buf, DMABUF_SRC_BPF, a.device[0] ? a.device : "?",
					      a.callback ? ksym_name(a.callback) : NULL,
					      a.dynamic);
		}
		if (b.truncated)
			dmabuf_warn(set, "bpf: buffer %llu has more than %d attachments; "
				    "only the first %d are listed", (unsigned long long)b.inode,
				    TRACE_MAX_ATTACH, TRACE_MAX_ATTACH);
		nbufs++;
	}
	return 0;

short_read:
	dmabuf_warn(set, "bpf: iterator output ends inside a record (%zu bytes left)", len - off);
	return 0;
}

int source_bpf_scan(struct dmabuf_set *set, const struct scan_opts *opts)
{
	struct iter_bpf *skel = NULL;
	struct bpf_link *link = NULL;
	struct btf *vmlinux;
	struct utsname un;
	char *data = NULL;
	ssize_t len;
	int fd = -1, ret;

	if (opts->sysroot)
		return skip(set, -EOPNOTSUPP, NULL, "replaying a captured tree (--sysroot)");
	libbpf_set_print(quiet);
	uname(&un);

	vmlinux = btf__load_vmlinux_btf();
	if (!vmlinux)
		return skip(set, -EOPNOTSUPP, "the iterator needs a kernel with CONFIG_DEBUG_INFO_BTF",
			    "kernel %s has no BTF", un.release);
	ret = btf__find_by_name_kind(vmlinux, "bpf_iter__dmabuf", BTF_KIND_STRUCT);
	btf__free(vmlinux);
	if (ret < 0)
		return skip(set, -EOPNOTSUPP, NULL,
			    "kernel %s is too old: no dma-buf BPF iterator (Linux 6.16+)", un.release);
	if (geteuid() != 0)
		return skip(set, -EPERM, "run as root for the BPF iterator", "not root");

	skel = iter_bpf__open_and_load();
	if (!skel) {
		ret = -errno;
		skip(set, ret, NULL, "kernel refused the BPF iterator: %s", strerror(-ret));
		goto cleanup;
	}
	link = bpf_program__attach_iter(skel->progs.dmabuf_collect, NULL);
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

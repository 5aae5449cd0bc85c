// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dma-buf iterator (Linux 6.16+, kernel/bpf/dmabuf_iter.c): one iter_buf
 * record per buffer, then one iter_att per attachment, written to the
 * iterator's seq_file for source_bpf.c to read.
 *
 * The iterator holds dmabuf_list_mutex and a reference on the buffer, not
 * its reservation lock: the attachment walk can race with attach/detach,
 * hence probe reads and a bounded walk (what debugfs shows is no less racy
 * once printed).
 */
#include "dmabuf_kern.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "trace.h"

char LICENSE[] SEC("license") = "GPL";

/* Too big for the 512-byte BPF stack with the attachment record. */
struct scratch {
	struct iter_buf b;
	struct iter_att a;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch SEC(".maps");

static __always_inline long file_count(struct file *f)
{
	struct file___new *fn = (void *)f;
	struct file___old *fo = (void *)f;
	long c;

	/* 6.13+: file_ref_t holds the count minus one; negative values
	 * (FILE_REF_RELEASED and beyond) mean the file is being freed. */
	if (bpf_core_field_exists(fn->f_ref)) {
		c = BPF_CORE_READ(fn, f_ref.refcnt.counter);
		return c < 0 ? 0 : c + 1;
	}
	return BPF_CORE_READ(fo, f_count.counter);
}

static __always_inline __u64 ops_callback(const struct dma_buf_attach_ops *ops)
{
	struct dma_buf_attach_ops___new *n = (void *)ops;
	struct dma_buf_attach_ops___old *o = (void *)ops;

	if (!ops)
		return 0;
	if (bpf_core_field_exists(n->invalidate_mappings))
		return (__u64)BPF_CORE_READ(n, invalidate_mappings);
	return (__u64)BPF_CORE_READ(o, move_notify);
}

SEC("iter/dmabuf")
int dmabuf_collect(struct bpf_iter__dmabuf *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct dma_buf *buf = ctx->dmabuf;
	struct dma_buf_attachment *att;
	struct list_head *head, *pos;
	struct scratch *s;
	struct file *file;
	const char *str;
	__u32 zero = 0;
	int i, n = 0;

	/* NULL once, at the end of the walk. */
	if (!buf)
		return 0;
	s = bpf_map_lookup_elem(&scratch, &zero);
	if (!s)
		return 0;

	file = BPF_CORE_READ(buf, file);
	s->b.magic = ITER_MAGIC;
	s->b.inode = BPF_CORE_READ(file, f_inode, i_ino);
	s->b.size = BPF_CORE_READ(buf, size);
	/* Minus the reference dma_buf_iter_begin()/next() hold for us. */
	s->b.refcount = file_count(file) - 1;
	s->b.f_flags = BPF_CORE_READ(file, f_flags);
	s->b.f_mode = BPF_CORE_READ(file, f_mode);
	s->b.truncated = 0;
	s->b.pad = 0;
	s->b.exporter[0] = 0;
	s->b.name[0] = 0;
	str = BPF_CORE_READ(buf, exp_name);
	if (str)
		bpf_probe_read_kernel_str(s->b.exporter, sizeof(s->b.exporter), str);
	str = BPF_CORE_READ(buf, name);
	if (str)
		bpf_probe_read_kernel_str(s->b.name, sizeof(s->b.name), str);

	/* Count first: the reader needs nr_attach before the records. */
	head = &buf->attachments;
	pos = BPF_CORE_READ(buf, attachments.next);
	for (i = 0; i < TRACE_MAX_ATTACH; i++) {
		if (!pos || pos == head)
			break;
		n++;
		pos = BPF_CORE_READ(pos, next);
	}
	if (pos && pos != head)
		s->b.truncated = 1;
	s->b.nr_attach = n;
	bpf_seq_write(seq, &s->b, sizeof(s->b));

	pos = BPF_CORE_READ(buf, attachments.next);
	for (i = 0; i < TRACE_MAX_ATTACH; i++) {
		const struct dma_buf_attach_ops *ops;
		struct device *dev;

		if (i >= n || !pos || pos == head)
			break;
		att = (void *)pos - bpf_core_field_offset(att->node);
		ops = BPF_CORE_READ(att, importer_ops);
		s->a.dynamic = ops != NULL;
		s->a.callback = ops_callback(ops);
		s->a.pad = 0;
		s->a.device[0] = 0;
		dev = BPF_CORE_READ(att, dev);
		if (dev) {
			str = BPF_CORE_READ(dev, kobj.name);
			if (!str)
				str = BPF_CORE_READ(dev, init_name);
			if (str)
				bpf_probe_read_kernel_str(s->a.device, sizeof(s->a.device), str);
		}
		bpf_seq_write(seq, &s->a, sizeof(s->a));
		pos = BPF_CORE_READ(pos, next);
	}
	/* A list that shrank between the walks: pad so the reader stays in step. */
	for (; i < n && i < TRACE_MAX_ATTACH; i++) {
		s->a.callback = 0;
		s->a.dynamic = -1;
		s->a.device[0] = 0;
		bpf_seq_write(seq, &s->a, sizeof(s->a));
	}
	return 0;
}

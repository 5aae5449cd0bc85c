// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dma-buf iterator (Linux 6.16+, kernel/bpf/dmabuf_iter.c): per buffer one
 * iter_buf record, an iter_dev for a VFIO buffer (dmabuf_collect_dev only:
 * its PCI function, BAR, ranges and revoked state, vfio.bpf.h), then one
 * iter_att per attachment and an ITER_MAGIC_MORE
 * record when there are more than ITER_MAX_ATTACH, written to the
 * iterator's seq_file for source_bpf.c to read.  Every record names its
 * kind, so the attachment list is walked once, with no count up front.
 *
 * The walk is a bpf_loop() callback (5.17+, so on every kernel with the
 * iterator): the verifier checks its body once and not once per iteration
 * as it does an open-coded bounded loop, which cost seconds of load time
 * per run and grew with ITER_MAX_ATTACH.
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
#include "iter_record.h"
#include "dmabuf_core.bpf.h"
#include "vfio.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* Too big for the 512-byte BPF stack with the attachment record. */
struct scratch {
	struct iter_buf b;
	struct iter_att a;
	struct iter_dev d;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch SEC(".maps");

/* State shared with walk_one(); pos is a plain scalar so that the
 * verifier finds the callback's states equal and stops after one pass. */
struct walk {
	struct seq_file *seq;
	struct iter_att *a;
	struct list_head *head;
	struct list_head *pos;
};

/* One attachment per call; 1 ends the walk at the list head (or on a
 * failed read, which leaves pos 0). */
static long walk_one(__u32 i, struct walk *w)
{
	const struct dma_buf_attach_ops *ops;
	struct dma_buf_attachment *att;
	struct iter_att *a = w->a;
	struct list_head *pos = w->pos;

	if (!pos || pos == w->head)
		return 1;
	att = (void *)pos - bpf_core_field_offset(struct dma_buf_attachment, node);
	ops = BPF_CORE_READ(att, importer_ops);
	a->dynamic = ops != NULL;
	a->callback = ops_callback(ops);
	a->device[0] = 0;
	read_att_device(att, a->device);
	bpf_seq_write(w->seq, a, sizeof(*a));
	w->pos = BPF_CORE_READ(pos, next);
	return 0;
}

/* dev: also each buffer's device where the exporter names one (VFIO). */
static __always_inline int collect(struct bpf_iter__dmabuf *ctx, bool dev)
{
	struct dma_buf *buf = ctx->dmabuf;
	struct scratch *s;
	struct file *file;
	struct walk w;
	__u32 zero = 0;

	/* NULL once, at the end of the walk. */
	if (!buf)
		return 0;
	s = bpf_map_lookup_elem(&scratch, &zero);
	if (!s)
		return 0;

	file = BPF_CORE_READ(buf, file);
	s->b.magic = ITER_MAGIC_BUF;
	s->b.inode = BPF_CORE_READ(file, f_inode, i_ino);
	s->b.size = BPF_CORE_READ(buf, size);
	/* Minus the reference dma_buf_iter_begin()/next() hold for us. */
	s->b.refcount = file_count(file) - 1;
	s->b.f_flags = BPF_CORE_READ(file, f_flags);
	s->b.f_mode = BPF_CORE_READ(file, f_mode);
	s->b.pad = 0;
	s->b.exporter[0] = 0;
	s->b.name[0] = 0;
	read_buf_names(buf, s->b.exporter, s->b.name);
	bpf_seq_write(ctx->meta->seq, &s->b, sizeof(s->b));
	if (dev && vfio_read_dev(buf, s->b.exporter, &s->d)) {
		s->d.magic = ITER_MAGIC_DEV;
		s->d.inode = s->b.inode;
		bpf_seq_write(ctx->meta->seq, &s->d, sizeof(s->d));
	}

	s->a.magic = ITER_MAGIC_ATT;
	s->a.inode = s->b.inode;
	w.seq = ctx->meta->seq;
	w.a = &s->a;
	w.head = &buf->attachments;
	w.pos = BPF_CORE_READ(buf, attachments.next);
	bpf_loop(ITER_MAX_ATTACH, walk_one, &w, 0);
	if (w.pos && w.pos != w.head) {
		s->a.magic = ITER_MAGIC_MORE;
		s->a.dynamic = 0;
		s->a.callback = 0;
		s->a.device[0] = 0;
		bpf_seq_write(ctx->meta->seq, &s->a, sizeof(s->a));
	}
	return 0;
}

SEC("iter/dmabuf")
int dmabuf_collect(struct bpf_iter__dmabuf *ctx)
{
	return collect(ctx, false);
}

/*
 * The same with VFIO's devices: a program of its own, loaded only where
 * VFIO buffers may exist, since resolving VFIO's types makes libbpf read
 * every module's BTF on kernels that have vfio_pci_core as a module or not
 * at all (source_bpf.c chooses).
 */
SEC("iter/dmabuf")
int dmabuf_collect_dev(struct bpf_iter__dmabuf *ctx)
{
	return collect(ctx, true);
}

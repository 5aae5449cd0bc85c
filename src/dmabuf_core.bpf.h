/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CO-RE readers shared by the BPF programs (iter.bpf.c, trace.bpf.c): the
 * fields whose layout or name changed between the kernels we run on, and
 * the strings both report.  Include after dmabuf_kern.h, the libbpf
 * headers and bpf_record.h.
 */
#ifndef DMABUFCTL_DMABUF_CORE_BPF_H
#define DMABUFCTL_DMABUF_CORE_BPF_H

/*
 * A field chain, as the plain load expr where the verifier knows the
 * pointer's type (fentry and fexit arguments and what they lead to: it
 * guards the load against faults), or as bpf_probe_read_kernel() calls
 * where it does not (kprobe arguments, void pointers, iterators here).
 * A load is a fraction of a helper call: on a hot path it adds up.  direct
 * is a constant in every caller, so the other branch compiles away.
 */
#define CORE_RD(direct, expr, p, ...) ((direct) ? (expr) : BPF_CORE_READ(p, __VA_ARGS__))

/* The file's reference count, as file_count() returns it. */
static __always_inline long file_count(struct file *f, bool direct)
{
	struct file___new *fn = (void *)f;
	struct file___old *fo = (void *)f;
	long c;

	/* 6.13+: file_ref_t holds the count minus one; negative values
	 * (FILE_REF_RELEASED and beyond) mean the file is being freed. */
	if (bpf_core_field_exists(fn->f_ref)) {
		c = CORE_RD(direct, fn->f_ref.refcnt.counter, fn, f_ref.refcnt.counter);
		return c < 0 ? 0 : c + 1;
	}
	return CORE_RD(direct, fo->f_count.counter, fo, f_count.counter);
}

/* The importer's notify callback: renamed in 7.1. */
static __always_inline __u64 ops_callback(const struct dma_buf_attach_ops *ops, bool direct)
{
	struct dma_buf_attach_ops___new *n = (void *)ops;
	struct dma_buf_attach_ops___old *o = (void *)ops;

	if (!ops)
		return 0;
	if (bpf_core_field_exists(n->invalidate_mappings))
		return (__u64)CORE_RD(direct, n->invalidate_mappings, n, invalidate_mappings);
	return (__u64)CORE_RD(direct, o->move_notify, o, move_notify);
}

/* The exporter's name; left as it is when unset. */
static __always_inline void read_buf_exporter(struct dma_buf *buf, char exporter[REC_EXP_LEN],
					      bool direct)
{
	const char *s = CORE_RD(direct, buf->exp_name, buf, exp_name);

	if (s)
		bpf_probe_read_kernel_str(exporter, REC_EXP_LEN, s);
}

/* The buffer's name, left as it is when unset.  Racy against
 * DMA_BUF_SET_NAME, as debugfs without name_lock. */
static __always_inline void read_buf_name(struct dma_buf *buf, char name[REC_NAME_LEN],
					  bool direct)
{
	const char *s = CORE_RD(direct, buf->name, buf, name);

	if (s)
		bpf_probe_read_kernel_str(name, REC_NAME_LEN, s);
}

/* The exporter and buffer names; each left as it is when unset. */
static __always_inline void read_buf_names(struct dma_buf *buf,
					   char exporter[REC_EXP_LEN],
					   char name[REC_NAME_LEN], bool direct)
{
	read_buf_exporter(buf, exporter, direct);
	read_buf_name(buf, name, direct);
}

/* dev_name(): kobj.name once registered, init_name before; out is left
 * as it is when there is none. */
static __always_inline void read_dev_name(struct device *dev, char *out, __u32 len,
					  bool direct)
{
	const char *s;

	if (!dev)
		return;
	s = CORE_RD(direct, dev->kobj.name, dev, kobj.name);
	if (!s)
		s = CORE_RD(direct, dev->init_name, dev, init_name);
	if (s)
		bpf_probe_read_kernel_str(out, len, s);
}

/* dev_name() of the attachment's device. */
static __always_inline void read_att_device(struct dma_buf_attachment *att,
					    char device[REC_DEV_LEN], bool direct)
{
	read_dev_name(CORE_RD(direct, att->dev, att, dev), device, REC_DEV_LEN, direct);
}

#endif

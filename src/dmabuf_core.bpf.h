/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CO-RE readers shared by the BPF programs (iter.bpf.c, trace.bpf.c): the
 * fields whose layout or name changed between the kernels we run on, and
 * the strings both report.  Include after dmabuf_kern.h, the libbpf
 * headers and bpf_record.h.
 */
#ifndef DMABUFCTL_DMABUF_CORE_BPF_H
#define DMABUFCTL_DMABUF_CORE_BPF_H

/* The file's reference count, as file_count() returns it. */
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

/* The importer's notify callback: renamed in 7.1. */
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

/* The exporter and buffer names; each left as it is when unset.  The name
 * is racy against DMA_BUF_SET_NAME, as debugfs without name_lock. */
static __always_inline void read_buf_names(struct dma_buf *buf,
					   char exporter[REC_EXP_LEN],
					   char name[REC_NAME_LEN])
{
	const char *s;

	s = BPF_CORE_READ(buf, exp_name);
	if (s)
		bpf_probe_read_kernel_str(exporter, REC_EXP_LEN, s);
	s = BPF_CORE_READ(buf, name);
	if (s)
		bpf_probe_read_kernel_str(name, REC_NAME_LEN, s);
}

/* dev_name(): kobj.name once registered, init_name before; name is left
 * as it is when there is none. */
static __always_inline void read_dev_name(struct device *dev, char name[REC_DEV_LEN])
{
	const char *s;

	if (!dev)
		return;
	s = BPF_CORE_READ(dev, kobj.name);
	if (!s)
		s = BPF_CORE_READ(dev, init_name);
	if (s)
		bpf_probe_read_kernel_str(name, REC_DEV_LEN, s);
}

/* dev_name() of the attachment's device. */
static __always_inline void read_att_device(struct dma_buf_attachment *att,
					    char device[REC_DEV_LEN])
{
	read_dev_name(BPF_CORE_READ(att, dev), device);
}

#endif

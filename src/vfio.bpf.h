/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CO-RE readers of VFIO's dma-bufs (6.19+, drivers/vfio/pci/vfio_pci_dmabuf.c):
 * ranges of a PCI function's BAR, exported by vfio_pci_core.  Their state is
 * private to VFIO: struct vfio_pci_dma_buf behind dmabuf->priv, in vmlinux
 * BTF or in the vfio_pci_core module's.  Every read is guarded, so kernels
 * without VFIO, or with another layout, still load the programs and only
 * lose this detail.  Include after dmabuf_core.bpf.h and iter_record.h.
 */
#ifndef DMABUFCTL_VFIO_BPF_H
#define DMABUFCTL_VFIO_BPF_H

/* KBUILD_MODNAME of vfio_pci_dmabuf.c: every VFIO PCI variant driver's
 * buffers are made there. */
#define VFIO_EXP_NAME	"vfio_pci_core"

/* An unsigned integer field as wide as this kernel has it (phys_addr_t,
 * size_t and resource_size_t are 32 bits on some architectures). */
#define VFIO_READ_UINT(s, field)	((__u64)BPF_CORE_READ_BITFIELD_PROBED(s, field))

/* The standard BAR of pdev that holds physical address pa, or -1; *start
 * is its first address. */
static __always_inline int vfio_bar_of(struct pci_dev *pdev, __u64 pa, __u64 *start)
{
	__u32 off = bpf_core_field_offset(struct pci_dev, resource);
	__u32 size = bpf_core_type_size(struct resource);
	int i;

	for (i = 0; i < 6; i++) {
		struct resource *r = (void *)pdev + off + i * size;
		__u64 s = VFIO_READ_UINT(r, start), e = VFIO_READ_UINT(r, end);

		if (s && pa >= s && pa <= e) {
			*start = s;
			return i;
		}
	}
	return -1;
}

/*
 * Fill d (but its magic and inode) when buf is a VFIO buffer: 1, else 0.
 * exporter is buf's name as read_buf_names() copied it.
 *
 * The PCI function comes from the p2pdma provider (7.x), whose owner stays
 * valid after VFIO closes the device, else from vdev while it is open.
 * VFIO's revoked bit means "no access now" (memory decoding off, a reset
 * under way, the device closed); a closed device (vdev NULL) and the
 * revoke series' dma_buf.revoked mean "for good".  The iterator holds a
 * reference, not the reservation lock: the state is a snapshot.
 */
static __always_inline int vfio_read_dev(struct dma_buf *buf, const char *exporter,
					 struct iter_dev *d)
{
	struct vfio_pci_dma_buf *priv;
	struct vfio_pci_core_device *vdev;
	struct p2pdma_provider *prov;
	struct device *owner = NULL;
	struct pci_dev *pdev;
	struct phys_vec *vec;
	__u64 start = 0, pa;
	__u32 i, nr, vsize;

	if (bpf_strncmp(exporter, sizeof(VFIO_EXP_NAME), VFIO_EXP_NAME))
		return 0;
	if (!bpf_core_type_exists(struct vfio_pci_dma_buf))
		return 0;
	priv = BPF_CORE_READ(buf, priv);
	/* Its first member points back: the layout is the one we know. */
	if (!priv || BPF_CORE_READ(priv, dmabuf) != buf)
		return 0;

	d->bar = -1;
	d->nr_ranges = 0;
	d->revoked = -1;
	d->revoked_for_good = -1;
	d->pad = 0;
	d->bdf[0] = 0;

	vdev = BPF_CORE_READ(priv, vdev);
	d->closed = !vdev;
	if (bpf_core_field_exists(priv->revoked))
		d->revoked = BPF_CORE_READ_BITFIELD_PROBED(priv, revoked);
	if (bpf_core_field_exists(buf->revoked))
		d->revoked_for_good = BPF_CORE_READ_BITFIELD_PROBED(buf, revoked) || !vdev;
	else
		d->revoked_for_good = !vdev;
	if (d->revoked_for_good == 1)
		d->revoked = 1;

	if (bpf_core_field_exists(priv->provider)) {
		prov = BPF_CORE_READ(priv, provider);
		if (prov)
			owner = BPF_CORE_READ(prov, owner);
	}
	if (!owner && vdev) {
		pdev = BPF_CORE_READ(vdev, pdev);
		if (pdev)
			owner = (void *)pdev + bpf_core_field_offset(struct pci_dev, dev);
	}
	if (!owner)
		return 1;
	read_dev_name(owner, d->bdf, sizeof(d->bdf), false);
	pdev = (void *)owner - bpf_core_field_offset(struct pci_dev, dev);

	nr = BPF_CORE_READ(priv, nr_ranges);
	vec = BPF_CORE_READ(priv, phys_vec);
	if (!nr || !vec)
		return 1;
	d->nr_ranges = nr;
	pa = VFIO_READ_UINT(vec, paddr);
	d->bar = vfio_bar_of(pdev, pa, &start);
	if (d->bar < 0)
		return 1;
	vsize = bpf_core_type_size(struct phys_vec);
	for (i = 0; i < ITER_MAX_RANGES && i < nr; i++) {
		struct phys_vec *v = (void *)vec + i * vsize;

		pa = VFIO_READ_UINT(v, paddr);
		d->ranges[i].offset = pa - start;
		d->ranges[i].length = VFIO_READ_UINT(v, len);
	}
	return 1;
}

#endif

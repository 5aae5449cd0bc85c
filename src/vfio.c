// SPDX-License-Identifier: GPL-2.0-or-later
/* VFIO's dma-bufs: the iterator's device record into the model.  See vfio.h. */
#include <stdint.h>
#include <unistd.h>

#include "iter_record.h"
#include "vfio.h"

/* PCI_STD_NUM_BARS */
#define VFIO_NR_BARS	6

void vfio_dev_record(struct dmabuf_set *set, struct dmabuf *buf, const struct iter_dev *d)
{
	char bdf[sizeof(d->bdf)];
	uint32_t i, nr = d->nr_ranges;
	int bar = d->bar >= 0 && d->bar < VFIO_NR_BARS ? d->bar : -1;

	memcpy(bdf, d->bdf, sizeof(bdf));
	bdf[sizeof(bdf) - 1] = '\0';
	dmabuf_set_device(buf, DMABUF_SRC_BPF, bdf[0] ? bdf : NULL, bar,
			  d->closed >= 0 ? d->closed > 0 : -1);
	dmabuf_set_revoke_state(buf, DMABUF_SRC_BPF, d->revoked, d->revoked_for_good);
	/* Offsets mean something only in a known BAR. */
	if (bar < 0 || !nr)
		return;
	if (nr > ITER_MAX_RANGES) {
		dmabuf_warn(set, "bpf: buffer %llu has %u ranges; only the first %d are listed",
			    (unsigned long long)buf->inode, nr, ITER_MAX_RANGES);
		nr = ITER_MAX_RANGES;
	}
	for (i = 0; i < nr; i++)
		dmabuf_add_range(buf, DMABUF_SRC_BPF, d->ranges[i].offset, d->ranges[i].length);
}

bool vfio_in_kernel(void)
{
	/* A loaded module is always in /sys/module (its BTF with it); built
	 * in, only if it has parameters: vfio-pci's driver directory then. */
	return !access("/sys/module/" VFIO_EXPORTER, F_OK) ||
	       !access("/sys/bus/pci/drivers/vfio-pci", F_OK);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * VFIO's dma-bufs on the user side (6.19+: vfio-pci exports ranges of a
 * PCI function's BARs, exporter vfio_pci_core).  VFIO revokes them by
 * itself while memory decoding is off, during a reset and for good when
 * the device is closed; the revoke series (tests/kernel) adds the ioctl.
 * Only BPF sees that state and the device (vfio.bpf.h, iter_record.h).
 */
#ifndef DMABUFCTL_VFIO_H
#define DMABUFCTL_VFIO_H

#include <stdbool.h>
#include <string.h>

#include "dmabuf.h"

#define VFIO_EXPORTER	"vfio_pci_core"

static inline bool vfio_exporter(const char *exporter)
{
	return exporter && !strcmp(exporter, VFIO_EXPORTER);
}

/*
 * Whether this kernel has VFIO's PCI core (built in, or its module loaded):
 * without it no VFIO buffer exists, and looking for its types would make
 * libbpf read every module's BTF.  Cheap: no BTF parsed.
 */
bool vfio_in_kernel(void);

struct iter_dev;

/*
 * The iterator's device record of buf (ITER_MAGIC_DEV) into the model:
 * device, BAR, ranges, revoked state.  The record is the kernel's data,
 * read with probes: values out of range are dropped, not trusted.
 */
void vfio_dev_record(struct dmabuf_set *set, struct dmabuf *buf, const struct iter_dev *d);

#endif

// SPDX-License-Identifier: GPL-2.0
/* DMA_BUF_IOCTL_REVOKE on an exporter without a revoke op: EINVAL. */
#include "selftest.h"

#include <linux/dma-heap.h>

int main(void)
{
	struct dma_heap_allocation_data alloc = {
		.len = 4096,
		.fd_flags = O_RDWR | O_CLOEXEC,
	};
	int heap;

	setvbuf(stdout, NULL, _IOLBF, 0);
	heap = open("/dev/dma_heap/system", O_RDONLY | O_CLOEXEC);
	if (heap < 0)
		st_bail("open /dev/dma_heap/system");
	if (ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &alloc))
		st_bail("DMA_HEAP_IOCTL_ALLOC");

	st_check("fdinfo has no revoked: line", fdinfo_revoked(alloc.fd) == -1,
		 "line present");
	st_expect("revoke system heap buffer", dmabuf_revoke(alloc.fd), EINVAL);

	close(alloc.fd);
	close(heap);
	return st_done();
}

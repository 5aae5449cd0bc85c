/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An iommufd IO address space as a dynamic dma-buf importer sees it:
 * /dev/iommu, an IOAS with a mock domain (CONFIG_IOMMUFD_TEST) so that
 * IOMMU_IOAS_MAP_FILE reaches an IO page table, and a second, dirty-
 * tracking mock domain through which `ioas_mapped` reads that table.
 */
#ifndef DMABUFCTL_TEST_IOAS_H
#define DMABUFCTL_TEST_IOAS_H

#include <stdint.h>

#include "iommufd-test.h"

struct ioas {
	int fd;			/* /dev/iommu */
	uint32_t ioas_id;
	uint32_t hwpt_id;	/* the mock domain */
	uint32_t dirty_hwpt;	/* the dirty-tracking one, for ioas_mapped */
	long page_size;
};

/*
 * Opens /dev/iommu and sets up the IOAS.  Exits EX_UNSUPPORTED when the
 * kernel has no iommufd or no test interface, EX_SYSCALL_ERR on any other
 * failure, each with one line on stderr.
 */
void ioas_setup(struct ioas *io);

/* Exits EX_UNSUPPORTED: WHAT failed with ERR for lack of CONFIG_IOMMUFD_TEST. */
void ioas_unsupported(const char *what, int err) __attribute__((noreturn));

/* IOMMU_TEST_CMD; sets cmd->size.  0 or -1 with errno. */
int ioas_test_cmd(struct ioas *io, struct iommu_test_cmd *cmd);

/* IOMMU_IOAS_MAP_FILE, readable and writeable, at an IOVA of iommufd's
 * choice: 0 or -errno. */
int ioas_map_file(struct ioas *io, int fd, uint64_t start, uint64_t length,
		  uint64_t *iova);

/* IOMMU_IOAS_UNMAP: 0 or -errno. */
int ioas_unmap(struct ioas *io, uint64_t iova, uint64_t length);

/* How many pages of [iova, iova + length) the mock IO page table maps:
 * 0 or -errno. */
int ioas_mapped(struct ioas *io, uint64_t iova, uint64_t length,
		unsigned long *pages);

/* No IOAS area: ioas_reply_mapped says "unmapped ... area=none". */
#define IOAS_NO_AREA	UINT64_MAX

/*
 * Answers a "mapped" command for the area at IOVA of LENGTH bytes:
 * "ok mapped|partial|unmapped pages=N/TOTAL area=0xIOVA", or an err line.
 */
void ioas_reply_mapped(struct ioas *io, uint64_t iova, uint64_t length);

#endif

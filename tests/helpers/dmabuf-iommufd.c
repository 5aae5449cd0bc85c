// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dmabuf-iommufd - a real dynamic importer with a revoke callback:
 * iommufd maps a dma-buf into an IO address space (IOMMU_IOAS_MAP_FILE)
 * through dma_buf_dynamic_attach() and unmaps it from every domain when
 * the exporter invalidates (iopt_revoke_notify).  The exporter is
 * iommufd's own mock one (CONFIG_IOMMUFD_TEST): iommufd imports nothing
 * else but vfio-pci buffers.  Protocol: README.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "helper.h"
#include "iommufd-test.h"

const char *prog = "dmabuf-iommufd";

static int iommufd = -1;
static uint32_t ioas_id, dirty_hwpt;
static long page_size;

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s [--size SIZE]\n"
		"  Gets a mock dma-buf of SIZE (default 16K, at most 2M) from\n"
		"  iommufd's test interface and maps it into an IOAS with a mock\n"
		"  domain.  Prints 'inode=... iova=...', 'ready'; then reads\n"
		"  commands: revoke, unrevoke, mapped, unmap, map, fd, close,\n"
		"  quit.  Exit 3: no /dev/iommu or no CONFIG_IOMMUFD_TEST.\n"
		"  See tests/helpers/README.md.\n", prog);
}

static int test_cmd(struct iommu_test_cmd *cmd)
{
	cmd->size = sizeof(*cmd);
	return ioctl(iommufd, IOMMU_TEST_CMD, cmd);
}

static void unsupported(const char *what, int err)
{
	fflush(stdout);
	fprintf(stderr, "%s: %s: %s: kernel without iommufd test interface (CONFIG_IOMMUFD_TEST)\n",
		prog, what, errname(err));
	exit(EX_UNSUPPORTED);
}

static int map_file(int fd, uint64_t size, uint64_t *iova)
{
	struct iommu_ioas_map_file map = {
		.size = sizeof(map),
		.flags = IOMMU_IOAS_MAP_READABLE | IOMMU_IOAS_MAP_WRITEABLE,
		.ioas_id = ioas_id,
		.fd = fd,
		.length = size,
	};

	if (ioctl(iommufd, IOMMU_IOAS_MAP_FILE, &map) < 0)
		return -errno;
	*iova = map.iova;
	return 0;
}

static int mock_revoke(int fd, bool revoked)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_DMABUF_REVOKE,
		.dmabuf_revoke = { .dmabuf_fd = fd, .revoked = revoked },
	};

	return test_cmd(&cmd) < 0 ? -errno : 0;
}

/*
 * Is [iova, iova + size) present in the mock IOMMU's page table?  No
 * iommufd query reads a domain's PTEs for memory that is not the
 * caller's, and after a revoke the IOAS area stays (IOAS_UNMAP still
 * succeeds), so ask the page table itself: the mock's set_dirty fails on
 * an empty PTE (generic_pt __set_dirty: -ENOENT, ignored by the test op)
 * and GET_DIRTY_BITMAP reports only present, dirty PTEs.  Counts the
 * pages that are mapped.
 */
static int probe_mapped(uint64_t iova, uint64_t size, unsigned long *mapped)
{
	unsigned long npages = size / page_size, i;
	size_t words = (npages + 63) / 64;
	uint64_t *bitmap = calloc(words, sizeof(*bitmap));
	struct iommu_test_cmd dirty = {
		.op = IOMMU_TEST_OP_DIRTY,
		.id = dirty_hwpt,
	};
	struct iommu_hwpt_get_dirty_bitmap get = {
		.size = sizeof(get),
		.hwpt_id = dirty_hwpt,
		.iova = iova,
		.length = size,
		.page_size = page_size,
	};
	int ret = 0;

	if (!bitmap)
		return -ENOMEM;
	for (i = 0; i < npages; i++)
		bitmap[i / 64] |= 1ULL << (i % 64);
	dirty.dirty.iova = iova;
	dirty.dirty.length = size;
	dirty.dirty.page_size = page_size;
	dirty.dirty.uptr = (uintptr_t)bitmap;
	if (test_cmd(&dirty) < 0) {
		ret = -errno;
		goto out;
	}
	memset(bitmap, 0, words * sizeof(*bitmap));
	get.data = (uintptr_t)bitmap;
	if (ioctl(iommufd, IOMMU_HWPT_GET_DIRTY_BITMAP, &get) < 0) {
		ret = -errno;
		goto out;
	}
	*mapped = 0;
	for (i = 0; i < npages; i++)
		if (bitmap[i / 64] & (1ULL << (i % 64)))
			(*mapped)++;
out:
	free(bitmap);
	return ret;
}

/* A second, dirty-tracking mock domain on the IOAS serves the probe. */
static int setup_probe(uint32_t idev_id)
{
	struct iommu_hwpt_alloc alloc = {
		.size = sizeof(alloc),
		.flags = IOMMU_HWPT_ALLOC_DIRTY_TRACKING,
		.dev_id = idev_id,
		.pt_id = ioas_id,
		.data_type = IOMMU_HWPT_DATA_NONE,
	};
	struct iommu_hwpt_set_dirty_tracking track = {
		.size = sizeof(track),
		.flags = IOMMU_HWPT_DIRTY_TRACKING_ENABLE,
	};

	if (ioctl(iommufd, IOMMU_HWPT_ALLOC, &alloc) < 0)
		return -errno;
	track.hwpt_id = alloc.out_hwpt_id;
	if (ioctl(iommufd, IOMMU_HWPT_SET_DIRTY_TRACKING, &track) < 0)
		return -errno;
	dirty_hwpt = alloc.out_hwpt_id;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "size", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct iommu_ioas_alloc alloc = { .size = sizeof(alloc) };
	struct iommu_test_cmd mock = { .op = IOMMU_TEST_OP_MOCK_DOMAIN };
	struct iommu_test_cmd get = { .op = IOMMU_TEST_OP_DMABUF_GET };
	char exporter[64], line[256], *cmd, *arg;
	uint64_t size = 16384, iova = 0;
	bool mapped_area;
	struct stat st;
	int c, fd, err;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (parse_size(optarg, &size))
				usage_error("bad size '%s'", optarg);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EX_USAGE_ERR;
		}
	}
	if (optind != argc)
		usage_error("unexpected argument '%s'", argv[optind]);
	page_size = sysconf(_SC_PAGESIZE);
	/* the mock exporter's limits (iommufd_test_dmabuf_get) */
	size = (size + page_size - 1) & ~(uint64_t)(page_size - 1);
	if (size > 512 * (uint64_t)page_size)
		usage_error("size too large: the mock exporter allows 512 pages");

	iommufd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	if (iommufd < 0) {
		err = errno;
		if (err == ENOENT || err == ENODEV || err == ENXIO) {
			fprintf(stderr, "%s: /dev/iommu: %s: kernel without iommufd\n",
				prog, errname(err));
			return EX_UNSUPPORTED;
		}
		die_errno(EX_SYSCALL_ERR, err, "open(/dev/iommu)");
	}
	if (ioctl(iommufd, IOMMU_IOAS_ALLOC, &alloc) < 0)
		die_errno(EX_SYSCALL_ERR, errno, "ioctl(IOMMU_IOAS_ALLOC)");
	ioas_id = alloc.out_ioas_id;

	/* without a domain the map never reaches an IOMMU page table */
	mock.id = ioas_id;
	if (test_cmd(&mock) < 0) {
		if (errno == ENOTTY || errno == EOPNOTSUPP)
			unsupported("IOMMU_TEST_OP_MOCK_DOMAIN", errno);
		die_errno(EX_SYSCALL_ERR, errno, "ioctl(IOMMU_TEST_OP_MOCK_DOMAIN)");
	}
	err = setup_probe(mock.mock_domain.out_idev_id);
	if (err)
		die_errno(EX_SYSCALL_ERR, -err, "ioctl(IOMMU_HWPT_ALLOC dirty tracking)");

	get.dmabuf_get.length = size;
	get.dmabuf_get.open_flags = O_RDWR | O_CLOEXEC;
	fd = test_cmd(&get);
	if (fd < 0) {
		if (errno == ENOTTY || errno == EOPNOTSUPP)
			unsupported("IOMMU_TEST_OP_DMABUF_GET", errno);
		die_errno(EX_SYSCALL_ERR, errno, "ioctl(IOMMU_TEST_OP_DMABUF_GET)");
	}
	if (fstat(fd, &st) < 0)
		die_errno(EX_SYSCALL_ERR, errno, "fstat");
	if (fdinfo_exporter(fd, exporter, sizeof(exporter)))
		snprintf(exporter, sizeof(exporter), "?");
	err = map_file(fd, size, &iova);
	if (err)
		die_errno(EX_SYSCALL_ERR, -err, "ioctl(IOMMU_IOAS_MAP_FILE)");
	mapped_area = true;

	printf("inode=%lu size=%lld exporter=%s iova=0x%llx ioas=%u hwpt=%u dirty_hwpt=%u device=iommu pid=%d fd=%d\n",
	       (unsigned long)st.st_ino, (long long)st.st_size, exporter,
	       (unsigned long long)iova, ioas_id, mock.mock_domain.out_hwpt_id,
	       dirty_hwpt, (int)getpid(), fd);
	say_ready();

	while ((cmd = read_command(line, sizeof(line), &arg))) {
		if (!*cmd)
			continue;
		if (!strcmp(cmd, "quit"))
			break;
		if (!strcmp(cmd, "revoke") || !strcmp(cmd, "unrevoke")) {
			if (fd < 0)
				reply_err(EBADF, "dma-buf fd closed");
			else if ((err = mock_revoke(fd, cmd[0] == 'r')))
				reply_err(-err, "IOMMU_TEST_OP_DMABUF_REVOKE: %s",
					  strerror(-err));
			else
				reply_ok(NULL);
		} else if (!strcmp(cmd, "mapped")) {
			unsigned long n = 0, total = size / page_size;

			if (!mapped_area)
				reply_ok("unmapped pages=0/%lu area=none", total);
			else if ((err = probe_mapped(iova, size, &n)))
				reply_err(-err, "dirty-bit probe: %s", strerror(-err));
			else
				reply_ok("%s pages=%lu/%lu area=0x%llx",
					 n == total ? "mapped" : n ? "partial" : "unmapped",
					 n, total, (unsigned long long)iova);
		} else if (!strcmp(cmd, "unmap")) {
			struct iommu_ioas_unmap unmap = {
				.size = sizeof(unmap),
				.ioas_id = ioas_id,
				.iova = iova,
				.length = size,
			};

			if (!mapped_area)
				reply_err(ENOENT, "not mapped");
			else if (ioctl(iommufd, IOMMU_IOAS_UNMAP, &unmap) < 0)
				reply_err(errno, "IOMMU_IOAS_UNMAP: %s", strerror(errno));
			else {
				mapped_area = false;
				reply_ok("iova=0x%llx", (unsigned long long)iova);
			}
		} else if (!strcmp(cmd, "map")) {
			uint64_t n;

			if (mapped_area)
				reply_err(EEXIST, "already mapped at 0x%llx",
					  (unsigned long long)iova);
			else if (fd < 0)
				reply_err(EBADF, "dma-buf fd closed");
			else if ((err = map_file(fd, size, &n)))
				reply_err(-err, "IOMMU_IOAS_MAP_FILE: %s", strerror(-err));
			else {
				iova = n;
				mapped_area = true;
				reply_ok("iova=0x%llx", (unsigned long long)iova);
			}
		} else {
			/* fd, close: the IOAS mapping keeps its own reference */
			reply_fd_command(cmd, &fd);
		}
	}
	return 0;
}

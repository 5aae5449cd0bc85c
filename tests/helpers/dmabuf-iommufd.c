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
#include "ioas.h"

const char *prog = "dmabuf-iommufd";

static struct ioas io;

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

static int mock_revoke(int fd, bool revoked)
{
	struct iommu_test_cmd cmd = {
		.op = IOMMU_TEST_OP_DMABUF_REVOKE,
		.dmabuf_revoke = { .dmabuf_fd = fd, .revoked = revoked },
	};

	return ioas_test_cmd(&io, &cmd) < 0 ? -errno : 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "size", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
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
	ioas_setup(&io);
	/* the mock exporter's limits (iommufd_test_dmabuf_get) */
	size = (size + io.page_size - 1) & ~(uint64_t)(io.page_size - 1);
	if (size > 512 * (uint64_t)io.page_size)
		usage_error("size too large: the mock exporter allows 512 pages");

	get.dmabuf_get.length = size;
	get.dmabuf_get.open_flags = O_RDWR | O_CLOEXEC;
	fd = ioas_test_cmd(&io, &get);
	if (fd < 0) {
		if (errno == ENOTTY || errno == EOPNOTSUPP)
			ioas_unsupported("IOMMU_TEST_OP_DMABUF_GET", errno);
		die_errno(EX_SYSCALL_ERR, errno, "ioctl(IOMMU_TEST_OP_DMABUF_GET)");
	}
	if (fstat(fd, &st) < 0)
		die_errno(EX_SYSCALL_ERR, errno, "fstat");
	if (fdinfo_exporter(fd, exporter, sizeof(exporter)))
		snprintf(exporter, sizeof(exporter), "?");
	err = ioas_map_file(&io, fd, 0, size, &iova);
	if (err)
		die_errno(EX_SYSCALL_ERR, -err, "ioctl(IOMMU_IOAS_MAP_FILE)");
	mapped_area = true;

	printf("inode=%lu size=%lld exporter=%s iova=0x%llx ioas=%u hwpt=%u dirty_hwpt=%u device=iommu pid=%d fd=%d\n",
	       (unsigned long)st.st_ino, (long long)st.st_size, exporter,
	       (unsigned long long)iova, io.ioas_id, io.hwpt_id,
	       io.dirty_hwpt, (int)getpid(), fd);
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
			ioas_reply_mapped(&io, mapped_area ? iova : IOAS_NO_AREA, size);
		} else if (!strcmp(cmd, "unmap")) {
			if (!mapped_area)
				reply_err(ENOENT, "not mapped");
			else if ((err = ioas_unmap(&io, iova, size)))
				reply_err(-err, "IOMMU_IOAS_UNMAP: %s", strerror(-err));
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
			else if ((err = ioas_map_file(&io, fd, 0, size, &n)))
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

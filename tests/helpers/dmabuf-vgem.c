// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dmabuf-vgem - a real static importer: vgem imports a dma-buf through
 * DRM PRIME, which attaches (dma_buf_attach) the vgem device to it.
 * Protocol: README.md.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/udmabuf.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <time.h>

#include "helper.h"

const char *prog = "dmabuf-vgem";

/*
 * The three DRM ioctls used here, from include/uapi/drm/drm.h (7.2); the
 * build machine has no libdrm headers and needs none.
 */
struct drm_version {
	int version_major;
	int version_minor;
	int version_patchlevel;
	size_t name_len;
	char *name;
	size_t date_len;
	char *date;
	size_t desc_len;
	char *desc;
};

struct drm_gem_close {
	uint32_t handle;
	uint32_t pad;
};

struct drm_prime_handle {
	uint32_t handle;
	uint32_t flags;
	int32_t fd;
};

#define DRM_IOCTL_VERSION		_IOWR('d', 0x00, struct drm_version)
#define DRM_IOCTL_GEM_CLOSE		_IOW('d', 0x09, struct drm_gem_close)
#define DRM_IOCTL_PRIME_FD_TO_HANDLE	_IOWR('d', 0x2e, struct drm_prime_handle)

_Static_assert(sizeof(struct drm_version) == 64, "drm_version layout");
_Static_assert(sizeof(struct drm_prime_handle) == 12, "drm_prime_handle layout");

static void usage(FILE *f)
{
	fprintf(f,
		"usage: %s [--size SIZE] [--pid PID --fd FD]\n"
		"  Imports a dma-buf into vgem (DRM_IOCTL_PRIME_FD_TO_HANDLE):\n"
		"  a new udmabuf of SIZE (default 16K), or fd FD of process PID\n"
		"  (taken with pidfd_getfd).  Prints 'inode=... handle=...\n"
		"  device=...', 'ready'; then reads commands: release, import,\n"
		"  fd, close, churn N, quit.  See tests/helpers/README.md.\n", prog);
}

static int make_udmabuf(uint64_t size)
{
	struct udmabuf_create create = {
		.flags = UDMABUF_FLAGS_CLOEXEC,
		.size = size,
	};
	int dev, memfd, fd;

	dev = open("/dev/udmabuf", O_RDWR | O_CLOEXEC);
	if (dev < 0) {
		if (errno == ENOENT) {
			fprintf(stderr, "%s: /dev/udmabuf: ENOENT: no udmabuf\n", prog);
			exit(EX_UNSUPPORTED);
		}
		die_errno(EX_SYSCALL_ERR, errno, "open(/dev/udmabuf)");
	}
	memfd = memfd_create("dmabuf-vgem", MFD_ALLOW_SEALING | MFD_CLOEXEC);
	if (memfd < 0)
		die_errno(EX_SYSCALL_ERR, errno, "memfd_create");
	if (ftruncate(memfd, size) < 0)
		die_errno(EX_SYSCALL_ERR, errno, "ftruncate");
	if (fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK) < 0)
		die_errno(EX_SYSCALL_ERR, errno, "fcntl(F_ADD_SEALS)");
	create.memfd = memfd;
	fd = ioctl(dev, UDMABUF_CREATE, &create);
	if (fd < 0)
		die_errno(EX_SYSCALL_ERR, errno, "ioctl(UDMABUF_CREATE)");
	close(memfd);
	close(dev);
	return fd;
}

static int steal_fd(pid_t pid, int target)
{
	int pidfd, fd;

	pidfd = pidfd_open(pid, 0);
	if (pidfd < 0)
		die_errno(EX_SYSCALL_ERR, errno, "pidfd_open");
	fd = pidfd_getfd(pidfd, target, 0);
	if (fd < 0)
		die_errno(EX_SYSCALL_ERR, errno, "pidfd_getfd");
	close(pidfd);
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
		die_errno(EX_SYSCALL_ERR, errno, "fcntl(F_SETFD)");
	return fd;
}

/*
 * The vgem node: the first /dev/dri render (then card) node whose driver
 * says "vgem".  Render nodes first: on a card node only the first opener
 * is DRM master, so concurrent importers could be refused there.
 */
static int open_vgem(char *path, size_t len)
{
	static const char *const prefixes[] = { "renderD", "card" };
	unsigned int p;

	for (p = 0; p < 2; p++) {
		struct dirent *de;
		DIR *d = opendir("/dev/dri");

		if (!d)
			break;
		while ((de = readdir(d))) {
			struct drm_version v = { 0 };
			char name[64] = "";
			int fd;

			if (strncmp(de->d_name, prefixes[p], strlen(prefixes[p])))
				continue;
			snprintf(path, len, "/dev/dri/%s", de->d_name);
			fd = open(path, O_RDWR | O_CLOEXEC);
			if (fd < 0)
				continue;
			v.name = name;
			v.name_len = sizeof(name) - 1;
			if (!ioctl(fd, DRM_IOCTL_VERSION, &v) && !strcmp(name, "vgem")) {
				closedir(d);
				return fd;
			}
			close(fd);
		}
		closedir(d);
	}
	fprintf(stderr, "%s: no vgem node in /dev/dri (modprobe vgem)\n", prog);
	exit(EX_UNSUPPORTED);
}

/*
 * dma_buf_attach() records the DRM device's parent (drm_device.dev), and
 * bufinfo prints dev_name() of it: that is the node's "device" link.
 */
static void attach_name(int drm, char *out, size_t len)
{
	char link[PATH_MAX], target[PATH_MAX];
	struct stat st;
	ssize_t n;

	snprintf(out, len, "?");
	if (fstat(drm, &st) < 0)
		return;
	snprintf(link, sizeof(link), "/sys/dev/char/%u:%u/device",
		 major(st.st_rdev), minor(st.st_rdev));
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return;
	target[n] = '\0';
	escape_value(out, len, basename(target));
}

static int import(int drm, int fd, uint32_t *handle)
{
	struct drm_prime_handle ph = { .fd = fd };

	if (ioctl(drm, DRM_IOCTL_PRIME_FD_TO_HANDLE, &ph) < 0)
		return -errno;
	*handle = ph.handle;
	return 0;
}

/*
 * N rounds of: a one-page udmabuf made, imported into vgem, its handle
 * closed, its fd closed (export, attach, detach, release: what a tracer
 * sees of a short-lived shared buffer).  Returns the ns it took, or -errno.
 */
static long long churn(int drm, unsigned long n)
{
	long page = sysconf(_SC_PAGESIZE);
	struct timespec t0, t1;
	unsigned long i;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (i = 0; i < n; i++) {
		struct drm_gem_close gc = { 0 };
		int fd = make_udmabuf((uint64_t)page), err;

		err = import(drm, fd, &gc.handle);
		if (!err && ioctl(drm, DRM_IOCTL_GEM_CLOSE, &gc) < 0)
			err = -errno;
		close(fd);
		if (err)
			return err;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "size", required_argument, NULL, 's' },
		{ "pid", required_argument, NULL, 'p' },
		{ "fd", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	char node[PATH_MAX], device[256], exporter[64], line[256], *cmd, *arg;
	unsigned long pid = 0, target = ULONG_MAX;
	uint64_t size = 16384;
	bool imported;
	uint32_t handle = 0;
	struct stat st;
	int c, drm, fd, err;

	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			if (parse_size(optarg, &size))
				usage_error("bad size '%s'", optarg);
			break;
		case 'p':
			if (parse_uint(optarg, INT_MAX, &pid) || !pid)
				usage_error("bad pid '%s'", optarg);
			break;
		case 'f':
			if (parse_uint(optarg, INT_MAX, &target))
				usage_error("bad fd '%s'", optarg);
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
	if (!pid != (target == ULONG_MAX))
		usage_error("--pid and --fd go together");

	drm = open_vgem(node, sizeof(node));
	fd = pid ? steal_fd(pid, target) : make_udmabuf(size);
	if (fstat(fd, &st) < 0)
		die_errno(EX_SYSCALL_ERR, errno, "fstat");
	if (fdinfo_exporter(fd, exporter, sizeof(exporter)))
		usage_error("fd %lu of pid %lu is not a dma-buf", target, pid);
	err = import(drm, fd, &handle);
	if (err)
		die_errno(EX_SYSCALL_ERR, -err, "ioctl(DRM_IOCTL_PRIME_FD_TO_HANDLE)");
	imported = true;
	attach_name(drm, device, sizeof(device));

	printf("inode=%lu size=%lld exporter=%s handle=%u device=%s node=%s pid=%d fd=%d\n",
	       (unsigned long)st.st_ino, (long long)st.st_size, exporter, handle,
	       device, node, (int)getpid(), fd);
	say_ready();

	while ((cmd = read_command(line, sizeof(line), &arg))) {
		if (!*cmd)
			continue;
		if (!strcmp(cmd, "quit"))
			break;
		if (!strcmp(cmd, "release")) {
			struct drm_gem_close gc = { .handle = handle };

			if (!imported) {
				reply_err(ENOENT, "not imported");
			} else if (ioctl(drm, DRM_IOCTL_GEM_CLOSE, &gc) < 0) {
				reply_err(errno, "DRM_IOCTL_GEM_CLOSE: %s", strerror(errno));
			} else {
				imported = false;
				reply_ok("handle=%u", handle);
			}
		} else if (!strcmp(cmd, "churn")) {
			unsigned long n;
			long long ns;

			if (!arg || parse_uint(arg, 100000000, &n) || !n) {
				reply_err(EINVAL, "churn N: N rounds, at least 1");
			} else if ((ns = churn(drm, n)) < 0) {
				reply_err((int)-ns, "churn: %s", strerror((int)-ns));
			} else {
				reply_ok("rounds=%lu ns=%lld", n, ns);
			}
		} else if (!strcmp(cmd, "import")) {
			if (fd < 0) {
				reply_err(EBADF, "dma-buf fd closed");
			} else if ((err = import(drm, fd, &handle))) {
				reply_err(-err, "DRM_IOCTL_PRIME_FD_TO_HANDLE: %s",
					  strerror(-err));
			} else {
				imported = true;
				reply_ok("handle=%u", handle);
			}
		} else {
			/* fd, close: leaves the buffer held by vgem's import alone */
			reply_fd_command(cmd, &fd);
		}
	}
	return 0;
}

// SPDX-License-Identifier: GPL-2.0
/*
 * DMA_BUF_IOCTL_REVOKE on udmabuf: a CPU-mapped buffer is revoked and
 * faults afterwards, in every process that maps it; a buffer imported by
 * vgem (a static importer) cannot be revoked until the import is gone.
 */
#include "selftest.h"

#include <dirent.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <linux/udmabuf.h>
#include <drm/drm.h>

#define BUF_SIZE (4 * 4096)

static int new_udmabuf(void)
{
	struct udmabuf_create create = {
		.flags = UDMABUF_FLAGS_CLOEXEC,
		.size = BUF_SIZE,
	};
	int dev, buf, memfd;

	dev = open("/dev/udmabuf", O_RDWR | O_CLOEXEC);
	if (dev < 0)
		st_bail("open /dev/udmabuf");
	memfd = memfd_create("revoke-selftest", MFD_ALLOW_SEALING);
	if (memfd < 0 || ftruncate(memfd, BUF_SIZE) ||
	    fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK))
		st_bail("memfd");
	create.memfd = memfd;
	buf = ioctl(dev, UDMABUF_CREATE, &create);
	if (buf < 0)
		st_bail("UDMABUF_CREATE");
	/* The buffer keeps the memfd's pages pinned. */
	close(memfd);
	close(dev);
	return buf;
}

static void test_mapped(void)
{
	int buf = new_udmabuf();
	char *p, *q;

	st_check("fdinfo says revoked 0 before", fdinfo_revoked(buf) == 0,
		 "no revoked: 0 line");
	p = mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, buf, 0);
	if (p == MAP_FAILED)
		st_bail("mmap");
	memset(p, 0x5a, BUF_SIZE);
	st_check("mapped buffer is readable", st_touch(p + 4096) == 0,
		 "fault before revoke");

	st_expect("revoke mapped udmabuf", dmabuf_revoke(buf), 0);
	st_check("fdinfo says revoked 1 after", fdinfo_revoked(buf) == 1,
		 "no revoked: 1 line");
	st_check("access after revoke raises SIGBUS",
		 st_touch(p + 4096) == SIGBUS, "no SIGBUS");
	st_check("every page of the mapping is gone",
		 st_touch(p) == SIGBUS && st_touch(p + BUF_SIZE - 1) == SIGBUS,
		 "a page is still mapped");

	q = mmap(NULL, BUF_SIZE, PROT_READ, MAP_SHARED, buf, 0);
	st_expect("mmap after revoke", q == MAP_FAILED ? -1 : 0, ENODEV);
	if (q != MAP_FAILED)
		munmap(q, BUF_SIZE);
	st_expect("second revoke", dmabuf_revoke(buf), EBADFD);

	munmap(p, BUF_SIZE);
	close(buf);
}

/*
 * Another process keeps reading its (inherited) mapping while we revoke:
 * the zap must reach it, and no racing fault may bring the pages back.
 */
static void test_other_process(void)
{
	int buf = new_udmabuf(), status = 0;
	volatile char *p;
	pid_t pid;

	p = mmap(NULL, BUF_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, buf, 0);
	if (p == MAP_FAILED)
		st_bail("mmap");
	pid = fork();
	if (pid < 0)
		st_bail("fork");
	if (pid == 0) {
		unsigned int i;

		/* Killed by SIGALRM if the pages never go away. */
		alarm(30);
		for (i = 0;; i = (i + 1) % (BUF_SIZE / 4096))
			if (st_touch(p + i * 4096) == SIGBUS)
				_exit(0);
	}
	usleep(300 * 1000);
	st_expect("revoke while another process reads it",
		  dmabuf_revoke(buf), 0);
	waitpid(pid, &status, 0);
	st_check("the other process gets SIGBUS",
		 WIFEXITED(status) && WEXITSTATUS(status) == 0,
		 "it kept reading");
	munmap((void *)p, BUF_SIZE);
	close(buf);
}

/* A DRM node whose driver is vgem, or -1. */
static int open_vgem(void)
{
	static const char *const globs[] = { "card", "renderD" };
	char name[32], path[300];
	struct dirent *de;
	unsigned int i;
	DIR *dir;
	int fd;

	for (i = 0; i < 2; i++) {
		dir = opendir("/dev/dri");
		if (!dir)
			return -1;
		while ((de = readdir(dir))) {
			struct drm_version v = {
				.name = name,
				.name_len = sizeof(name) - 1,
			};

			if (strncmp(de->d_name, globs[i], strlen(globs[i])))
				continue;
			snprintf(path, sizeof(path), "/dev/dri/%s", de->d_name);
			fd = open(path, O_RDWR | O_CLOEXEC);
			if (fd < 0)
				continue;
			memset(name, 0, sizeof(name));
			if (!ioctl(fd, DRM_IOCTL_VERSION, &v) &&
			    !strcmp(name, "vgem")) {
				closedir(dir);
				return fd;
			}
			close(fd);
		}
		closedir(dir);
	}
	return -1;
}

static void test_vgem_import(void)
{
	struct drm_prime_handle prime = { 0 };
	struct drm_gem_close gem_close = { 0 };
	int buf, drm, ret;

	drm = open_vgem();
	if (drm < 0) {
		st_skip("revoke while imported by vgem", "no vgem node");
		return;
	}
	buf = new_udmabuf();
	prime.fd = buf;
	ret = ioctl(drm, DRM_IOCTL_PRIME_FD_TO_HANDLE, &prime);
	st_expect("vgem imports the udmabuf", ret, 0);
	if (ret)
		goto out;

	st_expect("revoke while imported by vgem", dmabuf_revoke(buf), EBUSY);
	st_check("fdinfo still says revoked 0", fdinfo_revoked(buf) == 0,
		 "revoked after EBUSY");

	gem_close.handle = prime.handle;
	st_expect("vgem drops the import",
		  ioctl(drm, DRM_IOCTL_GEM_CLOSE, &gem_close), 0);
	st_expect("revoke once the import is gone", dmabuf_revoke(buf), 0);
	st_expect("vgem import after revoke",
		  ioctl(drm, DRM_IOCTL_PRIME_FD_TO_HANDLE, &prime), ENODEV);
out:
	close(buf);
	close(drm);
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	test_mapped();
	test_other_process();
	test_vgem_import();
	return st_done();
}

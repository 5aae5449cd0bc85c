// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * pidfd_getfd, identity checks and DMA_BUF_IOCTL_REVOKE.
 *
 * The scan is a snapshot: between it and pidfd_getfd() the holder may close
 * the fd and put another file, even another dma-buf, at the same number.
 * The checks here run on the duplicate itself, so they are the ones that
 * count.  dma-buf inode numbers come from a 64-bit counter and are never
 * reused during a boot: magic plus inode identify a buffer; the exporter
 * is checked as well to catch a confused scan.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/pidfd.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <linux/dma-buf.h>

#include "parse.h"
#include "revoke.h"
#include "util.h"

/* The revoke series (tests/kernel/patches/) is not in any release. */
#ifndef DMA_BUF_IOCTL_REVOKE
#define DMA_BUF_IOCTL_REVOKE	_IO(DMA_BUF_BASE, 4)
#endif

int revoke_dup(pid_t pid, int fd, const char **step)
{
	int pidfd, dup, e;

	*step = "pidfd_open";
	pidfd = pidfd_open(pid, 0);
	if (pidfd < 0)
		return -errno;
	*step = "pidfd_getfd";
	dup = pidfd_getfd(pidfd, fd, 0);	/* the kernel sets O_CLOEXEC */
	e = errno;
	close(pidfd);
	return dup < 0 ? -e : dup;
}

int revoke_identify(int fd, uint64_t inode, const char *exporter,
		    struct revoke_identity *id)
{
	struct statfs sfs;
	struct stat st;
	char *path, *text = NULL;
	struct fdinfo fi;
	ssize_t n;

	memset(id, 0, sizeof(*id));
	id->revoked = -1;
	if (fstatfs(fd, &sfs) < 0 || fstat(fd, &st) < 0)
		return -errno;
	id->inode = st.st_ino;
	id->size = (uint64_t)st.st_size;
	if ((unsigned long)sfs.f_type != DMA_BUF_MAGIC)
		return REVOKE_NOT_DMABUF;
	if (id->inode != inode)
		return REVOKE_OTHER_INODE;

	/* Our own fdinfo: no ptrace check, and it is the file we hold. */
	path = xasprintf("/proc/self/fdinfo/%d", fd);
	n = read_file(path, &text);
	free(path);
	if (n < 0)
		return (int)n;
	parse_fdinfo(text, (size_t)n, &fi);
	if (fi.exp_name)
		snprintf(id->exporter, sizeof(id->exporter), "%s", fi.exp_name);
	if (fi.has_revoked)
		id->revoked = fi.revoked;
	free(text);

	if (!exporter)
		return REVOKE_SAME;
	if (!id->exporter[0])
		return REVOKE_NO_EXPORTER;
	if (strcmp(id->exporter, exporter))
		return REVOKE_OTHER_EXPORTER;
	return REVOKE_SAME;
}

int revoke_ioctl(int fd)
{
	if (ioctl(fd, DMA_BUF_IOCTL_REVOKE) < 0)
		return -errno;
	return 0;
}

int revoke_ptrace_scope(void)
{
	char *text = NULL;
	int scope = -1;

	if (read_file("/proc/sys/kernel/yama/ptrace_scope", &text) < 0)
		return -1;
	if (text[0] >= '0' && text[0] <= '3' && (text[1] == '\n' || !text[1]))
		scope = text[0] - '0';
	free(text);
	return scope;
}

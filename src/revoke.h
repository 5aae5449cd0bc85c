/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel side of "dmabufctl revoke": duplicate a holder's fd with
 * pidfd_getfd(), prove the duplicate is the named buffer, issue the ioctl.
 * No model and no output here: the command decides what to say.
 */
#ifndef DMABUFCTL_REVOKE_H
#define DMABUFCTL_REVOKE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>


/* Why a duplicated fd is not the named buffer (0: it is). */
enum revoke_mismatch {
	REVOKE_SAME = 0,
	REVOKE_NOT_DMABUF,	/* fstatfs magic is not DMA_BUF_MAGIC */
	REVOKE_OTHER_INODE,	/* a dma-buf, another inode */
	REVOKE_OTHER_EXPORTER,	/* same inode, another exporter (never on one boot) */
	REVOKE_NO_EXPORTER,	/* fdinfo has no exp_name: cannot check */
};

/* What the duplicate turned out to be. */
struct revoke_identity {
	uint64_t inode;
	uint64_t size;
	char exporter[64];	/* fdinfo exp_name, "" when absent */
	int revoked;		/* fdinfo "revoked:" of a patched kernel; -1 absent */
};

/*
 * pidfd_open(pid) + pidfd_getfd(fd): the duplicate (close-on-exec) or
 * -errno; *step names the syscall that failed.
 */
int revoke_dup(pid_t pid, int fd, const char **step);

/*
 * Check that fd is dma-buf inode, exported by exporter (NULL: skip that
 * check).  Fills *id; returns an enum revoke_mismatch or -errno.
 */
int revoke_identify(int fd, uint64_t inode, const char *exporter,
		    struct revoke_identity *id);

/* DMA_BUF_IOCTL_REVOKE on fd: 0 or -errno. */
int revoke_ioctl(int fd);

/* Yama's kernel.yama.ptrace_scope (0-3), or -1 without Yama. */
int revoke_ptrace_scope(void);

#endif

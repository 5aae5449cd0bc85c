/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Talking to a helper's child processes: text messages with fds attached
 * (SCM_RIGHTS) over a SOCK_SEQPACKET socketpair, and the fd hygiene of a
 * child that must hold only what it was given.
 */
#ifndef DMABUFCTL_TEST_SCM_H
#define DMABUFCTL_TEST_SCM_H

#include <sys/types.h>

#define SCM_MAX_FDS	256	/* per message; the kernel allows 253 */

/* Sends the NUL-terminated MSG with NFDS fds; 0 or -errno. */
int scm_send(int sock, const char *msg, const int *fds, int nfds);

/*
 * Receives one message into buf (NUL-terminated) and any fds passed with
 * it (close-on-exec) into fds/nfds, which may be NULL.  Returns its
 * length, 0 when the peer is gone, or -errno.
 */
ssize_t scm_recv(int sock, char *buf, size_t len, int *fds, int *nfds);

/* Closes every fd from 3 up except those in keep[] (which gets sorted). */
void close_all_but(int *keep, int nkeep);

#endif

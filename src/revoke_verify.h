/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * revoke --verify: with the tracer (tracer.h) opened on the buffer before
 * the ioctl, wait after it for the buffer's invalidate and its
 * confirmations.
 */
#ifndef DMABUFCTL_REVOKE_VERIFY_H
#define DMABUFCTL_REVOKE_VERIFY_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tracer.h"

/*
 * The first invalidate of inode and a confirmation per attachment (final,
 * or timed out after timeout seconds): 0 with *out (free with
 * revoke_confirms_free()) and *nr, possibly 0 (no attachments);
 * -ETIMEDOUT when no invalidate came within the timeout; -EINTR once
 * *stop is set (a signal handler's flag; NULL: none), or another -errno.  Without expect (the exporter had revoked the
 * buffer already: VFIO), an invalidate is looked for only among the
 * records the ioctl left, TRACER_SLACK_NS long: the ioctl invalidates
 * before it returns, if at all.
 */
int revoke_verify_wait(struct tracer *t, uint64_t inode, double timeout, bool expect,
		       const volatile sig_atomic_t *stop, struct tracer_confirm **out,
		       size_t *nr);
void revoke_confirms_free(struct tracer_confirm *c, size_t nr);

#endif

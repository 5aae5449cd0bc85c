/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * revoke --verify: the trace loader (tracer.h) around the ioctl, or a
 * clear refusal when dmabufctl was built without BPF.
 */
#ifndef DMABUFCTL_REVOKE_VERIFY_H
#define DMABUFCTL_REVOKE_VERIFY_H

#include <stddef.h>
#include <stdint.h>

#include "tracer.h"

/* Attach before the ioctl: a tracer, or NULL with *err filled. */
struct tracer *revoke_verify_start(uint64_t inode, double timeout, struct tracer_err *err);
/*
 * After the ioctl: the buffer's invalidate and a confirmation per
 * attachment (final, or timed out).  0, -ETIMEDOUT when no invalidate
 * came, or another -errno.
 */
int revoke_verify_wait(struct tracer *t, uint64_t inode, double timeout,
		       struct tracer_confirm **out, size_t *nr);
/* Time the tracer took to load and attach. */
double revoke_verify_load_ms(const struct tracer *t);
void revoke_verify_stop(struct tracer *t);
void revoke_confirms_free(struct tracer_confirm *c, size_t nr);

#endif

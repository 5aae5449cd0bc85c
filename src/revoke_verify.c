// SPDX-License-Identifier: GPL-2.0-or-later
/* revoke --verify: wait for the buffer's confirmations.  See revoke_verify.h. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>

#include "clock.h"
#include "revoke_verify.h"
#include "util.h"

/* What revoke waits for: the first invalidate of its buffer. */
struct wait {
	uint64_t inode;
	bool done;
	struct tracer_confirm *confirms;	/* copies */
	size_t nr;
};

static void on_invalidated(void *ctx, uint64_t inode, bool shown,
			   const struct tracer_confirm *c, size_t nr)
{
	struct wait *w = ctx;
	size_t i;

	if (w->done || inode != w->inode)
		return;
	w->done = true;
	w->nr = nr;
	w->confirms = nr ? xcalloc(nr, sizeof(*c)) : NULL;
	for (i = 0; i < nr; i++) {
		w->confirms[i] = c[i];
		w->confirms[i].device = xstrdup(c[i].device);
		w->confirms[i].callback = c[i].callback ? xstrdup(c[i].callback) : NULL;
	}
}

int revoke_verify_wait(struct tracer *t, uint64_t inode, double timeout, bool expect,
		       const volatile sig_atomic_t *stop, struct tracer_confirm **out,
		       size_t *nr)
{
	const struct tracer_handlers h = { .invalidated = on_invalidated };
	uint64_t end = mono_ns() + (expect ? (uint64_t)(timeout * 1e9) : 0) + TRACER_SLACK_NS;
	struct wait w = { .inode = inode };
	int ret = 0;

	while (!w.done) {
		/* Interrupted: what is already in the ring, without waiting.  A
		 * signal outside epoll_wait() does not interrupt it: look. */
		if (stop && *stop) {
			tracer_poll(t, 0, &h, &w);
			ret = -EINTR;
			break;
		}
		/* No invalidate at all by the timeout: give up. */
		if (mono_ns() > end && !tracer_pending(t)) {
			ret = -ETIMEDOUT;
			break;
		}
		ret = tracer_poll(t, 100, &h, &w);
		ret = 0;
	}
	*out = w.confirms;
	*nr = w.nr;
	return w.done ? 0 : ret;
}

void revoke_confirms_free(struct tracer_confirm *c, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++) {
		free((char *)c[i].device);
		free((char *)c[i].callback);
	}
	free(c);
}

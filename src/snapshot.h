/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A snapshot: the document `dmabufctl list -J` printed, read back into the
 * model (struct dmabuf_set) for diff.  The text is untrusted: anything
 * that is not list -J's layout, or breaks its rules (an inode twice, totals
 * that do not add up), is refused with a reason; nothing is trusted to be
 * small (counts are bounded) nor terminated (the length is given).
 *
 * A parser from memory, for the fuzzers too:
 *
 *	struct snapshot *s;
 *	char *why;
 *	if (snapshot_parse(data, size, &s, &why) == 0)
 *		snapshot_free(s);
 *	free(why);
 */
#ifndef DMABUFCTL_SNAPSHOT_H
#define DMABUFCTL_SNAPSHOT_H

#include <stddef.h>

#include "dmabuf.h"

struct snapshot {
	struct dmabuf_set *set;	/* sources used as the document says */
};

/* 0 and *out, or -EINVAL and *why ("not JSON: ...", "not a dmabufctl
 * list -J snapshot: ...", "corrupt snapshot: ..."; malloc'ed). */
int snapshot_parse(const char *text, size_t len, struct snapshot **out, char **why);
void snapshot_free(struct snapshot *s);

#endif

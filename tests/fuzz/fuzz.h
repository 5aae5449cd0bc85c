/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What every libFuzzer target shares: the input as the readers give text
 * (a malloc'ed copy with a NUL after it), and a pass over the model that
 * every command makes after the sources ran (sort, totals, per-process
 * sums, a filter), so that a parser's output is also checked downstream.
 */
#ifndef DMABUFCTL_FUZZ_H
#define DMABUFCTL_FUZZ_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "dmabuf.h"
#include "parse.h"
#include "util.h"

static inline char *fuzz_text(const uint8_t *data, size_t size)
{
	char *text = xmalloc(size + 1);

	memcpy(text, data, size);
	text[size] = '\0';
	return text;
}

static inline bool fuzz_keep_inode(const struct dmabuf *buf, void *ino)
{
	return buf->inode == *(const uint64_t *)ino;
}

static inline void fuzz_model(struct dmabuf_set *set)
{
	struct dmabuf_proc *procs;
	size_t nr, i, j;
	uint64_t ino;

	dmabuf_set_finish(set);
	(void)dmabuf_set_bytes(set);
	(void)dmabuf_set_orphan_bytes(set);
	procs = dmabuf_set_procs(set, &nr);
	free(procs);
	for (i = 0; i < set->nr_bufs; i++) {
		const struct dmabuf *buf = set->bufs[i];

		/* The model's invariants: sorted, distinct, bounded names. */
		if (i && set->bufs[i - 1]->inode >= buf->inode)
			abort();
		if (buf->name && strlen(buf->name) > DMABUF_NAME_MAX)
			abort();
		for (j = 1; j < buf->nr_holders; j++)
			if (buf->holders[j - 1].pid >= buf->holders[j].pid)
				abort();
	}
	if (set->nr_bufs) {
		ino = set->bufs[0]->inode;
		dmabuf_set_keep(set, fuzz_keep_inode, &ino);
		if (set->nr_bufs != 1)
			abort();
	}
}

#endif

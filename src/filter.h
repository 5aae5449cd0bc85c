/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Which buffers a listing shows, and in which order: list's and watch's
 * selection options (filter_argp: -p, -e, --name, --importer, --device, --min-size,
 * --orphans, -x/--sort).  Filters of one kind match any of their values
 * (-p 1,2 -p 3), filters of different kinds all must match.
 */
#ifndef DMABUFCTL_FILTER_H
#define DMABUFCTL_FILTER_H

#include <argp.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "dmabuf.h"
#include "output.h"
#include "sort.h"

struct buf_filter {
	pid_t *pids;
	size_t nr_pids;
	char **exporters;	/* globs (fnmatch) */
	size_t nr_exporters;
	char **names;		/* globs; a buffer without a name matches as "" */
	size_t nr_names;
	char **importers;	/* globs on attached devices */
	size_t nr_importers;
	char **devices;		/* globs on the exporter's device (VFIO: PCI address) */
	size_t nr_devices;
	uint64_t min_size;	/* 0: any */
	bool orphans;		/* held by no process */
	uint64_t *inodes;	/* list's INODE arguments */
	size_t nr_inodes;
	/* --sort: a column of cols, or -1 (by inode); key gives a buffer's
	 * key in one (the command that owns the columns knows them). */
	const struct out_column *cols;
	size_t nr_cols;
	int sort;
	void (*key)(const struct dmabuf *buf, size_t col, struct sort_key *key);
};

/* Input: a struct buf_filter whose cols, nr_cols and key are set and whose
 * sort is -1.  It takes the INODE arguments too. */
extern const struct argp filter_argp;

/* "4096", "64K", "1M", "2G", "1T" (base 1024): 0 or -EINVAL/-ERANGE. */
int parse_size(const char *s, uint64_t *bytes);

void filter_add_inode(struct buf_filter *f, uint64_t inode);

/* Before the scan: EXIT_OK, or 2 (said) when a -p process does not exist. */
int filter_check_pids(const struct buf_filter *f);
/*
 * After the scan: EXIT_OK, or 1 after saying why the filter cannot be
 * answered (--orphans, --importer or --device when no source that ran knows
 * holders, importers or exporters' devices).
 */
int filter_check(const struct buf_filter *f, const struct dmabuf_set *set);
/* Keep the buffers that match, in --sort order. */
void filter_apply(const struct buf_filter *f, struct dmabuf_set *set);
void filter_free(struct buf_filter *f);

/* Whether this buffer would be kept (no --sort), for watch's diff. */
bool filter_match(const struct buf_filter *f, const struct dmabuf *buf);

#endif

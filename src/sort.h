/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * --sort COL (-x): the order of a command's rows by one of its columns.
 * Numbers compare as numbers, text as bytes; columns marked OUT_DESC
 * (sizes and counts) put the largest first, the others the smallest.
 * Rows whose value is unknown ('-') come last either way; ties keep the
 * order the rows had (by inode, or procs' by RSS).
 */
#ifndef DMABUFCTL_SORT_H
#define DMABUFCTL_SORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sort_key {
	bool known;		/* false: unknown, sorts last */
	bool text;		/* compare str, else num */
	uint64_t num;
	char *str;		/* malloc'ed by the key function; freed here */
};

/* The key of row i in column col. */
typedef void (*sort_key_fn)(size_t i, size_t col, struct sort_key *key, void *ctx);

/* A permutation of 0..n-1 putting the rows in order: free() it. */
size_t *sort_order(size_t n, size_t col, bool descending, sort_key_fn key, void *ctx);

/* Apply a permutation to an array of n pointers. */
void sort_apply(void **items, size_t n, const size_t *order);

#endif

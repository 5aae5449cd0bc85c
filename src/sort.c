// SPDX-License-Identifier: GPL-2.0-or-later
/* --sort: rows ordered by one column's keys (see sort.h). */
#include <stdlib.h>
#include <string.h>

#include "sort.h"
#include "util.h"

struct row {
	struct sort_key key;
	size_t index;
};

static bool desc;

static int cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;
	int c = 0;

	if (x->key.known != y->key.known)
		return x->key.known ? -1 : 1;
	if (x->key.known) {
		if (x->key.text)
			c = strcmp(x->key.str ? x->key.str : "", y->key.str ? y->key.str : "");
		else
			c = x->key.num < y->key.num ? -1 : x->key.num > y->key.num;
		if (desc)
			c = -c;
	}
	/* qsort() is not stable: the index keeps ties in their order. */
	return c ? c : x->index < y->index ? -1 : 1;
}

size_t *sort_order(size_t n, size_t col, bool descending, sort_key_fn key, void *ctx)
{
	struct row *rows = xcalloc(n, sizeof(*rows));
	size_t *order = xcalloc(n, sizeof(*order));
	size_t i;

	for (i = 0; i < n; i++) {
		rows[i].index = i;
		key(i, col, &rows[i].key, ctx);
	}
	desc = descending;
	if (n)
		qsort(rows, n, sizeof(*rows), cmp_row);
	for (i = 0; i < n; i++) {
		order[i] = rows[i].index;
		free(rows[i].key.str);
	}
	free(rows);
	return order;
}

void sort_apply(void **items, size_t n, const size_t *order)
{
	void **copy = xcalloc(n, sizeof(*copy));
	size_t i;

	for (i = 0; i < n; i++)
		copy[i] = items[order[i]];
	if (n)
		memcpy(items, copy, n * sizeof(*items));
	free(copy);
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * list's columns and rows (cmd_list.c), which watch (cmd_watch.c) redraws:
 * the table, --list-columns, the filters and --sort are the same.
 */
#ifndef DMABUFCTL_LIST_H
#define DMABUFCTL_LIST_H

#include "dmabuf.h"
#include "filter.h"
#include "output.h"

extern const struct out_column list_cols[];
extern const size_t list_nr_cols;
/* list's argp children: filter_argp (its input first: the buf_filter, which
 * takes the INODE arguments), output and common options. */
extern const struct argp_child list_children[];

/* A buf_filter for list's columns (--sort), nothing selected yet. */
void list_filter_init(struct buf_filter *f);
/* One row of the table. */
void list_row(struct out_table *tb, const struct dmabuf *buf);
/* Whether the table needs fdinfo for every buffer (the REVOKED column). */
bool list_wants_fdinfo(const struct out_table *tb);
/* list -J's "totals" members of a set, added to tot (NULL: a new object). */
struct json_object *list_json_totals(const struct dmabuf_set *set, struct json_object *tot);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What changed between two sets of buffers, keyed by inode (watch: two
 * refreshes; diff: two list -J snapshots), and the table both print: list's
 * columns and a CHANGE column.
 */
#ifndef DMABUFCTL_CHANGE_H
#define DMABUFCTL_CHANGE_H

#include <json-c/json.h>

#include "dmabuf.h"
#include "output.h"

enum buf_change {
	BUF_SAME,
	BUF_NEW,	/* not in the old set */
	BUF_RELEASED,	/* not in the new set */
	BUF_RESIZED,	/* size differs */
	BUF_GROWN,	/* more references, holders, fds, mappings or importers */
	BUF_SHRUNK,	/* fewer of them */
	BUF_CHANGED,	/* some more and some fewer, or name or exporter */
};

/* "new", "released", ...; NULL for BUF_SAME. */
const char *buf_change_name(enum buf_change c);
/* old and new are the same inode, or one is NULL. */
enum buf_change buf_compare(const struct dmabuf *old, const struct dmabuf *new);

/* One process in either set whose buffers, RSS or PSS differ. */
struct proc_change {
	pid_t pid;
	const char *comm;	/* the new set's, else the old's */
	size_t old_bufs, new_bufs;
	uint64_t old_rss, new_rss, old_pss, new_pss;
};
/* Those processes, largest RSS growth first (then pid); free() them. */
struct proc_change *proc_changes(const struct dmabuf_set *old, const struct dmabuf_set *new,
				 size_t *nr);

/* list's columns and CHANGE (first by default): for -o and -H. */
const struct out_column *change_columns(size_t *nr);
/* The table, from -o (CHANGE first unless -o names columns): 0 or -errno. */
int change_table_new(struct out_table **tb);
void change_row(struct out_table *tb, const struct dmabuf *buf, enum buf_change c);
/* list -J's object of buf with "change" added. */
struct json_object *change_json(const struct dmabuf *buf, enum buf_change c);

/* "+4M", "-512K", "0" (or bytes with -b); buf must hold 32 bytes. */
const char *change_size(int64_t bytes, char *buf, size_t len);

#endif

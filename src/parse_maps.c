// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * /proc/PID/maps: "start-end perms pgoff major:minor inode path"
 * (fs/proc/task_mmu.c show_map_vma(), 5.10 to 7.2 alike): pgoff is a byte
 * offset in hex, inode the buffer's id, path "/dmabuf:NAME" from
 * dmabuffs_dname() with '\n' escaped as "\012" by seq_path().
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "util.h"

/* Decode seq_path()'s "\012" back to '\n', in place. */
static void unescape_nl(char *s)
{
	char *d = s;

	while (*s) {
		if (!strncmp(s, "\\012", 4)) {
			*d++ = '\n';
			s += 4;
		} else {
			*d++ = *s++;
		}
	}
	*d = '\0';
}

/* show_map_vma() prints "rwxs" or "rwxp" with '-' for what is not set;
 * anything else is no kernel's (and would reach show's terminal). */
static bool valid_perms(const char *p)
{
	return strlen(p) == 4 && (p[0] == 'r' || p[0] == '-') && (p[1] == 'w' || p[1] == '-') &&
	       (p[2] == 'x' || p[2] == '-') && (p[3] == 's' || p[3] == 'p');
}

/* The comm the fd walk already read for pid, if it holds buf by fd. */
static const char *known_comm(const struct dmabuf *buf, pid_t pid)
{
	const struct dmabuf_holder *h = dmabuf_holder_find(buf, pid);

	return h ? h->comm : NULL;
}

size_t parse_maps_keep(char *text, size_t len, size_t *long_lines)
{
	struct line_iter it;
	size_t out = 0, n;
	char *line;

	line_iter_init(&it, text, len, LINE_MAX_BYTES);
	while ((line = line_next(&it))) {
		if (!strstr(line, "dmabuf"))
			continue;
		n = strlen(line);
		memmove(text + out, line, n);	/* never past the line's end */
		out += n;
		/* A last line without its '\n' (a cut or hostile text) ends at
		 * text[len]: no room for one, nor need. */
		if (out < len)
			text[out++] = '\n';
	}
	*long_lines += it.skipped;
	text[out] = '\0';
	return out;
}

void parse_maps(struct dmabuf_set *set, char *text, size_t len, struct maps_parse *mp)
{
	struct line_iter it;
	char *line, *comm = NULL;
	bool comm_read = false;

	line_iter_init(&it, text, len, LINE_MAX_BYTES);
	while ((line = line_next(&it))) {
		unsigned long long start, end, pgoff, ino;
		struct dmabuf_mapping m;
		struct dmabuf_holder *h;
		struct dmabuf *buf;
		unsigned int maj, min;
		char perms[5], *path;
		int off = 0;

		/* Cheap filter first: most lines are no dma-buf. */
		if (!strstr(line, "dmabuf") || !isxdigit((unsigned char)line[0]))
			continue;
		if (sscanf(line, "%llx-%llx %4s %llx %x:%x %llu %n", &start, &end, perms,
			   &pgoff, &maj, &min, &ino, &off) != 7 || !off)
			continue;
		if (!valid_perms(perms) || start > end)
			continue;
		path = line + off;
		if (!strcmp(path, "anon_inode:dmabuf")) {
			mp->pre53++;
			continue;
		}
		if (strncmp(path, "/dmabuf:", 8) || !ino)
			continue;

		buf = dmabuf_get(set, ino, DMABUF_SRC_MAPS);
		/* "/dmabuf:" alone is no name or an empty one, and a longer
		 * one than a name can be is no kernel's: leave it unknown. */
		if (path[8]) {
			unescape_nl(path + 8);
			if (strlen(path + 8) <= DMABUF_NAME_MAX)
				dmabuf_set_name(buf, DMABUF_SRC_MAPS, path + 8);
		}
		if (!comm_read && !known_comm(buf, mp->pid)) {
			comm = mp->comm ? mp->comm(mp->arg) : NULL;
			comm_read = true;
		}
		memset(&m, 0, sizeof(m));
		m.start = start;
		m.end = end;
		m.pgoff = pgoff;
		memcpy(m.perms, perms, sizeof(m.perms));
		h = dmabuf_holder(buf, mp->pid, comm ? comm : known_comm(buf, mp->pid));
		dmabuf_holder_add_map(h, &m);
	}
	mp->long_lines += it.skipped;
	free(comm);
}

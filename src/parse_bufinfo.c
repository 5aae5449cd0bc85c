// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * debugfs dma_buf/bufinfo (drivers/dma-buf/dma-buf.c, dma_buf_debug_show()):
 * every buffer, those held by no process included, with refcount, flags,
 * mode, fences and attached devices.
 *
 * Format, as the kernel sources print it:
 *   "\nDma-buf Objects:\n"
 *   header: "size\tflags\tmode\tcount\texp_name\tino\tname" (5.19+); without
 *           "\tname" before 5.19, though rows print the name since 5.3
 *   row:    "%08zu\t%08x\t%08x\t%08ld\t%s\t%08lu\t%s" size, f_flags (hex),
 *           f_mode (hex), file_count() (no reference taken to print it),
 *           exp_name, inode (%08llu on 7.x), name: "" when none before 5.19,
 *           "<none>" since
 *   fences: until 5.16 "\tExclusive fence: DRV TL [un]signalled" and
 *           "\tShared fence: ..."; 5.17/5.18 dma_resv_describe():
 *           "\tExclusive fence:DRV TL seq N [un]signalled"; 5.19+ usage
 *           "\t{kernel,write,read,bookkeep} fence:DRV TL seq N ..."; 6.17+
 *           dma_fence_describe() "CTX:SEQ TL DRV [un]signalled"
 *   "\tAttached Devices:\n", one "\t%s\n" per dev_name(),
 *   "Total %d devices attached\n\n", and at the end
 *   "\nTotal %d objects, %zu bytes\n".
 * Fields are tab-separated, so exporters or names with spaces are safe; a
 * name can hold '\t' (taken whole: it is the last field) and '\n' (the
 * lines before the first fence or "Attached Devices:" that do not start
 * with a tab continue it).
 */
#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "util.h"

static bool all_digits(const char *s, size_t n)
{
	size_t i;

	if (!n)
		return false;
	for (i = 0; i < n; i++)
		if (!isdigit((unsigned char)s[i]))
			return false;
	return true;
}

struct row {
	uint64_t size, ino;
	unsigned int flags, mode;
	long count;
	char *exp, *name;	/* point into the line */
};

/* "%08x": hex digits only (strtoul() would take a sign and blanks). */
static bool parse_hex(const char *s, unsigned int *out)
{
	unsigned long v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		unsigned int c = (unsigned char)*s, d = c - '0';

		if (d > 9) {
			d = (c | 0x20) - 'a';	/* no locale: the kernel's %x */
			if (d > 5)
				return false;
			d += 10;
		}
		if (v > UINT_MAX / 16)
			return false;
		v = v * 16 + d;
	}
	*out = (unsigned int)v;
	return true;
}

/* "size\tflags\tmode\tcount\texp_name\tino\tname"; false if not a row. */
static bool parse_row(char *line, struct row *r)
{
	char *f[4], *p, *q;
	int i;

	for (i = 0; i < 4; i++) {
		f[i] = strsep(&line, "\t");
		if (!f[i] || !line)
			return false;
	}
	if (parse_u64(f[0], &r->size) || !parse_hex(f[1], &r->flags) ||
	    !parse_hex(f[2], &r->mode) || parse_count(f[3], &r->count))
		return false;

	/* The inode is the first "\tDIGITS\t" after the exporter's start
	 * (an exporter name may hold tabs, never a field of digits alone). */
	for (p = strchr(line, '\t'); p; p = q) {
		q = strchr(p + 1, '\t');
		if (q && all_digits(p + 1, (size_t)(q - p - 1))) {
			*p = '\0';
			*q = '\0';
			if (parse_u64(p + 1, &r->ino))
				return false;
			r->exp = line;
			r->name = q + 1;
			return true;
		}
	}
	return false;
}

/* "Total N<what>": sscanf() on every line would cost more than the rest. */
static bool total_line(const char *line, const char *what, uint64_t *n)
{
	const char *end;
	char num[24];
	size_t len;

	if (line[0] != 'T' || strncmp(line, "Total ", 6) || !isdigit((unsigned char)line[6]))
		return false;
	for (end = line + 6; isdigit((unsigned char)*end); end++)
		;
	len = (size_t)(end - line - 6);
	if (len >= sizeof(num))
		return false;
	memcpy(num, line + 6, len);
	num[len] = '\0';
	return !parse_u64(num, n) && !strncmp(end, what, strlen(what));
}

static bool is_fence_line(const char *line)
{
	return line[0] == '\t' && strstr(line, "fence:") != NULL;
}

struct parser {
	struct dmabuf_set *set;
	struct dmabuf *cur;
	enum { P_START, P_ROWS, P_BUF, P_ATTACH } state;
	bool name_col;		/* header has "name" (5.19+) */
	char name[DMABUF_NAME_MAX + 1];
	bool name_cont;		/* a '\n' in the name may still continue it */
	size_t rows, attached;
	bool total_seen;
	uint64_t total_objects;
};

static void set_name(struct parser *p)
{
	/*
	 * No name prints "<none>" since 5.19 (with the "name" header), ""
	 * before, where an empty name set by the user looks the same.  A user
	 * may even set "<none>": record "none" at fdinfo's priority, so that
	 * fdinfo (exact) may still correct it.
	 */
	if (!strcmp(p->name, p->name_col ? "<none>" : ""))
		dmabuf_set_name(p->cur, DMABUF_SRC_FDINFO, NULL);
	else
		dmabuf_set_name(p->cur, DMABUF_SRC_DEBUGFS, p->name);
}

static void end_buf(struct parser *p)
{
	if (p->cur && p->name_cont)
		set_name(p);
	p->name_cont = false;
	p->cur = NULL;
}

static void parse_line(struct parser *p, char *line)
{
	struct row r;
	uint64_t n;

	if (p->state == P_START) {
		/* "%-8s" pads the column names: "size    \tflags   \t..." */
		if (!strncmp(line, "size", 4) && strstr(line, "\texp_name")) {
			p->name_col = strstr(line, "\tname") != NULL;
			p->state = P_ROWS;
		}
		return;
	}
	if (!*line)
		return;
	if (total_line(line, " objects", &n)) {
		end_buf(p);
		p->total_objects = n;
		p->total_seen = true;
		p->state = P_ROWS;
		return;
	}
	if (p->state == P_ATTACH) {
		if (total_line(line, " devices attached", &n)) {
			if (n != p->attached)
				dmabuf_warn(p->set, "debugfs: inode %llu: %llu devices attached, "
					    "%zu listed", (unsigned long long)p->cur->inode,
					    (unsigned long long)n, p->attached);
			end_buf(p);
			p->state = P_ROWS;
		} else if (line[0] == '\t') {
			dmabuf_add_attachment(p->cur, DMABUF_SRC_DEBUGFS, line + 1, NULL, -1);
			p->attached++;
		}
		return;
	}
	if (p->state == P_BUF) {
		if (!strcmp(line, "\tAttached Devices:")) {
			if (p->name_cont)
				set_name(p);
			p->name_cont = false;
			dmabuf_add_attachment(p->cur, DMABUF_SRC_DEBUGFS, NULL, NULL, -1);
			p->attached = 0;
			p->state = P_ATTACH;
			return;
		}
		if (is_fence_line(line)) {
			if (p->name_cont)
				set_name(p);
			p->name_cont = false;
			dmabuf_add_fence(p->cur, line + 1);
			return;
		}
		if (p->name_cont && line[0] != '\t') {
			size_t len = strlen(p->name), l = strlen(line);

			if (len + 1 + l <= DMABUF_NAME_MAX) {
				p->name[len] = '\n';
				memcpy(p->name + len + 1, line, l + 1);
				return;
			}
		}
		/* Anything else may be the next row (no attachment part). */
		end_buf(p);
		p->state = P_ROWS;
	}
	if (!parse_row(line, &r))
		return;
	p->cur = dmabuf_get(p->set, r.ino, DMABUF_SRC_DEBUGFS);
	p->cur->fences_known = true;
	p->rows++;
	dmabuf_set_size(p->cur, DMABUF_SRC_DEBUGFS, r.size);
	dmabuf_set_flags(p->cur, DMABUF_SRC_DEBUGFS, r.flags, r.mode);
	dmabuf_set_refcount(p->cur, DMABUF_SRC_DEBUGFS, r.count);
	dmabuf_set_exporter(p->cur, DMABUF_SRC_DEBUGFS, r.exp);
	/* snprintf()'s truncation, without its 500 instructions a row */
	n = strnlen(r.name, sizeof(p->name) - 1);
	memcpy(p->name, r.name, n);
	p->name[n] = '\0';
	p->name_cont = true;
	p->state = P_BUF;
}

void parse_bufinfo(struct dmabuf_set *set, char *text, size_t len)
{
	struct parser p = { .set = set };
	struct line_iter it;
	char *line;

	line_iter_init(&it, text, len, LINE_MAX_BYTES);
	while ((line = line_next(&it)))
		parse_line(&p, line);
	end_buf(&p);
	if (it.skipped)
		dmabuf_warn(set, "debugfs: %zu bufinfo line%s longer than %u bytes skipped",
			    it.skipped, it.skipped == 1 ? "" : "s", LINE_MAX_BYTES);
	if (!p.total_seen)
		dmabuf_warn(set, "debugfs: bufinfo ends early (no \"Total N objects\" line)");
	else if (p.total_objects != p.rows)
		dmabuf_warn(set, "debugfs: bufinfo counts %llu objects, %zu parsed",
			    (unsigned long long)p.total_objects, p.rows);
}

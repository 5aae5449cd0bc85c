// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * /proc/PID/fdinfo/N of a dma-buf: the generic part (fs/proc/fd.c
 * seq_show(): pos, flags in octal with this fd's O_CLOEXEC, mnt_id, ino
 * since 5.14, lock lines), then dma_buf_show_fdinfo(): size, count,
 * exp_name and, when one is set, name last (5.3 to 7.2 alike).  The
 * patched test kernel adds "revoked:\t%d".  A name may hold '\n': lines
 * after "name:" that are no "key:\t" line belong to it.
 *
 * The one fdinfo parser: the procfs source and revoke's identity check
 * (revoke.c) both read fdinfo through it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "util.h"

static bool key_line(const char *line)
{
	/* "word:\t" as every fdinfo line starts. */
	while ((*line >= 'a' && *line <= 'z') || *line == '_')
		line++;
	return line[0] == ':' && line[1] == '\t';
}

/* The value of "key:\t..." in line, or NULL. */
static const char *value(const char *line, const char *key, size_t klen)
{
	if (strncmp(line, key, klen) || line[klen] != ':' || line[klen + 1] != '\t')
		return NULL;
	return line + klen + 2;
}

#define VALUE(line, key) value(line, key, sizeof(key) - 1)

static bool parse_octal(const char *s, unsigned int *out)
{
	unsigned long v = 0;

	if (!*s)
		return false;
	for (; *s; s++) {
		if (*s < '0' || *s > '7' || v > UINT_MAX / 8)
			return false;
		v = v * 8 + (unsigned long)(*s - '0');
	}
	if (v > UINT_MAX)
		return false;
	*out = (unsigned int)v;
	return true;
}

void parse_fdinfo(char *text, size_t len, struct fdinfo *fi)
{
	struct line_iter it;
	bool in_name = false;
	size_t nlen = 0;
	const char *v;
	char *line;

	memset(fi, 0, sizeof(*fi));
	line_iter_init(&it, text, len, LINE_MAX_BYTES);
	while ((line = line_next(&it))) {
		if (in_name && !key_line(line)) {
			size_t l = strlen(line);

			if (nlen + 1 + l <= DMABUF_NAME_MAX) {
				fi->name[nlen++] = '\n';
				memcpy(fi->name + nlen, line, l);
				nlen += l;
				fi->name[nlen] = '\0';
				continue;
			}
		}
		in_name = false;
		if ((v = VALUE(line, "ino"))) {
			fi->has_ino = !parse_u64(v, &fi->ino);
		} else if ((v = VALUE(line, "flags"))) {
			fi->has_flags = parse_octal(v, &fi->flags);
		} else if ((v = VALUE(line, "size"))) {
			fi->has_size = !parse_u64(v, &fi->size);
		} else if ((v = VALUE(line, "count"))) {
			fi->has_count = !parse_count(v, &fi->count);
		} else if ((v = VALUE(line, "exp_name"))) {
			fi->exp_name = v;
		} else if ((v = VALUE(line, "revoked"))) {
			uint64_t r;

			fi->has_revoked = !parse_u64(v, &r);
			fi->revoked = fi->has_revoked && r;
		} else if ((v = VALUE(line, "name"))) {
			nlen = strlen(v);
			if (nlen > DMABUF_NAME_MAX)
				nlen = DMABUF_NAME_MAX;
			memcpy(fi->name, v, nlen);
			fi->name[nlen] = '\0';
			fi->has_name = true;
			in_name = true;
		}
	}
	fi->long_lines = it.skipped;
}

struct dmabuf *fdinfo_to_model(struct dmabuf_set *set, const struct fdinfo *fi)
{
	struct dmabuf *buf = dmabuf_get(set, fi->ino, DMABUF_SRC_FDINFO);

	dmabuf_set_size(buf, DMABUF_SRC_FDINFO, fi->size);
	dmabuf_set_exporter(buf, DMABUF_SRC_FDINFO, fi->exp_name);
	dmabuf_set_name(buf, DMABUF_SRC_FDINFO, fi->has_name ? fi->name : NULL);
	if (fi->has_count)
		dmabuf_set_refcount(buf, DMABUF_SRC_FDINFO, fi->count);
	/* O_CLOEXEC is the fd's, not the file's: dma_buf_getfile() keeps
	 * only O_ACCMODE | O_NONBLOCK in f_flags. */
	if (fi->has_flags)
		dmabuf_set_flags(buf, DMABUF_SRC_FDINFO, fi->flags & ~(unsigned int)O_CLOEXEC,
				 DMABUF_MODE_UNKNOWN);
	if (fi->has_revoked)
		dmabuf_set_revoked(buf, DMABUF_SRC_FDINFO, fi->revoked);
	return buf;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Parsers of what the kernel prints about dma-bufs: from text (or the BPF
 * iterator's records) in memory to the model.  No I/O here: the sources
 * read the files (util.c's bounded readers) and call these, and so do the
 * fuzz targets (tests/fuzz/).  Input is untrusted: a replayed tree can hold
 * anything, so every field is checked and every string bounded.
 *
 * Text parsers take text[len] == '\0' (as read_file_at() gives it) and
 * split it in place.
 */
#ifndef DMABUFCTL_PARSE_H
#define DMABUFCTL_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "dmabuf.h"

/* A name is at most DMA_BUF_NAME_LEN - 1 bytes (strndup_user(.., 32)). */
#define DMABUF_NAME_MAX	31

/* The dma-buf part of /proc/PID/fdinfo/N (parse_fdinfo.c). */
struct fdinfo {
	bool has_ino, has_flags, has_size, has_count, has_name, has_revoked;
	uint64_t ino, size;
	long count;		/* file_count() - 1: the file refcount */
	unsigned int flags;	/* f_flags, with this fd's O_CLOEXEC */
	bool revoked;		/* "revoked:" of the patched test kernel */
	const char *exp_name;	/* points into the text; NULL if absent */
	char name[DMABUF_NAME_MAX + 1];
	size_t long_lines;	/* lines skipped as too long */
};
void parse_fdinfo(char *text, size_t len, struct fdinfo *fi);
/* What fi says of its buffer (fi->ino, with a size and an exporter) into
 * set, by the fdinfo source's rules; the buffer. */
struct dmabuf *fdinfo_to_model(struct dmabuf_set *set, const struct fdinfo *fi);

/* debugfs dma_buf/bufinfo into set, with warnings (parse_bufinfo.c). */
void parse_bufinfo(struct dmabuf_set *set, char *text, size_t len);

/* /proc/PID/maps of one process into set (parse_maps.c). */
struct maps_parse {
	pid_t pid;
	/* The process's comm, asked once, at its first mapping of a buffer
	 * it does not hold by fd: malloc'ed or NULL (gone). */
	char *(*comm)(void *arg);
	void *arg;
	size_t pre53;		/* anon_inode:dmabuf mappings (no identity) */
	size_t long_lines;	/* lines skipped as too long */
};
void parse_maps(struct dmabuf_set *set, char *text, size_t len, struct maps_parse *mp);
/* Keep only the lines of a maps text (text[len] is '\0') that parse_maps()
 * may take, in place; returns the new length, adds lines too long to
 * *long_lines.  A browser's maps run to hundreds of KiB. */
size_t parse_maps_keep(char *text, size_t len, size_t *long_lines);

/*
 * The BPF iterator's records (iter.bpf.c, iter_record.h) into set;
 * sym(ctx, addr) names an importer's callback address (NULL: unknown).
 * Garbled or cut output ends the parse with a warning (parse_iter.c).
 */
void parse_iter_records(struct dmabuf_set *set, const void *data, size_t len,
			const char *(*sym)(void *ctx, uint64_t addr), void *ctx);
/* The same as the output is read: chunk() takes the complete records of
 * data[len] and returns how many bytes they were (the rest starts the next
 * chunk); end() is told the bytes left untaken when the output ended. */
struct iter_parse {
	struct dmabuf_set *set;
	const char *(*sym)(void *ctx, uint64_t addr);
	void *ctx;
	struct dmabuf *buf;	/* the last iter_buf's */
	uint64_t inode;
	size_t nrec;		/* records taken */
	bool garbled;		/* the rest is ignored */
};
void parse_iter_begin(struct iter_parse *p, struct dmabuf_set *set,
		      const char *(*sym)(void *ctx, uint64_t addr), void *ctx);
size_t parse_iter_chunk(struct iter_parse *p, const void *data, size_t len);
void parse_iter_end(struct iter_parse *p, size_t left);

#endif

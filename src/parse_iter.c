// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The BPF iterator's records (iter.bpf.c, layout in iter_record.h): per buffer an
 * iter_buf, maybe an iter_dev (VFIO's device, vfio.c), then an iter_att per
 * attachment, then maybe an ITER_MAGIC_MORE record.  Records are
 * self-describing; each must follow its own buffer.  Early 6.16 kernels
 * cut the output after the first read(), which the reader (bpf_iters.c)
 * works around; what still does not add up is reported here.  The output
 * is parsed as it is read, a chunk at a time: a record the chunk ends in
 * is taken with the next one.
 */
#include <string.h>

#include "parse.h"
#include "iter_record.h"
#include "util.h"
#include "vfio.h"

static void nul_terminate(char *s, size_t n)
{
	s[n - 1] = '\0';
}

void parse_iter_begin(struct iter_parse *p, struct dmabuf_set *set,
		      const char *(*sym)(void *ctx, uint64_t addr), void *ctx)
{
	memset(p, 0, sizeof(*p));
	p->set = set;
	p->sym = sym;
	p->ctx = ctx;
}

/* The size of the record of this kind, 0 for none. */
static size_t record_size(uint32_t magic)
{
	switch (magic) {
	case ITER_MAGIC_BUF:
		return sizeof(struct iter_buf);
	case ITER_MAGIC_DEV:
		return sizeof(struct iter_dev);
	case ITER_MAGIC_ATT:
	case ITER_MAGIC_MORE:
		return sizeof(struct iter_att);
	default:
		return 0;
	}
}

static void take_buf(struct iter_parse *p, struct iter_buf *b)
{
	struct dmabuf *buf;

	nul_terminate(b->exporter, sizeof(b->exporter));
	nul_terminate(b->name, sizeof(b->name));
	p->inode = b->inode;
	p->buf = buf = dmabuf_get(p->set, b->inode, DMABUF_SRC_BPF);
	dmabuf_set_size(buf, DMABUF_SRC_BPF, b->size);
	dmabuf_set_exporter(buf, DMABUF_SRC_BPF, b->exporter);
	dmabuf_set_name(buf, DMABUF_SRC_BPF, b->name[0] ? b->name : NULL);
	/* A count cannot be negative: that is no kernel's. */
	dmabuf_set_refcount(buf, DMABUF_SRC_BPF, b->refcount < 0 ? -1 : (long)b->refcount);
	dmabuf_set_flags(buf, DMABUF_SRC_BPF, b->f_flags, b->f_mode);
	/* Known, possibly empty. */
	dmabuf_add_attachment(buf, DMABUF_SRC_BPF, NULL, NULL, -1);
}

/* An attachment, or the mark of more than listed: false if it is not its
 * buffer's. */
static bool take_att(struct iter_parse *p, uint32_t magic, struct iter_att *a)
{
	if (!p->buf || a->inode != p->inode)
		return false;
	if (magic == ITER_MAGIC_MORE) {
		dmabuf_warn(p->set, "bpf: buffer %llu has more than %d attachments; "
			    "only the first %d are listed", (unsigned long long)p->inode,
			    ITER_MAX_ATTACH, ITER_MAX_ATTACH);
		return true;
	}
	nul_terminate(a->device, sizeof(a->device));
	dmabuf_add_attachment(p->buf, DMABUF_SRC_BPF, a->device[0] ? a->device : "?",
			      a->callback && p->sym ? p->sym(p->ctx, a->callback) : NULL,
			      a->dynamic < 0 ? -1 : !!a->dynamic);
	return true;
}

size_t parse_iter_chunk(struct iter_parse *p, const void *records, size_t len)
{
	const char *data = records;
	size_t off = 0, n;

	if (p->garbled)
		return len;
	for (; len - off >= sizeof(uint32_t); p->nrec++, off += n) {
		union {
			struct iter_buf b;
			struct iter_att a;
			struct iter_dev d;
		} r;
		uint32_t magic;
		bool ok = true;

		memcpy(&magic, data + off, sizeof(magic));
		n = record_size(magic);
		if (n && len - off < n)
			break;		/* the rest comes with the next read */
		if (n)
			memcpy(&r, data + off, n);
		if (magic == ITER_MAGIC_BUF) {
			take_buf(p, &r.b);
		} else if (magic == ITER_MAGIC_DEV) {
			ok = p->buf && r.d.inode == p->inode;
			if (ok)
				vfio_dev_record(p->set, p->buf, &r.d);
		} else if (n) {
			ok = take_att(p, magic, &r.a);
		}
		if (!n || !ok) {
			dmabuf_warn(p->set, "bpf: iterator record %zu is garbled; "
				    "the rest of its output is ignored", p->nrec);
			p->garbled = true;
			return len;
		}
	}
	return off;
}

void parse_iter_end(struct iter_parse *p, size_t left)
{
	if (left && !p->garbled)
		dmabuf_warn(p->set, "bpf: iterator output ends inside a record (%zu bytes left)",
			    left);
}

void parse_iter_records(struct dmabuf_set *set, const void *records, size_t len,
			const char *(*sym)(void *ctx, uint64_t addr), void *ctx)
{
	struct iter_parse p;

	parse_iter_begin(&p, set, sym, ctx);
	parse_iter_end(&p, len - parse_iter_chunk(&p, records, len));
}

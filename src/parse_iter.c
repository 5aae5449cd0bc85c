// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The BPF iterator's records (iter.bpf.c, layout in iter_record.h): per buffer an
 * iter_buf, maybe an iter_dev (VFIO's device, vfio.c), then an iter_att per
 * attachment, then maybe an ITER_MAGIC_MORE record.  Records are
 * self-describing; each must follow its own buffer.  Early 6.16 kernels cut the output after the first read(), which
 * the reader (source_bpf.c) works around; what still does not add up is
 * reported here.
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

void parse_iter_records(struct dmabuf_set *set, const void *records, size_t len,
			const char *(*sym)(void *ctx, uint64_t addr), void *ctx)
{
	const char *data = records;
	struct dmabuf *buf = NULL;
	uint64_t inode = 0;
	size_t off = 0, nrec = 0;

	for (; off < len; nrec++) {
		struct iter_buf b;
		struct iter_att a;
		uint32_t magic;

		if (len - off < sizeof(magic))
			goto short_read;
		memcpy(&magic, data + off, sizeof(magic));
		if (magic == ITER_MAGIC_BUF) {
			if (len - off < sizeof(b))
				goto short_read;
			memcpy(&b, data + off, sizeof(b));
			off += sizeof(b);
			nul_terminate(b.exporter, sizeof(b.exporter));
			nul_terminate(b.name, sizeof(b.name));

			inode = b.inode;
			buf = dmabuf_get(set, b.inode, DMABUF_SRC_BPF);
			dmabuf_set_size(buf, DMABUF_SRC_BPF, b.size);
			dmabuf_set_exporter(buf, DMABUF_SRC_BPF, b.exporter);
			dmabuf_set_name(buf, DMABUF_SRC_BPF, b.name[0] ? b.name : NULL);
			/* A count cannot be negative: that is no kernel's. */
			dmabuf_set_refcount(buf, DMABUF_SRC_BPF, b.refcount < 0 ? -1 :
					    (long)b.refcount);
			dmabuf_set_flags(buf, DMABUF_SRC_BPF, b.f_flags, b.f_mode);
			/* Known, possibly empty. */
			dmabuf_add_attachment(buf, DMABUF_SRC_BPF, NULL, NULL, -1);
			continue;
		}
		if (magic == ITER_MAGIC_DEV) {
			struct iter_dev d;

			if (len - off < sizeof(d))
				goto short_read;
			memcpy(&d, data + off, sizeof(d));
			off += sizeof(d);
			if (!buf || d.inode != inode)
				goto garbled;
			vfio_dev_record(set, buf, &d);
			continue;
		}
		if (magic != ITER_MAGIC_ATT && magic != ITER_MAGIC_MORE)
			goto garbled;
		if (len - off < sizeof(a))
			goto short_read;
		memcpy(&a, data + off, sizeof(a));
		off += sizeof(a);
		if (!buf || a.inode != inode)
			goto garbled;
		if (magic == ITER_MAGIC_MORE) {
			dmabuf_warn(set, "bpf: buffer %llu has more than %d attachments; "
				    "only the first %d are listed", (unsigned long long)inode,
				    ITER_MAX_ATTACH, ITER_MAX_ATTACH);
			continue;
		}
		nul_terminate(a.device, sizeof(a.device));
		dmabuf_add_attachment(buf, DMABUF_SRC_BPF, a.device[0] ? a.device : "?",
				      a.callback && sym ? sym(ctx, a.callback) : NULL,
				      a.dynamic < 0 ? -1 : !!a.dynamic);
	}
	return;

garbled:
	dmabuf_warn(set, "bpf: iterator record %zu is garbled; "
		    "the rest of its output is ignored", nrec);
	return;
short_read:
	dmabuf_warn(set, "bpf: iterator output ends inside a record (%zu bytes left)", len - off);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Sources: the BPF iterators (bpf_iters.c loads or opens them, all at
 * once).  Here the dma-buf iterator (Linux 6.16+, iter/dmabuf): every buffer
 * with size, exporter, name, refcount, flags and attachments (device,
 * dynamic or not, importer callback symbol) without debugfs and without
 * taking each buffer's reservation lock as debugfs bufinfo does; the task
 * iterators' records go to source_tasks.c.  Each iterator that could not
 * run says why in its source's status (kernel too old, no BTF, BPF refused,
 * not root), and scan() takes the other sources.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "source.h"
#include "bpf_iters.h"
#include "iter_record.h"
#include "ksyms.h"
#include "util.h"

static void nul_terminate(char *s, size_t n)
{
	s[n - 1] = '\0';
}

/* Records are self-describing (iter_record.h): a buffer, its attachments, maybe
 * a "more" marker.  An attachment must follow its own buffer. */
static int parse_records(struct dmabuf_set *set, const char *data, size_t len)
{
	struct ksyms *ks = ksyms_new();
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
			dmabuf_set_refcount(buf, DMABUF_SRC_BPF, (long)b.refcount);
			dmabuf_set_flags(buf, DMABUF_SRC_BPF, b.f_flags, b.f_mode);
			/* Known, possibly empty. */
			dmabuf_add_attachment(buf, DMABUF_SRC_BPF, NULL, NULL, -1);
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
		/* kallsyms is read at the first callback: static importers
		 * (most) never cost that. */
		dmabuf_add_attachment(buf, DMABUF_SRC_BPF, a.device[0] ? a.device : "?",
				      ksyms_name(ks, a.callback), a.dynamic);
	}
	goto out;

garbled:
	dmabuf_warn(set, "bpf: iterator record %zu is garbled; "
		    "the rest of its output is ignored", nrec);
	goto out;
short_read:
	dmabuf_warn(set, "bpf: iterator output ends inside a record (%zu bytes left)", len - off);
out:
	ksyms_free(ks);
	return 0;
}

static const enum dmabuf_source iter_source[BPF_ITER_NR] = {
	[BPF_ITER_DMABUF] = DMABUF_SRC_BPF,
	[BPF_ITER_TASK_FILE] = DMABUF_SRC_TASK_FILE,
	[BPF_ITER_TASK_VMA] = DMABUF_SRC_TASK_VMA,
};

int source_bpf_scan(struct dmabuf_set *set, const struct scan_opts *opts)
{
	struct bpf_iters_opts io = { .pin = opts->pin };
	struct bpf_iters it;
	int k, ret = -EOPNOTSUPP;

	for (k = 0; k < BPF_ITER_NR; k++) {
		if (opts->sysroot)
			dmabuf_source_skipped(set, iter_source[k],
					      "replaying a captured tree (--sysroot)");
		io.want[k] = true;
	}
	if (opts->sysroot)
		return -EOPNOTSUPP;
	bpf_iters_read(&it, &io);
	for (k = 0; k < BPF_ITER_NR; k++) {
		const struct bpf_iter_out *o = &it.out[k];

		if (o->ok)
			continue;
		dmabuf_source_skipped(set, iter_source[k], "%s", o->why);
		if (o->hint)
			dmabuf_source_hint(set, iter_source[k], o->hint);
		if (ret == -EOPNOTSUPP || o->err == -EPERM)
			ret = o->err ? o->err : -EOPNOTSUPP;
	}
	if (it.out[BPF_ITER_DMABUF].ok) {
		parse_records(set, it.out[BPF_ITER_DMABUF].data, it.out[BPF_ITER_DMABUF].len);
		dmabuf_source_used(set, DMABUF_SRC_BPF);
	}
	source_tasks_parse(set, &it, opts);
	for (k = 0; k < BPF_ITER_NR; k++)
		if (set->status[iter_source[k]].used)
			ret = 0;
	bpf_iters_free(&it);
	return ret;
}

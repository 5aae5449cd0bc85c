// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * iter-chunks: the BPF iterators' records parsed as bpf_iters.c reads them,
 * a chunk at a time, against the same records parsed whole.  Builds the
 * three iterators' output (buffers with attachments and a VFIO device
 * record, fds, GEM handles, mappings, each iterator's end), then for every
 * place a read could end (and for chunks of 1 to 97 bytes) feeds them to
 * parse_iter_chunk(), source_tasks_files() and source_tasks_vmas() as the
 * reader does: what a call leaves is read again with what follows.  The
 * model must come out as show -J prints it, warnings included, each time.
 * With "cut", each output ends inside a record: the same warnings whole or
 * in chunks.  Prints "ok N" (the splits tried) or what differed; exit 1.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bpf_iters.h"
#include "cli.h"
#include "dmabuf.h"
#include "iter_record.h"
#include "output.h"
#include "parse.h"
#include "source.h"
#include "util.h"

/* output.c's option parser reports usage errors through cli.c: not used here. */
void cli_usage(const char *fmt, ...)
{
	(void)fmt;
	abort();
}

struct out {
	char *data;
	size_t len;
};

static void put(struct out *o, const void *rec, size_t n)
{
	o->data = xrealloc(o->data, o->len + n);
	memcpy(o->data + o->len, rec, n);
	o->len += n;
}

static void task(struct iter_task *t, uint32_t pid, const char *comm)
{
	memset(t, 0, sizeof(*t));
	t->pid = t->tgid = pid;
	t->cgroup = 0;
	snprintf(t->comm, sizeof(t->comm), "%s", comm);
}

static void desc(struct iter_desc *d, uint64_t ino)
{
	memset(d, 0, sizeof(*d));
	d->inode = ino;
	d->size = 4096 * ino;
	d->refcount = 2;
	d->f_flags = 02;
	d->f_mode = 0x7;
	snprintf(d->exporter, sizeof(d->exporter), "udmabuf");
	if (ino % 3 == 0)
		snprintf(d->name, sizeof(d->name), "buf%llu", (unsigned long long)ino);
}

/* The three outputs: out[BPF_ITER_*]. */
static void build(struct out out[BPF_ITER_NR])
{
	struct iter_hdr h = { ITER_MAGIC_HDR, ITER_F_GEM };
	uint64_t ino;

	for (ino = 1; ino <= 40; ino++) {
		struct iter_buf b = { .magic = ITER_MAGIC_BUF, .f_flags = 02, .inode = ino,
				      .size = 4096 * ino, .refcount = 2, .f_mode = 0x7 };
		struct iter_att a = { .magic = ITER_MAGIC_ATT, .dynamic = 1, .inode = ino };

		snprintf(b.exporter, sizeof(b.exporter), ino == 7 ? "vfio_pci_core" : "udmabuf");
		if (ino % 3 == 0)
			snprintf(b.name, sizeof(b.name), "buf%llu", (unsigned long long)ino);
		put(&out[BPF_ITER_DMABUF], &b, sizeof(b));
		if (ino == 7) {
			struct iter_dev d = { .magic = ITER_MAGIC_DEV, .bar = 2, .inode = ino,
					      .nr_ranges = 1, .revoked = 0,
					      .revoked_for_good = 0, .closed = 0,
					      .ranges = { { 0x1000, 0x2000 } } };

			snprintf(d.bdf, sizeof(d.bdf), "0000:00:05.0");
			put(&out[BPF_ITER_DMABUF], &d, sizeof(d));
		}
		for (int i = 0; i < (int)(ino % 3); i++) {
			snprintf(a.device, sizeof(a.device), "dev%d", i);
			put(&out[BPF_ITER_DMABUF], &a, sizeof(a));
		}
	}

	put(&out[BPF_ITER_TASK_FILE], &h, sizeof(h));
	for (ino = 1; ino <= 40; ino++) {
		struct iter_fd f = { .magic = ITER_MAGIC_FD, .fd = (uint32_t)(2 + ino) };

		task(&f.t, 100 + (uint32_t)(ino % 4), "holder");
		desc(&f.d, ino);
		put(&out[BPF_ITER_TASK_FILE], &f, sizeof(f));
		if (ino == 20) {
			struct iter_drm d = { .magic = ITER_MAGIC_DRM, .fd = 9, .file = 0xf00 };
			struct iter_gem g = { .magic = ITER_MAGIC_GEM, .handle = 1, .inode = 5,
					      .size = 4096 * 5, .refcount = 3 };

			task(&d.t, 200, "gpu");
			snprintf(d.device, sizeof(d.device), "vgem");
			snprintf(d.driver, sizeof(d.driver), "vgem");
			snprintf(d.node, sizeof(d.node), "card0");
			put(&out[BPF_ITER_TASK_FILE], &d, sizeof(d));
			put(&out[BPF_ITER_TASK_FILE], &g, sizeof(g));
			g.handle = 2;
			g.inode = 6;
			put(&out[BPF_ITER_TASK_FILE], &g, sizeof(g));
		}
	}
	h.magic = ITER_MAGIC_END;
	put(&out[BPF_ITER_TASK_FILE], &h, sizeof(h));

	for (ino = 1; ino <= 40; ino += 4) {
		struct iter_vma v = { .magic = ITER_MAGIC_VMA, .start = 0x10000 * ino,
				      .end = 0x10000 * ino + 0x1000, .vm_flags = 0x1 | 0x2 | 0x80 };

		task(&v.t, 300, "mapper");
		desc(&v.d, ino);
		put(&out[BPF_ITER_TASK_VMA], &v, sizeof(v));
	}
	h.magic = ITER_MAGIC_END;
	put(&out[BPF_ITER_TASK_VMA], &h, sizeof(h));
}

/* What bpf_iters.c hands iterator k's reads to (source_bpf.c's consumers). */
static size_t chunk(int k, void *ctx, const char *data, size_t len)
{
	if (k == BPF_ITER_DMABUF)
		return parse_iter_chunk(ctx, data, len);
	return k == BPF_ITER_TASK_FILE ? source_tasks_files(ctx, data, len) :
					 source_tasks_vmas(ctx, data, len);
}

/* Feed data as reads of at most step bytes, the first first bytes long:
 * what the parser leaves is read again with what follows.  The bytes left
 * at the end. */
static size_t feed(int k, void *ctx, const struct out *o, size_t first, size_t step)
{
	char *buf = xmalloc(o->len + 1);
	size_t have = 0, off = 0, took;

	while (off < o->len) {
		size_t n = off ? step : first;

		if (n > o->len - off)
			n = o->len - off;
		memcpy(buf + have, o->data + off, n);
		have += n;
		off += n;
		took = chunk(k, ctx, buf, have);
		memmove(buf, buf + took, have - took);
		have -= took;
	}
	free(buf);
	return have;
}

/* The model from the three outputs, fed so, as show -J prints it. */
static char *model(const struct out out[BPF_ITER_NR], const size_t first[BPF_ITER_NR],
		   size_t step)
{
	struct dmabuf_set *set = dmabuf_set_new();
	struct scan_opts opts = { 0 };
	struct bpf_iters it = { 0 };
	struct iter_parse ip;
	struct tasks_parse *tp;
	char *text = NULL;
	size_t len = 0, i, left;
	FILE *f;

	parse_iter_begin(&ip, set, NULL, NULL);
	tp = source_tasks_begin(set, &opts);
	left = feed(BPF_ITER_DMABUF, &ip, &out[BPF_ITER_DMABUF], first[0], step);
	parse_iter_end(&ip, left);
	feed(BPF_ITER_TASK_FILE, tp, &out[BPF_ITER_TASK_FILE], first[1], step);
	feed(BPF_ITER_TASK_VMA, tp, &out[BPF_ITER_TASK_VMA], first[2], step);
	for (i = 0; i < BPF_ITER_NR; i++)
		it.out[i].ok = true;
	it.features = ITER_F_GEM;
	source_tasks_end(tp, &it);
	dmabuf_set_finish(set);

	f = open_memstream(&text, &len);
	for (i = 0; i < set->nr_bufs; i++) {
		struct json_object *o = out_json_dmabuf(set->bufs[i], true);

		fprintf(f, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
		json_object_put(o);
	}
	for (i = 0; i < set->nr_warnings; i++)
		fprintf(f, "warning: %s\n", set->warnings[i]);
	fclose(f);
	dmabuf_set_free(set);
	return text;
}

int main(int argc, char **argv)
{
	struct out out[BPF_ITER_NR] = { 0 };
	size_t first[BPF_ITER_NR], k, step, tries = 0, i, max = 0;
	char *whole, *got;
	int bad = 0;

	build(out);
	if (argc > 1 && !strcmp(argv[1], "cut"))
		for (i = 0; i < BPF_ITER_NR; i++)
			out[i].len -= 5;
	for (i = 0; i < BPF_ITER_NR; i++) {
		first[i] = out[i].len;
		if (out[i].len > max)
			max = out[i].len;
	}
	whole = model(out, first, 1);
	if (!strstr(whole, "\"processes\""))
		return fprintf(stderr, "iter-chunks: no model\n"), 1;
	/* Two reads, the first ending at k (in every record, at every byte). */
	for (k = 1; k < max && !bad; k++, tries++) {
		for (i = 0; i < BPF_ITER_NR; i++)
			first[i] = k < out[i].len ? k : out[i].len;
		got = model(out, first, max);
		if (strcmp(got, whole)) {
			fprintf(stderr, "iter-chunks: a read ending at byte %zu:\n%s\nwhole:\n%s\n",
				k, got, whole);
			bad = 1;
		}
		free(got);
	}
	/* Reads of 1 to 97 bytes each. */
	for (step = 1; step < 98 && !bad; step++, tries++) {
		for (i = 0; i < BPF_ITER_NR; i++)
			first[i] = step;
		got = model(out, first, step);
		if (strcmp(got, whole)) {
			fprintf(stderr, "iter-chunks: reads of %zu bytes:\n%s\nwhole:\n%s\n", step,
				got, whole);
			bad = 1;
		}
		free(got);
	}
	if (!bad)
		printf("ok %zu\n%s", tries, whole);
	free(whole);
	for (i = 0; i < BPF_ITER_NR; i++)
		free(out[i].data);
	return bad;
}

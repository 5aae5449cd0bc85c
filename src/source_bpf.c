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
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "parse.h"
#include "source.h"
#include "bpf_iters.h"
#include "clock.h"
#include "iter_record.h"
#include "ksyms.h"
#include "util.h"
#include "vfio.h"

/* The iterator's callback addresses, named from kallsyms. */
static const char *callback_name(void *ks, uint64_t addr)
{
	return ksyms_name(ks, addr);
}

static const enum dmabuf_source iter_source[BPF_ITER_NR] = {
	[BPF_ITER_DMABUF] = DMABUF_SRC_BPF,
	[BPF_ITER_TASK_FILE] = DMABUF_SRC_TASK_FILE,
	[BPF_ITER_TASK_VMA] = DMABUF_SRC_TASK_VMA,
};

/*
 * The iterators' records go into the model as they are read, by two
 * threads (bpf_iters.c): one lock keeps the model to one at a time, the
 * kernel's walks go on meanwhile.
 */
struct consume {
	pthread_mutex_t *lock;
	struct iter_parse *ip;
	struct tasks_parse *tp;
};

static size_t consume_dmabuf(void *ctx, const char *data, size_t len)
{
	struct consume *c = ctx;
	size_t n;

	pthread_mutex_lock(c->lock);
	n = parse_iter_chunk(c->ip, data, len);
	pthread_mutex_unlock(c->lock);
	return n;
}

static size_t consume_files(void *ctx, const char *data, size_t len)
{
	struct consume *c = ctx;
	size_t n;

	pthread_mutex_lock(c->lock);
	n = source_tasks_files(c->tp, data, len);
	pthread_mutex_unlock(c->lock);
	return n;
}

static size_t consume_vmas(void *ctx, const char *data, size_t len)
{
	struct consume *c = ctx;
	size_t n;

	pthread_mutex_lock(c->lock);
	n = source_tasks_vmas(c->tp, data, len);
	pthread_mutex_unlock(c->lock);
	return n;
}

int source_bpf_scan(struct dmabuf_set *set, const struct scan_opts *opts)
{
	struct bpf_iters_opts io = { .pin = opts->pin, .devices = vfio_in_kernel() };
	pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
	/* kallsyms is read at the first callback: static importers (most)
	 * never cost that. */
	struct ksyms *ks = ksyms_new();
	struct iter_parse ip;
	struct consume c = { .lock = &lock, .ip = &ip };
	struct bpf_iters it;
	int k, ret = -EOPNOTSUPP;
	uint64_t t;

	for (k = 0; k < BPF_ITER_NR; k++) {
		if (opts->sysroot)
			dmabuf_source_skipped(set, iter_source[k],
					      "replaying a captured tree (--sysroot)");
		io.want[k] = true;
		io.consume_ctx[k] = &c;
	}
	if (opts->sysroot) {
		ksyms_free(ks);
		return -EOPNOTSUPP;
	}
	parse_iter_begin(&ip, set, callback_name, ks);
	c.tp = source_tasks_begin(set, opts);
	io.consume[BPF_ITER_DMABUF] = consume_dmabuf;
	io.consume[BPF_ITER_TASK_FILE] = consume_files;
	io.consume[BPF_ITER_TASK_VMA] = consume_vmas;
	bpf_iters_read(&it, &io);
	t = mono_ns();
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
	ksyms_free(ks);
	if (it.out[BPF_ITER_DMABUF].ok) {
		parse_iter_end(&ip, it.out[BPF_ITER_DMABUF].len);
		dmabuf_source_used(set, DMABUF_SRC_BPF);
	}
	source_tasks_end(c.tp, &it);
	debug_step("scan", "iterators' ends", &t);
	for (k = 0; k < BPF_ITER_NR; k++)
		if (set->status[iter_source[k]].used)
			ret = 0;
	bpf_iters_free(&it);
	return ret;
}

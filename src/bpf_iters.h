/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The BPF iterators of iter.bpf.c (dma-buf, task_file, task_vma), loaded
 * together from one skeleton or read from their pins in bpffs, and their
 * whole output read once each.  Used by source_bpf.c (the dma-buf
 * iterator) and source_tasks.c (the task iterators).
 *
 * Loading (a verifier pass and a parse of vmlinux BTF) costs more than the
 * rest of a list; a pinned iterator is a file that each later run opens
 * and reads.  So a root run on a live system pins what it loaded under
 * BPF_PINS_ROOT/HASH/ (bpf_pins.h; HASH: of the BPF object, so that another
 * build loads and pins its own and removes the others), unless told not
 * to.  A pinned task_file iterator made before drm.ko was loaded cannot see
 * GEM handles: such pins are made again.  Pins with VFIO's device reader
 * are another version (HASH-dev): loading VFIO (which makes them wanted)
 * replaces the pins made before.
 */
#ifndef DMABUFCTL_BPF_ITERS_H
#define DMABUFCTL_BPF_ITERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

enum bpf_iter_kind {
	BPF_ITER_DMABUF,	/* iter/dmabuf, 6.16+ */
	BPF_ITER_TASK_FILE,	/* iter/task_file: fds and GEM handles */
	BPF_ITER_TASK_VMA,	/* iter/task_vma: mappings */
	BPF_ITER_NR,
};

/* Takes the complete records of data[len] as they are read; returns how
 * many bytes they were (the rest is read again with what follows). */
typedef size_t bpf_iter_consume_fn(void *ctx, const char *data, size_t len);

struct bpf_iters_opts {
	bool want[BPF_ITER_NR];
	bool pin;		/* read pins, and pin what is loaded */
	/* The dma-buf iterator also reads exporters' devices (VFIO's,
	 * dmabuf_collect_dev).  Its pins are a version of their own. */
	bool devices;
	/* Given for an iterator, its output goes there as it is read, in a
	 * thread of its own (the dma-buf and task_vma iterators are read
	 * beside task_file): out[].data then keeps what it left at the end. */
	bpf_iter_consume_fn *consume[BPF_ITER_NR];
	void *consume_ctx[BPF_ITER_NR];
};

/* What one iterator gave: its whole output, or why there is none. */
struct bpf_iter_out {
	bool ok;
	char *data;		/* all of it, or what consume() left */
	size_t len;
	int err;		/* -errno when !ok */
	char why[256];
	const char *hint;	/* NULL when none */
};

struct bpf_iters {
	struct bpf_iter_out out[BPF_ITER_NR];
	unsigned int features;	/* ITER_F_* the programs were loaded with */
	bool from_pin;		/* read from pins an earlier run left */
	char pin[128];		/* the pin directory read or made, "" if none */
	char pin_why[256];	/* why not pinned, "" if pinned */
	double load_ms;		/* loading (or opening the pins) */
};

/*
 * Load (or open the pins of) the iterators wanted and read each once.
 * Never fails as a whole: each out[] says what it got.  The caller has
 * checked it runs live (not --sysroot).
 */
void bpf_iters_read(struct bpf_iters *it, const struct bpf_iters_opts *opts);
void bpf_iters_free(struct bpf_iters *it);

#endif

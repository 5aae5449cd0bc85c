// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * The iterators, in one object so that one load (one parse of vmlinux BTF,
 * the dearest part) serves all three:
 *
 * dmabuf_collect (iter/dmabuf, Linux 6.16+, kernel/bpf/dmabuf_iter.c): per
 * buffer one iter_buf record, then one iter_att per attachment and an
 * ITER_MAGIC_MORE record when there are more than ITER_MAX_ATTACH.
 * dmabuf_collect_dev is the same plus, for a VFIO buffer, an iter_dev
 * after its iter_buf (its PCI function, BAR, ranges and revoked state,
 * vfio.bpf.h); bpf_iters.c loads one of the two.
 *
 * task_fds (iter/task_file): every dma-buf fd of every process, and every
 * GEM handle a DRM file holds on a dma-buf, with the holder as /proc names
 * it: the process, or a thread with its own fd table (the iterator visits
 * those and skips threads sharing their leader's table).
 *
 * task_maps (iter/task_vma): every mapping of a dma-buf, held by the
 * process (threads share the address space).
 *
 * Records are in iter_record.h; the walks are bpf_loop() callbacks (5.17+):
 * the verifier checks a callback's body once, not once per iteration as
 * it does an open-coded bounded loop.
 */
#include "dmabuf_kern.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "iter_record.h"
#include "dmabuf_core.bpf.h"
#include "vfio.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* Records are too big for the 512-byte BPF stack. */
struct scratch {
	struct iter_buf b;
	struct iter_att a;
	struct iter_fd f;
	struct iter_drm d;
	struct iter_gem g;
	struct iter_vma v;
	struct iter_hdr h;
	struct iter_dev dv;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch SEC(".maps");

/* State shared with walk_one(); pos is a plain scalar so that the
 * verifier finds the callback's states equal and stops after one pass. */
struct walk {
	struct seq_file *seq;
	struct iter_att *a;
	struct list_head *head;
	struct list_head *pos;
};

/* One attachment per call; 1 ends the walk at the list head (or on a
 * failed read, which leaves pos 0). */
static long walk_one(__u32 i, struct walk *w)
{
	const struct dma_buf_attach_ops *ops;
	struct dma_buf_attachment *att;
	struct iter_att *a = w->a;
	struct list_head *pos = w->pos;

	if (!pos || pos == w->head)
		return 1;
	att = (void *)pos - bpf_core_field_offset(struct dma_buf_attachment, node);
	ops = BPF_CORE_READ(att, importer_ops);
	a->dynamic = ops != NULL;
	a->callback = ops_callback(ops, false);
	a->device[0] = 0;
	read_att_device(att, a->device, false);
	bpf_seq_write(w->seq, a, sizeof(*a));
	w->pos = BPF_CORE_READ(pos, next);
	return 0;
}

/* dev: also each buffer's device where the exporter names one (VFIO). */
static __always_inline int collect(struct bpf_iter__dmabuf *ctx, bool dev)
{
	struct dma_buf *buf = ctx->dmabuf;
	struct scratch *s;
	struct file *file;
	struct walk w;
	__u32 zero = 0;

	/* NULL once, at the end of the walk. */
	if (!buf)
		return 0;
	s = bpf_map_lookup_elem(&scratch, &zero);
	if (!s)
		return 0;

	/* Loads, not probe reads: the iterator's buffer is a trusted pointer. */
	file = buf->file;
	s->b.magic = ITER_MAGIC_BUF;
	s->b.inode = file->f_inode->i_ino;
	s->b.size = buf->size;
	/* Minus the reference dma_buf_iter_begin()/next() hold for us. */
	s->b.refcount = file_count(file, true) - 1;
	s->b.f_flags = file->f_flags;
	s->b.f_mode = file->f_mode;
	s->b.pad = 0;
	s->b.exporter[0] = 0;
	s->b.name[0] = 0;
	read_buf_names(buf, s->b.exporter, s->b.name, true);
	bpf_seq_write(ctx->meta->seq, &s->b, sizeof(s->b));
	if (dev && vfio_read_dev(buf, s->b.exporter, &s->dv)) {
		s->dv.magic = ITER_MAGIC_DEV;
		s->dv.inode = s->b.inode;
		bpf_seq_write(ctx->meta->seq, &s->dv, sizeof(s->dv));
	}

	s->a.magic = ITER_MAGIC_ATT;
	s->a.inode = s->b.inode;
	w.seq = ctx->meta->seq;
	w.a = &s->a;
	w.head = &buf->attachments;
	w.pos = buf->attachments.next;
	bpf_loop(ITER_MAX_ATTACH, walk_one, &w, 0);
	if (w.pos && w.pos != w.head) {
		s->a.magic = ITER_MAGIC_MORE;
		s->a.dynamic = 0;
		s->a.callback = 0;
		s->a.device[0] = 0;
		bpf_seq_write(ctx->meta->seq, &s->a, sizeof(s->a));
	}
	return 0;
}

SEC("iter/dmabuf")
int dmabuf_collect(struct bpf_iter__dmabuf *ctx)
{
	return collect(ctx, false);
}

/*
 * The same with VFIO's devices: a program of its own, loaded only where
 * VFIO buffers may exist, since resolving VFIO's types makes libbpf read
 * every module's BTF on kernels that have vfio_pci_core as a module or not
 * at all (source_bpf.c chooses).
 */
SEC("iter/dmabuf")
int dmabuf_collect_dev(struct bpf_iter__dmabuf *ctx)
{
	return collect(ctx, true);
}

/* ---- task iterators ---- */

#define DMA_BUF_MAGIC	0x444d4142	/* include/uapi/linux/magic.h */
#define S_IFMT		0170000
#define S_IFCHR		0020000
#define MINORBITS	20		/* kernel dev_t: major << 20 | minor */
#define DRM_MAJOR	226
#define ACCEL_MAJOR	261		/* compute accelerators: DRM files too */

/*
 * Every file of every process goes through these: plain loads, which the
 * verifier guards against faults where it knows the pointer's type (the
 * iterators' file and vma, and what their fields lead to), at a fraction
 * of a bpf_probe_read_kernel() call each.
 */

/* The dma-buf filesystem's magic: what every dma-buf file has, whatever
 * its name (fstatfs() tells user space the same). */
static __always_inline bool is_dmabuf(struct inode *inode)
{
	return inode && inode->i_sb->s_magic == DMA_BUF_MAGIC;
}

static __always_inline bool is_drm(struct inode *inode)
{
	__u32 major;

	if (!inode || (inode->i_mode & S_IFMT) != S_IFCHR)
		return false;
	major = inode->i_rdev >> MINORBITS;
	return major == DRM_MAJOR || major == ACCEL_MAJOR;
}

static __always_inline bool have_gem(void)
{
	return bpf_core_type_exists(struct drm_prime_member) &&
	       bpf_core_field_exists(struct drm_file, prime);
}

/* The number of pid in the pid namespace at level (the reader's, as the
 * iterator only visits tasks the reader can see); 0 when it has none.
 * numbers[level] is at a variable offset, which only a probe read takes. */
static __always_inline __u32 ns_nr(struct pid *pid, __u32 level)
{
	int nr = 0;

	if (!pid || pid->level < level)
		return 0;
	bpf_probe_read_kernel(&nr, sizeof(nr), (void *)pid +
			      bpf_core_field_offset(struct pid, numbers) +
			      level * bpf_core_type_size(struct upid) +
			      bpf_core_field_offset(struct upid, nr));
	return nr;
}

static __always_inline __u32 reader_level(void)
{
	return bpf_get_current_task_btf()->thread_pid->level;
}

/*
 * The holder: the process, or a thread with an fd table of its own (/proc
 * names it by its TID).  leader: the process whatever the task (maps).
 * Loads from the iterator's task and what it leads to, not probe reads:
 * under TCG a helper call costs some 100 guest instructions, and this runs
 * once per record (30,000 at 2,000 processes in make bench).  comm is
 * NUL-padded (__set_task_comm()): two words.
 */
static __always_inline void fill_task(struct iter_task *t, struct task_struct *task,
				      bool leader)
{
	struct task_struct *lead = task->group_leader;
	__u32 level = reader_level();
	__u32 tgid, tid;

	tgid = ns_nr(lead->thread_pid, level);
	if (!tgid)
		tgid = task->tgid;
	if (leader || task->pid == task->tgid) {
		tid = tgid;
		task = lead;
	} else {
		tid = ns_nr(task->thread_pid, level);
		if (!tid)
			tid = task->pid;
	}
	t->pid = tid;
	t->tgid = tgid;
	t->cgroup = task->cgroups->dfl_cgrp->kn->id;
	*(__u64 *)&t->comm[0] = *(__u64 *)&task->comm[0];
	*(__u64 *)&t->comm[8] = *(__u64 *)&task->comm[8];
}

/* own: references the iterator itself holds on file (task_file: one).
 * The file's fields are loads; the buffer is private_data, a void
 * pointer the verifier lets a program read through only by probe reads. */
static __always_inline void fill_desc(struct iter_desc *d, struct file *file, long own)
{
	struct dma_buf *buf = file->private_data;

	d->inode = file->f_inode->i_ino;
	d->size = BPF_CORE_READ(buf, size);
	d->refcount = file_count(file, true) - own;
	d->f_flags = file->f_flags;
	d->f_mode = file->f_mode;
	d->exporter[0] = 0;
	d->name[0] = 0;
	read_buf_names(buf, d->exporter, d->name, false);
}

static __always_inline void write_mark(struct seq_file *seq, struct iter_hdr *h, __u32 magic)
{
	h->magic = magic;
	h->features = have_gem() ? ITER_F_GEM : 0;
	bpf_seq_write(seq, h, sizeof(*h));
}

/*
 * A DRM file's PRIME members, in order, without a stack: one move per
 * call.  DOWN goes to the leftmost node below, VISIT writes the node and
 * steps right, UP climbs until it comes from a left child.  The tree is
 * read without prime.lock (an iterator cannot sleep on a mutex): probe
 * reads, and the walk's bounds, keep a tree changing meanwhile harmless.
 */
enum { GEM_DOWN, GEM_VISIT, GEM_UP };

struct gem_walk {
	struct seq_file *seq;
	struct iter_gem *g;
	struct rb_node *node;
	__u32 mode;
	__u32 written;
	bool more;		/* stopped at ITER_MAX_GEM */
};

static long gem_step(__u32 i, struct gem_walk *w)
{
	struct rb_node *node = w->node, *next;
	struct drm_prime_member *m;
	struct iter_gem *g = w->g;
	struct dma_buf *buf;
	struct file *file;

	if (!node)
		return 1;
	if (w->mode == GEM_DOWN) {
		next = BPF_CORE_READ(node, rb_left);
		if (next) {
			w->node = next;
			return 0;
		}
		w->mode = GEM_VISIT;
	}
	if (w->mode == GEM_VISIT) {
		if (w->written >= ITER_MAX_GEM) {
			w->more = true;
			return 1;
		}
		m = (void *)node - bpf_core_field_offset(struct drm_prime_member, dmabuf_rb);
		buf = BPF_CORE_READ(m, dma_buf);
		file = BPF_CORE_READ(buf, file);
		if (buf && file) {
			g->handle = BPF_CORE_READ(m, handle);
			g->inode = BPF_CORE_READ(file, f_inode, i_ino);
			g->size = BPF_CORE_READ(buf, size);
			g->refcount = file_count(file, false);
			bpf_seq_write(w->seq, g, sizeof(*g));
			w->written++;
		}
		next = BPF_CORE_READ(node, rb_right);
		if (next) {
			w->node = next;
			w->mode = GEM_DOWN;
		} else {
			w->mode = GEM_UP;
		}
		return 0;
	}
	/* GEM_UP: the parent is in __rb_parent_color's upper bits. */
	next = (void *)(BPF_CORE_READ(node, __rb_parent_color) & ~3UL);
	if (!next)
		return 1;
	if (BPF_CORE_READ(next, rb_right) != node)
		w->mode = GEM_VISIT;
	w->node = next;
	return 0;
}

static __always_inline void walk_gem(struct seq_file *seq, struct scratch *s,
				     struct task_struct *task, struct file *file, __u32 fd)
{
	struct drm_file *df = BPF_CORE_READ(file, private_data);
	struct iter_drm *d = &s->d;
	struct drm_minor *minor;
	struct gem_walk w;

	if (!df)
		return;
	w.node = BPF_CORE_READ(df, prime.dmabufs.rb_node);
	if (!w.node)
		return;
	d->magic = ITER_MAGIC_DRM;
	d->fd = fd;
	d->file = (__u64)df;
	fill_task(&d->t, task, false);
	minor = BPF_CORE_READ(df, minor);
	d->device[0] = 0;
	d->driver[0] = 0;
	d->node[0] = 0;
	read_dev_name(BPF_CORE_READ(minor, dev, dev), d->device, sizeof(d->device), false);
	read_dev_name(BPF_CORE_READ(minor, kdev), d->node, sizeof(d->node), false);
	bpf_probe_read_kernel_str(d->driver, sizeof(d->driver),
				  BPF_CORE_READ(minor, dev, driver, name));
	bpf_seq_write(seq, d, sizeof(*d));

	s->g.magic = ITER_MAGIC_GEM;
	w.seq = seq;
	w.g = &s->g;
	w.mode = GEM_DOWN;
	w.written = 0;
	w.more = false;
	/* At most three moves per member. */
	bpf_loop(3 * ITER_MAX_GEM + 64, gem_step, &w, 0);
	if (w.more) {
		s->g.magic = ITER_MAGIC_GMOR;
		bpf_seq_write(seq, &s->g, sizeof(s->g));
	}
}

SEC("iter/task_file")
int task_fds(struct bpf_iter__task_file *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *task = ctx->task;
	struct file *file = ctx->file;
	struct inode *inode;
	struct scratch *s;
	__u32 zero = 0;

	s = bpf_map_lookup_elem(&scratch, &zero);
	if (!s)
		return 0;
	if (ctx->meta->seq_num == 0)
		write_mark(seq, &s->h, ITER_MAGIC_HDR);
	/* NULL once, when the walk is over. */
	if (!file || !task) {
		if (!file)
			write_mark(seq, &s->h, ITER_MAGIC_END);
		return 0;
	}
	inode = file->f_inode;
	if (is_dmabuf(inode)) {
		s->f.magic = ITER_MAGIC_FD;
		s->f.fd = ctx->fd;
		fill_task(&s->f.t, task, false);
		/* Less the reference the iterator holds while we run. */
		fill_desc(&s->f.d, file, 1);
		bpf_seq_write(seq, &s->f, sizeof(s->f));
		return 0;
	}
	if (have_gem() && is_drm(inode))
		walk_gem(seq, s, task, file, ctx->fd);
	return 0;
}

/* VM_READ, VM_WRITE, VM_EXEC, VM_MAYSHARE: what maps shows as "rwxs". */
#define VM_SHOWN	(0x1 | 0x2 | 0x4 | 0x80)

SEC("iter/task_vma")
int task_maps(struct bpf_iter__task_vma *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct vm_area_struct *vma = ctx->vma;
	struct task_struct *task = ctx->task;
	struct scratch *s;
	struct file *file;
	__u32 zero = 0;

	s = bpf_map_lookup_elem(&scratch, &zero);
	if (!s)
		return 0;
	if (!vma || !task) {
		if (!vma)
			write_mark(seq, &s->h, ITER_MAGIC_END);
		return 0;
	}
	/* Threads with their own fd table are visited too, and share the
	 * address space: the process's leader reports it. */
	if (task->pid != task->tgid)
		return 0;
	file = vma->vm_file;
	if (!file || !is_dmabuf(file->f_inode))
		return 0;
	s->v.magic = ITER_MAGIC_VMA;
	s->v.pad = 0;
	s->v.start = vma->vm_start;
	s->v.end = vma->vm_end;
	s->v.pgoff = vma->vm_pgoff;
	s->v.vm_flags = vma->vm_flags & VM_SHOWN;
	fill_task(&s->v.t, task, true);
	fill_desc(&s->v.d, file, 0);
	bpf_seq_write(seq, &s->v, sizeof(s->v));
	return 0;
}

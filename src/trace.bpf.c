// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dmabufctl trace: dma-buf lifecycle, importer attachments and invalidations.
 *
 * Every hook comes twice: an fentry/fexit program (BPF trampolines, the
 * default) and a kprobe/kretprobe one (the fallback where trampolines are
 * missing).  The loader (tracer.c) turns one set off, and turns off any
 * program whose target this kernel's BTF lacks.  Hooks are on functions that
 * exist in both 6.12 and 7.x; 7.x tracepoints are not used because 6.12 has
 * none.
 */
#include "dmabuf_kern.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "trace_event.h"
#include "dmabuf_core.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/* Set by the loader before load: 0 traces every buffer. */
const volatile __u64 targ_inode = 0;
/* How long after an invalidate every record wakes the reader: the
 * importers' --timeout (confirmations are final as soon as they are read). */
const volatile __u64 wake_window_ns = 3000000000ull;

__u64 lost = 0;		/* events dropped: ring buffer full */
__u64 truncated = 0;	/* invalidates with more than TRACE_MAX_ATTACH attachments */
__u64 inval_until = 0;	/* ktime until which every record wakes the reader */
__u64 last_wake = 0;	/* ktime of the last wakeup asked for */
__u64 since_wake = 0;	/* bytes submitted since then */

/*
 * Names once per object (trace_event.h).  dma-buf inode numbers count up
 * (dma_buf_getfile(): one atomic64 for all buffers, 6.12 and 7.x), so
 * every buffer from the first one exported after the loader set armed (all
 * programs attached) on was seen whole: its export and every attach.  The
 * first such export is one whose entry came after armed (fe_export), so
 * that its inode was taken after it too; the loader then removes that
 * entry program.  A buffer exported while trace.bpf.c was being attached
 * and blocked until after that export took its inode would be the
 * exception (it would show no exporter).  Before born_from is set and
 * after any lost record, every record carries its names.
 */
__u32 armed = 0;	/* set by the loader once attached (fentry mode) */
__u64 born_from = 0;	/* buffers with this inode and up were seen whole */

#define RING_SIZE	(8 << 20)	/* about 40000 events of burst */

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, RING_SIZE);
} events SEC(".maps");

/*
 * Wakeups.  A wakeup per record costs the traced task an interrupt and an
 * IPI, and the tracer a context switch per event: at a few thousand events
 * a second that was most of what tracing cost.  So a record wakes the
 * reader only when it is the first in TRACE_WAKE_NS, when a quarter of the
 * ring was written since the last wakeup, or while an invalidate's
 * confirmations are pending; the rest wait for the next wakeup or the
 * reader's own timeout (tracer.c), at most TRACE_WAKE_NS later.  Bytes are
 * counted here rather than asked of the ring (bpf_ringbuf_query()): one
 * helper call less per record, and a reader that falls behind (or is
 * stopped) is no longer woken by every record once the ring is a quarter
 * full, which only slowed the traced task (under TCG, the 2,300 wakeups of
 * a 3,000-round churn with trace stopped made it 1.2-3 times as slow as
 * bare, on a busy host).
 * Races between CPUs on these counters only cost an extra or a missing
 * wakeup, which the timeout covers.
 */
static __always_inline void ev_submit(struct trace_event *e)
{
	__u64 flags = BPF_RB_NO_WAKEUP;

	since_wake += sizeof(*e);
	if (e->ts < inval_until || e->ts - last_wake >= TRACE_WAKE_NS ||
	    since_wake >= RING_SIZE / 4) {
		flags = BPF_RB_FORCE_WAKEUP;
		last_wake = e->ts;
		since_wake = 0;
	}
	bpf_ringbuf_submit(e, flags);
}

/*
 * Per-thread state: whether we are inside an _unlocked wrapper (its locked
 * callee must then not report twice; the compiler may or may not inline the
 * callee, so both are hooked), and kprobe arguments kept for the kretprobe.
 */
enum { ST_MAP_UNLOCKED = 1, ST_UNMAP_UNLOCKED, ST_MAP, ST_MMAP, ST_EXPORT, ST_INVALIDATE,
       ST_CAUSE, ST_DIRECTION };

struct stash_key {
	__u32 tid;
	__u32 what;
};

struct stash_val {
	__u64 a, b;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8192);
	__type(key, struct stash_key);
	__type(value, struct stash_val);
} stash SEC(".maps");

#define IS_ERR_PTR(p) ((unsigned long)(p) >= (unsigned long)-4095)

static __always_inline void stash_put(__u32 what, __u64 a, __u64 b)
{
	struct stash_key k = { (__u32)bpf_get_current_pid_tgid(), what };
	struct stash_val v = { a, b };

	bpf_map_update_elem(&stash, &k, &v, BPF_ANY);
}

/* Returns 1 and fills *v when present; always deletes. */
static __always_inline int stash_take(__u32 what, struct stash_val *v)
{
	struct stash_key k = { (__u32)bpf_get_current_pid_tgid(), what };
	struct stash_val *p = bpf_map_lookup_elem(&stash, &k);

	if (!p)
		return 0;
	*v = *p;
	bpf_map_delete_elem(&stash, &k);
	return 1;
}

static __always_inline int stash_has(__u32 what)
{
	struct stash_key k = { (__u32)bpf_get_current_pid_tgid(), what };

	return bpf_map_lookup_elem(&stash, &k) != NULL;
}

/* Returns 1 and fills *v when present; keeps it. */
static __always_inline int stash_peek(__u32 what, struct stash_val *v)
{
	struct stash_key k = { (__u32)bpf_get_current_pid_tgid(), what };
	struct stash_val *p = bpf_map_lookup_elem(&stash, &k);

	if (!p)
		return 0;
	*v = *p;
	return 1;
}

static __always_inline void stash_del(__u32 what)
{
	struct stash_key k = { (__u32)bpf_get_current_pid_tgid(), what };

	bpf_map_delete_elem(&stash, &k);
}

/* Whether the buffer with this inode is one we report (targ_inode). */
static __always_inline int traced(__u64 ino)
{
	return !targ_inode || ino == targ_inode;
}

/* Whether this buffer's export and attaches were all seen and none lost:
 * its records then leave the names to the reader (born_from above). */
static __always_inline bool seen_whole(__u64 ino)
{
	return born_from && ino >= born_from && !lost;
}

/*
 * The buffer behind a dma-buf file: private_data is a void pointer, which
 * the verifier lets a program load from only through
 * bpf_probe_read_kernel() calls.  bpf_rdonly_cast() (6.2+; the verifier
 * turns the call into a move) types it as struct dma_buf: fentry programs
 * then load its fields directly, guarded against faults as probe reads
 * are, without the helper calls (two a release record).
 */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;

static __always_inline struct dma_buf *file_buf(struct file *file, bool direct)
{
	void *p = CORE_RD(direct, file->private_data, file, private_data);

	if (!direct || !p)
		return p;
	return bpf_rdonly_cast(p, bpf_core_type_id_kernel(struct dma_buf));
}

/* direct: in the helpers below, what CORE_RD() does with pointers the
 * verifier knows (fentry/fexit arguments): true there, false for kprobes. */
static __always_inline __u64 buf_inode(struct dma_buf *buf, bool direct)
{
	return CORE_RD(direct, buf->file->f_inode->i_ino, buf, file, f_inode, i_ino);
}

/*
 * The caller's pid, tid and comm are loads from its task_struct, not
 * bpf_get_current_pid_tgid() and bpf_get_current_comm(): under TCG a helper
 * call costs some 100 guest instructions (bpf_stats in an icount guest: the
 * comm's call and strscpy_pad() were a quarter of a record's 850), and
 * bpf_get_current_task_btf() is inlined on x86-64 (7.2; one call on 6.12).
 * comm is copied as two words: it is NUL-padded (__set_task_comm()), and
 * the reader ends it anyway.
 */
static __always_inline void ev_task(struct trace_event *e)
{
	struct task_struct *task = bpf_get_current_task_btf();

	e->pid = task->tgid;
	e->tid = task->pid;
	*(__u64 *)&e->comm[0] = *(__u64 *)&task->comm[0];
	*(__u64 *)&e->comm[8] = *(__u64 *)&task->comm[8];
}

static __always_inline struct trace_event *ev_new(__u32 kind, __u64 inode)
{
	struct trace_event *e;

	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e) {
		__sync_fetch_and_add(&lost, 1);
		return NULL;
	}
	e->ts = bpf_ktime_get_ns();
	e->inode = inode;
	e->buf = 0;
	e->size = 0;
	e->attach = 0;
	e->callback = 0;
	e->arg = 0;
	ev_task(e);
	e->kind = kind;
	e->dynamic = 0;
	e->slot = 0;
	e->flags = 0;
	e->exporter[0] = 0;
	e->name[0] = 0;
	e->device[0] = 0;
	e->direction = TRACE_DIR_UNKNOWN;
	e->cause = TRACE_CAUSE_UNKNOWN;
	return e;
}

/* The exporter is constant for the buffer's life and read once (named
 * false); the name can be set any time (DMA_BUF_SET_NAME): read each time,
 * where set. */
static __always_inline void fill_buf(struct trace_event *e, struct dma_buf *buf, bool named,
				     bool direct)
{
	e->buf = (__u64)buf;
	e->size = CORE_RD(direct, buf->size, buf, size);
	if (!named) {
		read_buf_exporter(buf, e->exporter, direct);
		e->flags |= TRACE_F_EXPORTER;
	}
	read_buf_name(buf, e->name, direct);
}

/* named: the reader has the device from the attach record. */
static __always_inline void fill_attach(struct trace_event *e, struct dma_buf_attachment *att,
					bool named, bool direct)
{
	const struct dma_buf_attach_ops *ops;

	e->attach = (__u64)att;
	ops = CORE_RD(direct, att->importer_ops, att, importer_ops);
	e->dynamic = ops != NULL;
	e->callback = ops_callback(ops, direct);
	if (!named) {
		read_att_device(att, e->device, direct);
		e->flags |= TRACE_F_DEVICE;
	}
}

static __always_inline int do_export(struct dma_buf *buf, bool direct)
{
	struct trace_event *e;
	__u64 ino;

	if (!buf || IS_ERR_PTR(buf))
		return 0;
	ino = buf_inode(buf, direct);
	if (!traced(ino))
		return 0;
	e = ev_new(TRACE_EXPORT, ino);
	if (!e)
		return 0;
	fill_buf(e, buf, false, direct);
	ev_submit(e);
	return 0;
}

/* dma_buf_file_release(): the file's last reference; the buffer goes with it.
 * (dma_buf_release(), the dentry op, runs after the inode is unlinked.) */
static __always_inline int do_release(struct inode *inode, struct file *file, bool direct)
{
	struct trace_event *e;
	struct dma_buf *buf;
	__u64 ino;

	ino = CORE_RD(direct, inode->i_ino, inode, i_ino);
	if (!traced(ino))
		return 0;
	buf = file_buf(file, direct);
	if (!buf)
		return 0;
	e = ev_new(TRACE_RELEASE, ino);
	if (!e)
		return 0;
	fill_buf(e, buf, seen_whole(ino), direct);
	ev_submit(e);
	return 0;
}

static __always_inline int do_mmap(struct file *file, struct vm_area_struct *vma, long ret,
				   bool direct)
{
	struct trace_event *e;
	struct dma_buf *buf;
	__u64 ino;

	if (ret)
		return 0;
	ino = CORE_RD(direct, file->f_inode->i_ino, file, f_inode, i_ino);
	if (!traced(ino))
		return 0;
	buf = file_buf(file, direct);
	e = ev_new(TRACE_MMAP, ino);
	if (!e)
		return 0;
	if (buf)
		fill_buf(e, buf, seen_whole(ino), direct);
	e->size = CORE_RD(direct, vma->vm_end, vma, vm_end) -
		  CORE_RD(direct, vma->vm_start, vma, vm_start);
	e->arg = CORE_RD(direct, vma->vm_pgoff, vma, vm_pgoff) << 12;
	ev_submit(e);
	return 0;
}

static __always_inline int do_attach_ev(__u32 kind, struct dma_buf *buf,
					struct dma_buf_attachment *att, bool direct)
{
	struct trace_event *e;
	bool whole;
	__u64 ino;

	if (!att || IS_ERR_PTR(att))
		return 0;
	if (!buf)
		buf = CORE_RD(direct, att->dmabuf, att, dmabuf);
	if (!buf)
		return 0;
	ino = buf_inode(buf, direct);
	if (!traced(ino))
		return 0;
	e = ev_new(kind, ino);
	if (!e)
		return 0;
	whole = seen_whole(ino);
	fill_buf(e, buf, whole, direct);
	fill_attach(e, att, whole && kind != TRACE_ATTACH, direct);
	ev_submit(e);
	return 0;
}

/*
 * Why this thread invalidates, and which way, where an enclosing call told
 * (the cause hooks below): VFIO's vfio_pci_dma_buf_move() says the
 * direction, the outer VFIO call or the revoke ioctl the cause.
 */
static __always_inline void fill_why(struct trace_event *e)
{
	struct stash_val v;

	if (stash_peek(ST_CAUSE, &v))
		e->cause = (__u32)v.a;
	if (stash_peek(ST_DIRECTION, &v))
		e->direction = (__u32)v.a;
	else if (e->cause == TRACE_CAUSE_IOCTL)
		e->direction = TRACE_DIR_REVOKE;
}

static __always_inline int do_invalidate(struct dma_buf *buf)
{
	struct dma_buf_attachment *att;
	struct list_head *head, *pos;
	struct trace_event *e;
	__u64 ino, id;
	bool whole;
	int i;

	/* Rare: probe reads, and the list walk needs them. */
	ino = buf_inode(buf, false);
	if (!traced(ino))
		return 0;
	e = ev_new(TRACE_INVALIDATE, ino);
	if (!e)
		return 0;
	whole = seen_whole(ino);
	fill_buf(e, buf, whole, false);
	fill_why(e);
	id = e->ts;
	inval_until = e->ts + wake_window_ns;
	ev_submit(e);

	/* The caller holds the reservation lock: the list is stable. */
	head = &buf->attachments;
	pos = BPF_CORE_READ(buf, attachments.next);
	for (i = 0; i < TRACE_MAX_ATTACH; i++) {
		if (!pos || pos == head)
			return 0;
		att = (void *)pos - bpf_core_field_offset(att->node);
		e = ev_new(TRACE_INV_ATTACH, ino);
		if (e) {
			e->buf = (__u64)buf;
			fill_attach(e, att, whole, false);
			e->arg = id;
			ev_submit(e);
		}
		pos = BPF_CORE_READ(pos, next);
	}
	if (pos && pos != head)
		__sync_fetch_and_add(&truncated, 1);
	return 0;
}

static __always_inline int do_inv_done(struct dma_buf *buf)
{
	struct trace_event *e;
	__u64 ino;

	ino = buf_inode(buf, false);
	if (!traced(ino))
		return 0;
	e = ev_new(TRACE_INV_DONE, ino);
	if (e) {
		e->buf = (__u64)buf;
		ev_submit(e);
	}
	return 0;
}

static __always_inline int do_callback(struct dma_buf_attachment *att, __u32 slot, bool direct)
{
	struct trace_event *e;
	struct dma_buf *buf;
	bool whole;
	__u64 ino;

	buf = CORE_RD(direct, att->dmabuf, att, dmabuf);
	if (!buf)
		return 0;
	ino = buf_inode(buf, direct);
	if (!traced(ino))
		return 0;
	e = ev_new(TRACE_CALLBACK, ino);
	if (!e)
		return 0;
	whole = seen_whole(ino);
	fill_buf(e, buf, whole, direct);
	fill_attach(e, att, whole, direct);
	e->slot = slot;
	ev_submit(e);
	return 0;
}

/* The exit of dma_buf_map_attachment{,_unlocked}(): the attachment was
 * stashed under what on entry. */
static __always_inline int do_map_ret(__u32 what, void *ret)
{
	struct stash_val v;

	if (!stash_take(what, &v) || IS_ERR_PTR(ret))
		return 0;
	return do_attach_ev(TRACE_MAP, NULL, (void *)v.a, false);
}

static __always_inline int do_unmap_unl(struct dma_buf_attachment *att, bool direct)
{
	stash_put(ST_UNMAP_UNLOCKED, (__u64)att, 0);
	return do_attach_ev(TRACE_UNMAP, NULL, att, direct);
}

/* The locked callee: already reported by its _unlocked wrapper. */
static __always_inline int do_unmap(struct dma_buf_attachment *att, bool direct)
{
	if (stash_has(ST_UNMAP_UNLOCKED))
		return 0;
	return do_attach_ev(TRACE_UNMAP, NULL, att, direct);
}

/* ---- fentry/fexit (BPF trampolines) ---- */

/* Only until born_from is set: the loader then removes it. */
SEC("fentry/dma_buf_export")
int BPF_PROG(fe_export)
{
	if (armed && !born_from)
		stash_put(ST_EXPORT, 0, 0);
	return 0;
}

SEC("fexit/dma_buf_export")
int BPF_PROG(fx_export, const void *exp_info, struct dma_buf *ret)
{
	struct stash_val v;

	/* Two CPUs may both set it: either inode was taken after armed. */
	if (!born_from && stash_take(ST_EXPORT, &v) && ret && !IS_ERR_PTR(ret))
		born_from = buf_inode(ret, true);
	return do_export(ret, true);
}

SEC("fentry/dma_buf_file_release")
int BPF_PROG(fe_release, struct inode *inode, struct file *file)
{
	return do_release(inode, file, true);
}

SEC("fexit/dma_buf_mmap_internal")
int BPF_PROG(fx_mmap, struct file *file, struct vm_area_struct *vma, int ret)
{
	return do_mmap(file, vma, ret, true);
}

SEC("fexit/dma_buf_dynamic_attach")
int BPF_PROG(fx_attach, struct dma_buf *buf, struct device *dev, const void *ops,
	     void *priv, struct dma_buf_attachment *ret)
{
	return do_attach_ev(TRACE_ATTACH, buf, ret, true);
}

SEC("fentry/dma_buf_detach")
int BPF_PROG(fe_detach, struct dma_buf *buf, struct dma_buf_attachment *att)
{
	return do_attach_ev(TRACE_DETACH, buf, att, true);
}

SEC("fentry/dma_buf_map_attachment_unlocked")
int BPF_PROG(fe_map_unl, struct dma_buf_attachment *att)
{
	stash_put(ST_MAP_UNLOCKED, (__u64)att, 0);
	return 0;
}

SEC("fexit/dma_buf_map_attachment_unlocked")
int BPF_PROG(fx_map_unl, struct dma_buf_attachment *att, int dir, void *ret)
{
	stash_del(ST_MAP_UNLOCKED);
	if (IS_ERR_PTR(ret))
		return 0;
	return do_attach_ev(TRACE_MAP, NULL, att, true);
}

SEC("fexit/dma_buf_map_attachment")
int BPF_PROG(fx_map, struct dma_buf_attachment *att, int dir, void *ret)
{
	if (IS_ERR_PTR(ret) || stash_has(ST_MAP_UNLOCKED))
		return 0;
	return do_attach_ev(TRACE_MAP, NULL, att, true);
}

SEC("fentry/dma_buf_unmap_attachment_unlocked")
int BPF_PROG(fe_unmap_unl, struct dma_buf_attachment *att)
{
	return do_unmap_unl(att, true);
}

SEC("fexit/dma_buf_unmap_attachment_unlocked")
int BPF_PROG(fx_unmap_unl, struct dma_buf_attachment *att)
{
	stash_del(ST_UNMAP_UNLOCKED);
	return 0;
}

SEC("fentry/dma_buf_unmap_attachment")
int BPF_PROG(fe_unmap, struct dma_buf_attachment *att)
{
	return do_unmap(att, true);
}

/* Target set at run time: dma_buf_invalidate_mappings (7.1+) or
 * dma_buf_move_notify (before). */
SEC("fentry")
int BPF_PROG(fe_inval, struct dma_buf *buf)
{
	return do_invalidate(buf);
}

SEC("fexit")
int BPF_PROG(fx_inval, struct dma_buf *buf)
{
	return do_inv_done(buf);
}

/*
 * Why an invalidate happens (fill_why()): each entry stashes the cause for
 * its thread, each exit drops it.  VFIO's (6.19+: vfio-pci, maybe a module)
 * and the revoke series' functions: optional, missing ones only cost the
 * detail (probes.c).
 */
#define VFIO_DEVICE_RESET		0x3b6f	/* _IO(';', 100 + 11) */
#define VFIO_DEVICE_PCI_HOT_RESET	0x3b71	/* _IO(';', 100 + 13) */
#define DMA_BUF_IOCTL_REVOKE		0x6204	/* _IO('b', 4): the revoke series */

static __always_inline __u32 vfio_ioctl_cause(unsigned int cmd)
{
	return cmd == VFIO_DEVICE_RESET || cmd == VFIO_DEVICE_PCI_HOT_RESET ?
	       TRACE_CAUSE_RESET : TRACE_CAUSE_UNKNOWN;
}

static __always_inline __u32 dmabuf_ioctl_cause(unsigned int cmd)
{
	return cmd == DMA_BUF_IOCTL_REVOKE ? TRACE_CAUSE_IOCTL : TRACE_CAUSE_UNKNOWN;
}

static __always_inline int cause_enter(__u32 cause)
{
	if (cause)
		stash_put(ST_CAUSE, cause, 0);
	return 0;
}

static __always_inline int cause_exit(__u32 cause)
{
	if (cause)
		stash_del(ST_CAUSE);
	return 0;
}

/* vfio_pci_dma_buf_move(vdev, bool revoked): only the low byte of a bool
 * argument is defined. */
static __always_inline int direction_enter(unsigned long revoked)
{
	stash_put(ST_DIRECTION, (__u8)revoked ? TRACE_DIR_REVOKE : TRACE_DIR_RESTORE, 0);
	return 0;
}

SEC("fentry")
int BPF_PROG(fe_vfio_decoding)
{
	return cause_enter(TRACE_CAUSE_DECODING);
}

SEC("fexit")
int BPF_PROG(fx_vfio_decoding)
{
	return cause_exit(TRACE_CAUSE_DECODING);
}

SEC("fentry")
int BPF_PROG(fe_vfio_ioctl, void *core_vdev, unsigned int cmd)
{
	return cause_enter(vfio_ioctl_cause(cmd));
}

SEC("fexit")
int BPF_PROG(fx_vfio_ioctl, void *core_vdev, unsigned int cmd)
{
	return cause_exit(vfio_ioctl_cause(cmd));
}

SEC("fentry")
int BPF_PROG(fe_vfio_close)
{
	return cause_enter(TRACE_CAUSE_CLOSE);
}

SEC("fexit")
int BPF_PROG(fx_vfio_close)
{
	return cause_exit(TRACE_CAUSE_CLOSE);
}

SEC("fentry")
int BPF_PROG(fe_revoke_ioctl, struct file *file, unsigned int cmd)
{
	return cause_enter(dmabuf_ioctl_cause(cmd));
}

SEC("fexit")
int BPF_PROG(fx_revoke_ioctl, struct file *file, unsigned int cmd)
{
	return cause_exit(dmabuf_ioctl_cause(cmd));
}

SEC("fentry")
int BPF_PROG(fe_vfio_move, void *vdev, unsigned long revoked)
{
	return direction_enter(revoked);
}

SEC("fexit")
int BPF_PROG(fx_vfio_move)
{
	stash_del(ST_DIRECTION);
	return 0;
}

/* Importer callbacks: identical programs, targets set at run time. */
#define CALLBACK_SLOT(n)						\
SEC("fentry")								\
int BPF_PROG(fe_cb##n, struct dma_buf_attachment *att)			\
{									\
	return do_callback(att, n, true);				\
}									\
SEC("kprobe")								\
int BPF_KPROBE(kp_cb##n, struct dma_buf_attachment *att)		\
{									\
	return do_callback(att, n, false);				\
}

CALLBACK_SLOT(0)
CALLBACK_SLOT(1)
CALLBACK_SLOT(2)
CALLBACK_SLOT(3)
CALLBACK_SLOT(4)
CALLBACK_SLOT(5)
CALLBACK_SLOT(6)
CALLBACK_SLOT(7)

/* ---- kprobes (fallback); attached by name from user space ---- */

SEC("kretprobe")
int BPF_KRETPROBE(kr_export, struct dma_buf *ret)
{
	return do_export(ret, false);
}

SEC("kprobe")
int BPF_KPROBE(kp_release, struct inode *inode, struct file *file)
{
	return do_release(inode, file, false);
}

SEC("kprobe")
int BPF_KPROBE(kp_mmap, struct file *file, struct vm_area_struct *vma)
{
	stash_put(ST_MMAP, (__u64)file, (__u64)vma);
	return 0;
}

SEC("kretprobe")
int BPF_KRETPROBE(kr_mmap, long ret)
{
	struct stash_val v;

	if (!stash_take(ST_MMAP, &v))
		return 0;
	return do_mmap((void *)v.a, (void *)v.b, (int)ret, false);
}

SEC("kretprobe")
int BPF_KRETPROBE(kr_attach, struct dma_buf_attachment *ret)
{
	return do_attach_ev(TRACE_ATTACH, NULL, ret, false);
}

SEC("kprobe")
int BPF_KPROBE(kp_detach, struct dma_buf *buf, struct dma_buf_attachment *att)
{
	return do_attach_ev(TRACE_DETACH, buf, att, false);
}

SEC("kprobe")
int BPF_KPROBE(kp_map_unl, struct dma_buf_attachment *att)
{
	stash_put(ST_MAP_UNLOCKED, (__u64)att, 0);
	return 0;
}

SEC("kretprobe")
int BPF_KRETPROBE(kr_map_unl, void *ret)
{
	return do_map_ret(ST_MAP_UNLOCKED, ret);
}

SEC("kprobe")
int BPF_KPROBE(kp_map, struct dma_buf_attachment *att)
{
	if (!stash_has(ST_MAP_UNLOCKED))
		stash_put(ST_MAP, (__u64)att, 0);
	return 0;
}

SEC("kretprobe")
int BPF_KRETPROBE(kr_map, void *ret)
{
	return do_map_ret(ST_MAP, ret);
}

SEC("kprobe")
int BPF_KPROBE(kp_unmap_unl, struct dma_buf_attachment *att)
{
	return do_unmap_unl(att, false);
}

SEC("kretprobe")
int BPF_KRETPROBE(kr_unmap_unl)
{
	stash_del(ST_UNMAP_UNLOCKED);
	return 0;
}

SEC("kprobe")
int BPF_KPROBE(kp_unmap, struct dma_buf_attachment *att)
{
	return do_unmap(att, false);
}

SEC("kprobe")
int BPF_KPROBE(kp_inval, struct dma_buf *buf)
{
	stash_put(ST_INVALIDATE, (__u64)buf, 0);
	return do_invalidate(buf);
}

SEC("kretprobe")
int BPF_KRETPROBE(kr_inval)
{
	struct stash_val v;

	if (!stash_take(ST_INVALIDATE, &v))
		return 0;
	return do_inv_done((void *)v.a);
}

/* Causes and direction (see the fentry ones): a kretprobe cannot see the
 * arguments, so the ioctl ones drop the stash whatever the command was. */
SEC("kprobe")
int BPF_KPROBE(kp_vfio_decoding)
{
	return cause_enter(TRACE_CAUSE_DECODING);
}

SEC("kretprobe")
int BPF_KRETPROBE(kr_vfio_decoding)
{
	stash_del(ST_CAUSE);
	return 0;
}

SEC("kprobe")
int BPF_KPROBE(kp_vfio_ioctl, void *core_vdev, unsigned int cmd)
{
	return cause_enter(vfio_ioctl_cause(cmd));
}

SEC("kretprobe")
int BPF_KRETPROBE(kr_vfio_ioctl)
{
	stash_del(ST_CAUSE);
	return 0;
}

SEC("kprobe")
int BPF_KPROBE(kp_vfio_close)
{
	return cause_enter(TRACE_CAUSE_CLOSE);
}

SEC("kretprobe")
int BPF_KRETPROBE(kr_vfio_close)
{
	stash_del(ST_CAUSE);
	return 0;
}

SEC("kprobe")
int BPF_KPROBE(kp_revoke_ioctl, struct file *file, unsigned int cmd)
{
	return cause_enter(dmabuf_ioctl_cause(cmd));
}

SEC("kretprobe")
int BPF_KRETPROBE(kr_revoke_ioctl)
{
	stash_del(ST_CAUSE);
	return 0;
}

SEC("kprobe")
int BPF_KPROBE(kp_vfio_move, void *vdev, unsigned long revoked)
{
	return direction_enter(revoked);
}

SEC("kretprobe")
int BPF_KRETPROBE(kr_vfio_move)
{
	stash_del(ST_DIRECTION);
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The few kernel types the BPF programs read, written by hand for CO-RE:
 * each struct lists only the members we touch, and libbpf relocates every
 * access against the running kernel's BTF at load time, so member order and
 * the rest of the struct do not matter.  No generated vmlinux.h.
 *
 * Checked against Linux 6.12 and 7.2 (include/linux/dma-buf.h, fs.h,
 * device.h, sched.h, pid.h, mm_types.h, cgroup-defs.h, kernfs.h, pci.h,
 * pci-p2pdma.h, include/drm/drm_file.h, drm_prime.h, drivers/gpu/drm/drm_prime.c,
 * drivers/vfio/pci/vfio_pci_dmabuf.c, kernel/bpf/dmabuf_iter.c, task_iter.c).
 */
#ifndef DMABUFCTL_DMABUF_KERN_H
#define DMABUFCTL_DMABUF_KERN_H

/* The uapi integer types: <linux/types.h> needs <asm/types.h>, which the
 * BPF target does not find on multiarch systems. */
typedef unsigned char __u8;
typedef unsigned short __u16;
typedef unsigned int __u32;
typedef unsigned long long __u64;
typedef signed char __s8;
typedef short __s16;
typedef int __s32;
typedef long long __s64;
typedef __u16 __be16;
typedef __u32 __be32;
typedef __u32 __wsum;
typedef _Bool bool;
#define true 1
#define false 0

/* uapi constants from <linux/bpf.h> (stable ABI). */
enum {
	BPF_MAP_TYPE_HASH = 1,
	BPF_MAP_TYPE_ARRAY = 2,
	BPF_MAP_TYPE_PERCPU_ARRAY = 6,
	BPF_MAP_TYPE_RINGBUF = 27,
};
enum {
	BPF_ANY = 0,
	BPF_NOEXIST = 1,
};
enum {
	BPF_RB_NO_WAKEUP = 1,
	BPF_RB_FORCE_WAKEUP = 2,
};
enum {
	BPF_RB_AVAIL_DATA = 0,
};

#define __pai __attribute__((preserve_access_index))

/* The register frame kprobes see, per architecture. */
#include "kprobe_regs.h"

struct list_head {
	struct list_head *next, *prev;
} __pai;

struct super_block {
	unsigned long s_magic;
} __pai;

struct inode {
	unsigned short i_mode;		/* umode_t */
	struct super_block *i_sb;
	unsigned long i_ino;
	__u32 i_rdev;			/* dev_t: major << 20 | minor */
} __pai;

struct dentry {
	struct inode *d_inode;
	void *d_fsdata;
} __pai;

typedef struct {
	long counter;
} atomic_long_t;

/* 6.13 replaced file->f_count (atomic_long_t, the count) with f_ref
 * (file_ref_t, the count minus one; negative once released). */
typedef struct {
	atomic_long_t refcnt;
} file_ref_t;

struct file {
	struct inode *f_inode;
	void *private_data;
	unsigned int f_flags;
	unsigned int f_mode;
} __pai;

struct file___old {
	atomic_long_t f_count;
} __pai;

struct file___new {
	file_ref_t f_ref;
} __pai;

/* vm_flags sits in an anonymous union since 6.3: CO-RE finds it there. */
struct vm_area_struct {
	unsigned long vm_start;
	unsigned long vm_end;
	unsigned long vm_pgoff;
	unsigned long vm_flags;
	struct file *vm_file;
} __pai;

/* A task's pid in each namespace from its own (level 0) down. */
struct pid_namespace;

struct upid {
	int nr;
	struct pid_namespace *ns;
} __pai;

struct pid {
	unsigned int level;
	struct upid numbers[1];		/* flexible: level + 1 entries */
} __pai;

struct kernfs_node {
	__u64 id;			/* 5.5+: the cgroup id of a cgroup's node */
} __pai;

struct cgroup {
	struct kernfs_node *kn;
} __pai;

struct css_set {
	struct cgroup *dfl_cgrp;	/* the task's cgroup v2 */
} __pai;

struct task_struct {
	int pid;
	int tgid;
	struct task_struct *group_leader;
	struct pid *thread_pid;
	struct css_set *cgroups;
	struct files_struct *files;
	struct mm_struct *mm;
	char comm[16];
} __pai;

/* DRM (drm.ko, usually a module: CO-RE looks in its BTF).  A DRM file's
 * private_data is its struct drm_file; prime.dmabufs is the rb-tree of
 * the dma-bufs it imported or exported, each with its GEM handle, and each
 * member holds a reference to its buffer (drm_prime_add_buf_handle()). */
struct rb_node {
	unsigned long __rb_parent_color;
	struct rb_node *rb_right;
	struct rb_node *rb_left;
} __pai;

struct rb_root {
	struct rb_node *rb_node;
} __pai;

struct drm_driver {
	const char *name;
} __pai;

struct drm_device {
	struct device *dev;
	const struct drm_driver *driver;
} __pai;

struct drm_minor {
	struct device *kdev;
	struct drm_device *dev;
} __pai;

struct drm_prime_file_private {
	struct rb_root dmabufs;
} __pai;

struct drm_file {
	struct drm_minor *minor;
	struct drm_prime_file_private prime;
} __pai;

struct drm_prime_member {
	struct dma_buf *dma_buf;
	__u32 handle;
	struct rb_node dmabuf_rb;
} __pai;

struct kobject {
	const char *name;
} __pai;

struct device {
	const char *init_name;
	struct kobject kobj;
} __pai;

struct dma_buf {
	__u64 size;		/* size_t */
	struct file *file;
	struct list_head attachments;
	const char *exp_name;
	const char *name;
	void *priv;		/* the exporter's */
	bool revoked;		/* the revoke series only (tests/kernel): check it exists */
} __pai;

struct dma_buf_attach_ops;

struct dma_buf_attachment {
	struct dma_buf *dmabuf;
	struct device *dev;
	struct list_head node;
	const struct dma_buf_attach_ops *importer_ops;
	void *importer_priv;
} __pai;

/* 7.1 renamed the importer's notify callback: move_notify before,
 * invalidate_mappings since.  Read whichever this kernel has. */
struct dma_buf_attach_ops___old {
	void (*move_notify)(struct dma_buf_attachment *attach);
} __pai;

struct dma_buf_attach_ops___new {
	void (*invalidate_mappings)(struct dma_buf_attachment *attach);
} __pai;

/*
 * VFIO's dma-bufs (6.19+, drivers/vfio/pci/vfio_pci_dmabuf.c): PCI BAR
 * ranges.  struct vfio_pci_dma_buf is private to that file, in vmlinux BTF
 * or in the vfio_pci_core module's; readers check it exists (vfio.bpf.h).
 * Integers whose size follows the architecture (phys_addr_t, size_t) are
 * read with their kernel size (BPF_CORE_READ_BITFIELD_PROBED).
 */
struct resource {
	__u64 start;		/* resource_size_t */
	__u64 end;
} __pai;

struct pci_dev {
	struct device dev;
	struct resource resource[6];	/* the standard BARs come first */
} __pai;

struct p2pdma_provider {
	struct device *owner;	/* the PCI function's device: outlives VFIO's close */
} __pai;

struct phys_vec {
	__u64 paddr;		/* phys_addr_t: CPU physical address */
	__u64 len;		/* size_t */
} __pai;

struct vfio_pci_core_device {
	struct pci_dev *pdev;
} __pai;

struct vfio_pci_dma_buf {
	struct dma_buf *dmabuf;
	struct vfio_pci_core_device *vdev;	/* NULL once the device is closed */
	struct phys_vec *phys_vec;		/* nr_ranges of them */
	struct p2pdma_provider *provider;
	__u32 nr_ranges;
	__u8 revoked:1;		/* no access now: decoding off, reset, closed, ioctl */
} __pai;

/* BPF iterator context (6.16+, kernel/bpf/dmabuf_iter.c). */
struct seq_file;

struct bpf_iter_meta {
	struct seq_file *seq;
	__u64 session_id;
	__u64 seq_num;
} __pai;

struct bpf_iter__dmabuf {
	struct bpf_iter_meta *meta;
	struct dma_buf *dmabuf;
} __pai;

/* Task iterators (5.8+ and 5.13+, kernel/bpf/task_iter.c).  task_file
 * holds a reference to file while the program runs; task_vma holds the
 * mm's mmap_lock for reading. */
struct bpf_iter__task_file {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
	__u32 fd;
	struct file *file;
} __pai;

struct bpf_iter__task_vma {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
	struct vm_area_struct *vma;
} __pai;

#endif

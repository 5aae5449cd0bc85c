/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one model of dma-bufs: buffers keyed by inode, their attachments and
 * the processes holding them by fd, mapping or GEM handle.  Every source fills it
 * through these functions; every command reads it.  The merge rules (which
 * source wins a field) live in dmabuf.c and nowhere else.
 */
#ifndef DMABUFCTL_DMABUF_H
#define DMABUFCTL_DMABUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The dma-buf filesystem's magic (include/uapi/linux/magic.h, 5.3+):
 * fstatfs() of any dma-buf tells it. */
#define DMA_BUF_MAGIC	0x444d4142

/* Sources, in priority order: a lower value wins a field both report. */
enum dmabuf_source {
	DMABUF_SRC_BPF,		/* BPF dma-buf iterator, 6.16+ */
	DMABUF_SRC_TASK_FILE,	/* BPF task_file iterator: fds and GEM handles */
	DMABUF_SRC_TASK_VMA,	/* BPF task_vma iterator: mappings */
	DMABUF_SRC_DEBUGFS,	/* debugfs dma_buf/bufinfo */
	DMABUF_SRC_FDINFO,	/* /proc/PID/fd + fdinfo */
	DMABUF_SRC_MAPS,	/* /proc/PID/maps */
	DMABUF_SRC_NR,
};

struct dmabuf_attachment {
	char *device;		/* importer's dev_name() */
	char *callback;		/* importer's notify callback symbol, NULL if none/unknown */
	int dynamic;		/* 1 dynamic importer, 0 static, -1 unknown */
};

struct dmabuf_mapping {
	uint64_t start, end;	/* user address range [start, end) */
	uint64_t pgoff;		/* offset into the buffer, bytes */
	char perms[5];		/* "rw-s" */
};

/* A GEM handle a DRM file holds on the buffer (PRIME import or export):
 * a reference only the kernel sees, through the BPF task_file iterator. */
struct dmabuf_gem {
	char *device;		/* dev_name() of the DRM device, as attachments name it */
	char *driver;		/* its DRM driver */
	char *node;		/* the minor the file is open on: card0, renderD128 */
	int fd;			/* the holder's DRM fd (the lowest, when several share the file) */
	uint32_t handle;	/* GEM handle in that file */
	uint64_t file;		/* the DRM file's identity (not shown) */
};

/* A range of the exporter's device memory (VFIO: offset into the BAR). */
struct dmabuf_range {
	uint64_t offset, length;
};

/* Strings many holders or buffers share (comm, cgroup, exporter) are the
 * set's, stored once (dmabuf_set_intern()). */
struct dmabuf_holder {
	pid_t pid;		/* tgid, or tid of a thread with its own fd table */
	const char *comm;
	int *fds;		/* sorted, distinct */
	size_t nr_fds;
	struct dmabuf_mapping *maps;
	size_t nr_maps;
	struct dmabuf_gem *gems;	/* sorted by node, then handle */
	size_t nr_gems;
	const char *cgroup;	/* cgroup v2 path as /proc/PID/cgroup shows it; NULL = unknown */
	uint64_t cgroup_id;	/* cgroup v2 id (BPF), 0 = unknown */
};

struct dmabuf {
	uint64_t inode;
	uint64_t size;		/* bytes; 0 = unknown */
	const char *exporter;	/* NULL = unknown */
	char *name;		/* NULL = none (or unknown while !name_known) */
	bool name_known;
	long refcount;		/* struct file refcount as the kernel counts it; -1 = unknown */
	bool flags_known;
	unsigned int flags;	/* file f_flags */
	bool mode_known;	/* fdinfo knows flags but not f_mode */
	unsigned int mode;	/* file f_mode */
	int revoked;		/* revoked now: 1/0; -1 = unknown (see revoked_for_good) */
	bool attachments_known;	/* only debugfs and BPF know attachments */
	struct dmabuf_attachment *attachments;
	size_t nr_attachments;
	bool fences_known;	/* only debugfs reports fences */
	char **fences;		/* one human-readable line each (debugfs) */
	size_t nr_fences;
	struct dmabuf_holder *holders;	/* sorted by pid */
	size_t nr_holders;
	bool gems_known;	/* holders' GEM handles are known (set->gem_known) */
	unsigned int sources;	/* bit (1 << enum dmabuf_source) per source that saw it */
	/* Revoked beyond recall (the revoke series' fdinfo mark, a closed VFIO
	 * device), where revoked may also be temporary (VFIO); -1 = unknown. */
	int revoked_for_good;
	/* The device the exporter took the memory from, where it says (VFIO:
	 * a PCI function's BAR; only the BPF iterator reads it). */
	char *device;		/* dev_name(), "0000:01:00.0"; NULL = unknown or none */
	int bar;		/* BAR index; -1 = unknown */
	int device_closed;	/* the exporter closed the device: 1/0; -1 = unknown */
	bool ranges_known;
	struct dmabuf_range *ranges;	/* in the device's memory (BAR offsets) */
	size_t nr_ranges;
};

struct dmabuf_source_status {
	bool tried;
	bool used;		/* contributed to this scan */
	char *why;		/* why not used (not root, not mounted, kernel too old) */
	char *hint;		/* how to fix it, or NULL */
};

struct dmabuf_set {
	struct dmabuf **bufs;	/* sorted by inode after dmabuf_set_finish() */
	size_t nr_bufs;
	struct dmabuf_source_status status[DMABUF_SRC_NR];
	char **warnings;
	char **hints;		/* hints[i]: fix for warnings[i], or NULL */
	size_t nr_warnings;
	size_t procs_scanned;
	size_t procs_unreadable;	/* fd table or maps not readable (permission) */
	bool gem_known;		/* a source saw GEM handles (holders' gems are complete) */
	void *index;		/* private: inode hash */
};

/* Per-process totals, as Android's dmabuf_dump reports them. */
struct dmabuf_proc {
	pid_t pid;
	const char *comm;
	const char *cgroup;	/* NULL = unknown */
	size_t nr_bufs;		/* distinct buffers held by fd, mapping or GEM handle */
	uint64_t rss;		/* sum of sizes of those buffers (saturated) */
	uint64_t pss;		/* each size divided by the number of holders (saturated) */
};

struct dmabuf_set *dmabuf_set_new(void);
void dmabuf_set_free(struct dmabuf_set *set);

/* The set's copy of s (NULL for NULL), one per distinct string, freed with
 * the set. */
const char *dmabuf_set_intern(struct dmabuf_set *set, const char *s);

/* Find or create the buffer with this inode; the source is recorded. */
struct dmabuf *dmabuf_get(struct dmabuf_set *set, uint64_t inode, enum dmabuf_source src);
struct dmabuf *dmabuf_find(const struct dmabuf_set *set, uint64_t inode);

/*
 * Field setters apply the merge rules: a field reported by a higher-priority
 * source is kept; a lower-priority source only fills what is still unknown.
 */
void dmabuf_set_size(struct dmabuf *buf, enum dmabuf_source src, uint64_t size);
void dmabuf_set_exporter(struct dmabuf *buf, enum dmabuf_source src, const char *exp);
void dmabuf_set_name(struct dmabuf *buf, enum dmabuf_source src, const char *name);
void dmabuf_set_refcount(struct dmabuf *buf, enum dmabuf_source src, long refcount);
/* mode DMABUF_MODE_UNKNOWN: the source knows f_flags only (fdinfo). */
#define DMABUF_MODE_UNKNOWN	(~0u)
void dmabuf_set_flags(struct dmabuf *buf, enum dmabuf_source src,
		      unsigned int flags, unsigned int mode);
/* The revoke series' fdinfo mark "revoked:": revoked for good, or not. */
void dmabuf_set_revoked(struct dmabuf *buf, enum dmabuf_source src, bool revoked);
/* The exporter's own state: revoked now and for good, each 1/0 or -1
 * unknown (VFIO revokes temporarily too, and only says so to BPF). */
void dmabuf_set_revoke_state(struct dmabuf *buf, enum dmabuf_source src, int now, int for_good);
/* The exporter's device (name NULL: none known), BAR and closed, -1 unknown. */
void dmabuf_set_device(struct dmabuf *buf, enum dmabuf_source src, const char *name,
		       int bar, int closed);
/* Ranges come whole from one source, as attachments do. */
void dmabuf_add_range(struct dmabuf *buf, enum dmabuf_source src, uint64_t offset,
		      uint64_t length);
/* Attachments come whole from one source, the one of highest priority.
 * device NULL adds none but says the source knows them (a buffer with none). */
void dmabuf_add_attachment(struct dmabuf *buf, enum dmabuf_source src,
			   const char *device, const char *callback, int dynamic);
void dmabuf_add_fence(struct dmabuf *buf, const char *line);
/* The refcount src reported is the later reading: it wins over the merge
 * rule's (procfs_recount()).  Nothing if src reported none. */
void dmabuf_refcount_retake(struct dmabuf *buf, enum dmabuf_source src);
/* The refcount one source reported, -1 if it did not (for the maps-skip rule). */
long dmabuf_refcount_from(const struct dmabuf *buf, enum dmabuf_source src);

/* Holders: find or create by pid; fds, mappings and GEM handles are
 * de-duplicated (a GEM handle by DRM file and handle, keeping the lowest fd). */
struct dmabuf_holder *dmabuf_holder(struct dmabuf *buf, pid_t pid, const char *comm);
/* The holder with this pid, or NULL (a binary search: holders are sorted). */
const struct dmabuf_holder *dmabuf_holder_find(const struct dmabuf *buf, pid_t pid);
void dmabuf_holder_add_fd(struct dmabuf_holder *h, int fd);
void dmabuf_holder_add_map(struct dmabuf_holder *h, const struct dmabuf_mapping *m);
void dmabuf_holder_add_gem(struct dmabuf_holder *h, const struct dmabuf_gem *g);

void dmabuf_source_used(struct dmabuf_set *set, enum dmabuf_source src);
void dmabuf_source_skipped(struct dmabuf_set *set, enum dmabuf_source src,
			   const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void dmabuf_source_hint(struct dmabuf_set *set, enum dmabuf_source src, const char *hint);
void dmabuf_warn(struct dmabuf_set *set, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void dmabuf_warn_hint(struct dmabuf_set *set, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Count a process whose fd table or maps could not be read, once per pid. */
void dmabuf_proc_unreadable(struct dmabuf_set *set, pid_t pid);
const char *dmabuf_source_name(enum dmabuf_source src);

/* Sort buffers by inode (holders are always sorted by pid), warn when
 * byte totals saturate; call once all sources ran. */
void dmabuf_set_finish(struct dmabuf_set *set);

/* Keep only the buffers for which keep() is true, in their order. */
void dmabuf_set_keep(struct dmabuf_set *set, bool (*keep)(const struct dmabuf *, void *),
		     void *ctx);

/* Totals, saturated at UINT64_MAX (dmabuf_set_finish() warns then). */
uint64_t dmabuf_set_bytes(const struct dmabuf_set *set);
uint64_t dmabuf_set_orphan_bytes(const struct dmabuf_set *set);	/* held by no process */
/* Whether a process source ran (procfs, maps or the task iterators): without
 * one, every buffer would look held by no process. */
bool dmabuf_set_holders_known(const struct dmabuf_set *set);

/* Per-process totals sorted by rss, largest first; free with free(). */
struct dmabuf_proc *dmabuf_set_procs(const struct dmabuf_set *set, size_t *nr);

/* Totals per group of holders (dmabuf_groups.c): by the holder's cgroup, or
 * by the buffer's exporter. */
enum dmabuf_group_by { DMABUF_BY_CGROUP, DMABUF_BY_EXPORTER };

struct dmabuf_group {
	const char *key;	/* cgroup path or exporter; NULL = unknown */
	size_t nr_procs;	/* distinct holders */
	size_t nr_bufs;		/* distinct buffers a member holds */
	uint64_t rss;		/* their sizes, each buffer once */
	uint64_t pss;		/* the members' shares (dmabuf_proc.pss) summed */
};

/* Groups sorted by rss, largest first; free with free() (keys are the set's). */
struct dmabuf_group *dmabuf_set_groups(const struct dmabuf_set *set, enum dmabuf_group_by by,
				       size_t *nr);

#endif

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Sources: the BPF task iterators (iter.bpf.c's task_fds and task_maps),
 * the holders found in the kernel in one pass, with no /proc walk:
 *
 *   task_file  each dma-buf fd of each process, and of each thread with an
 *              fd table of its own (by its TID, as /proc names it); each
 *              GEM handle a DRM file holds on a dma-buf (PRIME), a
 *              reference no fd or mapping shows;
 *   task_vma   each mapping of a dma-buf, by the process.
 *
 * The holders come out as the procfs sources make them (pid, comm, fds,
 * mappings with their address, offset and permissions), so the JSON is
 * the same whichever path ran.  Each record also describes its buffer
 * (size, exporter, name, refcount, flags), which is all a listing needs
 * for a buffer some process holds; the dma-buf iterator or debugfs adds
 * those held by none.  A walk that did not end (no end record) is used
 * but warned about.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "source.h"
#include "bpf_iters.h"
#include "iter_record.h"
#include "util.h"

struct tasks_ctx {
	struct dmabuf_set *set;
	pid_t only;		/* -p: this process's holders only, as the fd walk */
	unsigned int page_shift;
};

static void nul_terminate(char *s, size_t n)
{
	s[n - 1] = '\0';
}

static bool wanted(const struct tasks_ctx *c, const struct iter_task *t)
{
	return !c->only || (pid_t)t->tgid == c->only || (pid_t)t->pid == c->only;
}

static struct dmabuf *describe(struct tasks_ctx *c, struct iter_desc *d,
			       enum dmabuf_source src)
{
	struct dmabuf *buf = dmabuf_get(c->set, d->inode, src);

	nul_terminate(d->exporter, sizeof(d->exporter));
	nul_terminate(d->name, sizeof(d->name));
	dmabuf_set_size(buf, src, d->size);
	dmabuf_set_exporter(buf, src, d->exporter[0] ? d->exporter : NULL);
	dmabuf_set_name(buf, src, d->name[0] ? d->name : NULL);
	if (d->refcount >= 0)
		dmabuf_set_refcount(buf, src, (long)d->refcount);
	dmabuf_set_flags(buf, src, d->f_flags, d->f_mode);
	return buf;
}

static struct dmabuf_holder *holder_of(struct dmabuf *buf, struct iter_task *t)
{
	struct dmabuf_holder *h;

	nul_terminate(t->comm, sizeof(t->comm));
	h = dmabuf_holder(buf, (pid_t)t->pid, t->comm);
	if (t->cgroup)
		h->cgroup_id = t->cgroup;
	return h;
}

/* "rw-s" as /proc/PID/maps prints vm_flags. */
static void perms(char out[5], uint64_t vm_flags)
{
	out[0] = vm_flags & 0x1 ? 'r' : '-';
	out[1] = vm_flags & 0x2 ? 'w' : '-';
	out[2] = vm_flags & 0x4 ? 'x' : '-';
	out[3] = vm_flags & 0x80 ? 's' : 'p';
	out[4] = '\0';
}

/* Take n bytes of record at *off into rec: false when the data ends first. */
static bool take(const char *data, size_t len, size_t *off, void *rec, size_t n)
{
	if (len - *off < n)
		return false;
	memcpy(rec, data + *off, n);
	*off += n;
	return true;
}

/* task_file's records: 0 when the walk ended, else -1 (garbled or cut). */
static int parse_files(struct tasks_ctx *c, const char *data, size_t len)
{
	struct iter_drm drm = { 0 };
	bool in_drm = false, ended = false;
	size_t off = 0;

	while (off < len && !ended) {
		union {
			struct iter_hdr h;
			struct iter_fd f;
			struct iter_drm d;
			struct iter_gem g;
		} r;
		struct dmabuf *buf;
		uint32_t magic;

		if (len - off < sizeof(magic))
			return -1;
		memcpy(&magic, data + off, sizeof(magic));
		switch (magic) {
		case ITER_MAGIC_HDR:
		case ITER_MAGIC_END:
			if (!take(data, len, &off, &r.h, sizeof(r.h)))
				return -1;
			ended = magic == ITER_MAGIC_END;
			break;
		case ITER_MAGIC_FD:
			if (!take(data, len, &off, &r.f, sizeof(r.f)))
				return -1;
			in_drm = false;
			if (!wanted(c, &r.f.t))
				break;
			buf = describe(c, &r.f.d, DMABUF_SRC_TASK_FILE);
			dmabuf_holder_add_fd(holder_of(buf, &r.f.t), (int)r.f.fd);
			break;
		case ITER_MAGIC_DRM:
			if (!take(data, len, &off, &drm, sizeof(drm)))
				return -1;
			nul_terminate(drm.device, sizeof(drm.device));
			nul_terminate(drm.driver, sizeof(drm.driver));
			nul_terminate(drm.node, sizeof(drm.node));
			in_drm = true;
			break;
		case ITER_MAGIC_GEM:
		case ITER_MAGIC_GMOR:
			if (!take(data, len, &off, &r.g, sizeof(r.g)) || !in_drm)
				return -1;
			if (!wanted(c, &drm.t))
				break;
			if (magic == ITER_MAGIC_GMOR) {
				dmabuf_warn(c->set, "task_file: a DRM file of process %u holds more "
					    "than %d GEM handles on dma-bufs; only the first %d "
					    "are listed", drm.t.pid, ITER_MAX_GEM, ITER_MAX_GEM);
				break;
			}
			buf = dmabuf_get(c->set, r.g.inode, DMABUF_SRC_TASK_FILE);
			dmabuf_set_size(buf, DMABUF_SRC_TASK_FILE, r.g.size);
			dmabuf_set_refcount(buf, DMABUF_SRC_TASK_FILE, (long)r.g.refcount);
			dmabuf_holder_add_gem(holder_of(buf, &drm.t), &(struct dmabuf_gem){
				.device = drm.device[0] ? drm.device : NULL,
				.driver = drm.driver[0] ? drm.driver : NULL,
				.node = drm.node[0] ? drm.node : NULL,
				.fd = (int)drm.fd, .handle = r.g.handle, .file = drm.file,
			});
			break;
		default:
			return -1;
		}
	}
	return ended ? 0 : -1;
}

/* task_vma's records: 0 when the walk ended, else -1. */
static int parse_vmas(struct tasks_ctx *c, const char *data, size_t len)
{
	size_t off = 0;

	while (off < len) {
		struct dmabuf_mapping m;
		struct iter_vma v;
		struct iter_hdr h;
		struct dmabuf *buf;
		uint32_t magic;

		if (len - off < sizeof(magic))
			return -1;
		memcpy(&magic, data + off, sizeof(magic));
		if (magic == ITER_MAGIC_END)
			return take(data, len, &off, &h, sizeof(h)) ? 0 : -1;
		if (magic != ITER_MAGIC_VMA || !take(data, len, &off, &v, sizeof(v)))
			return -1;
		if (!wanted(c, &v.t))
			continue;
		buf = describe(c, &v.d, DMABUF_SRC_TASK_VMA);
		memset(&m, 0, sizeof(m));
		m.start = v.start;
		m.end = v.end;
		m.pgoff = v.pgoff << c->page_shift;
		perms(m.perms, v.vm_flags);
		dmabuf_holder_add_map(holder_of(buf, &v.t), &m);
	}
	return -1;
}

void source_tasks_parse(struct dmabuf_set *set, const struct bpf_iters *it,
			const struct scan_opts *opts)
{
	const struct bpf_iter_out *f = &it->out[BPF_ITER_TASK_FILE];
	const struct bpf_iter_out *v = &it->out[BPF_ITER_TASK_VMA];
	struct tasks_ctx c = { .set = set, .only = opts->pid };
	long page = sysconf(_SC_PAGESIZE);

	while (page > 1 && (1L << c.page_shift) < page)
		c.page_shift++;
	if (f->ok) {
		if (parse_files(&c, f->data, f->len))
			dmabuf_warn(set, "task_file: the iterator's output is garbled or cut "
				    "short: some fds may be missing");
		dmabuf_source_used(set, DMABUF_SRC_TASK_FILE);
		set->gem_known = it->features & ITER_F_GEM;
	}
	if (v->ok) {
		if (parse_vmas(&c, v->data, v->len))
			dmabuf_warn(set, "task_vma: the iterator's output is garbled or cut "
				    "short: some mappings may be missing");
		dmabuf_source_used(set, DMABUF_SRC_TASK_VMA);
	}
}

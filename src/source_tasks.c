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

struct tasks_parse {
	struct dmabuf_set *set;
	pid_t only;		/* -p: this process's holders only, as the fd walk */
	unsigned int page_shift;
	struct iter_drm drm;	/* the DRM file the GEM records that follow are of */
	bool in_drm;
	bool files_done, files_ended;	/* task_file: no more to take; its end seen */
	bool vmas_done, vmas_ended;
};

static void nul_terminate(char *s, size_t n)
{
	s[n - 1] = '\0';
}

static bool wanted(const struct tasks_parse *c, const struct iter_task *t)
{
	return !c->only || (pid_t)t->tgid == c->only || (pid_t)t->pid == c->only;
}

static struct dmabuf *describe(struct tasks_parse *c, struct iter_desc *d,
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

/* The size of task_file's record of this kind, 0 for none. */
static size_t files_record_size(uint32_t magic)
{
	switch (magic) {
	case ITER_MAGIC_HDR:
	case ITER_MAGIC_END:
		return sizeof(struct iter_hdr);
	case ITER_MAGIC_FD:
		return sizeof(struct iter_fd);
	case ITER_MAGIC_DRM:
		return sizeof(struct iter_drm);
	case ITER_MAGIC_GEM:
	case ITER_MAGIC_GMOR:
		return sizeof(struct iter_gem);
	default:
		return 0;
	}
}

static void take_gem(struct tasks_parse *c, uint32_t magic, const struct iter_gem *g)
{
	struct iter_drm *drm = &c->drm;
	struct dmabuf *buf;

	if (!wanted(c, &drm->t))
		return;
	if (magic == ITER_MAGIC_GMOR) {
		dmabuf_warn(c->set, "task_file: a DRM file of process %u holds more than %d GEM "
			    "handles on dma-bufs; only the first %d are listed", drm->t.pid,
			    ITER_MAX_GEM, ITER_MAX_GEM);
		return;
	}
	buf = dmabuf_get(c->set, g->inode, DMABUF_SRC_TASK_FILE);
	dmabuf_set_size(buf, DMABUF_SRC_TASK_FILE, g->size);
	dmabuf_set_refcount(buf, DMABUF_SRC_TASK_FILE, (long)g->refcount);
	dmabuf_holder_add_gem(holder_of(buf, &drm->t), &(struct dmabuf_gem){
		.device = drm->device[0] ? drm->device : NULL,
		.driver = drm->driver[0] ? drm->driver : NULL,
		.node = drm->node[0] ? drm->node : NULL,
		.fd = (int)drm->fd, .handle = g->handle, .file = drm->file,
	});
}

size_t source_tasks_files(struct tasks_parse *c, const char *data, size_t len)
{
	size_t off = 0, n;

	while (!c->files_done && len - off >= sizeof(uint32_t)) {
		union {
			struct iter_fd f;
			struct iter_gem g;
		} r;
		uint32_t magic;
		struct dmabuf *buf;

		memcpy(&magic, data + off, sizeof(magic));
		n = files_record_size(magic);
		if (n && len - off < n)
			return off;	/* the rest comes with the next read */
		c->files_done = !n;	/* garbled: the rest is ignored */
		switch (magic) {
		case ITER_MAGIC_END:
			c->files_done = c->files_ended = true;
			break;
		case ITER_MAGIC_FD:
			memcpy(&r.f, data + off, n);
			c->in_drm = false;
			if (!wanted(c, &r.f.t))
				break;
			buf = describe(c, &r.f.d, DMABUF_SRC_TASK_FILE);
			dmabuf_holder_add_fd(holder_of(buf, &r.f.t), (int)r.f.fd);
			break;
		case ITER_MAGIC_DRM:
			memcpy(&c->drm, data + off, n);
			nul_terminate(c->drm.device, sizeof(c->drm.device));
			nul_terminate(c->drm.driver, sizeof(c->drm.driver));
			nul_terminate(c->drm.node, sizeof(c->drm.node));
			c->in_drm = true;
			break;
		case ITER_MAGIC_GEM:
		case ITER_MAGIC_GMOR:
			memcpy(&r.g, data + off, n);
			c->files_done = !c->in_drm;
			if (c->in_drm)
				take_gem(c, magic, &r.g);
			break;
		}
		off += n;
	}
	return c->files_done ? len : off;
}

size_t source_tasks_vmas(struct tasks_parse *c, const char *data, size_t len)
{
	size_t off = 0;

	while (!c->vmas_done && len - off >= sizeof(uint32_t)) {
		struct dmabuf_mapping m;
		struct iter_vma v;
		struct dmabuf *buf;
		uint32_t magic;

		memcpy(&magic, data + off, sizeof(magic));
		if (magic == ITER_MAGIC_END) {
			if (len - off < sizeof(struct iter_hdr))
				return off;
			c->vmas_done = c->vmas_ended = true;
			break;
		}
		if (magic != ITER_MAGIC_VMA) {
			c->vmas_done = true;	/* garbled */
			break;
		}
		if (len - off < sizeof(v))
			return off;
		memcpy(&v, data + off, sizeof(v));
		off += sizeof(v);
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
	return c->vmas_done ? len : off;
}

struct tasks_parse *source_tasks_begin(struct dmabuf_set *set, const struct scan_opts *opts)
{
	struct tasks_parse *c = xcalloc(1, sizeof(*c));
	long page = sysconf(_SC_PAGESIZE);

	c->set = set;
	c->only = opts->pid;
	while (page > 1 && (1L << c->page_shift) < page)
		c->page_shift++;
	return c;
}

void source_tasks_end(struct tasks_parse *c, const struct bpf_iters *it)
{
	struct dmabuf_set *set = c->set;

	if (it->out[BPF_ITER_TASK_FILE].ok) {
		if (!c->files_ended)
			dmabuf_warn(set, "task_file: the iterator's output is garbled or cut "
				    "short: some fds may be missing");
		dmabuf_source_used(set, DMABUF_SRC_TASK_FILE);
		set->gem_known = it->features & ITER_F_GEM;
	}
	if (it->out[BPF_ITER_TASK_VMA].ok) {
		if (!c->vmas_ended)
			dmabuf_warn(set, "task_vma: the iterator's output is garbled or cut "
				    "short: some mappings may be missing");
		dmabuf_source_used(set, DMABUF_SRC_TASK_VMA);
	}
	free(c);
}

// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dmabufctl show INODE: everything the sources know about one dma-buf, as a
 * readable block (key, value; indented details) or one JSON object.
 */
#include <argp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "output.h"
#include "util.h"
#include "vfio.h"

struct show_args {
	uint64_t inode;
	bool have_inode;
};

static error_t parse(int key, char *arg, struct argp_state *state)
{
	struct show_args *a = state->input;

	switch (key) {
	case ARGP_KEY_ARG:
		if (a->have_inode)
			cli_usage("'%s': only one INODE", arg);
		if (parse_u64(arg, &a->inode) || !a->inode)
			cli_usage("'%s': not an inode number", arg);
		a->have_inode = true;
		break;
	case ARGP_KEY_END:
		if (!a->have_inode)
			cli_usage("missing INODE (see 'dmabufctl list')");
		break;
	default:
		return ARGP_ERR_UNKNOWN;
	}
	return 0;
}

static const struct argp show_argp = {
	NULL, parse, "INODE",
	"Show all that is known of one dma-buf: size, exporter, name, refcount, "
	"flags, whether it is revoked, importers, fences, and every process holding "
	"it (by fd, mapping or GEM handle) with its cgroup; for VFIO's buffers the "
	"PCI device, BAR and ranges they come from.\vUnknown fields (no source "
	"reports them) print as 'unknown', null in JSON.  Exit status 2 when INODE "
	"does not exist.",
	cli_json_children, NULL, NULL
};

static void field(const char *key, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void field(const char *key, const char *fmt, ...)
{
	va_list ap;

	printf("%-10s ", key);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static void field_str(const char *key, const char *s, const char *none)
{
	char *safe;

	if (!s) {
		field(key, "%s", none);
		return;
	}
	safe = out_escape(s);
	field(key, "%s", safe);
	free(safe);
}

static void print_attachments(const struct dmabuf *buf)
{
	size_t i;

	if (!buf->attachments_known) {
		field("attached", "unknown (needs debugfs or BPF)");
		return;
	}
	field("attached", "%zu device%s", buf->nr_attachments, buf->nr_attachments == 1 ? "" : "s");
	for (i = 0; i < buf->nr_attachments; i++) {
		const struct dmabuf_attachment *at = &buf->attachments[i];
		char *dev = out_escape(at->device);
		char *cb = at->callback ? out_escape(at->callback) : NULL;

		printf("  %s", dev);
		if (cb)
			printf("  callback %s", cb);
		if (at->dynamic >= 0)
			printf("  %s", at->dynamic ? "dynamic" : "static");
		putchar('\n');
		free(cb);
		free(dev);
	}
}

static void print_fences(const struct dmabuf *buf)
{
	size_t i;

	if (!buf->fences_known) {
		field("fences", "unknown (needs debugfs)");
		return;
	}
	field("fences", "%zu", buf->nr_fences);
	for (i = 0; i < buf->nr_fences; i++) {
		char *s = out_escape(buf->fences[i]);

		printf("  %s\n", s);
		free(s);
	}
}

/* What kinds of reference a holder has: "fd, mapping, gem". */
static char *holder_kinds(const struct dmabuf_holder *h)
{
	struct out_join j;

	out_join_begin(&j, ", ");
	if (h->nr_fds)
		out_join_add(&j, "fd");
	if (h->nr_maps)
		out_join_add(&j, "mapping");
	if (h->nr_gems)
		out_join_add(&j, "gem");
	return out_join_end(&j);
}

static void print_holders(const struct dmabuf *buf)
{
	size_t i, j;

	field("processes", "%zu", buf->nr_holders);
	for (i = 0; i < buf->nr_holders; i++) {
		const struct dmabuf_holder *h = &buf->holders[i];
		char *name = out_holder_name(h->comm, h->pid);
		char *kinds = holder_kinds(h);

		printf("  %s  by %s  fds ", name, kinds);
		for (j = 0; j < h->nr_fds; j++)
			printf("%s%d", j ? "," : "", h->fds[j]);
		if (!h->nr_fds)
			printf("none");
		printf("  maps %zu", h->nr_maps);
		if (buf->gems_known)
			printf("  gem %zu", h->nr_gems);
		if (h->cgroup) {
			char *cg = out_escape(h->cgroup);

			printf("  cgroup %s", cg);
			free(cg);
		}
		putchar('\n');
		for (j = 0; j < h->nr_maps; j++) {
			char *perms = out_escape(h->maps[j].perms);

			printf("    %llx-%llx %s offset %llu\n",
			       (unsigned long long)h->maps[j].start,
			       (unsigned long long)h->maps[j].end, perms,
			       (unsigned long long)h->maps[j].pgoff);
			free(perms);
		}
		for (j = 0; j < h->nr_gems; j++) {
			const struct dmabuf_gem *g = &h->gems[j];
			char *node = out_escape(g->node ? g->node : "?");
			char *drv = out_escape(g->driver ? g->driver : "?");
			char *dev = out_escape(g->device ? g->device : "?");

			printf("    gem handle %u on %s (driver %s, device %s) through fd %d\n",
			       g->handle, node, drv, dev, g->fd);
			free(node);
			free(drv);
			free(dev);
		}
		free(kinds);
		free(name);
	}
}

/* Revoked now, and whether for good where the exporter may also revoke
 * for a while (VFIO: memory decoding off, a reset). */
static void print_revoked(const struct dmabuf *buf)
{
	if (buf->revoked < 0)
		field("revoked", "unknown%s", vfio_exporter(buf->exporter) ?
		      " (VFIO tells only the BPF iterator)" : "");
	else if (!buf->revoked)
		field("revoked", "no");
	else if (buf->revoked_for_good > 0)
		field("revoked", "yes, for good");
	else if (buf->revoked_for_good == 0)
		field("revoked", "yes, for now (the exporter may restore access)");
	else
		field("revoked", "yes");
}

/* The exporter's device, for the buffers of exporters that name one. */
static void print_device(const struct dmabuf *buf)
{
	char *s;

	if (!buf->device) {
		if (vfio_exporter(buf->exporter))
			field("device", "unknown (needs the BPF iterator)");
		return;
	}
	s = out_escape(buf->device);
	printf("%-10s %s", "device", s);
	free(s);
	if (buf->bar >= 0)
		printf(" BAR %d", buf->bar);
	if (buf->device_closed > 0)
		printf(" (closed by the exporter)");
	putchar('\n');
	if (buf->ranges_known) {
		s = out_ranges(buf, ", ");
		field("ranges", "%s", s);
		free(s);
	}
}

static void print_human(const struct dmabuf *buf)
{
	char size[24];
	char *sources = out_sources(buf);

	field("inode", "%llu", (unsigned long long)buf->inode);
	if (!buf->size)
		field("size", "unknown");
	else if (oopts.bytes)
		field("size", "%llu", (unsigned long long)buf->size);
	else
		field("size", "%s (%llu bytes)", size_human(buf->size, size, sizeof(size)),
		      (unsigned long long)buf->size);
	field_str("exporter", buf->exporter, "unknown");
	field_str("name", buf->name, buf->name_known ? "(none)" : "unknown");
	if (buf->refcount >= 0)
		field("refcount", "%ld", buf->refcount);
	else
		field("refcount", "unknown");
	if (buf->flags_known)
		field("flags", "0%o", buf->flags);
	else
		field("flags", "unknown");
	if (buf->mode_known)
		field("mode", "0x%x", buf->mode);
	else
		field("mode", "unknown");
	print_revoked(buf);
	print_device(buf);
	field("seen by", "%s", sources);
	free(sources);
	print_attachments(buf);
	print_fences(buf);
	print_holders(buf);
}

int cmd_show(int argc, char **argv)
{
	struct show_args a = { 0 };
	struct dmabuf_set *set = NULL;
	const struct dmabuf *buf;
	struct json_object *obj;
	int ret;

	cli_parse(&show_argp, argc, argv, &a);

	ret = cli_scan(&set, true, true);
	if (ret)
		goto cleanup;
	out_warnings(set);

	buf = dmabuf_find(set, a.inode);
	if (!buf) {
		char obj_name[24];

		snprintf(obj_name, sizeof(obj_name), "%llu", (unsigned long long)a.inode);
		err_msg(obj_name, "no such dma-buf", NULL);
		err_hint("'dmabufctl list' shows the buffers that exist");
		ret = EXIT_NOTFOUND;
		goto cleanup;
	}

	if (oopts.json) {
		obj = out_json_dmabuf(buf, true);
		out_json_meta(obj, set);
		ret = cli_status(out_json_print(obj));
	} else {
		print_human(buf);
		ret = cli_status(out_flush());
	}
cleanup:
	if (set)
		dmabuf_set_free(set);
	return ret;
}

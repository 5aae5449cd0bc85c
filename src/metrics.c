// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Prometheus and OpenMetrics text of a scan (see metrics.h).  Each family
 * is written whole (HELP, TYPE, then its samples) with its label sets
 * sorted, so two scans of one system give the same text but for values.
 * Label values and HELP are escaped as both formats want (\\, \", \n) and
 * kept valid UTF-8; names come from the kernel and users, so nothing is
 * trusted to be printable.
 */
#include <stdlib.h>
#include <string.h>

#include "metrics.h"
#include "utf8.h"
#include "util.h"

/* HELP and TYPE lines of a gauge; OpenMetrics allows them once. */
static void family(FILE *f, const char *name, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s gauge\n", name, help, name);
}

static void label_value(FILE *f, const char *s)
{
	char *clean = utf8_clean(s);
	const char *p;

	fputc('"', f);
	for (p = clean ? clean : s; *p; p++) {
		if (*p == '\\' || *p == '"')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else
			fputc(*p, f);
	}
	fputc('"', f);
	free(clean);
}

/* name{label="value"} number, one label (or none when label is NULL). */
static void sample(FILE *f, const char *name, const char *label, const char *value,
		   unsigned long long v)
{
	fputs(name, f);
	if (label) {
		fprintf(f, "{%s=", label);
		label_value(f, value);
		fputc('}', f);
	}
	fprintf(f, " %llu\n", v);
}

/* A label set (exporter, device, cgroup) and what is summed under it. */
struct group {
	const char *key;
	unsigned long long count, bytes, pss;
};

struct groups {
	struct group *g;
	size_t nr;
};

static struct group *group_of(struct groups *gs, const char *key)
{
	size_t i;

	for (i = 0; i < gs->nr; i++)
		if (!strcmp(gs->g[i].key, key))
			return &gs->g[i];
	gs->g = xrealloc(gs->g, (gs->nr + 1) * sizeof(*gs->g));
	memset(&gs->g[gs->nr], 0, sizeof(*gs->g));
	gs->g[gs->nr].key = key;
	return &gs->g[gs->nr++];
}

static int cmp_group(const void *a, const void *b)
{
	return strcmp(((const struct group *)a)->key, ((const struct group *)b)->key);
}

static void groups_sort(struct groups *gs)
{
	if (gs->nr)
		qsort(gs->g, gs->nr, sizeof(*gs->g), cmp_group);
}

static void write_groups(FILE *f, const struct groups *gs, const char *label,
			 const char *count_name, const char *count_help,
			 const char *bytes_name, const char *bytes_help,
			 const char *pss_name, const char *pss_help)
{
	size_t i;

	if (!gs->nr)
		return;
	family(f, count_name, count_help);
	for (i = 0; i < gs->nr; i++)
		sample(f, count_name, label, gs->g[i].key, gs->g[i].count);
	family(f, bytes_name, bytes_help);
	for (i = 0; i < gs->nr; i++)
		sample(f, bytes_name, label, gs->g[i].key, gs->g[i].bytes);
	if (!pss_name)
		return;
	family(f, pss_name, pss_help);
	for (i = 0; i < gs->nr; i++)
		sample(f, pss_name, label, gs->g[i].key, gs->g[i].pss);
}

static void exporters(FILE *f, const struct dmabuf_set *set)
{
	struct groups gs = { 0 };
	size_t i;

	for (i = 0; i < set->nr_bufs; i++) {
		const struct dmabuf *b = set->bufs[i];
		struct group *g = group_of(&gs, b->exporter ? b->exporter : "unknown");

		g->count++;
		g->bytes += b->size;
	}
	groups_sort(&gs);
	write_groups(f, &gs, "exporter",
		     "dmabuf_buffers", "dma-bufs by exporter.",
		     "dmabuf_bytes", "Bytes of dma-bufs by exporter.", NULL, NULL);
	free(gs.g);
}

static void importers(FILE *f, const struct dmabuf_set *set)
{
	struct groups gs = { 0 };
	size_t i, j;

	for (i = 0; i < set->nr_bufs; i++) {
		const struct dmabuf *b = set->bufs[i];

		for (j = 0; j < b->nr_attachments; j++) {
			struct group *g = group_of(&gs, b->attachments[j].device);

			g->count++;
			g->bytes += b->size;
		}
	}
	groups_sort(&gs);
	write_groups(f, &gs, "device",
		     "dmabuf_attachments", "Attachments of dma-bufs by importer device.",
		     "dmabuf_attached_bytes",
		     "Bytes of the dma-bufs attached to each importer device.", NULL, NULL);
	free(gs.g);
}

/* A pid as a label value. */
static void proc_sample(FILE *f, const char *name, const struct dmabuf_proc *p,
			unsigned long long v)
{
	fprintf(f, "%s{pid=\"%d\",comm=", name, (int)p->pid);
	label_value(f, p->comm ? p->comm : "");
	fprintf(f, "} %llu\n", v);
}

static void processes(FILE *f, const struct dmabuf_set *set, const struct metrics_opts *o)
{
	struct dmabuf_proc *p;
	size_t i, nr, shown;

	/* Without a process source (procfs or maps), every count here
	 * would be a lie. */
	if (!set->status[DMABUF_SRC_FDINFO].used && !set->status[DMABUF_SRC_MAPS].used)
		return;
	p = dmabuf_set_procs(set, &nr);	/* largest RSS first */
	shown = o->top && o->top < nr ? o->top : nr;
	family(f, "dmabuf_processes", "Processes holding a dma-buf by fd or mapping "
	       "(all, including those without their own series).");
	fprintf(f, "dmabuf_processes %zu\n", nr);
	if (shown) {
		family(f, "dmabuf_process_buffers",
		       "dma-bufs a process holds by fd or mapping (the largest by RSS).");
		for (i = 0; i < shown; i++)
			proc_sample(f, "dmabuf_process_buffers", &p[i], p[i].nr_bufs);
		family(f, "dmabuf_process_rss_bytes",
		       "Bytes of the dma-bufs a process holds, each counted whole.");
		for (i = 0; i < shown; i++)
			proc_sample(f, "dmabuf_process_rss_bytes", &p[i], p[i].rss);
		family(f, "dmabuf_process_pss_bytes",
		       "Bytes of the dma-bufs a process holds, each shared among its holders.");
		for (i = 0; i < shown; i++)
			proc_sample(f, "dmabuf_process_pss_bytes", &p[i], p[i].pss);
	}
	free(p);

	for (nr = 0, i = 0; i < set->nr_bufs; i++)
		nr += !set->bufs[i]->nr_holders;
	family(f, "dmabuf_unattributed_buffers", "dma-bufs no process holds.");
	fprintf(f, "dmabuf_unattributed_buffers %zu\n", nr);
	family(f, "dmabuf_unattributed_bytes", "Bytes of the dma-bufs no process holds.");
	fprintf(f, "dmabuf_unattributed_bytes %llu\n",
		(unsigned long long)dmabuf_set_orphan_bytes(set));
}

/*
 * Per cgroup: a buffer counts once in each cgroup one of its holders runs
 * in (RSS), and its size is shared among its holders (PSS), as procs does
 * per process.
 */
static void cgroups(FILE *f, const struct dmabuf_set *set, const struct metrics_opts *o)
{
	struct groups gs = { 0 };
	size_t i, j, k;

	if (!o->cgroup_of)
		return;
	for (i = 0; i < set->nr_bufs; i++) {
		const struct dmabuf *b = set->bufs[i];

		for (j = 0; j < b->nr_holders; j++) {
			const char *cg = o->cgroup_of(&b->holders[j]);
			struct group *g;
			size_t same = 0;

			if (!cg)
				continue;
			/* Once per (buffer, cgroup): at its first holder there. */
			for (k = 0; k < j; k++) {
				const char *c = o->cgroup_of(&b->holders[k]);

				if (c && !strcmp(c, cg))
					break;
			}
			if (k < j)
				continue;
			for (k = j; k < b->nr_holders; k++) {
				const char *c = o->cgroup_of(&b->holders[k]);

				same += c && !strcmp(c, cg);
			}
			g = group_of(&gs, cg);
			g->count++;
			g->bytes += b->size;
			g->pss += b->size / b->nr_holders * same;
		}
	}
	groups_sort(&gs);
	write_groups(f, &gs, "cgroup",
		     "dmabuf_cgroup_buffers", "dma-bufs the processes of a cgroup hold.",
		     "dmabuf_cgroup_rss_bytes",
		     "Bytes of the dma-bufs the processes of a cgroup hold, each counted whole.",
		     "dmabuf_cgroup_pss_bytes",
		     "Bytes of the dma-bufs the processes of a cgroup hold, each shared "
		     "among its holders.");
	free(gs.g);
}

static void sources(FILE *f, const struct dmabuf_set *set)
{
	int src;

	family(f, "dmabufctl_source_used", "Whether a source contributed to the scan.");
	for (src = 0; src < DMABUF_SRC_NR; src++)
		sample(f, "dmabufctl_source_used", "source", dmabuf_source_name(src),
		       set->status[src].used);
	for (src = 0; src < DMABUF_SRC_NR; src++)
		if (set->status[src].tried && !set->status[src].used)
			break;
	if (src == DMABUF_SRC_NR)
		return;
	family(f, "dmabufctl_source_skipped", "A source that did not run, and why.");
	for (; src < DMABUF_SRC_NR; src++) {
		const struct dmabuf_source_status *st = &set->status[src];

		if (!st->tried || st->used)
			continue;
		fprintf(f, "dmabufctl_source_skipped{source=\"%s\",reason=",
			dmabuf_source_name(src));
		label_value(f, st->why ? st->why : "unknown");
		fputs("} 1\n", f);
	}
}

void metrics_write(FILE *f, const struct dmabuf_set *set, const struct metrics_opts *o)
{
	if (set) {
		exporters(f, set);
		importers(f, set);
		processes(f, set, o);
		cgroups(f, set, o);
		sources(f, set);
		family(f, "dmabufctl_scan_warnings",
		       "Warnings of the scan (dmabufctl list -J shows them).");
		fprintf(f, "dmabufctl_scan_warnings %zu\n", set->nr_warnings);
		family(f, "dmabufctl_processes_unreadable",
		       "Processes whose fds or mappings could not be read.");
		fprintf(f, "dmabufctl_processes_unreadable %zu\n", set->procs_unreadable);
	}
	family(f, "dmabufctl_scan_success", "1 if the scan completed within --timeout.");
	fprintf(f, "dmabufctl_scan_success %d\n", set != NULL);
	family(f, "dmabufctl_scan_duration_seconds", "How long the scan took.");
	fprintf(f, "dmabufctl_scan_duration_seconds %.6f\n", o->scan_seconds);
	family(f, "dmabufctl_scan_timestamp_seconds", "When the scan ended (Unix time).");
	fprintf(f, "dmabufctl_scan_timestamp_seconds %.3f\n", o->timestamp);
	if (o->openmetrics) {
		fputs("# HELP dmabufctl_build The version of dmabufctl.\n"
		      "# TYPE dmabufctl_build info\n", f);
		fprintf(f, "dmabufctl_build_info{version=\"%s\"} 1\n# EOF\n", PACKAGE_VERSION);
	} else {
		family(f, "dmabufctl_build_info", "The version of dmabufctl, as a label.");
		fprintf(f, "dmabufctl_build_info{version=\"%s\"} 1\n", PACKAGE_VERSION);
	}
}

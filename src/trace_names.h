/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The tracer's names by object: the exporter of each buffer it saw
 * exported and the device of each attachment it saw attach, kept from
 * that record to the buffer's release or the attachment's detach, for the
 * records in between that trace.bpf.c sends without them (trace_event.h).
 */
#ifndef DMABUFCTL_TRACE_NAMES_H
#define DMABUFCTL_TRACE_NAMES_H

#include <stdint.h>

#include "trace_event.h"

struct trace_names;

struct trace_names *trace_names_new(void);
void trace_names_free(struct trace_names *tn);

/*
 * Fills in the exporter and device e left to the reader, from the record
 * that carried them for the same address and inode (left empty when there
 * was none); remembers the names of an export or attach record, forgets
 * them at release or detach, so that an address reused starts afresh.
 */
void trace_names_fill(struct trace_names *tn, struct trace_event *e);

/* Records whose exporter, and whose device, came from the table. */
void trace_names_stats(const struct trace_names *tn, uint64_t *exporters, uint64_t *devices);

#endif

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The confirmation state machine behind tracer.c: fed the tracer's records
 * one by one, it keeps the attachments seen while tracing (how many sg
 * mappings each holds) and every invalidate still waiting for its
 * importers, and finishes an invalidate with one struct tracer_confirm per
 * attachment once each is final, or at its deadline.  Plain C on the
 * records of trace_event.h: no libbpf here.
 *
 * An invalidate is final once it returned (INV_DONE) and every attachment
 * with a callback unmapped.  Per attachment:
 *   notified  its callback was entered for it after the invalidate (1), not
 *             (0), or unknown (-1: a callback without a program on it);
 *   unmapped  "unmap" (dma_buf_unmap_attachment*() on it), "detach"
 *             (dma_buf_detach() of it) or "in_callback": the callback
 *             returned and the importer holds no sg mapping, as importers
 *             that map by physical address (iommufd, 7.x) unmap inside it.
 */
#ifndef DMABUFCTL_CONFIRM_H
#define DMABUFCTL_CONFIRM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tracer.h"

struct ksyms;
struct confirm_state;

/* timeout_ns: how long importers get after an invalidate; ks names the
 * callbacks (borrowed, outlives the state). */
struct confirm_state *confirm_new(uint64_t timeout_ns, struct ksyms *ks);
void confirm_free(struct confirm_state *cs);

/* The callback symbols with a program attached (borrowed): not seeing one
 * of the others run proves nothing. */
void confirm_set_hooked(struct confirm_state *cs, const char *const *names, size_t nr);

/* One ring-buffer record; shown: what the event handler said of an
 * INVALIDATE (passed on to tracer_handlers.invalidated). */
void confirm_record(struct confirm_state *cs, const struct trace_event *e, bool shown);

/* Finish the invalidates that are final or past their deadline (every one
 * with force), calling h->invalidated for each.  Returns confirmations made. */
size_t confirm_finish(struct confirm_state *cs, uint64_t now_ns, bool force,
		      const struct tracer_handlers *h, void *ctx);

/* Invalidates waiting, and the next deadline among them (CLOCK_MONOTONIC
 * ns, slack included; 0 when none waits). */
size_t confirm_pending(const struct confirm_state *cs);
uint64_t confirm_next_deadline(const struct confirm_state *cs);

#endif

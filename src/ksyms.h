/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Kernel text symbols from /proc/kallsyms, behind an explicit handle (as
 * bcc's libbpf-tools keep theirs).  The table is read at the first lookup:
 * a listing whose importers have no callback, most, never pays for it.
 * Each distinct address is resolved once and its name kept until
 * ksyms_free(): callback addresses are few and come back in every record.
 */
#ifndef DMABUFCTL_KSYMS_H
#define DMABUFCTL_KSYMS_H

#include <stdint.h>

struct ksyms;

struct ksyms *ksyms_new(void);
/* The same from another file in kallsyms' format (tests). */
struct ksyms *ksyms_new_file(const char *path);
void ksyms_free(struct ksyms *ks);

/* "sym" or "sym+0x10"; NULL for 0, for an address below every symbol, or
 * when kallsyms cannot be read or hides addresses (kptr_restrict). */
const char *ksyms_name(struct ksyms *ks, uint64_t addr);
/* ksyms_name(), or "0xADDR" where it has none; NULL for 0. */
const char *ksyms_label(struct ksyms *ks, uint64_t addr);

#endif

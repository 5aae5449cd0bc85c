/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the BPF loaders (tracer.c, source_bpf.c) ask of libbpf and the
 * running kernel before they load: libbpf's messages, privileges, kprobe
 * support, which functions and types the kernel's BTF has, and why a load
 * was refused, in words.
 */
#ifndef DMABUFCTL_BPF_UTIL_H
#define DMABUFCTL_BPF_UTIL_H

#include <stdbool.h>
#include <stdint.h>

/* libbpf's messages: silent unless DMABUFCTL_DEBUG is set (then all but
 * its debug level, on stderr). */
void bpf_util_init_log(void);

/* DMABUFCTL_DEBUG: "dmabufctl: debug: WHAT: STEP: N ms" since *since, which
 * becomes now. */
void bpf_util_debug_step(const char *what, const char *step, uint64_t *since);

/* CAP_BPF and CAP_PERFMON (5.8+), or CAP_SYS_ADMIN: what tracing needs. */
bool bpf_util_may_trace(void);

/* kprobes through the perf PMU (4.17+) or tracefs kprobe_events (legacy). */
bool bpf_util_have_kprobes(void);

/* Why the kernel refused to load or attach (-errno), in words, and where
 * to look next. */
const char *bpf_util_refusal(int err);
const char *bpf_util_refusal_hint(int err);

/*
 * The running kernel's BTF: vmlinux, and each loaded module's (parsed at
 * the first function vmlinux lacks).  NULL with -errno in *err when
 * /sys/kernel/btf/vmlinux cannot be read.
 */
struct kernel_btf;

struct kernel_btf *kernel_btf_load(int *err);
bool kernel_btf_has_func(struct kernel_btf *kb, const char *name);	/* vmlinux or a module */
bool kernel_btf_has_struct(struct kernel_btf *kb, const char *name);	/* vmlinux */
void kernel_btf_free(struct kernel_btf *kb);

#endif

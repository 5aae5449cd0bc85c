/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the records BPF programs hand to user space share: fixed-size integer
 * types and string sizes, no kernel types (both sides include the record
 * headers: trace_event.h, iter_record.h).  Kernel pointers in records are
 * identities and kallsyms keys, never dereferenced in user space.
 */
#ifndef DMABUFCTL_BPF_RECORD_H
#define DMABUFCTL_BPF_RECORD_H

#ifndef __bpf__
#include <linux/types.h>
#endif

#define REC_COMM_LEN	16	/* TASK_COMM_LEN */
#define REC_EXP_LEN	32	/* exporter name, cut to 31 bytes */
#define REC_NAME_LEN	32	/* DMA_BUF_NAME_LEN */
#define REC_DEV_LEN	48	/* importer's dev_name(), cut to 47 bytes */

#endif

// SPDX-License-Identifier: GPL-2.0
/* Count calls of the functions dmabufctl's trace command hooks. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

__u64 invalidate_calls;
__u64 revoke_notify_calls;

SEC("fentry/dma_buf_invalidate_mappings")
int BPF_PROG(on_invalidate, struct dma_buf *dmabuf)
{
	__sync_fetch_and_add(&invalidate_calls, 1);
	return 0;
}

SEC("fentry/iopt_revoke_notify")
int BPF_PROG(on_revoke_notify, struct dma_buf_attachment *attach)
{
	__sync_fetch_and_add(&revoke_notify_calls, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";

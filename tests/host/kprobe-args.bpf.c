// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Two kprobes, one reading its first argument and one its second through
 * src/kprobe_regs.h.  tests/host/build.bats builds them for each
 * architecture: each must load from that architecture's register.
 */
#include "dmabuf_kern.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

unsigned long first, second;

SEC("kprobe")
int BPF_KPROBE(first_arg, unsigned long a)
{
	first = a;
	return 0;
}

SEC("kprobe")
int BPF_KPROBE(second_arg, unsigned long a, unsigned long b)
{
	second = b;
	return 0;
}

/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The register frame a kprobe program gets as its context, for the kernel
 * architecture the programs are built for (configure's BPF_TARGET_ARCH,
 * passed as __TARGET_ARCH_*).  bpf_tracing.h reads the arguments from it by
 * the uapi names (asm/ptrace.h) when there is no vmlinux.h, so these are the
 * uapi types; the reads are plain loads at fixed offsets, not CO-RE, since
 * the kernel's own struct pt_regs names the registers differently.  Only the
 * leading members, where uapi and kernel layout agree, are listed.
 *
 * BPF is a 64-bit target: "unsigned long" here is 8 bytes, so 32-bit
 * kernels spell their registers __u32.
 */
#ifndef DMABUFCTL_KPROBE_REGS_H
#define DMABUFCTL_KPROBE_REGS_H

#if defined(__TARGET_ARCH_x86)
/* x86-64: the uapi struct is the kernel's, with longer register names. */
struct pt_regs {
	unsigned long r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
	unsigned long rax, rcx, rdx, rsi, rdi, orig_rax, rip, cs, eflags, rsp, ss;
};
#elif defined(__TARGET_ARCH_arm64)
/* The kernel's pt_regs starts with this one (a union member). */
struct user_pt_regs {
	unsigned long regs[31];
	unsigned long sp, pc, pstate;
};
#elif defined(__TARGET_ARCH_arm)
struct pt_regs {
	__u32 uregs[18];
};
/* bpf_tracing.h casts a register to a pointer: widening a 32-bit kernel's
 * pointer is right. */
#pragma clang diagnostic ignored "-Wint-to-void-pointer-cast"
#elif defined(__TARGET_ARCH_s390)
typedef struct {
	unsigned long mask, addr;
} psw_t;
/* The kernel's pt_regs starts with this one (a union member). */
typedef struct {
	unsigned long args[1];
	psw_t psw;
	unsigned long gprs[16];
} user_pt_regs;
#elif defined(__TARGET_ARCH_powerpc)
/* 64-bit (ppc64, ppc64le). */
struct pt_regs {
	unsigned long gpr[32];
	unsigned long nip, msr, orig_gpr3, ctr, link, xer, ccr, softe, trap, dar, dsisr, result;
};
#elif defined(__TARGET_ARCH_riscv)
struct user_regs_struct {
	unsigned long pc, ra, sp, gp, tp, t0, t1, t2, s0, s1;
	unsigned long a0, a1, a2, a3, a4, a5, a6, a7;
	unsigned long s2, s3, s4, s5, s6, s7, s8, s9, s10, s11, t3, t4, t5, t6;
};
#elif defined(__TARGET_ARCH_mips)
/* 64-bit kernels; what follows regs[] depends on the kernel config. */
struct pt_regs {
	unsigned long regs[32];
};
#elif defined(__TARGET_ARCH_loongarch)
/* Named by libbpf 1.2 and later. */
struct user_pt_regs {
	unsigned long regs[32];
	unsigned long orig_a0, csr_era;
};
#else
#error "no kprobe register frame for this __TARGET_ARCH_ (configure's BPF_TARGET_ARCH)"
#endif

#endif /* DMABUFCTL_KPROBE_REGS_H */

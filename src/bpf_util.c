// SPDX-License-Identifier: GPL-2.0-or-later
/* libbpf's messages, privileges, kprobe support and kernel BTF.  See bpf_util.h. */
#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>
#include <linux/capability.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "bpf_util.h"
#include "util.h"

static int libbpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (!getenv("DMABUFCTL_DEBUG") || level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

void bpf_util_init_log(void)
{
	libbpf_set_print(libbpf_print);
}

void bpf_util_debug_step(const char *what, const char *step, uint64_t *since)
{
	debug_step(what, step, since);
}

bool bpf_util_may_trace(void)
{
	struct __user_cap_header_struct hdr = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct data[2];
	uint64_t eff;

	if (syscall(SYS_capget, &hdr, data))
		return geteuid() == 0;
	eff = (uint64_t)data[1].effective << 32 | data[0].effective;
	if (eff & (1ull << CAP_SYS_ADMIN))
		return true;
	return (eff & (1ull << 39)) && (eff & (1ull << 38));	/* CAP_BPF, CAP_PERFMON */
}

bool bpf_util_have_kprobes(void)
{
	return !access("/sys/bus/event_source/devices/kprobe/type", F_OK) ||
	       !access("/sys/kernel/tracing/kprobe_events", F_OK) ||
	       !access("/sys/kernel/debug/tracing/kprobe_events", F_OK);
}

const char *bpf_util_refusal(int err)
{
	switch (-err) {
	case EPERM:
	case EACCES:
		return "the kernel refused BPF tracing programs";
	case 524:	/* ENOTSUPP: no BPF trampoline on this kernel/arch */
	case EOPNOTSUPP:
		return "BPF trampolines are not supported";
	case EINVAL:
		return "the kernel rejected the BPF programs";
	default:
		return "cannot load BPF programs";
	}
}

const char *bpf_util_refusal_hint(int err)
{
	if (-err == EPERM || -err == EACCES)
		return "kernel lockdown or an LSM may forbid BPF; see dmesg and "
		       "/sys/kernel/security/lockdown";
	return "run with DMABUFCTL_DEBUG=1 for libbpf's messages";
}

struct kernel_btf {
	struct btf *vmlinux;
	struct btf **mods;
	size_t nr_mods;
	bool mods_loaded;
};

struct kernel_btf *kernel_btf_load(int *err)
{
	struct kernel_btf *kb;
	struct btf *vmlinux = btf__load_vmlinux_btf();

	if (!vmlinux) {
		*err = -errno;
		return NULL;
	}
	kb = xcalloc(1, sizeof(*kb));
	kb->vmlinux = vmlinux;
	return kb;
}

static void load_modules(struct kernel_btf *kb)
{
	struct dirent *de;
	DIR *dir;

	kb->mods_loaded = true;
	dir = opendir("/sys/kernel/btf");
	if (!dir)
		return;
	while ((de = readdir(dir))) {
		struct btf *m;
		char *path;

		if (de->d_name[0] == '.' || !strcmp(de->d_name, "vmlinux"))
			continue;
		path = xasprintf("/sys/kernel/btf/%s", de->d_name);
		m = btf__parse_split(path, kb->vmlinux);
		free(path);
		if (!m)
			continue;
		kb->mods = xrealloc(kb->mods, (kb->nr_mods + 1) * sizeof(*kb->mods));
		kb->mods[kb->nr_mods++] = m;
	}
	closedir(dir);
}

bool kernel_btf_has_func(struct kernel_btf *kb, const char *name)
{
	size_t i;

	if (btf__find_by_name_kind(kb->vmlinux, name, BTF_KIND_FUNC) > 0)
		return true;
	if (!kb->mods_loaded)
		load_modules(kb);
	for (i = 0; i < kb->nr_mods; i++)
		if (btf__find_by_name_kind(kb->mods[i], name, BTF_KIND_FUNC) > 0)
			return true;
	return false;
}

bool kernel_btf_has_struct(struct kernel_btf *kb, const char *name)
{
	return btf__find_by_name_kind(kb->vmlinux, name, BTF_KIND_STRUCT) > 0;
}

void kernel_btf_free(struct kernel_btf *kb)
{
	size_t i;

	if (!kb)
		return;
	for (i = 0; i < kb->nr_mods; i++)
		btf__free(kb->mods[i]);
	free(kb->mods);
	btf__free(kb->vmlinux);
	free(kb);
}

#!/usr/bin/env bats
# The test kernel's patch 0005 (x86/ftrace): gcc 12 at -Os leaves
# kprobe_ftrace_handler() at an odd address, which 7.2's
# DYNAMIC_FTRACE_WITH_JMP took for a tagged direct trampoline: the second
# time the kprobe ftrace trampoline was set up, its call to the handler
# became a jmp to the byte before it, and the first hit oopsed (RIP: the
# trampoline's saved r15).  Checked here through tracefs, without BPF.
load ../common

setup() {
	TRACING=/sys/kernel/tracing
	[ -e "$TRACING/kprobe_events" ] || TRACING=/sys/kernel/debug/tracing
	[ -e "$TRACING/kprobe_events" ] || fail "no tracefs kprobe_events"
}

teardown() {
	local r
	for r in 1 2 3; do
		echo 0 >"$TRACING/events/kprobes/dmabufctl_kp$r/enable" 2>/dev/null || true
		echo "-:dmabufctl_kp$r" >>"$TRACING/kprobe_events" 2>/dev/null || true
	done
}

@test "kernel: a kprobe fires after another one was removed, three rounds" {
	local r
	echo "# kprobe_ftrace_handler at $(awk '$3 == "kprobe_ftrace_handler" { print $1 }' /proc/kallsyms)" >&3
	for r in 1 2 3; do
		echo "p:dmabufctl_kp$r meminfo_proc_show" >>"$TRACING/kprobe_events"
		echo 1 >"$TRACING/events/kprobes/dmabufctl_kp$r/enable"
		: >"$TRACING/trace"
		cat /proc/meminfo >/dev/null
		grep -q "dmabufctl_kp$r: (meminfo_proc_show+" "$TRACING/trace" ||
			fail "round $r: no hit: $(tail -n 3 "$TRACING/trace")"
		echo 0 >"$TRACING/events/kprobes/dmabufctl_kp$r/enable"
		echo "-:dmabufctl_kp$r" >>"$TRACING/kprobe_events"
	done
	! dmesg | grep -E 'BUG:|Oops'
}

#!/usr/bin/env bats
# trace on the build host: input validation (exit 64 before anything is
# loaded), privileges (exit 4), and the kernel refusing BPF (exit 3).  This
# CI host's kernel refuses tracing programs even for root (fentry load:
# EPERM) and has neither a kprobe PMU nor tracefs, so no fallback either;
# the real tracing is tested in QEMU guests (tests/vm/suites/*/trace*.bats).
load common

NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)

# A --disable-bpf build has no tracer: every run that gets past its
# arguments (options, --pid) says so, exit 3.
built_without_bpf() {
	[ "$DMABUFCTL_BPF" = no ] || return 1
	assert_equal "$status" 3
	assert_equal "$output" ""
	assert_equal "$stderr" "dmabufctl: trace: cannot trace: dmabufctl was built without BPF (--disable-bpf)
dmabufctl: hint: rebuild with BPF (clang, bpftool, libbpf)"
}

bad_input() {	# REGEX ARGS...: exit 64, the message on stderr, nothing on stdout
	local re=$1
	shift
	run --separate-stderr "$DMABUFCTL" trace "$@"
	echo "$stderr"
	assert_equal "$status" 64
	assert_equal "$output" ""
	[[ $stderr =~ $re ]] || fail "stderr does not match /$re/"
}

@test "trace: bad filters and durations are refused with exit 64" {
	bad_input "--inode: 'x': not an inode number" --inode x
	bad_input "--inode: '0': not an inode number" --inode 0
	bad_input "--inode: '-5': not an inode number" --inode -5
	bad_input "--inode: '18446744073709551616': not an inode number" --inode 18446744073709551616
	bad_input "--pid: 'abc': not a process id" --pid abc
	bad_input "--pid: '0': not a process id" --pid 0
	bad_input "--pid: '99999999': not a process id" --pid 99999999
	bad_input "--exporter: empty name" --exporter ''
	bad_input "--exporter: '.*': longer than 31 bytes" --exporter "$(printf 'e%.0s' {1..32})"
	bad_input "--duration: '0': not a duration" --duration 0
	bad_input "--duration: '-1': not a duration" --duration -1
	bad_input "--duration: '5x': not a duration" --duration 5x
	bad_input "--timeout: 'soon': not a duration" --timeout soon
	bad_input "--count: '0': not a number from 1" -c 0
	bad_input "--count: 'many': not a number from 1" --count many
	bad_input "'42': unexpected argument \\(use --inode\\)" 42
	bad_input "unrecognized option '--sysroot'" --sysroot /
	bad_input "unrecognized option '--source'" --source bpf
	bad_input "--pid: 'abc': not a process id" -p abc
	bad_input "--exporter: empty name" -e ''
	bad_input "unrecognized option '--bogus'" --bogus
}

@test "trace: bad input is refused before privileges are checked" {
	run --separate-stderr "${NOBODY[@]}" "$DMABUFCTL" trace --inode nope
	assert_equal "$status" 64
}

@test "trace --pid of a process that does not exist: exit 2" {
	local pid=4194000
	while [ -d "/proc/$pid" ]; do pid=$((pid + 1)); done
	run --separate-stderr "$DMABUFCTL" trace --pid "$pid"
	echo "$stderr"
	assert_equal "$status" 2
	assert_equal "$output" ""
	[[ $stderr == *"$pid"* ]]
}

@test "trace as an unprivileged user: exit 4, one line and a hint" {
	run --separate-stderr "${NOBODY[@]}" "$DMABUFCTL" trace -J
	echo "$stderr"
	built_without_bpf && return
	assert_equal "$status" 4
	assert_equal "$output" ""
	assert_equal "$stderr" "dmabufctl: trace: cannot trace: BPF tracing needs CAP_BPF and CAP_PERFMON
dmabufctl: hint: run as root (or with CAP_BPF and CAP_PERFMON)"
}

@test "trace as root on this host: the kernel refuses BPF: exit 3, what failed and why, and a hint" {
	[ "$(id -u)" = 0 ] || fail "the host suites run as root here"
	run --separate-stderr "$DMABUFCTL" trace -J
	echo "$stderr"
	built_without_bpf && return
	assert_equal "$status" 3
	# No start line: nothing was attached.
	assert_equal "$output" ""
	assert_equal "$stderr" "dmabufctl: trace: cannot trace: the kernel refused BPF tracing programs (fentry load: Operation not permitted; kprobe fallback: no kprobe PMU and no tracefs)
dmabufctl: hint: kernel lockdown or an LSM may forbid BPF; see dmesg and /sys/kernel/security/lockdown"
}

@test "trace --kprobes on this host: kprobes are unavailable: exit 3" {
	run --separate-stderr "$DMABUFCTL" trace --kprobes
	echo "$stderr"
	built_without_bpf && return
	assert_equal "$status" 3
	assert_equal "$output" ""
	assert_equal "$(head -n 1 <<< "$stderr")" \
		"dmabufctl: trace: cannot trace: kprobes unavailable (kprobe fallback: no kprobe PMU and no tracefs)"
	assert_equal "$(grep -c . <<< "$stderr")" 2
}

@test "trace --help documents the JSON start line and the exit statuses" {
	run -0 "$DMABUFCTL" trace --help
	assert_output --partial '--inode=INODE'
	assert_output --partial '--timeout=TIME'
	assert_output --partial '{"event": "start"}'
	assert_output --partial 'Exit status 3'
}

@test "trace: its kernel-side filters take one value each; given twice is one line, exit 64" {
	assert_usage_errors trace <<'EOF2'
-p 1 -p 2|dmabufctl: trace: --pid: one process only
-e a -e b|dmabufctl: trace: --exporter: one exporter only
--inode 1 --inode 2|dmabufctl: trace: --inode: one buffer only
EOF2
}

@test "trace -J's records: json-c's text of the same object, byte for byte" {
	# out_rec (src/output_record.c) prints events without a json-c tree per
	# line; tests/unit/json-record compares 20,000 lines of every shape,
	# with strings that need escaping or are not UTF-8, to json-c's own.
	run -0 "$UNIT/json-record"
	assert_output "20000 lines identical"
}

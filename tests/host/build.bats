#!/usr/bin/env bats
# Builds of the distributed tree away from this one.  The BPF objects end
# up inside the program, so two builds in different directories must make
# the same bytes; they build for every architecture configure knows, with
# kprobe arguments read from that architecture's registers (arm64 is where
# Android and ChromeOS boards are); and "make install" puts the completions
# where the shells look.  The programs' own C is built by the other suites.
load common
load dist-common

# configure's host CPU -> BPF_TARGET_ARCH, each with where a kprobe finds
# its first and second argument (uapi asm/ptrace.h): load size and offset.
declare -gA ARG_REGS=(
	[x86]="u64:112 u64:104"		# rdi, rsi
	[arm64]="u64:0 u64:8"		# regs[0], regs[1]
	[arm]="u32:0 u32:4"		# uregs[0], uregs[1]
	[riscv]="u64:80 u64:88"		# a0, a1
	[s390]="u64:40 u64:48"		# gprs[2], gprs[3]
	[powerpc]="u64:24 u64:32"	# gpr[3], gpr[4]
	[mips]="u64:32 u64:40"		# regs[4], regs[5]
	[loongarch]="u64:32 u64:40"	# regs[4], regs[5]
)

CONFIGURE_FLAGS=(--quiet --disable-vm-tests --disable-packaging-tests)
BPF_OUT=(src/trace.bpf.o src/iter.bpf.o src/trace.skel.h src/iter.skel.h)

setup_file() {
	local t=$BATS_FILE_TMPDIR
	# A tree built in place, and a copy at another path built in a
	# separate directory, as distcheck does: all paths differ.
	dist_tree "$t/a/dmabufctl"
	cp -a "$t/a/dmabufctl" "$t/copy-at-a-longer-path"
	# The kprobe probe goes through the build's own BPF rule.
	cp "$t/a/dmabufctl/tests/host/kprobe-args.bpf.c" "$t/a/dmabufctl/src/"
	cp "$t/a/dmabufctl/tests/host/kprobe-args.bpf.c" "$t/copy-at-a-longer-path/src/"
	mkdir "$t/b" "$t/archs"
	(cd "$t/a/dmabufctl" && ./configure "${CONFIGURE_FLAGS[@]}" &&
		make -s "${BPF_OUT[@]}") >"$t/a.log" 2>&1
	echo $? >"$t/a.status"
	(cd "$t/b" && ../copy-at-a-longer-path/configure "${CONFIGURE_FLAGS[@]}" &&
		make -s "${BPF_OUT[@]}") >"$t/b.log" 2>&1
	echo $? >"$t/b.status"
}

setup() {
	T=$BATS_FILE_TMPDIR
	A=$T/a/dmabufctl
	B=$T/b
	BSRC=$T/copy-at-a-longer-path
}

built() {	# NAME: the setup_file build NAME succeeded
	[ "$(cat "$T/$1.status")" = 0 ] || { tail -n 40 "$T/$1.log"; false; }
}

# "u64:OFF" for each load from the context (r1) in the BPF function $2 of
# object $1.
ctx_loads() {
	llvm-objdump -d --no-show-raw-insn "$1" |
		awk -v fn="<$2>:" '$2 == fn { on = 1; next } on && /^$/ { exit }
			on && match($0, /= \*\(u[0-9]+ \*\)\(r1 \+ [0-9]+\)/) {
				s = substr($0, RSTART, RLENGTH); gsub(/[^0-9u ]/, "", s)
				split(s, w, " "); printf "%s%s:%s", sep, w[1], w[3]; sep = " " }'
}

# libbpf's bpf_tracing.h knows ARCH (as configure checks).
libbpf_knows() {
	echo '#include <bpf/bpf_tracing.h>' |
		clang -target bpf -D__TARGET_ARCH_"$1" -E -dM -x c - 2>/dev/null |
		grep -q '^#define bpf_target_defined'
}

@test "build: the BPF objects and skeletons are the same bytes built in two directories" {
	built a
	built b
	local f
	for f in "${BPF_OUT[@]}"; do
		cmp "$A/$f" "$B/$f"
	done
}

@test "build: no build directory inside the BPF objects; their source lines are" {
	built a
	built b
	local o
	for o in "$A"/src/{trace,iter}.bpf.o "$B"/src/{trace,iter}.bpf.o; do
		run grep -c -a -F "$T" "$o"
		assert_output 0
		# Their BTF line info still names the sources, and has their lines.
		run -0 grep -c -a -F "./src/$(basename "$o" .o).c" "$o"
		strings -a "$o" | grep -q $'^\t[a-z]'
	done
}

@test "build: configure maps every CPU it knows to an architecture tested here" {
	local archs
	archs=$(grep -o 'BPF_TARGET_ARCH=[a-z0-9]*\]' "$A/configure.ac" | tr -d ']' |
		cut -d= -f2 | sort -u | xargs)
	assert_equal "$archs" "$(printf '%s\n' "${!ARG_REGS[@]}" | sort | xargs)"
}

@test "build: BPF for every architecture: objects, skeletons, kprobe arguments in its registers" {
	built a
	local a out=(src/trace.skel.h src/iter.skel.h src/kprobe-args.bpf.o) checked=0
	in_dir "$T/archs" "$T/archs.log" "$BSRC/configure" "${CONFIGURE_FLAGS[@]}"
	for a in "${!ARG_REGS[@]}"; do
		if ! libbpf_knows "$a"; then
			# An older libbpf (1.1 has no loongarch): configure says so.
			mkdir "$T/no-$a"
			run -1 in_dir "$T/no-$a" "$T/no-$a.log" \
				"$BSRC/configure" "${CONFIGURE_FLAGS[@]}" BPF_TARGET_ARCH="$a"
			run grep -F "configure: error: libbpf's bpf_tracing.h has no __TARGET_ARCH_$a: set BPF_TARGET_ARCH or use --disable-bpf" "$T/no-$a.log"
			assert_success
			continue
		fi
		rm -f "$T"/archs/src/*.bpf.o "$T"/archs/src/*.skel.h
		in_dir "$T/archs" "$T/archs-$a.log" make -j2 BPF_TARGET_ARCH="$a" "${out[@]}"
		grep -q trace_bpf__open "$T/archs/src/trace.skel.h"
		grep -q iter_bpf__open "$T/archs/src/iter.skel.h"
		echo "$a"
		assert_equal "$(ctx_loads "$T/archs/src/kprobe-args.bpf.o" first_arg) $(ctx_loads "$T/archs/src/kprobe-args.bpf.o" second_arg)" "${ARG_REGS[$a]}"
		checked=$((checked + 1))
	done
	# Debian 12's libbpf knows all but loongarch.
	[ "$checked" -ge 7 ]
}

# configure_host DIR HOST BPF_TARGET BPF_TARGET_ARCH: configure the copy in
# $T/DIR for --host=HOST; it must choose that BPF target and architecture.
configure_host() {
	mkdir "$T/$1"
	in_dir "$T/$1" "$T/$1.log" "$BSRC/configure" "${CONFIGURE_FLAGS[@]}" --host="$2"
	run -0 grep -E '^BPF_TARGET(_ARCH)? = ' "$T/$1/Makefile"
	assert_output "BPF_TARGET = $3
BPF_TARGET_ARCH = $4"
}

@test "build: configure --host=aarch64-linux-gnu builds arm64 BPF objects and skeletons" {
	configure_host arm64 aarch64-linux-gnu bpfel arm64
	in_dir "$T/arm64" "$T/arm64.log" make src/trace.skel.h src/iter.skel.h src/kprobe-args.bpf.o
	assert_equal "$(ctx_loads "$T/arm64/src/kprobe-args.bpf.o" first_arg)" "u64:0"
	grep -q 'trace_bpf__open' "$T/arm64/src/trace.skel.h"
	grep -q 'iter_bpf__open' "$T/arm64/src/iter.skel.h"
	# The architecture shows in the programs, not only in the probe.
	run -1 cmp -s "$T/arm64/src/trace.bpf.o" "$A/src/trace.bpf.o"
}

@test "build: configure --host=s390x-linux-gnu builds big-endian BPF objects" {
	configure_host s390x s390x-linux-gnu bpfeb s390
	# Debian 12's bpftool (libbpf 1.1) opens objects of its own byte order
	# only: no skeleton here, which a native s390x build makes.
	in_dir "$T/s390x" "$T/s390x.log" make src/trace.bpf.o src/iter.bpf.o
	run -0 readelf -h "$T/s390x/src/trace.bpf.o"
	assert_output --partial "big endian"
	assert_output --partial "Linux BPF"
}

@test "build: configure refuses a CPU or an architecture it has no BPF for, and says what to do" {
	mkdir "$T/vax" "$T/sparc"
	run -1 in_dir "$T/vax" "$T/vax.log" "$BSRC/configure" "${CONFIGURE_FLAGS[@]}" \
		--host=vax-linux-gnu
	run -0 grep -F "configure: error: no BPF architecture known for CPU vax: set BPF_TARGET_ARCH or use --disable-bpf" "$T/vax.log"
	run -1 in_dir "$T/sparc" "$T/sparc.log" "$BSRC/configure" "${CONFIGURE_FLAGS[@]}" \
		BPF_TARGET_ARCH=sparc
	run -0 grep -F "configure: error: no kprobe register frame for BPF_TARGET_ARCH=sparc in src/kprobe_regs.h" "$T/sparc.log"
}

@test "build: make install (prefix /usr/local) puts man page, completions and systemd units where they are read" {
	built a
	local root=$T/root share
	in_dir "$A" "$T/install.log" make install-data DESTDIR="$root"
	share=$root/usr/local/share
	# zsh: site-functions is in every zsh's default $fpath (Debian's too).
	[ -f "$share/zsh/site-functions/_dmabufctl" ]
	zsh -fc 'print -l $fpath' | grep -qx /usr/local/share/zsh/site-functions
	# bash-completion loads "dmabufctl" from DATADIR/bash-completion/completions
	# for every DATADIR in XDG_DATA_DIRS (default /usr/local/share:/usr/share).
	run -0 env XDG_DATA_DIRS="$share" bash -c '. /usr/share/bash-completion/bash_completion
		__load_completion dmabufctl && complete -p dmabufctl'
	assert_output --partial ' dmabufctl'
	# fish: DATADIR/fish/vendor_completions.d for every XDG_DATA_DIRS entry
	# (loaded for a command on PATH).
	run -0 env XDG_DATA_DIRS="$share" HOME="$T" PATH="$(dirname "$DMABUFCTL"):$PATH" \
		fish -c 'complete -C "dmabufctl sh"'
	assert_output --partial show
	run -0 man -M "$share/man" -w dmabufctl
	assert_output "$share/man/man8/dmabufctl.8"
	# systemd units under the prefix (systemd.pc's directory, relative to
	# it), naming the installed program; systemd accepts them (checked
	# with the program at hand in place of the installed one).
	local units=$root/usr/local/lib/systemd/system v=$T/verify
	[ -f "$units/dmabufctl-metrics.timer" ]
	run -0 grep -x 'ExecStart=/usr/local/bin/dmabufctl metrics --timeout 10s --output /var/lib/prometheus/node-exporter/dmabuf.prom' \
		"$units/dmabufctl-metrics.service"
	mkdir "$v"
	sed "s|/usr/local/bin/dmabufctl|$DMABUFCTL|" "$units/dmabufctl-metrics.service" >"$v/dmabufctl-metrics.service"
	cp "$units/dmabufctl-metrics.timer" "$v/"
	run -0 --separate-stderr systemd-analyze verify --man=no "$v/dmabufctl-metrics.timer" \
		"$v/dmabufctl-metrics.service"
	assert_equal "$stderr" ''
	# --with-systemdsystemunitdir and --with-textfile-dir choose others.
	mkdir "$T/units"
	in_dir "$T/units" "$T/units.log" "$BSRC/configure" "${CONFIGURE_FLAGS[@]}" \
		--with-systemdsystemunitdir=/etc/units --with-textfile-dir=/srv/tf --prefix=/opt/d
	in_dir "$T/units" "$T/units-install.log" make install-data DESTDIR="$T/root2"
	run -0 grep -x 'ExecStart=/opt/d/bin/dmabufctl metrics --timeout 10s --output /srv/tf/dmabuf.prom' \
		"$T/root2/etc/units/dmabufctl-metrics.service"
}

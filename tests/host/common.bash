# Shared by the host suites: load bats helpers, find the binary and fixtures.
bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

: "${DMABUFCTL:=$BATS_TEST_DIRNAME/../../src/dmabufctl}"
: "${SRCDIR:=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)}"
: "${BUILDDIR:=$BATS_TEST_DIRNAME/../..}"
UNIT=$BUILDDIR/tests/unit
FIXTURES=$SRCDIR/tests/fixtures
# yes or no: whether this build has BPF (configure --disable-bpf).
: "${DMABUFCTL_BPF:=yes}"

# Usage errors, one per line of stdin, "ARGS|STDERR": "dmabufctl PREFIX...
# ARGS" must exit 64, print nothing on stdout and exactly the line STDERR.
assert_usage_errors() {
	local args want a
	while IFS='|' read -r args want; do
		read -ra a <<<"$args"
		run -64 --separate-stderr "$DMABUFCTL" "$@" "${a[@]}"
		assert_output ''
		assert_equal "$stderr" "$want"
	done
}

# many_tree DIR N: a replayed tree of N one-page buffers, every seventh
# named, held ten to a process by fd (bufinfo, fd links, fdinfo).
many_tree() {
	local d=$1 n=$2 i p fd name
	mkdir -p "$d/sys/kernel/debug/dma_buf"
	{
		printf '\nDma-buf Objects:\nsize    \tflags   \tmode    \tcount   \texp_name\tino     \tname\n'
		for ((i = 0; i < n; i++)); do
			name='<none>'
			((i % 7)) || name="buffer $i"
			printf '%08d\t00000002\t02080007\t00000001\tudmabuf\t%08d\t%s\n' 4096 $((1000 + i)) "$name"
			printf '\tAttached Devices:\nTotal 0 devices attached\n\n'
		done
		printf '\nTotal %d objects, %d bytes\n' "$n" $((4096 * n))
	} >"$d/sys/kernel/debug/dma_buf/bufinfo"
	for ((i = 0; i < n; i++)); do
		p=$d/proc/$((100 + i / 10))
		fd=$((3 + i % 10))
		if [ ! -d "$p" ]; then
			mkdir -p "$p/fd" "$p/fdinfo"
			echo "holder$i" >"$p/comm"
		fi
		ln -s /dmabuf: "$p/fd/$fd"
		printf 'pos:\t0\nflags:\t02\nmnt_id:\t16\nino:\t%d\nsize:\t4096\ncount:\t1\nexp_name:\tudmabuf\n' \
			$((1000 + i)) >"$p/fdinfo/$fd"
	done
}

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

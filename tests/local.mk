# Host suites: fast, no VM.  Parser tests replay trees captured from real
# kernels (tests/fixtures/<kernel>/) through --sysroot.
HOST_TESTS = \
	tests/host/sources.bats \
	tests/host/cli.bats \
	tests/host/fixtures.bats \
	tests/host/revoke.bats \
	tests/host/docs.bats \
	tests/host/completions.bats \
	tests/host/trace.bats
TESTS += $(HOST_TESTS)
EXTRA_DIST += $(HOST_TESTS) tests/host/common.bash
EXTRA_DIST += tests/fixtures
EXTRA_DIST += tests/host/docs-common.bash

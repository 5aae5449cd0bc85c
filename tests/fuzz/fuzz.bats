#!/usr/bin/env bats
# Short fixed-time fuzzing, run by make check in a build configured with
# --enable-fuzzing (.ci/run's sanitizer build): each libFuzzer target for
# FUZZ_CHECK_SECONDS (default 20) from the fixtures' seeds, then the tree mutator
# for FUZZ_CHECK_TREE_SECONDS (default 60) on the ASan + UBSan binary.  Any crash,
# sanitizer report, hang or broken output fails.  make fuzz runs longer.
bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

: "${FUZZ_CHECK_SECONDS:=20}"
: "${FUZZ_CHECK_TREE_SECONDS:=60}"

setup_file() {
	"$SRCDIR/tests/fuzz/seed" "$SRCDIR" "$BATS_FILE_TMPDIR/seeds"
}

# fuzz TARGET: run it on a fresh corpus seeded from the fixtures.
fuzz() {
	local t=$1 corpus=$BATS_TEST_TMPDIR/corpus
	mkdir -p "$corpus"
	run "$BUILDDIR/tests/fuzz/fuzz-$t" -max_total_time="$FUZZ_CHECK_SECONDS" -print_final_stats=1 \
		-dict="$SRCDIR/tests/fuzz/$t.dict" -artifact_prefix="$BATS_TEST_TMPDIR/" \
		"$corpus" "$BATS_FILE_TMPDIR/seeds/$t"
	# the numbers, for the log: runs, execs/s, coverage
	grep -E '^stat::(number_of_executed_units|average_exec_per_sec)|cov: .*DONE' <<<"$output" |
		sed "s/^/# fuzz-$t: /" >&3 || true
	assert_success
	refute_output --partial 'ERROR: AddressSanitizer'
	refute_output --partial 'runtime error:'
	# the crashes found once are replayed every time
	if [ -d "$SRCDIR/tests/fixtures/fuzz/$t" ]; then
		run "$BUILDDIR/tests/fuzz/fuzz-$t" "$SRCDIR/tests/fixtures/fuzz/$t"/*
		assert_success
	fi
}

@test "fuzz-bufinfo: debugfs bufinfo parser" {
	fuzz bufinfo
}

@test "fuzz-fdinfo: fdinfo parser" {
	fuzz fdinfo
}

@test "fuzz-maps: maps parser" {
	fuzz maps
}

@test "fuzz-iter: the BPF iterator's record reader" {
	fuzz iter
}

@test "fuzz-snapshot: diff's reader of list -J snapshots" {
	fuzz snapshot
}

@test "tree-fuzz: mutated /proc + debugfs trees through list, show, procs" {
	run "$SRCDIR/tests/fuzz/tree-fuzz" --seconds "$FUZZ_CHECK_TREE_SECONDS" \
		--crashes "$BUILDDIR/tests/fuzz/crashes"
	sed 's/^/# /' <<<"$output" >&3
	assert_success
}

#!/usr/bin/env bats
# dmabufctl metrics on the host, on trees captured from real 6.12 and 7.2
# kernels and hand-made ones: the values are list -J's (computed with jq,
# tests/helpers/metrics-expected), the text is what its consumers accept
# (Debian's prometheus-node-exporter over HTTP, the Python client's
# Prometheus and OpenMetrics parsers), --output replaces a file whole or
# leaves it, and --timeout bounds the scan.  Real buffers: the VM suite
# tests/vm/suites/all/metrics.bats.
load common

setup() {
	BASIC=$FIXTURES/cli/basic
	NAMES=$FIXTURES/cli/names
	CANON=$SRCDIR/tests/host/prom-canon
	EXPECTED=$SRCDIR/tests/helpers/metrics-expected
	SCRAPE=$SRCDIR/tests/helpers/node-exporter-scrape
}

# Every sample's family has HELP then TYPE before it, each family is one
# block, names and label names are valid, no series twice, no inode label.
lint() {
	awk '
		/^# HELP / { if (seen[$3]++) { print "family twice: " $3; bad = 1 } help = $3; next }
		/^# TYPE / { if ($3 != help) { print "TYPE without HELP: " $3; bad = 1 } type = $3; next }
		/^# EOF$/ { next }
		/^#/ { print "comment: " $0; bad = 1; next }
		{
			name = $0; sub(/[{ ].*/, "", name)
			fam = name; if (type ~ /_build$/) sub(/_info$/, "", fam)
			if (fam != type) { print "sample outside its family: " $0; bad = 1 }
			if (name !~ /^[a-zA-Z_:][a-zA-Z0-9_:]*$/) { print "bad name: " name; bad = 1 }
			series = $0; sub(/ [^ ]*$/, "", series)
			if (dup[series]++) { print "series twice: " series; bad = 1 }
			if ($0 ~ /[{,]inode=/) { print "inode label: " $0; bad = 1 }
			if ($NF !~ /^[0-9]+(\.[0-9]+)?$/) { print "bad value: " $0; bad = 1 }
		}
		END { exit bad }'
}

@test "metrics of replayed trees: every value is list -J's (6.12, 7.2, hand-made)" {
	local root
	for root in "$FIXTURES/6.12" "$FIXTURES/7.2" "$BASIC" "$FIXTURES/cli/wide"; do
		run -0 --separate-stderr "$DMABUFCTL" metrics --sysroot "$root"
		local text=$output
		lint <<<"$text" || fail "$root: $(lint <<<"$text")"
		run -0 "$CANON" dmabuf_ <<<"$text"
		local got=$output
		[ "$(wc -l <<<"$got")" -ge 4 ] || fail "$root: too few samples: $got"
		run -0 bash -c '"$1" list --sysroot "$2" -J | "$3"' _ "$DMABUFCTL" "$root" "$EXPECTED"
		assert_equal "$got" "$output"
	done
	# Not vacuous: the captured 7.2 tree has processes and importers.
	run -0 "$DMABUFCTL" metrics --sysroot "$FIXTURES/7.2"
	assert_line --regexp '^dmabuf_process_rss_bytes\{pid="[0-9]+",comm="[^"]+"\} [1-9][0-9]*$'
	assert_line --regexp '^dmabuf_attachments\{device="[^"]+"\} [1-9][0-9]*$'
}

@test "node_exporter's textfile collector reads --output: no scrape error, the values of list -J" {
	local root dir=$BATS_TEST_TMPDIR/textfile
	mkdir "$dir"
	for root in "$FIXTURES/6.12" "$FIXTURES/7.2" "$BASIC"; do
		run -0 --separate-stderr "$DMABUFCTL" metrics --sysroot "$root" --output "$dir/dmabuf.prom"
		assert_output ''
		run -0 "$SCRAPE" "$dir"
		local scrape=$output
		assert_line 'node_textfile_scrape_error 0'
		assert_line --regexp "^node_textfile_mtime_seconds\{file=\"$dir/dmabuf.prom\"\} "
		assert_line 'dmabufctl_scan_success 1'
		run -0 "$CANON" dmabuf_ <<<"$scrape"
		local got=$output
		run -0 bash -c '"$1" list --sysroot "$2" -J | "$3"' _ "$DMABUFCTL" "$root" "$EXPECTED"
		assert_equal "$got" "$output"
	done
	# the exporter is gone: nothing listens for it any more
	run pgrep -f "collector.textfile.directory=$dir"
	assert_failure
}

@test "label values are escaped and valid UTF-8; node_exporter and the parser get the names back" {
	local root=$BATS_TEST_TMPDIR/root dir=$BATS_TEST_TMPDIR/textfile
	cp -a "$NAMES" "$root"
	printf 'q"b\\c\377\n' >"$root/proc/400/comm"
	mkdir "$dir"
	run -0 "$DMABUFCTL" metrics --sysroot "$root" --source procfs
	assert_line 'dmabuf_process_rss_bytes{pid="400",comm="q\"b\\c'$'\xef\xbf\xbd''"} 8192'
	"$DMABUFCTL" metrics --sysroot "$root" --source procfs --output "$dir/x.prom"
	run -0 "$SCRAPE" "$dir"
	assert_line 'node_textfile_scrape_error 0'
	run -0 "$CANON" dmabuf_process_rss <<<"$output"
	assert_output 'dmabuf_process_rss_bytes|comm=q"b\c'$'\xef\xbf\xbd'',pid=400|8192'
	# A cgroup path with a newline, a quote and a backslash (the unit test
	# plays a source that knows cgroups).
	run -0 bash -c 'printf "1 4096 10\n" | "$1" 10="$2"' _ "$UNIT/metrics-cgroups" $'/a\n"b\\'
	assert_line 'dmabuf_cgroup_rss_bytes{cgroup="/a\n\"b\\"} 4096'
}

@test "cgroups: a buffer counts once per cgroup (RSS), shared among its holders (PSS)" {
	# 1: 4096 held by 10 and 11 (/a) and 12 (/b); 2: 8192 by 12; 3: by 13 (no cgroup)
	run -0 bash -c 'printf "1 4096 10\n1 4096 11\n1 4096 12\n2 8192 12\n3 100 13\n" |
		"$1" 10=/a 11=/a 12=/b | "$2" dmabuf_cgroup' _ "$UNIT/metrics-cgroups" "$CANON"
	assert_output 'dmabuf_cgroup_buffers|cgroup=/a|1
dmabuf_cgroup_buffers|cgroup=/b|2
dmabuf_cgroup_pss_bytes|cgroup=/a|2730
dmabuf_cgroup_pss_bytes|cgroup=/b|9557
dmabuf_cgroup_rss_bytes|cgroup=/a|4096
dmabuf_cgroup_rss_bytes|cgroup=/b|12288'
	# No holder's cgroup known: no family at all (today's sources).
	run -0 "$DMABUFCTL" metrics --sysroot "$BASIC"
	refute_line --partial cgroup
}

@test "--top N: series for the N largest processes by RSS, all counted; 0 is every process" {
	run -0 "$DMABUFCTL" metrics --sysroot "$BASIC" --top 1
	assert_line 'dmabuf_processes 2'
	assert_line 'dmabuf_process_rss_bytes{pid="100",comm="compositor"} 5242880'
	refute_line --partial 'pid="200"'
	run -0 bash -c '"$1" metrics --sysroot "$2" --top 1 | "$3" dmabuf_' _ "$DMABUFCTL" "$BASIC" "$CANON"
	local got=$output
	run -0 bash -c '"$1" list --sysroot "$2" -J | "$3" 1' _ "$DMABUFCTL" "$BASIC" "$EXPECTED"
	assert_equal "$got" "$output"
	run -0 "$DMABUFCTL" metrics --sysroot "$BASIC" --top 0
	assert_line --partial 'pid="200"'
	# Without a process source nothing is said of processes.
	run -0 "$DMABUFCTL" metrics --sysroot "$BASIC" --source debugfs
	refute_line --partial dmabuf_process
	refute_line --partial dmabuf_unattributed
	assert_line 'dmabuf_buffers{exporter="system"} 2'
}

@test "sources, skipped sources and the scan: as list -J says" {
	run -0 "$DMABUFCTL" metrics --sysroot "$BASIC"
	local text=$output
	run -0 "$DMABUFCTL" list --sysroot "$BASIC" -J
	local json=$output src
	for src in bpf debugfs procfs maps; do
		grep -qx "dmabufctl_source_used{source=\"$src\"} $(jq --arg s "$src" \
			'.sources | index($s) != null | if . then 1 else 0 end' <<<"$json")" <<<"$text" ||
			fail "dmabufctl_source_used of $src"
	done
	assert_equal "$(grep '^dmabufctl_source_skipped' <<<"$text")" \
		"$(jq -r '.skipped[] | "dmabufctl_source_skipped{source=\"\(.source)\",reason=\"\(.reason)\"} 1"' <<<"$json")"
	grep -qx 'dmabufctl_scan_success 1' <<<"$text"
	grep -qE '^dmabufctl_scan_duration_seconds 0\.[0-9]{6}$' <<<"$text"
	grep -qE '^dmabufctl_scan_timestamp_seconds [0-9]{10}\.[0-9]{3}$' <<<"$text"
	grep -qx "dmabufctl_build_info{version=\"$("$DMABUFCTL" -V | cut -d' ' -f2)\"} 1" <<<"$text"
}

@test "--openmetrics: what the OpenMetrics parser accepts, the same samples, # EOF last" {
	run -0 "$DMABUFCTL" metrics --sysroot "$FIXTURES/7.2" --openmetrics
	local om=$output
	assert_equal "$(tail -n 1 <<<"$om")" '# EOF'
	assert_line '# TYPE dmabufctl_build info'
	lint <<<"$om" || fail "$(lint <<<"$om")"
	run -0 "$CANON" --openmetrics dmabuf <<<"$om"
	local got=$output
	run -0 bash -c '"$1" metrics --sysroot "$2" | "$3" dmabuf' _ "$DMABUFCTL" "$FIXTURES/7.2" "$CANON"
	# the same but for the scan's own duration and time
	assert_equal "$(grep -v _scan_ <<<"$got")" "$(grep -v _scan_ <<<"$output")"
	# Prometheus' text is not OpenMetrics (no # EOF): the parser is strict.
	run -1 bash -c '"$1" metrics --sysroot "$2" | "$3" --openmetrics' _ "$DMABUFCTL" "$BASIC" "$CANON"
}

@test "--output replaces the file whole: a new file renamed over it, readable by node_exporter" {
	local dir=$BATS_TEST_TMPDIR/out
	mkdir "$dir"
	echo old >"$dir/dmabuf.prom"
	local ino
	ino=$(stat -c %i "$dir/dmabuf.prom")
	run -0 --separate-stderr "$DMABUFCTL" metrics --sysroot "$BASIC" --output "$dir/dmabuf.prom"
	assert_output ''
	assert_equal "$stderr" ''
	[ "$(stat -c %i "$dir/dmabuf.prom")" != "$ino" ] || fail "written in place, not renamed"
	assert_equal "$(stat -c %a "$dir/dmabuf.prom")" 644
	assert_equal "$(ls -A "$dir")" dmabuf.prom
	# what stdout has, but for the scan's duration and time
	assert_equal "$(grep -v '^dmabufctl_scan_[dt]' "$dir/dmabuf.prom")" \
		"$("$DMABUFCTL" metrics --sysroot "$BASIC" | grep -v '^dmabufctl_scan_[dt]')"
	# a relative path, in the current directory
	cd "$dir"
	run -0 "$DMABUFCTL" metrics --sysroot "$BASIC" --output rel.prom
	grep -qx 'dmabufctl_scan_success 1' rel.prom
}

@test "--output that cannot be written: one line, the old file intact, no temporary file left" {
	[[ $(id -u) == 0 ]] || fail "run as root to test another user's directory"
	local dir=$BATS_TEST_TMPDIR/ro
	mkdir "$dir"
	echo old >"$dir/dmabuf.prom"
	# The live system, as nobody (who may not be able to reach a fixture
	# under a private temporary directory, nor write into dir).
	run -4 --separate-stderr setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$DMABUFCTL" metrics --output "$dir/dmabuf.prom"
	assert_output ''
	assert_equal "$stderr" "dmabufctl: $dir/dmabuf.prom: cannot create a file in its directory: Permission denied"
	assert_equal "$(cat "$dir/dmabuf.prom")" old
	assert_equal "$(ls -A "$dir")" dmabuf.prom
	# no such directory
	run -1 --separate-stderr "$DMABUFCTL" metrics --sysroot "$BASIC" --output "$dir/none/x.prom"
	assert_output ''
	assert_equal "$stderr" "dmabufctl: $dir/none/x.prom: cannot create a file in its directory: No such file or directory"
	# a directory in the file's place stays as it was
	mkdir "$dir/d.prom"
	run -1 --separate-stderr "$DMABUFCTL" metrics --sysroot "$BASIC" --output "$dir/d.prom"
	assert_output ''
	assert_equal "$stderr" "dmabufctl: $dir/d.prom: cannot replace: Is a directory"
	assert_equal "$(ls -A "$dir")" $'d.prom\ndmabuf.prom'
}

@test "--timeout: a scan that runs late is given up; the metrics say so and node_exporter reads them" {
	# 2000 processes to walk take some milliseconds, a hundred times 1 ms.
	local root=$BATS_TEST_TMPDIR/many dir=$BATS_TEST_TMPDIR/textfile
	mkdir -p "$root/proc/self" "$dir"
	cp -r "$BASIC/sys" "$root/"
	cp "$BASIC/proc/self/mountinfo" "$root/proc/self/"
	(cd "$root/proc" && mkdir -p {1000..3000}/fd {1000..3000}/fdinfo)
	run -0 "$DMABUFCTL" metrics --sysroot "$root"
	assert_line 'dmabufctl_scan_success 1'
	run -1 --separate-stderr "$DMABUFCTL" metrics --sysroot "$root" --timeout 1ms --output "$dir/dmabuf.prom"
	assert_output ''
	assert_equal "$stderr" 'dmabufctl: scan: given up: no answer within 0.001 s'
	run -0 cat "$dir/dmabuf.prom"
	assert_line 'dmabufctl_scan_success 0'
	refute_line --regexp '^dmabuf_'
	lint <"$dir/dmabuf.prom"
	run -0 "$SCRAPE" "$dir"
	assert_line 'node_textfile_scrape_error 0'
	assert_line 'dmabufctl_scan_success 0'
	# on stdout likewise
	run -1 --separate-stderr "$DMABUFCTL" metrics --sysroot "$root" --timeout 1ms
	assert_line 'dmabufctl_scan_success 0'
}

@test "metrics: every bad value is one line, exit 64, nothing on stdout" {
	assert_usage_errors metrics --sysroot "$BASIC" <<'EOF2'
--top -1|dmabufctl: metrics: --top: '-1': not a number from 0
--top x|dmabufctl: metrics: --top: 'x': not a number from 0
--timeout 0|dmabufctl: metrics: --timeout: '0': not a duration (5, 2.5s, 500ms, 1m)
--timeout 5x|dmabufctl: metrics: --timeout: '5x': not a duration (5, 2.5s, 500ms, 1m)
--output=|dmabufctl: metrics: --output: empty file name
extra|dmabufctl: metrics: 'extra': unexpected argument
EOF2
	run -64 --separate-stderr "$DMABUFCTL" metrics -J
	assert_equal "${stderr_lines[0]}" "dmabufctl: metrics: invalid option -- 'J'"
}

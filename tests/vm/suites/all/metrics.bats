#!/usr/bin/env bats
# dmabufctl metrics on real buffers of a real kernel: mkbufs makes buffers
# in several shapes and a vgem importer attaches one; the metrics must be
# what list -J says (tests/helpers/metrics-expected), and Debian's
# prometheus-node-exporter, started here on 127.0.0.1 with only its
# textfile collector and stopped after the scrape, must read them without
# error.  Runs in the guest as root (tests/vm/check-kernel).
load ../common

SPECS=(
	'udmabuf:64K:one'
	'heap:256K:camera,dup=2,map'
	'udmabuf:128K:shared,fork'
	'udmabuf:16K:maponly,maponly'
	'udmabuf:8K:small,many=12'
)

setup() {
	T=$BATS_TEST_TMPDIR
	CANON=$SRCDIR/tests/host/prom-canon
	EXPECTED=$SRCDIR/tests/helpers/metrics-expected
	SCRAPE=$SRCDIR/tests/helpers/node-exporter-scrape
	mk_start "${SPECS[@]}"
	mk_first
	# An importer: vgem attaches the first buffer (pidfd_getfd of its fd).
	vg_start --pid "$PID" --fd "${FD%%,*}"
	# Nothing else changes while the test compares two scans.
	"$DMABUFCTL" list -J >"$T/list.json"
}

@test "metrics: every value is list -J's, for real buffers, holders and an importer" {
	run -0 --separate-stderr "$DMABUFCTL" metrics --top 0
	local text=$output
	run -0 "$CANON" dmabuf_ <<<"$text"
	local got=$output
	run -0 "$EXPECTED" 0 <"$T/list.json"
	assert_equal "$got" "$output"
	# mkbufs' buffers are there: its processes, udmabuf and the heap, vgem
	grep -qE "^dmabuf_process_rss_bytes\\{pid=\"$PID\",comm=\"mkbufs\"\\} [1-9]" <<<"$text"
	grep -qE '^dmabuf_buffers\{exporter="udmabuf"\} ([2-9][0-9]|1[5-9])$' <<<"$text"
	grep -qE '^dmabuf_buffers\{exporter="system"\} [1-9]' <<<"$text"
	grep -qE "^dmabuf_attachments\\{device=\"$(field device "$VG_LINE")\"\\} [1-9]" <<<"$text"
	grep -qx 'dmabufctl_scan_success 1' <<<"$text"
	grep -qx 'dmabufctl_source_used{source="procfs"} 1' <<<"$text"
}

@test "metrics: node_exporter reads --output from its textfile directory, values as list -J" {
	mkdir "$T/textfile"
	run -0 --separate-stderr "$DMABUFCTL" metrics --output "$T/textfile/dmabuf.prom"
	assert_output ''
	run -0 "$SCRAPE" "$T/textfile"
	local scrape=$output
	assert_line 'node_textfile_scrape_error 0'
	assert_line 'dmabufctl_scan_success 1'
	run -0 "$CANON" dmabuf_ <<<"$scrape"
	local got=$output
	run -0 "$EXPECTED" <"$T/list.json"
	assert_equal "$got" "$output"
	# the default --top: 10 processes at most, all counted
	assert_equal "$(grep -c '^dmabuf_process_rss_bytes' <<<"$got")" \
		"$(jq '[.dmabufs[].processes[].pid] | unique | if length > 10 then 10 else length end' "$T/list.json")"
	# the exporter is gone again
	run pgrep -f "collector.textfile.directory=$T/textfile"
	assert_failure
}

@test "metrics: the sources are list -J's; --openmetrics parses" {
	run -0 "$DMABUFCTL" metrics
	local text=$output src
	for src in bpf debugfs procfs maps; do
		grep -qx "dmabufctl_source_used{source=\"$src\"} $(jq --arg s "$src" \
			'.sources | index($s) != null | if . then 1 else 0 end' "$T/list.json")" <<<"$text" ||
			fail "dmabufctl_source_used of $src: $(grep source_used <<<"$text")"
	done
	run -0 bash -c '"$1" metrics --openmetrics | "$2" --openmetrics dmabuf_bytes' _ "$DMABUFCTL" "$CANON"
	assert_line --regexp '^dmabuf_bytes\|exporter=udmabuf\|[1-9][0-9]*$'
}

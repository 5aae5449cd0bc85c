#!/usr/bin/env bats
# trace and the iterator with real importers on the project's test kernel
# (7.2 + vgem + iommufd with IOMMUFD_TEST): iommufd's mock dma-buf mapped
# into an IOAS is a dynamic importer whose callback is iopt_revoke_notify;
# the test revoke op runs the real dma_buf_invalidate_mappings() path.
# The IOMMU page table itself (dmabuf-iommufd "mapped") is the ground truth
# for "unmapped".
load ../common

@test "list -J and show: the IOAS mapping is a dynamic attachment with callback iopt_revoke_notify" {
	io_start
	INO=$(field inode "$IO_LINE")
	DEV=$(field device "$IO_LINE")
	run -0 "$DMABUFCTL" list -J
	echo "$output"
	jq -e '.sources | index("bpf")' <<< "$output" >/dev/null
	jq -e --argjson i "$INO" --arg d "$DEV" '.dmabufs[] | select(.inode == $i) |
		.exporter == "iommufd" and (.attachments | length == 1) and
		.attachments[0].device == $d and .attachments[0].dynamic == true and
		.attachments[0].callback == "iopt_revoke_notify"' <<< "$output" >/dev/null
	run -0 "$DMABUFCTL" show "$INO"
	echo "$output"
	assert_line --regexp "^  $DEV  callback iopt_revoke_notify  dynamic$"
}

@test "trace: revoke gives invalidate, the callback, and a positive confirmation; the IOMMU is unmapped" {
	trace_start
	jq -e '.callbacks | index("iopt_revoke_notify")' <<< "$START" >/dev/null
	io_start
	INO=$(field inode "$IO_LINE")
	DEV=$(field device "$IO_LINE")
	io mapped
	[[ $IO_REPLY == "ok mapped "* ]] || fail "not mapped before revoke: $IO_REPLY"
	io revoke
	assert_equal "$IO_REPLY" ok
	trace_wait 'select(.event == "confirm")'
	io mapped
	[[ $IO_REPLY == "ok unmapped pages=0/"* ]] || fail "IOMMU still maps it: $IO_REPLY"
	trace_stop

	events ".inode == $INO and .event == \"attach\"" | jq -e --arg d "$DEV" \
		'.device == $d and .dynamic == true and .callback == "iopt_revoke_notify"' >/dev/null
	assert_equal "$(events ".inode == $INO" | jq -r .event |
		grep -e invalidate -e callback -e confirm | paste -sd,)" invalidate,callback,confirm
	events ".inode == $INO and .event == \"invalidate\"" | jq -e '.exporter == "iommufd"' >/dev/null
	events ".inode == $INO and .event == \"callback\"" | jq -e --arg d "$DEV" \
		'.device == $d and .callback == "iopt_revoke_notify"' >/dev/null
	events ".inode == $INO and .event == \"confirm\"" | jq -e --arg d "$DEV" \
		'.device == $d and .callback == "iopt_revoke_notify" and .dynamic and .notifiable and
		 .notified == true and .unmapped == true and .unmap == "in_callback" and .latency_ms >= 0' \
		>/dev/null
}

@test "trace --inode started after the attachment (as revoke --verify is) still confirms" {
	io_start
	INO=$(field inode "$IO_LINE")
	trace_start --inode "$INO" --timeout 1
	io revoke
	trace_wait 'select(.event == "confirm")'
	trace_stop
	assert_equal "$(events '.event == "confirm"' | wc -l)" 1
	events '.event == "confirm"' | jq -e --argjson i "$INO" \
		'.inode == $i and .notified == true and .unmapped == true' >/dev/null
}

@test "trace: a static importer of the same buffer is reported as unable to be notified" {
	io_start
	INO=$(field inode "$IO_LINE")
	DEV=$(field device "$IO_LINE")
	io fd
	FD=$(field fd "${IO_REPLY#ok }")
	vg_start --pid "$(field pid "$IO_LINE")" --fd "$FD"
	VDEV=$(field device "$VG_LINE")
	echo "dmabuf-vgem: $VG_LINE"
	assert_equal "$(field inode "$VG_LINE")" "$INO"
	trace_start --inode "$INO"
	io revoke
	trace_wait_count 'select(.event == "confirm")' 2
	trace_stop
	# Slurp: jq 1.6 -e takes its status from the last input only.
	events '.event == "confirm"' | jq -s -e --arg d "$DEV" 'map(select(.device == $d)) |
		length == 1 and (.[0] | .notified == true and .unmapped == true)' >/dev/null
	events '.event == "confirm"' | jq -s -e --arg d "$VDEV" 'map(select(.device == $d)) |
		length == 1 and (.[0] | .callback == null and .dynamic == false and
		.notifiable == false and .notified == false and .unmapped == false and
		.unmap == null)' >/dev/null
}

@test "trace without -J: one readable line per event, then the summary on stderr" {
	io_start
	INO=$(field inode "$IO_LINE")
	trace_text_start --inode "$INO"
	io revoke
	trace_text_stop 1
	run cat "$TRACE_OUT"
	assert_line --index 0 --regexp '^TIME +PID +COMM +EVENT +INODE +DETAILS$'
	assert_line --regexp " invalidate +$INO +size=16K exporter=iommufd$"
	assert_line --regexp " callback +$INO +exporter=iommufd device=.* dynamic callback=iopt_revoke_notify$"
	assert_line --regexp " confirm +$INO +device=.* callback=iopt_revoke_notify notified=yes unmapped=yes via=in_callback after=[0-9.]+ms$"
	run cat "$TRACE_ERR"
	assert_line --index 0 --regexp '^Tracing dma-bufs with fentry '
	assert_line --regexp '^[0-9]+ events seen, [0-9]+ printed, 0 lost, [0-9]+ missed$'
}

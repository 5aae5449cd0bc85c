#!/usr/bin/env bats
# revoke on Debian's stock kernels (trixie, sid): no DMA_BUF_IOCTL_REVOKE.
# The tool must say so, with its own status, and leave the buffer alone.
load ../common

# Wait up to 30 s for each line from mkbufs (common.bash waits 60).
H_TIMEOUT=30

# The buffer still works and carries no revoked mark.
assert_untouched() {	# INODE PID FD
	mk "touch $1"
	assert_equal "$MK_REPLY" "ok pages=16"
	mk "mmap $1"
	assert_equal "$MK_REPLY" "ok maps=2"
	run grep -c '^revoked:' "/proc/$2/fdinfo/$3"
	assert_output 0
	run grep '^exp_name:' "/proc/$2/fdinfo/$3"
	assert_output $'exp_name:\tudmabuf'
}

@test "revoke on a stock kernel: no ioctl, EXIT_UNSUPPORTED, buffer untouched" {
	mk_start udmabuf:64K,map
	mk_first

	run --separate-stderr "$DMABUFCTL" revoke -y "$INO" </dev/null
	assert_equal "$status" 3
	assert_equal "$stderr" "dmabufctl: dma-buf $INO: revoke: this kernel has no DMA_BUF_IOCTL_REVOKE (Inappropriate ioctl for device)
dmabufctl: hint: needs a kernel with the dma-buf revoke series, see tests/kernel/README.md"
	assert_equal "$output" ""
	assert_untouched "$INO" "$PID" "$FD"
}

@test "revoke -J on a stock kernel: the error as one object" {
	mk_start udmabuf:64K,map
	mk_first

	run --separate-stderr "$DMABUFCTL" revoke -J -y "$INO" </dev/null
	assert_equal "$status" 3
	run jq -c . <<<"$output"
	assert_output "{\"inode\":$INO,\"size\":65536,\"exporter\":\"udmabuf\",\"holder\":{\"pid\":$PID,\"comm\":\"mkbufs\",\"fd\":$FD,\"checked\":true},\"checks\":[\"magic\",\"inode\",\"exporter\"],\"result\":\"error\",\"status\":3,\"errno\":\"ENOTTY\",\"message\":\"this kernel has no DMA_BUF_IOCTL_REVOKE (Inappropriate ioctl for device)\",\"invalidated\":null,\"confirmations\":null,\"verify_ms\":null,\"tracer_load_ms\":null,\"was_revoked\":null}"
	assert_untouched "$INO" "$PID" "$FD"
}

@test "revoke of a buffer held only by a mapping: EXIT_NOFD" {
	mk_start udmabuf:64K,maponly
	mk_first

	run --separate-stderr "$DMABUFCTL" revoke -y "$INO" </dev/null
	assert_equal "$status" 9
	assert_equal "$stderr" "dmabufctl: dma-buf $INO: revoke: no process holds it by fd, only by mappings: mkbufs[$PID]
dmabufctl: hint: revoke needs an fd to duplicate; mappings and kernel references cannot be duplicated"
	mk "touch $INO"
	assert_equal "$MK_REPLY" "ok pages=16"
}

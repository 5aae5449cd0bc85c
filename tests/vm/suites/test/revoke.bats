#!/usr/bin/env bats
# revoke on the project's test kernel (tests/kernel: the revoke series,
# udmabuf and iommufd's mock exporter revocable, vgem, system heap).
# Every refusal is followed by proof that nothing changed: the holder can
# still read every page through its mapping and fdinfo has no revoked mark.
load ../common

NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)

# Nothing changed: every mapped page readable, a new mapping works (when
# mkbufs holds an fd), and the holder's fdinfo has no revoked mark.
assert_untouched() {	# INODE PAGES [PID FD]
	mk "touch $1"
	assert_equal "$MK_REPLY" "ok pages=$2"
	[ $# -eq 4 ] || return 0
	mk "mmap $1"
	assert_regex "$MK_REPLY" '^ok maps=[0-9]+$'
	mk "touch $1"
	assert_equal "$MK_REPLY" "ok pages=$(($2 * 2))"
	run grep '^revoked:' "/proc/$3/fdinfo/$4"
	[ "$status" = 1 ] || assert_output $'revoked:\t0'
}

@test "revoke: a mapped udmabuf is revoked; the holder gets SIGBUS; again: already revoked" {
	mk_start udmabuf:64K,map
	mk_first
	# REVOKED makes list read the fdinfo that debugfs made unnecessary.
	run -0 "$DMABUFCTL" list -n -r -o INODE,REVOKED "$INO"
	assert_output "$INO no"
	run --separate-stderr "$DMABUFCTL" revoke -y "$INO" </dev/null
	assert_equal "$stderr" ""
	assert_equal "$status" 0
	assert_output "revoked dma-buf $INO (64K, udmabuf) through mkbufs[$PID] fd $FD"
	run -0 "$DMABUFCTL" list -n -r -o INODE,REVOKED "$INO"
	assert_output "$INO yes"
	run -0 "$DMABUFCTL" show -J "$INO"
	assert_equal "$(jq -c .revoked <<< "$output")" true

	mk "touch $INO"
	assert_equal "$MK_REPLY" "err SIGBUS map=0 offset=0 pages=0"
	mk "mmap $INO"
	assert_regex "$MK_REPLY" '^err E[A-Z]+ '

	run --separate-stderr "$DMABUFCTL" revoke -y "$INO" </dev/null
	assert_equal "$status" 7
	assert_equal "$stderr" "dmabufctl: dma-buf $INO: revoke: already revoked"
	assert_equal "$output" ""
}

@test "revoke -J: the revoked outcome as one object" {
	mk_start udmabuf:16K,map
	mk_first
	run --separate-stderr "$DMABUFCTL" revoke -J --yes "$INO" </dev/null
	assert_equal "$status" 0
	run jq -c . <<<"$output"
	assert_output "{\"inode\":$INO,\"size\":16384,\"exporter\":\"udmabuf\",\"holder\":{\"pid\":$PID,\"comm\":\"mkbufs\",\"fd\":$FD,\"checked\":true},\"checks\":[\"magic\",\"inode\",\"exporter\"],\"result\":\"revoked\",\"status\":0,\"errno\":null,\"message\":\"revoked dma-buf $INO (16K, udmabuf) through mkbufs[$PID] fd $FD\",\"invalidated\":null,\"confirmations\":null,\"verify_ms\":null,\"tracer_load_ms\":null,\"was_revoked\":false}"
	mk "touch $INO"
	assert_equal "$MK_REPLY" "err SIGBUS map=0 offset=0 pages=0"
}

@test "revoke --verify: iommufd's iopt_revoke_notify ran and it unmapped the IOAS" {
	io_start --size 64K
	local ino pid fd
	ino=$(field inode "$IO_LINE")
	pid=$(field pid "$IO_LINE")
	fd=$(field fd "$IO_LINE")
	io mapped
	assert_regex "$IO_REPLY" '^ok mapped pages=16/16 '

	run --separate-stderr "$DMABUFCTL" revoke -J -y --verify=10 "$ino" </dev/null
	echo "# stderr: $stderr" >&3
	assert_equal "$status" 0
	local json=$output
	run jq -c '[.result, .status, .holder.pid, .holder.fd, .invalidated]' <<<"$json"
	assert_output "[\"revoked\",0,$pid,$fd,true]"
	run jq -c '[.confirmations[] | [.callback, .notified, .unmapped, .unmap]]' <<<"$json"
	assert_output '[["iopt_revoke_notify",true,true,"in_callback"]]'
	run jq -r '.verify_ms' <<<"$json"
	assert_regex "$output" '^[0-9]+(\.[0-9]+)?$'
	echo "# revoke --verify: start to confirmation $output ms" >&3

	io mapped
	assert_regex "$IO_REPLY" '^ok unmapped pages=0/16 '
}

@test "revoke --verify: the human report names the callback and the unmap" {
	io_start
	local ino
	ino=$(field inode "$IO_LINE")
	run --separate-stderr "$DMABUFCTL" revoke -y --verify "$ino" </dev/null
	assert_equal "$status" 0
	assert_line --index 0 --regexp "^revoked dma-buf $ino \\(16K, iommufd\\) through dmabuf-iommufd\\[[0-9]+\\] fd [0-9]+\$"
	assert_line --index 1 --regexp '^  .*: notified via iopt_revoke_notify, unmapped \(in_callback\)'
	assert_line --index 2 --regexp '^confirmed [0-9.]+ ms after start \(tracer attached in [0-9.]+ ms\)$'
}

@test "revoke: a udmabuf imported into vgem is pinned: EXIT_BUSY, nothing changed" {
	mk_start udmabuf:16K,map
	mk_first
	vg_start --pid "$PID" --fd "$FD"
	local dev
	dev=$(field device "$VG_LINE")
	run --separate-stderr "$DMABUFCTL" revoke -y "$INO" </dev/null
	assert_equal "$status" 6
	assert_equal "$stderr" "dmabufctl: dma-buf $INO: revoke: pinned or in use by an importer that cannot be revoked: $dev"
	assert_equal "$output" ""
	assert_untouched "$INO" "$PAGES" "$PID" "$FD"
}

@test "revoke: a system-heap buffer: the exporter cannot revoke, nothing changed" {
	mk_start heap:64K,map
	mk_first
	run --separate-stderr "$DMABUFCTL" revoke -y "$INO" </dev/null
	assert_equal "$status" 5
	assert_equal "$stderr" "dmabufctl: dma-buf $INO: revoke: exporter 'system' cannot revoke its buffers"
	mk "touch $INO"
	assert_equal "$MK_REPLY" "ok pages=$PAGES"
	# The patched kernel prints "revoked:\t0" for every revocable buffer.
	run grep -c $'^revoked:\t1' "/proc/$PID/fdinfo/$FD"
	assert_output 0
}

@test "revoke: an unprivileged user against root's process: EXIT_PERM, nothing changed" {
	mk_start udmabuf:64K,map
	mk_first
	local scope
	scope=$(cat /proc/sys/kernel/yama/ptrace_scope)

	run --separate-stderr "${NOBODY[@]}" "$DMABUFCTL" revoke -y --pid "$PID" --fd "$FD" "$INO" </dev/null
	assert_equal "$status" 4
	assert_equal "${stderr%%$'\n'*}" "dmabufctl: dma-buf $INO: pidfd_getfd: mkbufs[$PID] fd $FD: Operation not permitted"
	assert_regex "${stderr#*$'\n'}" "^dmabufctl: hint: pidfd_getfd needs CAP_SYS_PTRACE, or the same uid as mkbufs\\[$PID\\] and a dumpable process; kernel.yama.ptrace_scope is $scope "

	# Without naming the holder, nobody cannot even see root's buffer.
	run --separate-stderr "${NOBODY[@]}" "$DMABUFCTL" revoke -y "$INO" </dev/null
	assert_equal "$status" 2
	assert_equal "${stderr%%$'\n'*}" "dmabufctl: dma-buf $INO: revoke: no such buffer"

	assert_untouched "$INO" "$PAGES" "$PID" "$FD"
}

@test "revoke: the fd now names another dma-buf: EXIT_IDENTITY, neither revoked" {
	mk_start udmabuf:64K,map
	mk_first
	# The old buffer stays alive through its mapping; a new one takes the fd.
	mk "swapfd $FD"
	assert_regex "$MK_REPLY" "^ok inode=[0-9]+ fd=$FD "
	local new
	new=$(field inode "${MK_REPLY#ok }")

	run --separate-stderr "$DMABUFCTL" revoke -y --pid "$PID" --fd "$FD" "$INO" </dev/null
	assert_equal "$status" 11
	assert_equal "$stderr" "dmabufctl: dma-buf $INO: identity: mkbufs[$PID] fd $FD is dma-buf $new, not $INO; refusing"
	assert_equal "$output" ""

	assert_untouched "$INO" "$PAGES"
	# The new buffer has no mapping yet: map it, then read it.
	mk "mmap $new"
	assert_equal "$MK_REPLY" "ok maps=1"
	mk "touch $new"
	assert_equal "$MK_REPLY" "ok pages=$PAGES"
	# The patched kernel prints "revoked:\t0" for every revocable buffer.
	run grep -c $'^revoked:\t1' "/proc/$PID/fdinfo/$FD"
	assert_output 0
}

@test "revoke --dry-run: says what would happen and changes nothing" {
	mk_start udmabuf:64K,map
	mk_first
	run --separate-stderr "$DMABUFCTL" revoke --dry-run "$INO" </dev/null
	assert_equal "$status" 0
	assert_equal "$stderr" ""
	assert_output "would revoke dma-buf $INO (64K, udmabuf) through mkbufs[$PID] fd $FD; checked: magic, inode, exporter; nothing changed"
	assert_untouched "$INO" "$PAGES" "$PID" "$FD"
	# Not revoked, so a real revoke still succeeds.
	run "$DMABUFCTL" revoke -y "$INO" </dev/null
	assert_equal "$status" 0
}

@test "revoke on a terminal: asks, and 'n' changes nothing; 'y' revokes" {
	mk_start udmabuf:64K,map
	mk_first
	run script -qec "'$DMABUFCTL' revoke $INO" /dev/null <<<n
	assert_equal "$status" 12
	assert_output --partial "Revoke dma-buf $INO (64K, udmabuf, held by mkbufs[$PID])? [y/N]"
	assert_output --partial "dmabufctl: dma-buf $INO: revoke: not confirmed; nothing changed"
	assert_untouched "$INO" "$PAGES" "$PID" "$FD"

	run script -qec "'$DMABUFCTL' revoke $INO" /dev/null <<<y
	assert_equal "$status" 0
	assert_output --partial "revoked dma-buf $INO (64K, udmabuf) through mkbufs[$PID] fd $FD"
	mk "touch $INO"
	assert_equal "$MK_REPLY" "err SIGBUS map=0 offset=0 pages=0"
}

#!/usr/bin/env bats
# revoke on the project's test kernel (tests/kernel: the revoke series,
# udmabuf and iommufd's mock exporter revocable, vgem, system heap).
# Every refusal is followed by proof that nothing changed: the holder can
# still read every page through its mapping and fdinfo has no revoked mark.
bats_require_minimum_version 1.5.0
bats_load_library bats-support
bats_load_library bats-assert

: "${SRCDIR:=$(cd "$BATS_TEST_DIRNAME/../../../.." && pwd)}"
: "${DMABUFCTL:=$SRCDIR/src/dmabufctl}"
: "${TESTS_HELPERS:=$SRCDIR/tests/helpers}"

NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)

# Helpers speak a line protocol (tests/helpers/README.md): report lines,
# "ready", then one answer line per command.  One coprocess per helper.
h_ready() {	# NAME FD: report lines into H_LINES until "ready"
	local line
	H_LINES=()
	while read -r -t 60 line <&"$2"; do
		[ "$line" = ready ] && return 0
		H_LINES+=("$line")
	done
	fail "$1 did not start: $(cat "$BATS_TEST_TMPDIR/$1.err")"
}

h_cmd() {	# NAME IN OUT LINE: the answer in H_REPLY
	echo "$4" >&"$2"
	read -r -t 60 H_REPLY <&"$3" || fail "$1 did not answer '$4'"
}

mk_start() {	# SPEC...
	{ coproc MK { exec "$TESTS_HELPERS/mkbufs" "$@" 2>"$BATS_TEST_TMPDIR/mkbufs.err"; }; } 2>/dev/null
	h_ready mkbufs "${MK[0]}"
	MK_LINES=("${H_LINES[@]}")
}
mk() { h_cmd mkbufs "${MK[1]}" "${MK[0]}" "$1"; MK_REPLY=$H_REPLY; }

vg_start() {	# ARGS...
	{ coproc VG { exec "$TESTS_HELPERS/dmabuf-vgem" "$@" 2>"$BATS_TEST_TMPDIR/dmabuf-vgem.err"; }; } 2>/dev/null
	h_ready dmabuf-vgem "${VG[0]}"
	VG_LINE=${H_LINES[0]}
}

io_start() {	# ARGS...
	{ coproc IO { exec "$TESTS_HELPERS/dmabuf-iommufd" "$@" 2>"$BATS_TEST_TMPDIR/dmabuf-iommufd.err"; }; } 2>/dev/null
	h_ready dmabuf-iommufd "${IO[0]}"
	IO_LINE=${H_LINES[0]}
}
io() { h_cmd dmabuf-iommufd "${IO[1]}" "${IO[0]}" "$1"; IO_REPLY=$H_REPLY; }

field() {	# NAME LINE
	local f
	for f in $2; do
		[ "${f%%=*}" = "$1" ] && { echo "${f#*=}"; return 0; }
	done
	return 1
}

teardown() {
	local p
	for p in "${VG_PID:-}:${VG[1]:-}" "${IO_PID:-}:${IO[1]:-}" "${MK_PID:-}:${MK[1]:-}"; do
		[ "$p" != : ] || continue
		echo quit >&"${p#*:}" 2>/dev/null || true
		wait "${p%%:*}" 2>/dev/null || true
	done
}

# The first buffer mkbufs reported: INO, PID, FD, SIZE.
mk_first() {
	INO=$(field inode "${MK_LINES[0]}")
	PID=$(field pid "${MK_LINES[0]}")
	FD=$(field fds "${MK_LINES[0]}")
	PAGES=$(($(field size "${MK_LINES[0]}") / $(getconf PAGESIZE)))
}

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
	run --separate-stderr "$DMABUFCTL" revoke -y "$INO" </dev/null
	assert_equal "$stderr" ""
	assert_equal "$status" 0
	assert_output "revoked dma-buf $INO (64K, udmabuf) through mkbufs[$PID] fd $FD"

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
	assert_output "{\"inode\":$INO,\"size\":16384,\"exporter\":\"udmabuf\",\"holder\":{\"pid\":$PID,\"comm\":\"mkbufs\",\"fd\":$FD,\"checked\":true},\"checks\":[\"magic\",\"inode\",\"exporter\"],\"result\":\"revoked\",\"status\":0,\"errno\":null,\"message\":\"revoked dma-buf $INO (16K, udmabuf) through mkbufs[$PID] fd $FD\",\"invalidated\":null,\"confirmations\":null,\"verify_ms\":null,\"tracer_load_ms\":null}"
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
	run grep -c '^revoked:' "/proc/$PID/fdinfo/$FD"
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
	run grep -c '^revoked:' "/proc/$PID/fdinfo/$FD"
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

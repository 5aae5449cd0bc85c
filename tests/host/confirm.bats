#!/usr/bin/env bats
# The tracer's confirmations (src/confirm.c) on records replayed as text by
# tests/unit/confirm-replay, without BPF: what trace's confirm events and
# revoke --verify report for each importer after an invalidate.  The real
# records come from the test kernel's importers (tests/vm/suites/test/).
# Callback 0x1000 sits below every kernel symbol: it is named "0x1000",
# which the replays below declare hooked; 0x2000 is never hooked.
load common

TIMEOUT=1000000		# ns an importer gets after an invalidate

replay() {	# HOOKED-CALLBACK...; records on stdin
	run -0 "$UNIT/confirm-replay" "$TIMEOUT" "$@"
	echo "$output"
}

@test "confirm: notified, then unmapped: final before the deadline, latency to the unmap" {
	replay 0x1000 <<-EOF
	attach ts=10 attach=0xa
	map ts=20 attach=0xa
	invalidate ts=100 inode=5 tid=7
	inv-attach ts=101 arg=100 attach=0xa callback=0x1000 dynamic=1 device=iommufd
	callback ts=110 attach=0xa
	inv-done ts=120 inode=5 tid=7
	unmap ts=150 attach=0xa
	finish now=200
	EOF
	assert_output "invalidated inode=5 shown=1 nr=1
confirm device=iommufd callback=0x1000 notifiable=1 notified=1 unmapped=1 unmap=unmap latency_ns=50
pending=0"
}

@test "confirm: callback run and no mapping left: unmapped in the callback" {
	# Known since its attach, mapped and unmapped before the invalidate.
	replay 0x1000 <<-EOF
	attach ts=10 attach=0xa
	map ts=20 attach=0xa
	unmap ts=30 attach=0xa
	invalidate ts=100 inode=5 tid=7
	inv-attach ts=101 arg=100 attach=0xa callback=0x1000 dynamic=1 device=d
	callback ts=110 attach=0xa
	inv-done ts=120 inode=5 tid=7
	finish now=130
	EOF
	assert_line --index 1 "confirm device=d callback=0x1000 notifiable=1 notified=1 unmapped=1 unmap=in_callback latency_ns=20"
}

@test "confirm: waits for the importer until the deadline, then says it did not unmap" {
	# Not final at 0.5 ms; past the deadline (1 ms) plus the tracer's
	# slack (20 ms), final without the late unmap.
	replay 0x1000 <<-EOF
	invalidate ts=100 inode=5 tid=7
	inv-attach ts=101 arg=100 attach=0xa callback=0x1000 dynamic=1 device=d
	callback ts=110 attach=0xa
	inv-done ts=120 inode=5 tid=7
	finish now=500000
	EOF
	assert_output "pending=1"
	replay 0x1000 <<-EOF
	invalidate ts=100 inode=5 tid=7
	inv-attach ts=101 arg=100 attach=0xa callback=0x1000 dynamic=1 device=d
	callback ts=110 attach=0xa
	inv-done ts=120 inode=5 tid=7
	finish now=21000101
	unmap ts=21000200 attach=0xa
	finish now=21000300
	EOF
	assert_output "invalidated inode=5 shown=1 nr=1
confirm device=d callback=0x1000 notifiable=1 notified=1 unmapped=0 unmap=- latency_ns=10
pending=0"
}

@test "confirm: an unhooked callback not seen is unknown, a hooked one is no" {
	replay 0x1000 <<-EOF
	invalidate ts=100 inode=5 tid=7
	inv-attach ts=101 arg=100 attach=0xa callback=0x2000 dynamic=1 device=unhooked
	inv-attach ts=102 arg=100 attach=0xb callback=0x1000 dynamic=1 device=hooked
	inv-done ts=120 inode=5 tid=7
	finish now=0 force=1
	EOF
	assert_line --index 1 "confirm device=unhooked callback=0x2000 notifiable=1 notified=-1 unmapped=0 unmap=- latency_ns=-1"
	assert_line --index 2 "confirm device=hooked callback=0x1000 notifiable=1 notified=0 unmapped=0 unmap=- latency_ns=-1"
}

@test "confirm: a static importer cannot be notified; final once the invalidate returns" {
	replay 0x1000 <<-EOF
	invalidate ts=100 inode=5 tid=7
	inv-attach ts=101 arg=100 attach=0xa callback=0 dynamic=0 device=vgem
	finish now=110
	inv-done ts=120 inode=5 tid=7
	finish now=130
	EOF
	assert_output "invalidated inode=5 shown=1 nr=1
confirm device=vgem callback=- notifiable=0 notified=0 unmapped=0 unmap=- latency_ns=-1
pending=0"
}

@test "confirm: a detach unmaps; a buffer without attachments is final at once" {
	replay 0x1000 <<-EOF
	invalidate ts=100 inode=5 tid=7 shown=0
	inv-attach ts=101 arg=100 attach=0xa callback=0x1000 dynamic=1 device=d
	callback ts=105 attach=0xa
	detach ts=110 attach=0xa
	inv-done ts=120 inode=5 tid=7
	invalidate ts=200 inode=6 tid=7
	inv-done ts=210 inode=6 tid=7
	finish now=220
	EOF
	assert_output "invalidated inode=5 shown=0 nr=1
confirm device=d callback=0x1000 notifiable=1 notified=1 unmapped=1 unmap=detach latency_ns=10
invalidated inode=6 shown=1 nr=0
pending=0"
}

@test "confirm: another thread's or buffer's return does not end an invalidate" {
	replay 0x1000 <<-EOF
	invalidate ts=100 inode=5 tid=7
	inv-attach ts=101 arg=100 attach=0 callback=0 dynamic=0 device=s
	inv-done ts=110 inode=5 tid=8
	inv-done ts=111 inode=6 tid=7
	finish now=120
	EOF
	assert_output "pending=1"
}

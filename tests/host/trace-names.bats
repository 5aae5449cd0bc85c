#!/usr/bin/env bats
# The tracer's names by address (src/trace_names.c) on records replayed as
# text by tests/unit/names-replay, without BPF: trace.bpf.c sends a
# buffer's exporter in its export record and an attachment's device in its
# attach record, and leaves them out of the records that follow where it
# saw the buffer whole; trace -J must print the same names either way.  The
# real records come from tests/vm/suites/all/trace.bats.
load common

replay() {	# records on stdin
	run -0 "$UNIT/names-replay"
	echo "$output"
}

@test "trace names: later records get the export's exporter and the attach's device" {
	replay <<-EOF
	export inode=5 buf=0xa0 exporter=udmabuf
	attach inode=5 buf=0xa0 attach=0xb0 device=vgem
	map inode=5 buf=0xa0 attach=0xb0
	inv-attach inode=5 buf=0xa0 attach=0xb0
	detach inode=5 buf=0xa0 attach=0xb0
	release inode=5 buf=0xa0
	EOF
	assert_output "export inode=5 exporter=udmabuf device=-
attach inode=5 exporter=udmabuf device=vgem
map inode=5 exporter=udmabuf device=vgem
inv-attach inode=5 exporter=udmabuf device=vgem
detach inode=5 exporter=udmabuf device=vgem
release inode=5 exporter=udmabuf device=-
from the table: 5 exporters, 3 devices"
}

@test "trace names: an address freed and reused names the new object, never the old" {
	replay <<-EOF
	export inode=5 buf=0xa0 exporter=udmabuf
	attach inode=5 buf=0xa0 attach=0xb0 device=vgem
	detach inode=5 buf=0xa0 attach=0xb0
	release inode=5 buf=0xa0
	export inode=6 buf=0xa0 exporter=system
	attach inode=6 buf=0xa0 attach=0xb0 device=0000:00:03.0
	detach inode=6 buf=0xa0 attach=0xb0
	release inode=6 buf=0xa0
	release inode=6 buf=0xa0
	detach inode=6 buf=0xa0 attach=0xb0
	EOF
	# After the release and detach nothing is left to name.
	assert_output "export inode=5 exporter=udmabuf device=-
attach inode=5 exporter=udmabuf device=vgem
detach inode=5 exporter=udmabuf device=vgem
release inode=5 exporter=udmabuf device=-
export inode=6 exporter=system device=-
attach inode=6 exporter=system device=0000:00:03.0
detach inode=6 exporter=system device=0000:00:03.0
release inode=6 exporter=system device=-
release inode=6 exporter=- device=-
detach inode=6 exporter=- device=-
from the table: 6 exporters, 2 devices"
}

@test "trace names: a record that carries its names keeps them; another inode is not named" {
	# A buffer older than the tracer: every record carries its names, and
	# its release does not drop another buffer's entry.  A record whose
	# inode is not the entry's (its export was lost) gets nothing.
	replay <<-EOF
	export inode=9 buf=0xc0 exporter=udmabuf
	attach inode=2 buf=0xd0 attach=0xe0 exporter=system device=iommufd
	detach inode=2 buf=0xd0 attach=0xe0 exporter=system device=iommufd
	release inode=2 buf=0xd0 exporter=system
	mmap inode=4 buf=0xc0
	release inode=9 buf=0xc0
	EOF
	assert_output "export inode=9 exporter=udmabuf device=-
attach inode=2 exporter=system device=iommufd
detach inode=2 exporter=system device=iommufd
release inode=2 exporter=system device=-
mmap inode=4 exporter=- device=-
release inode=9 exporter=udmabuf device=-
from the table: 1 exporters, 0 devices"
}

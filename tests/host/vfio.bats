#!/usr/bin/env bats
# VFIO's dma-bufs on the host: what only BPF reads (the iterator's device
# record: PCI function, BAR, ranges, VFIO's revoked state) fed to the model
# by tests/unit/vfio-record as the iterator would, and what a replayed tree
# can carry (tests/fixtures/synthetic/vfio: vfio_pci_core buffers in
# debugfs and fdinfo, without BPF).  The real thing runs in the VM suites
# vfio-test and vfio-stock.
load common

setup() {
	RECORD=$UNIT/vfio-record
	VFIO=$FIXTURES/synthetic/vfio
}

record() { run -0 --separate-stderr "$RECORD" <<<"$1"; }

@test "record: PCI function, BAR, ranges and state into list -J's and show -J's keys" {
	record 'buf 5 vfio_pci_core
dev 5 bar=2 nr=2 revoked=0 for_good=0 closed=0 bdf=0000:01:00.0 ranges=0+8192,0x200000+8192'
	first() { assert_equal "$(head -n 1 <<<"$output" | jq -c "$1")" "$2"; }
	first '.device' '{"bdf":"0000:01:00.0","bar":2,"closed":false}'
	first '.ranges' '[{"offset":0,"length":8192},{"offset":2097152,"length":8192}]'
	first '[.revoked, .revoked_permanently]' '[false,false]'
	assert_line --index 1 'ranges 0x0+8K,0x200000+8K'
	assert_equal "${#lines[@]}" 2
}

@test "record: VFIO revoked for now, for good, closed" {
	record 'buf 5 vfio_pci_core
dev 5 bar=2 nr=1 revoked=1 for_good=0 closed=0 bdf=0000:01:00.0 ranges=0x100000+65536
buf 6 vfio_pci_core
fdinfo 6 1
dev 6 bar=2 nr=1 revoked=1 for_good=1 closed=0 bdf=0000:01:00.0 ranges=0+4096
buf 7 vfio_pci_core
dev 7 bar=4 nr=1 revoked=1 for_good=1 closed=1 bdf=0000:02:00.0 ranges=0+4096'
	assert_equal "$(sed -n 1p <<<"$output" | jq -c '[.revoked, .revoked_permanently, .device.closed]')" \
		'[true,false,false]'
	assert_equal "$(sed -n 3p <<<"$output" | jq -c '[.revoked, .revoked_permanently]')" '[true,true]'
	assert_equal "$(sed -n 5p <<<"$output" | jq -c '[.revoked, .revoked_permanently, .device]')" \
		'[true,true,{"bdf":"0000:02:00.0","bar":4,"closed":true}]'
}

@test "record: the iterator's state wins over fdinfo's mark, which only means 'for good'" {
	# fdinfo 0 on a VFIO buffer: not for good, perhaps revoked for now
	record 'buf 5 vfio_pci_core
fdinfo 5 0
buf 6 vfio_pci_core
fdinfo 6 0
dev 6 bar=2 nr=1 revoked=1 for_good=0 closed=0 bdf=0000:01:00.0 ranges=0+4096
buf 7 udmabuf
fdinfo 7 0'
	assert_equal "$(sed -n 1p <<<"$output" | jq -c '[.revoked, .revoked_permanently]')" '[null,false]'
	assert_equal "$(sed -n 3p <<<"$output" | jq -c '[.revoked, .revoked_permanently]')" '[true,false]'
	# an exporter that revokes only for good: the mark says it all
	assert_equal "$(sed -n 5p <<<"$output" | jq -c '[.revoked, .revoked_permanently]')" '[false,false]'
}

@test "record: the kernel's data is checked: BAR out of range, unterminated name, unknown state" {
	record 'buf 5 vfio_pci_core
dev 5 bar=6 nr=1 revoked=-1 for_good=-1 closed=-1 bdf=@48 ranges=0+4096
buf 6 vfio_pci_core
dev 6 bar=-1 nr=1 bdf=0000:01:00.0 ranges=0+4096'
	# no BAR: the offsets mean nothing, no ranges
	assert_equal "$(sed -n 1p <<<"$output" | jq -c '[.device, .ranges, .revoked, .revoked_permanently]')" \
		"[{\"bdf\":\"$(printf 'x%.0s' {1..47})\",\"bar\":null,\"closed\":null},null,null,null]"
	assert_line --index 1 'ranges -'
	assert_equal "$(sed -n 3p <<<"$output" | jq -c '[.device.bar, .ranges]')" '[null,null]'
}

@test "record: more ranges than the iterator lists: the first ones and a warning" {
	local r i
	r=$(for ((i = 0; i < 16; i++)); do printf '%s%d+4096' "${i:+,}" $((i * 8192)); done)
	record "buf 5 vfio_pci_core
dev 5 bar=0 nr=40 bdf=0000:01:00.0 ranges=${r#,}"
	assert_equal "$(sed -n 1p <<<"$output" | jq -c '[(.ranges | length), .ranges[15]]')" \
		'[16,{"offset":122880,"length":4096}]'
	assert_line 'warning bpf: buffer 5 has 40 ranges; only the first 16 are listed'
}

@test "replay: VFIO buffers without BPF: device and ranges unknown, fdinfo's 0 is not 'not revoked'" {
	run -0 --separate-stderr "$DMABUFCTL" --sysroot "$VFIO" list -J
	assert_equal "$(jq -c '[.dmabufs[] | [.inode, .exporter, .device, .ranges]]' <<<"$output")" \
		'[[4001,"vfio_pci_core",null,null],[4002,"vfio_pci_core",null,null]]'
	run -0 --separate-stderr "$DMABUFCTL" --sysroot "$VFIO" show -J 4001
	assert_equal "$(jq -c '[.revoked, .revoked_permanently, .attachments[0].device]' <<<"$output")" \
		'[null,false,"iommu"]'
	run -0 --separate-stderr "$DMABUFCTL" --sysroot "$VFIO" show -J 4002
	assert_equal "$(jq -c '[.revoked, .revoked_permanently]' <<<"$output")" '[true,true]'
	run -0 --separate-stderr "$DMABUFCTL" --sysroot "$VFIO" show 4001
	assert_line 'revoked    unknown (VFIO tells only the BPF iterator)'
	assert_line 'device     unknown (needs the BPF iterator)'
	refute_line --partial 'ranges'
	run -0 --separate-stderr "$DMABUFCTL" --sysroot "$VFIO" show 4002
	assert_line 'revoked    yes, for good'
}

@test "replay: DEVICE, BAR and RANGES columns say '-' where BPF did not tell" {
	run -0 --separate-stderr "$DMABUFCTL" --sysroot "$VFIO" list -r -o INODE,DEVICE,BAR,RANGES,REVOKED
	assert_output 'INODE DEVICE BAR RANGES REVOKED
4001 - - - -
4002 - - - yes'
	# other exporters name no device either: show prints no line for it
	run -0 --separate-stderr "$DMABUFCTL" --sysroot "$FIXTURES/synthetic/revoked" show 3001
	refute_line --regexp '^device '
	assert_line 'revoked    yes, for good'
	run -0 --separate-stderr "$DMABUFCTL" --sysroot "$FIXTURES/synthetic/revoked" show 3002
	assert_line 'revoked    no'
}

@test "--device: VFIO buffers without BPF cannot be told apart (status 1), other exporters never match" {
	run -1 --separate-stderr "$DMABUFCTL" --sysroot "$VFIO" list --device '0000:01:*'
	assert_output ''
	assert_equal "${stderr_lines[-1]}" \
		"dmabufctl: --device: cannot tell: only the BPF iterator knows VFIO buffers' devices, and it did not run"
	# no VFIO buffer: no device to know, an empty answer
	run -0 --separate-stderr "$DMABUFCTL" --sysroot "$FIXTURES/synthetic/revoked" -J --device '*'
	assert_equal "$(jq -c '[.dmabufs[].inode]' <<<"$output")" '[]'
	run -64 --separate-stderr "$DMABUFCTL" list --device x --source procfs
	assert_equal "${stderr_lines[0]}" \
		"dmabufctl: list: --device: --source procfs does not see exporters' devices"
	run -64 --separate-stderr "$DMABUFCTL" list --device a,
	assert_equal "${stderr_lines[0]}" "dmabufctl: list: --device: 'a,': empty item"
}

#!/usr/bin/env bats
# Kernel symbols (src/ksyms.c) against this host's /proc/kallsyms through
# tests/unit/ksyms-lookup: what trace and the iterator name importer
# callbacks with.
load common

NOBODY=(setpriv --reuid=65534 --regid=65534 --clear-groups)

# A text symbol of this kernel with a unique address, and its address.
text_symbol() {
	awk '$2 ~ /^[tT]$/ && $1 !~ /^0+$/ { n[$1]++; s[$1] = $3 }
	     END { for (a in n) if (n[a] == 1 && s[a] !~ /\./) { print a, s[a]; exit } }' /proc/kallsyms
}

@test "ksyms: the first lookup names the symbol; an offset into it; 0 and low addresses none" {
	local addr sym
	read -r addr sym < <(text_symbol)
	[ -n "$sym" ] || fail "no text symbol with an address in /proc/kallsyms"
	next=$(printf '%x' $((0x$addr + 1)))
	run -0 "$UNIT/ksyms-lookup" "$addr" "$next" 0 1000
	assert_output "$addr $sym $sym
$next $sym+0x1 $sym+0x1
0 - -
1000 - 0x1000"
}

@test "ksyms: where kallsyms hides addresses, nothing is named" {
	local addr sym
	read -r addr sym < <(text_symbol)
	run -0 "${NOBODY[@]}" "$UNIT/ksyms-lookup" "$addr"
	assert_output "$addr - 0x$addr"
}

# A kallsyms of three text symbols around what the test puts between them.
fake_kallsyms() {
	{
		printf 'ffffffff81000000 T first_fn\n'
		cat
		printf 'ffffffff81000100 t second_fn\t[vgem]\n'
		printf 'ffffffff81000200 D some_data\n'
		printf 'ffffffff81000300 W last_fn\n'
	} >"$BATS_TEST_TMPDIR/kallsyms"
}

@test "ksyms: a line longer than any kernel's is skipped, the symbols around it are named" {
	{ printf 'ffffffff81000080 T '; head -c 40000 /dev/zero | tr '\0' x; echo; } | fake_kallsyms
	run -0 "$UNIT/ksyms-lookup" -f "$BATS_TEST_TMPDIR/kallsyms" \
		ffffffff81000010 ffffffff81000090 ffffffff81000100 ffffffff81000210 ffffffff81000300
	assert_output "ffffffff81000010 first_fn+0x10 first_fn+0x10
ffffffff81000090 first_fn+0x90 first_fn+0x90
ffffffff81000100 second_fn second_fn
ffffffff81000210 second_fn+0x110 second_fn+0x110
ffffffff81000300 last_fn last_fn"
}

@test "ksyms: a kallsyms larger than any kernel's, a FIFO or a directory names nothing, at once" {
	local f=$BATS_TEST_TMPDIR/kallsyms
	fake_kallsyms </dev/null
	run -0 "$UNIT/ksyms-lookup" -f "$f" ffffffff81000100
	assert_output "ffffffff81000100 second_fn second_fn"
	truncate -s 65M "$f"
	run -0 "$UNIT/ksyms-lookup" -f "$f" ffffffff81000100
	assert_output "ffffffff81000100 - 0xffffffff81000100"
	rm "$f"
	mkfifo "$f"
	run -0 timeout 10 "$UNIT/ksyms-lookup" -f "$f" ffffffff81000100
	assert_output "ffffffff81000100 - 0xffffffff81000100"
	rm "$f"
	mkdir "$f"
	run -0 "$UNIT/ksyms-lookup" -f "$f" ffffffff81000100
	assert_output "ffffffff81000100 - 0xffffffff81000100"
}

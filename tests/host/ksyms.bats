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

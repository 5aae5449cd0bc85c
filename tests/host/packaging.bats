#!/usr/bin/env bats
# The Debian package, built as a user would from the distributed tree:
# "dpkg-buildpackage -us -uc -b" (with its test suite), lintian clean, the
# files where man and the shells find them, debian/copyright and COPYING
# agreeing with the sources' SPDX tags, and a second build in another
# directory (without the tests) making the same .deb files, byte for byte.
load common
load dist-common

setup_file() {
	local t=$BATS_FILE_TMPDIR
	dist_tree "$t/one/dmabufctl"
	cp -a "$t/one/dmabufctl" "$t/pristine"
	cp -a "$t/one/dmabufctl" "$t/second-build-at-a-longer-path"
	mkdir "$t/two"
	mv "$t/second-build-at-a-longer-path" "$t/two/dmabufctl"
	(cd "$t/one/dmabufctl" && DEB_BUILD_OPTIONS=parallel=2 \
		dpkg-buildpackage -us -uc -b) >"$t/one.log" 2>&1
	echo $? >"$t/one.status"
	(cd "$t/two/dmabufctl" && DEB_BUILD_OPTIONS="nocheck parallel=2" \
		dpkg-buildpackage -us -uc -b) >"$t/two.log" 2>&1
	echo $? >"$t/two.status"
}

setup() {
	T=$BATS_FILE_TMPDIR
	VERSION=$(dpkg-parsechangelog -l "$SRCDIR/debian/changelog" -S Version)
	ARCH=$(dpkg --print-architecture)
	DEB=dmabufctl_${VERSION}_$ARCH.deb
	DBGSYM=dmabufctl-dbgsym_${VERSION}_$ARCH.deb
}

built() {	# NAME: the setup_file package build NAME succeeded
	[ "$(cat "$T/$1.status")" = 0 ] || { tail -n 60 "$T/$1.log"; false; }
}

@test "packaging: dpkg-buildpackage -us -uc -b builds the package, running the host suites" {
	built one
	[ -f "$T/one/$DEB" ]
	# dh_auto_test ran make check, and it passed.
	run -0 grep -E '^# (PASS|FAIL): ' "$T/one.log"
	assert_line --regexp '^# PASS: +[1-9][0-9]*$'
	assert_line --regexp '^# FAIL: +0$'
}

@test "packaging: lintian finds no error or warning; every override says why" {
	built one
	run lintian --fail-on error,warning "$T/one/dmabufctl_${VERSION}_$ARCH.changes"
	echo "$output"
	assert_success
	refute_line --regexp '^[EW]: '
	# An override is a comment line (or more), then the tag.
	run awk '/^#/ { why = 1; next } /^[^#[:space:]]/ { if (!why) print FILENAME ": " $0; why = 0 }' \
		"$SRCDIR"/debian/*lintian-overrides
	assert_output ""
}

@test "packaging: the package has the program, the man page, the completions and the systemd units where they are read" {
	built one
	run -0 dpkg-deb -c "$T/one/$DEB"
	assert_line --regexp ' \./usr/bin/dmabufctl$'
	assert_line --regexp ' \./usr/share/man/man8/dmabufctl\.8\.gz$'
	assert_line --regexp ' \./usr/share/bash-completion/completions/dmabufctl$'
	assert_line --regexp ' \./usr/share/zsh/vendor-completions/_dmabufctl$'
	assert_line --regexp ' \./usr/share/fish/vendor_completions\.d/dmabufctl\.fish$'
	assert_line --regexp ' \./usr/share/doc/dmabufctl/copyright$'
	assert_line --regexp ' \./lib/systemd/system/dmabufctl-metrics\.service$'
	assert_line --regexp ' \./lib/systemd/system/dmabufctl-metrics\.timer$'
	# Each directory is one its shell reads by default on Debian.
	assert_equal "$(pkg-config --variable=completionsdir bash-completion)" \
		/usr/share/bash-completion/completions
	zsh -fc 'print -l $fpath' | grep -qx /usr/share/zsh/vendor-completions
	HOME=$T fish -c 'string join \n $fish_complete_path' | grep -qx /usr/share/fish/vendor_completions.d
	# The libraries come from shlibs, and the program runs.
	run -0 dpkg-deb -f "$T/one/$DEB" Depends
	assert_output --regexp 'libbpf1'
	assert_output --regexp 'libsmartcols1'
	assert_output --regexp 'libjson-c5'
	dpkg-deb -x "$T/one/$DEB" "$T/root"
	run -0 grep -x 'ExecStart=/usr/bin/dmabufctl metrics --timeout 10s --output /var/lib/prometheus/node-exporter/dmabuf.prom' \
		"$T/root/lib/systemd/system/dmabufctl-metrics.service"
	# Installing it starts nothing: the admin enables the timer.
	run -0 dpkg-deb -e "$T/one/$DEB" "$T/control"
	run grep -l 'deb-systemd-invoke start\|systemctl.*enable' "$T"/control/postinst
	assert_failure
	run -0 "$T/root/usr/bin/dmabufctl" --sysroot "$FIXTURES/cli/basic" list -J
	[ "$(jq '.dmabufs | length' <<<"$output")" -gt 0 ]
}

@test "packaging: COPYING is the GPL 2 and debian/copyright gives each file its SPDX license" {
	cmp "$SRCDIR/COPYING" /usr/share/common-licenses/GPL-2
	run -0 head -n 1 "$SRCDIR/debian/copyright"
	assert_output "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
	# "PATTERN<TAB>LICENSE" for each Files paragraph, in order: the last
	# matching one applies.
	local stanzas f tag want got pats pat lic
	# A tag line: comment markers, then the tag ("#", "//", "/*", '.\"').
	local spdx='^[^A-Za-z0-9]*SPDX-License-Identifier: [A-Za-z0-9.+-]+'
	stanzas=$(awk '/^Files:/ { sub(/^Files: */, ""); files = $0; next }
		/^License:/ && files != "" { print files "\t" $2; files = "" }
		/^$/ { files = "" }' "$SRCDIR/debian/copyright")
	[ -n "$stanzas" ]
	cd "$T/pristine"
	while IFS= read -r f; do
		tag=$(grep -m1 -oE "$spdx" "$f" | sed 's/.*: //')
		case $tag in
		GPL-2.0-or-later) want=GPL-2+ ;;
		GPL-2.0 | GPL-2.0-only) want=GPL-2 ;;
		*) fail "$f: SPDX tag '$tag' has no debian/copyright license here" ;;
		esac
		got=
		while IFS=$'\t' read -r pat lic; do
			read -ra pats <<<"$pat"
			for pat in "${pats[@]}"; do
				# shellcheck disable=SC2053
				[[ $f == $pat ]] && got=$lic
			done
		done <<<"$stanzas"
		[ "$got" = "$want" ] || fail "$f: SPDX $tag, debian/copyright says '$got'"
	done < <(grep -rlE "$spdx" . | sed 's|^\./||')
	# The BPF objects tell the kernel "GPL", its name for GPL 2 or later.
	cd "$T/one/dmabufctl"
	run -0 llvm-objdump -s -j license src/trace.bpf.o src/iter.bpf.o
	assert_equal "$(grep -c 'GPL\.' <<<"$output")" 2
}

@test "packaging: a second build in another directory makes the same .deb files, BPF objects included" {
	built one
	built two
	cmp "$T/one/$DEB" "$T/two/$DEB"
	cmp "$T/one/$DBGSYM" "$T/two/$DBGSYM"
	local o
	for o in src/trace.bpf.o src/iter.bpf.o src/dmabufctl; do
		cmp "$T/one/dmabufctl/$o" "$T/two/dmabufctl/$o"
	done
}

#!/usr/bin/env bats
# The manual page and the shell completions against the program itself:
# options (each command's --help), columns (--list-columns), commands,
# exit statuses (src/cli.h) and the JSON contract (real output on
# tests/fixtures/cli/basic; trace's and revoke's keys also from their
# source).  When a command changes, one of these fails until man/dmabufctl.8
# and completions/ follow.
load common
load docs-common

MAN=$SRCDIR/man/dmabufctl.8

setup_file() {
	# zsh completion needs a terminal: one zpty session answers every
	# line the tests ask about (see zsh_driver in docs-common.bash).
	local lines=() cmd
	lines+=("dmabufctl " "dmabufctl -")
	for cmd in $(commands); do
		lines+=("dmabufctl $cmd -")
	done
	lines+=("dmabufctl list -o " "dmabufctl procs -o ")
	zsh_ask "${lines[@]}"
}

setup() {
	BASIC=$FIXTURES/cli/basic
	PATH=$(cd "$(dirname "$DMABUFCTL")" && pwd):$PATH
}

# --- reading the program ---------------------------------------------------

# The commands "dmabufctl --help" lists.
commands() {
	"$DMABUFCTL" --help | awk '/^Commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 } on && /^$/ { exit }'
}

# "GROUP<TAB>SPEC" for each option of "dmabufctl [CMD] --help", SPEC as
# printed ("-p, --pid=PID"); GROUP is own (no heading), output or common.
help_specs() {
	"$DMABUFCTL" ${1:+"$1"} --help | awk '
		/^ [A-Z][^:]*:$/ { g = ($0 ~ /[Oo]utput/) ? "output" : "common"; next }
		/^ +-/ {
			match($0, /^ +/)
			if (RLENGTH > 6)
				next
			s = $0
			sub(/^ +/, "", s)
			sub(/  .*/, "", s)
			# argp appends its own options to whichever group is last.
			if (s ~ /^(-\?, --help|--usage|-V, --version)$/) {
				print "common\t" s
				next
			}
			print (g ? g : "own") "\t" s
		}'
}

# Long options (sorted, unique) of SPEC lines on stdin, or of any text.
longs() { grep -o -- '--[a-z][a-z-]*' | sort -u; }
shorts() { grep -oE -- '(^|[ ,])-[^- ,=[]' | sed 's/^[ ,]//' | sort -u; }

# --- reading the manual page ---------------------------------------------

# The page's source with escapes resolved to plain characters.
man_text() {
	sed -e 's/\\f[BIRP]//g' -e 's/\\-/-/g' -e "s/\\\\(aq/'/g" -e 's/\\(lq/"/g' \
		-e 's/\\(rq/"/g' -e 's/\\e/\\/g' -e 's/\\&//g' -e 's/\\c$//' "$MAN"
}

# Lines of section $1 (.SH), or of its subsection $2 (.SS).
man_section() {
	man_text | awk -v sh="$1" -v ss="${2-}" '
		function title(l) { sub(/^\.S[HS] +/, "", l); gsub(/"/, "", l); return l }
		/^\.SH / { in_sh = (title($0) == sh); in_ss = (ss == ""); next }
		/^\.SS / && in_sh { in_ss = (ss == "" || title($0) == ss); if (ss != "") next }
		in_sh && in_ss'
}

# A macro line's arguments run together as the macro prints them
# (".BR \-p , \-\-pid" -> "-p,--pid"); text lines as they are.
ROFF_ARGS='
	function args(l,   out, i, c, q) {
		if (l !~ /^\./)
			return l
		sub(/^\.[A-Za-z]+[ \t]*/, "", l)
		for (i = 1; i <= length(l); i++) {
			c = substr(l, i, 1)
			if (c == "\"") { q = !q; continue }
			if (c == " " && !q) continue
			out = out c
		}
		return out
	}'

# The tags of the .TP items on stdin, one a line (and of .TQ: more tags
# for the same item).
tp_tags() { awk "$ROFF_ARGS"' p { print args($0); p = 0 } /^\.T[PQ]/ { p = 1 }'; }

# The SYNOPSIS block (.SY .. .YS) of command $1, macros and all.
synopsis_of() {
	man_section SYNOPSIS | awk -v cmd="$1" "$ROFF_ARGS"'
		/^\.SY/ { block = ""; has = 0; next }
		/^\.YS/ { if (has) printf "%s", block; next }
		{ block = block $0 "\n"; a = args($0); if (a == cmd || a == "[" cmd "]") has = 1 }'
}

# The .EX block of JSON OUTPUT's subsection $1.
man_json() { man_section "JSON OUTPUT" "$1" | awk '/^\.EX/ { on = 1; next } /^\.EE/ { exit } on'; }

# A skeleton as JSON whose leaves are the documented types ("number | null").
schema() {
	sed -E -e 's/, \.\.\.//' -e 's/([]}]) \| null/\1/' \
		-e 's/(": |\[ )((string|number|boolean|null)( \| (string|number|boolean|null))*)/\1"\2"/g'
}

# Compare JSON document $2 with schema $1: keys the page does not document,
# keys it documents that the document lacks ($3 = check; only where their
# object is there: the keys of a documented object that is null are not
# missing), values of the wrong type (null is allowed for a documented
# array or object).
json_vs_schema() {
	jq -nc --argjson s "$1" --argjson v "$2" --arg check "${3-}" '
		def norm: map(if type == "number" then "[]" else . end) | join(".");
		($s | [paths(type == "string") as $p | {key: ($p | norm), value: getpath($p)}]
			| from_entries) as $types
		| ($s | [paths | norm] | unique) as $sp
		| ($v | [paths | norm] | unique) as $vp
		| ($v | [paths(type == "object" or type == "array") | norm] | unique) as $containers
		| {
			undocumented: ($vp - $sp),
			missing: (if $check == "missing" then
				[$s | paths | select(.[-1] | type == "string")
					| select(length == 1 or ((.[:-1] | norm) as $p
						| $containers | index([$p])) != null) | norm]
				| unique - $vp
				else [] end),
			badtype: [$v | paths(scalars) as $p | ($p | norm) as $k
				| (getpath($p) | type) as $t
				| select(if $types[$k] then ($types[$k] | split(" | ") | index([$t])) == null
					else $t != "null" end)
				| "\($k): \($t)"]
		}'
}

# --- the manual page -------------------------------------------------------

@test "man page renders without warnings (groff -ww, man --warnings)" {
	run -0 --separate-stderr groff -man -ww -z "$MAN"
	assert_equal "$stderr" ''
	assert_output ''
	run -0 --separate-stderr env LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$MAN"
	assert_equal "$stderr" ''
	assert_line --regexp '^NAME$'
	assert_line --regexp '^ +dmabufctl - list dma-bufs'
}

@test "every command has a synopsis and a section in COMMANDS, and no other" {
	local cmd sections
	for cmd in $(commands); do
		[[ -n $(synopsis_of "$cmd") ]] || fail "SYNOPSIS lacks $cmd"
	done
	sections=$(man_text | awk '/^\.SH COMMANDS/ { on = 1; next } /^\.SH / { on = 0 } on && /^\.SS / { print $2 }')
	assert_equal "$sections" "$(commands)"
	[[ $(commands | wc -l) -eq 9 ]] || fail "expected 9 commands, got: $(commands)"
}

@test "each command's options are in the page: its section, OUTPUT/COMMON OPTIONS, SYNOPSIS" {
	local cmd group spec long sect_tags sect_longs syn_longs out_tags common_tags
	out_tags=$(man_section "OUTPUT OPTIONS" | tp_tags)
	common_tags=$(man_section "COMMON OPTIONS" | tp_tags)
	for cmd in $(commands); do
		sect_tags=$(man_section COMMANDS "$cmd" | tp_tags)
		sect_longs=$(man_section COMMANDS "$cmd" | longs)
		syn_longs=$(synopsis_of "$cmd" | longs)
		while IFS=$'\t' read -r group spec; do
			long=${spec#*--}
			long=--${long%%[=[]*}
			case $group in
			own)
				[[ $'\n'$sect_tags$'\n' == *$'\n'"$spec"$'\n'* ]] ||
					fail "$cmd: '$spec' is not an item of COMMANDS/$cmd"
				[[ $'\n'$syn_longs$'\n' == *$'\n'"$long"$'\n'* ]] ||
					fail "$cmd: $long is not in its SYNOPSIS" ;;
			output)
				[[ $'\n'$out_tags$'\n' == *$'\n'"$spec"$'\n'* ]] ||
					fail "$cmd: '$spec' is not an item of OUTPUT OPTIONS"
				[[ $'\n'$sect_longs$'\n' == *$'\n'"$long"$'\n'* ]] ||
					fail "$cmd: COMMANDS/$cmd does not mention $long" ;;
			common)
				[[ $'\n'$common_tags$'\n' == *$'\n'"$spec"$'\n'* ]] ||
					fail "$cmd: '$spec' is not an item of COMMON OPTIONS"
				[[ $long == --@(help|usage|version) ]] ||
					[[ $'\n'$sect_longs$'\n' == *$'\n'"$long"$'\n'* ]] ||
					fail "$cmd: COMMANDS/$cmd does not mention $long" ;;
			*) fail "$cmd: '$spec' in unknown group '$group'" ;;
			esac
		done < <(help_specs "$cmd")
	done
}

@test "the page names no option a command does not have" {
	local cmd long spec have all_output= common_tags main
	for cmd in $(commands); do
		have=$(help_specs "$cmd" | cut -f2 | longs)
		for long in $(man_section COMMANDS "$cmd" | longs) $(synopsis_of "$cmd" | longs); do
			[[ $'\n'$have$'\n' == *$'\n'"$long"$'\n'* ]] ||
				fail "COMMANDS/$cmd or its SYNOPSIS names $long, which '$cmd --help' lacks"
		done
		all_output+=$(help_specs "$cmd" | awk -F'\t' '$1 == "output" { print $2 }')$'\n'
	done
	while read -r spec; do
		[[ $'\n'$all_output == *$'\n'"$spec"$'\n'* ]] || fail "OUTPUT OPTIONS: '$spec' is no command's"
	done < <(man_section "OUTPUT OPTIONS" | tp_tags)
	# COMMON OPTIONS are exactly dmabufctl's own.
	common_tags=$(man_section "COMMON OPTIONS" | tp_tags | sort)
	main=$(help_specs "" | cut -f2 | sort)
	assert_equal "$common_tags" "$main"
}

@test "EXIT STATUS lists every value of enum dmabufctl_exit, and only those" {
	local header documented
	header=$(sed -n '/^enum dmabufctl_exit/,/^};/p' "$SRCDIR/src/cli.h" |
		sed -nE 's/^\s*EXIT_[A-Z]+ = ([0-9]+),.*/\1/p' | sort -n)
	[[ $(wc -l <<<"$header") -ge 14 ]] || fail "enum not parsed: $header"
	documented=$(man_section "EXIT STATUS" | tp_tags | sort -n)
	assert_equal "$documented" "$header"
	# Each has a meaning, not just a number.
	assert_equal "$(man_section "EXIT STATUS" |
		awk '/^\.TP/ { getline t; getline d; if (d == "" || d ~ /^\.(TP|SH)/) print t }')" ''
}

@test "COLUMNS lists exactly the columns of list and procs, defaults marked" {
	local cmd
	for cmd in list procs; do
		assert_equal "$(man_section COLUMNS "$cmd" | tp_tags | sort)" \
			"$("$DMABUFCTL" "$cmd" --list-columns -r -n | cut -d' ' -f1 | sort)"
		assert_equal \
			"$(man_section COLUMNS "$cmd" | awk '/^\.TP/ { getline t; sub(/^\.B +/, "", t); getline d; if (d ~ /^\(default\)/) print t }' | sort)" \
			"$("$DMABUFCTL" "$cmd" --list-columns -J | jq -r '.columns[] | select(.default) | .name' | sort)"
	done
}

# --- the JSON contract ---------------------------------------------------

@test "JSON OUTPUT: list -J, show -J and procs -J keys and types are the program's" {
	local s
	s=$(man_json "list -J" | schema)
	jq -e . <<<"$s" >/dev/null || fail "list -J skeleton is not JSON after conversion: $s"
	run -0 "$DMABUFCTL" list --sysroot "$BASIC" -J
	assert_equal "$(json_vs_schema "$s" "$output" missing)" '{"undocumented":[],"missing":[],"badtype":[]}'
	run -0 "$DMABUFCTL" list --sysroot "$BASIC" --source procfs -J
	assert_equal "$(json_vs_schema "$s" "$output")" '{"undocumented":[],"missing":[],"badtype":[]}'

	s=$(man_json "show -J" | schema)
	run -0 "$DMABUFCTL" show --sysroot "$BASIC" -J 101
	assert_equal "$(json_vs_schema "$s" "$output" missing)" '{"undocumented":[],"missing":[],"badtype":[]}'
	run -0 "$DMABUFCTL" show --sysroot "$BASIC" --source procfs -J 102
	assert_equal "$(json_vs_schema "$s" "$output")" '{"undocumented":[],"missing":[],"badtype":[]}'

	# The keys of VFIO's device, which only BPF fills: the iterator's
	# record through the model (tests/unit/vfio-record), list's and show's.
	local rec='buf 5 vfio_pci_core
dev 5 bar=2 nr=1 revoked=1 for_good=0 closed=0 bdf=0000:01:00.0 ranges=0+4096'
	run -0 "$UNIT/vfio-record" <<<"$rec"
	assert_equal "$(json_vs_schema "$s" "$(head -n 1 <<<"$output")")" \
		'{"undocumented":[],"missing":[],"badtype":[]}'
	assert_equal "$(jq -c '[.device, .ranges] | map(type)' <<<"$(head -n 1 <<<"$output")")" \
		'["object","array"]'
	run -0 "$UNIT/vfio-record" --list <<<"$rec"
	assert_equal "$(json_vs_schema "$(man_json "list -J" | schema)" \
		"{\"dmabufs\": [$(head -n 1 <<<"$output")]}")" '{"undocumented":[],"missing":[],"badtype":[]}'

	s=$(man_json "procs -J" | schema)
	run -0 "$DMABUFCTL" procs --sysroot "$BASIC" -J
	assert_equal "$(json_vs_schema "$s" "$output" missing)" '{"undocumented":[],"missing":[],"badtype":[]}'

	# --by: each group has the key it is named after, and only that one.
	s=$(man_json "procs --by -J" | schema)
	for by in cgroup exporter; do
		run -0 "$DMABUFCTL" procs --sysroot "$BASIC" --by "$by" -J
		assert_equal "$(json_vs_schema "$s" "$output")" '{"undocumented":[],"missing":[],"badtype":[]}'
		assert_equal "$(jq -c '[.by, (.groups[0] | keys_unsorted)]' <<<"$output")" \
			"[\"$by\",[\"$by\",\"processes\",\"buffers\",\"rss\",\"pss\"]]"
	done
}

# Keys the sources give JSON objects, all through json-c (out_json_add,
# json_strings, out_rec_*: trace's records).  FILE:FUNCTION reads only that
# function of FILE (such as output_json.c:out_json_confirm, the confirmation
# both trace and revoke print).
source_keys() {
	local f
	for f; do
		if [[ $f == *:* ]]; then
			sed -n "/^[a-z].*[ *]${f#*:}(/,/^}/p" "$SRCDIR/src/${f%%:*}"
		else
			cat "$SRCDIR/src/$f"
		fi
	done | grep -oE '(out_json_add|json_strings|out_rec_[a-z0-9]+)\([a-z_]+, "[a-z_]+"' |
		sed -E 's/.*"([a-z_]+)"$/\1/' | sort -u
}

@test "JSON is written by json-c only: no command prints a key by hand" {
	run grep -nE '(printf|puts)\(.*\\"[a-z_]+\\":' "$SRCDIR"/src/*.c
	assert_failure
	assert_output ''
}

@test "JSON OUTPUT: revoke -J keys are the program's (source and a real run)" {
	local s
	s=$(man_json "revoke -J" | schema)
	assert_equal "$(jq -r '[paths | .[-1] | strings] | unique | .[]' <<<"$s")" \
		"$(source_keys cmd_revoke.c output_json.c:out_json_confirm)"
	# Without a terminal and without --yes, revoke refuses before it scans:
	# the JSON object and the status are still printed.
	run -12 --separate-stderr "$DMABUFCTL" revoke -J 4242 </dev/null
	assert_equal "$(json_vs_schema "$s" "$output")" '{"undocumented":[],"missing":[],"badtype":[]}'
	assert_equal "$(jq -c '[.result, .status]' <<<"$output")" '["aborted",12]'
	assert_equal "$(jq -r 'keys_unsorted | length' <<<"$output")" \
		"$(jq -r 'keys_unsorted | length' <<<"$s")"
}

@test "JSON OUTPUT: trace -J keys and events are the program's (source)" {
	local doc events
	doc=$(man_json "trace -J")
	assert_equal "$(grep -oE '"[a-z_]+":' <<<"$doc" | tr -d '":' | sort -u)" \
		"$(source_keys cmd_trace.c output_json.c:out_json_confirm)"
	# Events: kind_names[] and the literal ones (start, confirm, summary).
	events=$( (sed -n '/kind_names\[/,/^};/p' "$SRCDIR/src/cmd_trace.c" |
			sed -nE 's/^\s*\[TRACE_[A-Z_]+\] = "([a-z-]+)",.*/\1/p'
		grep -oE '"event", json_object_new_string\("[a-z-]+"\)' "$SRCDIR/src/cmd_trace.c" |
			sed -E 's/.*\("([a-z-]+)"\)/\1/') | sort -u)
	[[ $(wc -l <<<"$events") -ge 10 ]] || fail "events not parsed from cmd_trace.c: $events"
	assert_equal \
		"$( (man_section "JSON OUTPUT" "trace -J" | tp_tags
			grep -oE '"event": "[a-z-]+"' <<<"$doc" | sed -E 's/.*: "(.*)"/\1/') | sort -u)" \
		"$events"
}

# --- the completions offer what --help has --------------------------------

@test "completions: every command, in bash, fish and zsh" {
	local want
	want=$(commands | sort)
	assert_equal "$(bash_offers dmabufctl '' | sort)" "$want"
	assert_equal "$(fish_offers 'dmabufctl ' | sort)" "$want"
	assert_equal "$(zsh_offers 'dmabufctl ' | sort)" "$want"
}

@test "completions: each command's long options are exactly its --help's" {
	local cmd want line
	for cmd in "" $(commands); do
		want=$(help_specs "$cmd" | cut -f2 | longs)
		line="dmabufctl ${cmd:+$cmd }"
		assert_equal "bash '$line-': $(bash_offers dmabufctl $cmd - | longs)" "bash '$line-': $want"
		assert_equal "fish '$line-': $(fish_offers "$line-" | longs)" "fish '$line-': $want"
		assert_equal "zsh '$line-': $(zsh_offers "$line-" | longs)" "zsh '$line-': $want"
	done
}

@test "completions: short options offered are the command's (fish, zsh)" {
	local cmd want line s
	for cmd in "" $(commands); do
		want=$(help_specs "$cmd" | cut -f2 | shorts)
		line="dmabufctl ${cmd:+$cmd }-"
		for s in $(fish_offers "$line" | grep -v -- '^--'); do
			grep -qxF -- "$s" <<<"$want" || fail "fish offers $s for '$line', not in --help"
		done
		for s in $(zsh_offers "$line" | grep -v -- '^--'); do
			grep -qxF -- "$s" <<<"$want" || fail "zsh offers $s for '$line', not in --help"
		done
	done
	# Not vacuous: list's -p and -o are offered by both.
	fish_offers 'dmabufctl list -' | grep -qx -- -o || fail "fish: no -o for list"
	zsh_offers 'dmabufctl list -' | grep -qx -- -p || fail "zsh: no -p for list"
}

@test "completions: -o offers exactly --list-columns, in bash, fish and zsh" {
	local cmd want
	for cmd in list procs; do
		want=$("$DMABUFCTL" "$cmd" --list-columns -r -n | cut -d' ' -f1 | sort)
		assert_equal "$(bash_offers dmabufctl "$cmd" -o '' | sort)" "$want"
		assert_equal "$(fish_offers "dmabufctl $cmd -o " | sort)" "$want"
		assert_equal "$(zsh_offers "dmabufctl $cmd -o " | sort)" "$want"
	done
}

# Every key of a JSON document (or of JSON Lines), and every key a page's
# example names, one a line, sorted.
json_keys() { jq -r '[paths | .[-1] | strings] | .[]' | sort -u; }
man_keys() { man_json "$1" | grep -oE '"[a-z_]+":' | tr -d '":' | sort -u; }

@test "JSON OUTPUT: diff -J and watch -J keys are the program's (real runs)" {
	local t=$BATS_TEST_TMPDIR
	"$DMABUFCTL" list --sysroot "$BASIC" -J >"$t/old.json"
	# one of each: created, released, resized, changed
	jq '.dmabufs |= (map(select(.inode != 103)) | map(if .inode == 102 then .size = 1 else . end)
		| map(if .inode == 101 then .refcount = 9 else . end)
		+ [.[0] | .inode = 999 | .device = {bdf: "0000:01:00.0", bar: 2, closed: false}
		   | .ranges = [{offset: 0, length: 4096}]]) | .totals.buffers = 3' \
		"$t/old.json" >"$t/new.json"
	run -0 "$DMABUFCTL" diff -J "$t/old.json" "$t/new.json"
	jq -e '[.created, .released, .resized, .changed, .processes] | all(length > 0)' <<<"$output"
	assert_equal "$(json_keys <<<"$output")" "$(man_keys "diff -J")"
	run -0 "$DMABUFCTL" watch --sysroot "$BASIC" -J -c 1
	# A replay has no BPF: no VFIO device, whose keys diff's run showed.
	assert_equal "$(json_keys <<<"$output")" \
		"$(man_keys "watch -J" | grep -vxE 'bar|bdf|closed|offset|length')"
}

@test "METRICS documents every family metrics writes, and no other" {
	local have doc
	have=$( ("$DMABUFCTL" metrics --sysroot "$BASIC"
		printf '1 4096 10\n' | "$UNIT/metrics-cgroups" 10=/a) |
		awk '/^# TYPE / { print $3 }' | sort -u)
	[[ $(wc -l <<<"$have") -ge 20 ]] || fail "families not read: $have"
	doc=$(man_section METRICS | grep -oE '\b(dmabuf|dmabufctl)_[a-z_]+' | sed 's/_$//' | sort -u)
	assert_equal "$doc" "$have"
}

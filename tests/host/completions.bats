#!/usr/bin/env bats
# The shell completions at work: bash (bash-completion's framework, the
# function called as bash calls it), fish (complete -C) and zsh (a real
# interactive zsh in a zpty, Tab pressed).  Commands, options, option
# values, columns after "-o X" and "-o A,", inodes and exporters asked from
# dmabufctl itself through the line's --sysroot, pids, directories.
# tests/host/docs.bats checks that they offer what --help has.
load common
load docs-common

# Lines zsh is asked about, in one zpty session (setup_file).
ZSH_LINES=(
	"dmabufctl sh"
	"dmabufctl list --ex"
	"dmabufctl --source "
	"dmabufctl list --source=d"
	"dmabufctl --source bpf,"
	"dmabufctl procs --by "
	"dmabufctl procs -o CO"
	"dmabufctl list -o INODE,"
	"dmabufctl list -o +FL"
	"dmabufctl --sysroot BASIC show "
	"dmabufctl --sysroot=BASIC list -e "
	"dmabufctl --sysroot NAMES list "
	"dmabufctl --sysroot BASIC trace --inode "
	"dmabufctl --sysroot BASIC revoke -p 1 -f 3 "
	"dmabufctl list -p "
	"dmabufctl --sysroot CLI/"
)

# "BASIC", "NAMES", "CLI" in a line stand for the fixture directories.
expand() {
	local l=${1//BASIC/$FIXTURES/cli/basic}
	l=${l//NAMES/$FIXTURES/cli/names}
	printf '%s\n' "${l//CLI/$FIXTURES/cli}"
}

setup_file() {
	local lines=() l
	for l in "${ZSH_LINES[@]}"; do
		lines+=("$(expand "$l")")
	done
	zsh_ask "${lines[@]}"
}

setup() {
	BASIC=$FIXTURES/cli/basic
	NAMES=$FIXTURES/cli/names
	PATH=$(cd "$(dirname "$DMABUFCTL")" && pwd):$PATH
}

# Sorted, one a line: what a shell offered, and what a test expects.
sorted() { sort | tr '\n' ' ' | sed 's/ $//'; }
zsh_at() { zsh_offers "$(expand "$1")"; }

# --- bash ------------------------------------------------------------------

@test "bash: commands, and options of list" {
	assert_equal "$(bash_offers dmabufctl '' | sorted)" 'diff list metrics procs revoke show trace unpin watch'
	assert_equal "$(bash_offers dmabufctl sh | sorted)" 'show'
	assert_equal "$(bash_offers dmabufctl list --ex | sorted)" '--exporter'
	assert_equal "$(bash_offers dmabufctl list --no | sorted)" '--no-pin --noheadings'
	bash_offers dmabufctl list -- | grep -qx -- --list-columns || fail "no --list-columns"
	# Options of show are not list's.
	assert_equal "$(bash_offers dmabufctl show --ex | sorted)" ''
}

@test "bash: --source values, as --source X and --source=X, and lists" {
	assert_equal "$(bash_offers dmabufctl --source '' | sorted)" 'bpf debugfs procfs'
	# bash splits "--source=d" at '=' (COMP_WORDBREAKS).
	assert_equal "$(bash_offers dmabufctl list --source = d | sorted)" 'debugfs'
	assert_equal "$(bash_offers dmabufctl --source bpf, | sorted)" 'bpf,debugfs bpf,procfs'
	assert_equal "$(bash_offers dmabufctl --source debugfs,p | sorted)" 'debugfs,procfs'
}

@test "bash: procs --by values; unpin takes no common option" {
	assert_equal "$(bash_offers dmabufctl procs --by '' | sorted)" 'cgroup exporter'
	assert_equal "$(bash_offers dmabufctl unpin -- | sorted)" '--help --usage --version'
}

@test "bash: -o columns after -o CO, -o INODE, and +" {
	assert_equal "$(bash_offers dmabufctl procs -o CO | sorted)" 'COMM'
	assert_equal "$(bash_offers dmabufctl list -o S | sorted)" 'SIZE SOURCES'
	assert_equal "$(bash_offers dmabufctl list -o si | sorted)" 'SIZE'
	run -0 bash_offers dmabufctl list -o INODE,
	assert_line 'INODE,SIZE'
	assert_line 'INODE,SOURCES'
	refute_line 'INODE,INODE'
	assert_equal "${#lines[@]}" 19
	assert_equal "$(bash_offers dmabufctl list -o +NAME,FL | sorted)" '+NAME,FLAGS'
	assert_equal "$(bash_offers dmabufctl procs --output = P | sorted)" 'PID PSS'
}

@test "bash: inodes from the tool, through the line's --sysroot" {
	assert_equal "$(bash_offers dmabufctl --sysroot "$BASIC" show '' | sorted)" '101 102 103'
	assert_equal "$(bash_offers dmabufctl show --sysroot = "$BASIC" 10 | sorted)" '101 102 103'
	assert_equal "$(bash_offers dmabufctl --sysroot "$NAMES" list '' | sorted)" '201'
	assert_equal "$(bash_offers dmabufctl --sysroot "$BASIC" 101 '' | sorted)" '101 102 103'
	assert_equal "$(bash_offers dmabufctl --sysroot "$BASIC" revoke -p 1 -f 3 '' | sorted)" '101 102 103'
	assert_equal "$(bash_offers dmabufctl --sysroot "$BASIC" trace --inode '' | sorted)" '101 102 103'
	# show and revoke take one INODE.
	assert_equal "$(bash_offers dmabufctl --sysroot "$BASIC" show 101 '' | sorted)" ''
	assert_equal "$(bash_offers dmabufctl --sysroot "$BASIC" list -e '' | sorted)" 'system udmabuf'
}

@test "bash: pids for -p, directories for --sysroot" {
	run -0 bash_offers dmabufctl list -p ''
	assert_line '1'
	refute_line --regexp '[^0-9]'
	assert_equal "$(bash_offers dmabufctl --sysroot "$FIXTURES/cli/" | sorted)" \
		"$FIXTURES/cli/basic $FIXTURES/cli/names $FIXTURES/cli/wide"
}

@test "bash: --sort columns, --importer devices from the tool, list's options before a command" {
	assert_equal "$(bash_offers dmabufctl list --sort S | sorted)" 'SIZE SOURCES'
	assert_equal "$(bash_offers dmabufctl procs -x p | sorted)" 'PID PSS'
	assert_equal "$(bash_offers dmabufctl --sysroot "$FIXTURES/cli/wide" list --importer '' | sorted)" \
		'0000:03:00.0 0000:04:00.0 0000:05:00.0'
	# "dmabufctl -o INODE ": INODE is -o's value, not a command: a command
	# may still come
	assert_equal "$(bash_offers dmabufctl --sysroot "$BASIC" -o INODE '' | sorted)" \
		'diff list metrics procs revoke show trace unpin watch'
	assert_equal "$(bash_offers dmabufctl -o INODE -x '' | wc -w)" 20
	assert_equal "$(bash_offers dmabufctl -x '' | wc -w)" 20
	assert_equal "$(bash_offers dmabufctl metrics --op | sorted)" '--openmetrics'
}

# --- fish ------------------------------------------------------------------

@test "fish: commands, options of list, --source values" {
	assert_equal "$(fish_offers 'dmabufctl sh' | sorted)" 'show'
	assert_equal "$(fish_offers 'dmabufctl ' | sorted)" 'diff list metrics procs revoke show trace unpin watch'
	assert_equal "$(fish_offers 'dmabufctl list --ex' | sorted)" '--exporter'
	assert_equal "$(fish_offers 'dmabufctl show --ex' | sorted)" ''
	assert_equal "$(fish_offers 'dmabufctl --source ' | sorted)" 'bpf debugfs procfs'
	assert_equal "$(fish_offers 'dmabufctl list --source=d' | sorted)" '--source=debugfs'
	assert_equal "$(fish_offers 'dmabufctl --source bpf,' | sorted)" 'bpf,debugfs bpf,procfs'
	assert_equal "$(fish_offers 'dmabufctl procs --by ' | sorted)" 'cgroup exporter'
}

@test "fish: -o columns after -o CO, -o INODE, and +" {
	assert_equal "$(fish_offers 'dmabufctl procs -o CO' | sorted)" 'COMM'
	run -0 fish_offers 'dmabufctl list -o INODE,'
	assert_line 'INODE,SIZE'
	refute_line 'INODE,INODE'
	assert_equal "${#lines[@]}" 19
	assert_equal "$(fish_offers 'dmabufctl list -o +NAME,FL' | sorted)" '+NAME,FLAGS'
	assert_equal "$(fish_offers 'dmabufctl procs --output=P' | sorted)" '--output=PID --output=PSS'
}

@test "fish: inodes and exporters from the tool, pids, directories" {
	assert_equal "$(fish_offers "dmabufctl --sysroot $BASIC show " | sorted)" '101 102 103'
	assert_equal "$(fish_offers "dmabufctl --sysroot $NAMES list " | sorted)" '201'
	assert_equal "$(fish_offers "dmabufctl --sysroot=$BASIC trace --inode " | sorted)" '101 102 103'
	assert_equal "$(fish_offers "dmabufctl --sysroot $BASIC show 101 " | sorted)" ''
	assert_equal "$(fish_offers "dmabufctl --sysroot $BASIC list -e " | sorted)" 'system udmabuf'
	run -0 fish_offers 'dmabufctl procs -p '
	assert_line '1'
	refute_line --regexp '[^0-9]'
	assert_equal "$(fish_offers "dmabufctl --sysroot $FIXTURES/cli/" | sorted)" \
		"$FIXTURES/cli/basic/ $FIXTURES/cli/names/ $FIXTURES/cli/wide/"
	assert_equal "$(fish_offers "dmabufctl --sysroot $FIXTURES/cli/wide list --importer " | sorted)" \
		'0000:03:00.0 0000:04:00.0 0000:05:00.0'
	assert_equal "$(fish_offers 'dmabufctl list --sort NA' | sorted)" 'NAME NATTACHED'
	assert_equal "$(fish_offers "dmabufctl --sysroot $BASIC -o INODE " | sorted)" \
		'diff list metrics procs revoke show trace unpin watch'
}

# --- zsh -------------------------------------------------------------------

@test "zsh: the file loads under compinit and binds dmabufctl" {
	run -0 --separate-stderr zsh -n "$COMPL/_dmabufctl"
	assert_equal "$stderr" ''
	# compinit binds it; autoload +X parses it now rather than on first Tab.
	run -0 --separate-stderr zsh -f -c "fpath=('$COMPL' \$fpath)
		autoload -Uz compinit && compinit -u -d '$BATS_TEST_TMPDIR/dump' &&
		print -r -- \$_comps[dmabufctl] && autoload -Uz +X _dmabufctl"
	assert_output '_dmabufctl'
	assert_equal "$stderr" ''
	# The driver itself ran.
	run -0 cat "$BATS_FILE_TMPDIR/zsh.out"
	refute_output --partial 'driver failed'
}

@test "zsh: commands, options, --source values" {
	assert_equal "$(zsh_at 'dmabufctl sh' | sorted)" 'show'
	assert_equal "$(zsh_at 'dmabufctl list --ex' | sorted)" '--exporter'
	assert_equal "$(zsh_at 'dmabufctl --source ' | sorted)" 'bpf debugfs procfs'
	assert_equal "$(zsh_at 'dmabufctl list --source=d' | sorted)" 'debugfs'
	assert_equal "$(zsh_at 'dmabufctl --source bpf,' | sorted)" 'debugfs procfs'
	assert_equal "$(zsh_at 'dmabufctl procs --by ' | sorted)" 'cgroup exporter'
}

@test "zsh: -o columns after -o CO, -o INODE, and +" {
	assert_equal "$(zsh_at 'dmabufctl procs -o CO' | sorted)" 'COMM'
	run -0 zsh_at 'dmabufctl list -o INODE,'
	assert_line 'SIZE'
	refute_line 'INODE'
	assert_equal "${#lines[@]}" 19
	assert_equal "$(zsh_at 'dmabufctl list -o +FL' | sorted)" 'FLAGS'
}

@test "zsh: inodes and exporters from the tool, pids, directories" {
	assert_equal "$(zsh_at 'dmabufctl --sysroot BASIC show ' | sorted)" '101 102 103'
	assert_equal "$(zsh_at 'dmabufctl --sysroot NAMES list ' | sorted)" '201'
	assert_equal "$(zsh_at 'dmabufctl --sysroot BASIC trace --inode ' | sorted)" '101 102 103'
	assert_equal "$(zsh_at 'dmabufctl --sysroot BASIC revoke -p 1 -f 3 ' | sorted)" '101 102 103'
	assert_equal "$(zsh_at 'dmabufctl --sysroot=BASIC list -e ' | sorted)" 'system udmabuf'
	# zsh's _pids offers the processes of the terminal (ps without options).
	run -0 zsh_at 'dmabufctl list -p '
	[[ ${#lines[@]} -ge 1 ]] || fail "no pids offered"
	refute_line --regexp '[^0-9]'
	assert_equal "$(zsh_at 'dmabufctl --sysroot CLI/' | sorted)" 'basic names wide'
}

# --- watch and diff ----------------------------------------------------------

@test "watch and diff: CHANGE among the columns, snapshot files for diff, in bash, fish and zsh" {
	assert_equal "$(bash_offers dmabufctl watch -o CH | sorted)" 'CHANGE'
	assert_equal "$(bash_offers dmabufctl watch -x CH | sorted)" 'CHANGE'
	assert_equal "$(fish_offers 'dmabufctl diff -o CH' | sorted)" 'CHANGE'
	assert_equal "$(bash_offers dmabufctl --sysroot "$BASIC" watch '' | sorted)" '101 102 103'
	mkdir -p "$BATS_TEST_TMPDIR/snaps"
	touch "$BATS_TEST_TMPDIR/snaps/a.json" "$BATS_TEST_TMPDIR/snaps/b.txt"
	cd "$BATS_TEST_TMPDIR/snaps"
	assert_equal "$(bash_offers dmabufctl diff '' | sorted)" 'a.json'
	assert_equal "$(bash_offers dmabufctl diff a.json '' | sorted)" 'a.json'
	assert_equal "$(bash_offers dmabufctl diff a.json a.json '' | sorted)" ''
}

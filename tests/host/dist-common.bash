# Shared by build.bats and packaging.bats: copies of the distributed tree,
# built away from the tree under test (make distcheck keeps that one
# read-only).

# make check's jobserver is not for these builds.
unset MAKEFLAGS MFLAGS MAKELEVEL

# dist_tree DIR: the files "make dist" packs, copied to the new directory DIR.
dist_tree() {
	mkdir -p "$(dirname "$1")"
	make -s -C "$BUILDDIR" distdir distdir="$1" >/dev/null
}

# in_dir DIR LOG CMD...: run CMD in DIR, output to LOG; show LOG's end on
# failure.
in_dir() {
	local dir=$1 log=$2 rc=0
	shift 2
	(cd "$dir" && "$@") >"$log" 2>&1 || rc=$?
	[ "$rc" -eq 0 ] || { tail -n 40 "$log"; echo "$* in $dir: exit $rc"; }
	return "$rc"
}

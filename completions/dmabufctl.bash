# bash completion for dmabufctl(8)                         -*- shell-script -*-
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Options and columns are written out here; tests/host/docs.bats checks them
# against each command's --help and --list-columns.  Inodes and exporters
# come from the tool itself at completion time, through the --sysroot of
# the command line if there is one.

_dmabufctl_common_opts='--sysroot --source --no-pin --help --usage --version'
_dmabufctl_output_opts='--output --list-columns --noheadings --raw --json --bytes'

_dmabufctl_opts()
{
	case $1 in
	'') echo "$_dmabufctl_common_opts" ;;
	list) echo "--pid --exporter $_dmabufctl_output_opts $_dmabufctl_common_opts" ;;
	show) echo "--json --bytes $_dmabufctl_common_opts" ;;
	procs) echo "--pid --by $_dmabufctl_output_opts $_dmabufctl_common_opts" ;;
	# trace watches the running kernel: no --sysroot, no --source.
	trace) echo "--inode --exporter --pid --duration --count --timeout --kprobes" \
		"--json --bytes --help --usage --version" ;;
	revoke) echo "--pid --fd --yes --dry-run --verify --json --bytes" \
		"$_dmabufctl_common_opts" ;;
	# unpin removes pins: it reads nothing.
	unpin) echo "--help --usage --version" ;;
	esac
}

_dmabufctl_columns()
{
	case $1 in
	list) echo INODE SIZE EXPORTER NAME REFS ATTACHED PROCESSES NATTACHED FLAGS \
		MODE FDS MAPS NPROCS REVOKED SOURCES GEM CGROUP ;;
	procs) echo PID COMM BUFFERS RSS PSS CGROUP ;;
	esac
}

# Ask the tool: one column of "list", on the system or the --sysroot given.
_dmabufctl_query()
{
	local prog=${words[0]} i sysroot=
	[[ $prog == \~* ]] && prog=${prog/#\~/$HOME}
	for ((i = 1; i < ${#words[@]} - 1; i++)); do
		case ${words[i]} in
		--sysroot) sysroot=${words[i + 1]} ;;
		--sysroot=*) sysroot=${words[i]#--sysroot=} ;;
		esac
	done
	[[ $sysroot == \~* ]] && sysroot=${sysroot/#\~/$HOME}
	"$prog" ${sysroot:+--sysroot "$sysroot"} list -n -r -o "$1" 2>/dev/null
}

# "A,B,C" of NAMES...: complete the last name, keep "+" (with plus) and
# what comes before it; case as typed with upper.
_dmabufctl_complete_list()
{
	local plus=$1 upper=$2 prefix= last=$cur name
	local -a cands=()
	shift 2
	if [[ $plus && $last == +* ]]; then
		prefix=+
		last=${last#+}
	fi
	if [[ $last == *,* ]]; then
		prefix+=${last%,*},
		last=${last##*,}
	fi
	[[ $upper ]] && last=${last^^}
	for name; do
		[[ ,${prefix#+}, == *,"$name",* ]] && continue
		[[ $name == "$last"* ]] && cands+=("$prefix$name")
	done
	COMPREPLY=("${cands[@]}")
	compopt -o nospace 2>/dev/null
}

_dmabufctl()
{
	local cur prev words cword split
	_init_completion -s || return

	local cmds='list show procs trace revoke unpin'
	local cmd= i arg_word= nargs=0 w

	# The command: the first word that is neither an option nor an option's
	# value; an inode there means "list".
	for ((i = 1; i < cword; i++)); do
		w=${words[i]}
		if [[ $arg_word ]]; then
			arg_word=
			continue
		fi
		case $w in
		--sysroot | --source) arg_word=1; continue ;;
		-o | --output | -p | --pid | -e | --exporter | -f | --fd | -c | --count | \
			--inode | --duration | --timeout | --by)
			[[ $cmd ]] && arg_word=1
			continue ;;
		-*) continue ;;
		esac
		if [[ -z $cmd ]]; then
			if [[ $w == +([0-9]) ]]; then
				cmd=list
				nargs=1
			else
				cmd=$w
			fi
		else
			((nargs++))
		fi
	done

	case $prev in
	--sysroot)
		_filedir -d
		return ;;
	--source)
		_dmabufctl_complete_list '' '' bpf debugfs procfs
		return ;;
	--help | --usage | --version | -V | '-?')
		return ;;
	esac

	if [[ $cmd ]]; then
		case $prev in
		-o | --output)
			_dmabufctl_complete_list 1 1 $(_dmabufctl_columns "$cmd")
			return ;;
		--by)
			COMPREPLY=($(compgen -W 'cgroup exporter' -- "$cur"))
			return ;;
		-p | --pid)
			_pids
			return ;;
		-e | --exporter)
			COMPREPLY=($(compgen -W "$(_dmabufctl_query EXPORTER | sort -u)" -- "$cur"))
			return ;;
		--inode)
			COMPREPLY=($(compgen -W "$(_dmabufctl_query INODE)" -- "$cur"))
			return ;;
		-f | --fd | -c | --count | --duration | --timeout)
			return ;;
		esac
	fi
	$split && return

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_dmabufctl_opts "$cmd")" -- "$cur"))
		[[ ${COMPREPLY-} == *= ]] && compopt -o nospace
		return
	fi

	case $cmd in
	'')
		COMPREPLY=($(compgen -W "$cmds" -- "$cur")) ;;
	list)
		COMPREPLY=($(compgen -W "$(_dmabufctl_query INODE)" -- "$cur")) ;;
	show | revoke)
		((nargs == 0)) &&
			COMPREPLY=($(compgen -W "$(_dmabufctl_query INODE)" -- "$cur")) ;;
	esac
} &&
	complete -F _dmabufctl dmabufctl

# ex: filetype=sh

# bash completion for dmabufctl(8)                         -*- shell-script -*-
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Options and columns are written out here; tests/host/docs.bats checks them
# against each command's --help and --list-columns.  Inodes and exporters
# come from the tool itself at completion time, through the --sysroot of
# the command line if there is one.

_dmabufctl_common_opts='--sysroot --source --no-pin --help --usage --version'
_dmabufctl_output_opts='--output --list-columns --noheadings --raw --json --bytes'
# list's selection: filters and --sort.
_dmabufctl_select_opts='--pid --exporter --name --importer --device --min-size --orphans --sort'

_dmabufctl_opts()
{
	case $1 in
	'') echo "$_dmabufctl_common_opts" ;;
	list) echo "$_dmabufctl_select_opts $_dmabufctl_output_opts $_dmabufctl_common_opts" ;;
	show) echo "--json --bytes $_dmabufctl_common_opts" ;;
	procs) echo "--pid --sort --by $_dmabufctl_output_opts $_dmabufctl_common_opts" ;;
	metrics) echo "--output --openmetrics --top --timeout $_dmabufctl_common_opts" ;;
	watch) echo "--interval --count $_dmabufctl_select_opts $_dmabufctl_output_opts" \
		"$_dmabufctl_common_opts" ;;
	# diff reads files: no --sysroot, no --source.
	diff) echo "--exit-code $_dmabufctl_output_opts --help --usage --version" ;;
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
		MODE FDS MAPS NPROCS REVOKED SOURCES GEM CGROUP DEVICE BAR RANGES ;;
	watch | diff) echo "$(_dmabufctl_columns list) CHANGE" ;;
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

# "-o A,B,C" of a command's columns.
_dmabufctl_complete_columns()
{
	_dmabufctl_complete_list 1 1 $(_dmabufctl_columns "$1")
}

_dmabufctl()
{
	local cur prev words cword split
	_init_completion -s || return

	local cmds='list show procs metrics watch diff trace revoke unpin'
	local cmd= i arg_word= nargs=0 w

	# The command: the first word that is neither an option nor an option's
	# value; an inode there means "list", and so do list's options before it.
	for ((i = 1; i < cword; i++)); do
		w=${words[i]}
		if [[ $arg_word ]]; then
			arg_word=
			continue
		fi
		case $w in
		--sysroot | --source | -o | --output | -p | --pid | -e | --exporter | -f | --fd | \
			-c | --count | --inode | --duration | --timeout | -x | --sort | --name | \
			--importer | --device | --min-size | --top | -i | --interval | --by)
			arg_word=1
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
	--help | --usage | --version | -V | -h)
		return ;;
	esac

	# Before a command, the options are list's.
	local ctx=${cmd:-list}
	if [[ $ctx == metrics ]]; then
		case $prev in
		--output)
			_filedir prom
			return ;;
		--top | --timeout)
			return ;;
		esac
	fi
	case $prev in
	-o | --output)
		_dmabufctl_complete_columns "$ctx"
		return ;;
	-x | --sort)
		COMPREPLY=($(compgen -W "$(_dmabufctl_columns "$ctx")" -- "${cur^^}"))
		return ;;
	--importer)
		COMPREPLY=($(compgen -W "$(_dmabufctl_query ATTACHED | tr , '\n' | sort -u)" -- "$cur"))
		return ;;
	--device)
		COMPREPLY=($(compgen -W "$(_dmabufctl_query DEVICE | grep -vx -- - | sort -u)" -- "$cur"))
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
	--by)
		COMPREPLY=($(compgen -W 'cgroup exporter' -- "$cur"))
		return ;;
	--name | --min-size | -f | --fd | -c | --count | --duration | --timeout | -i | --interval)
		return ;;
	esac
	$split && return

	if [[ $cur == -* ]]; then
		COMPREPLY=($(compgen -W "$(_dmabufctl_opts "$cmd")" -- "$cur"))
		[[ ${COMPREPLY-} == *= ]] && compopt -o nospace
		return
	fi

	case $cmd in
	'')
		COMPREPLY=($(compgen -W "$cmds" -- "$cur")) ;;
	list | watch)
		COMPREPLY=($(compgen -W "$(_dmabufctl_query INODE)" -- "$cur")) ;;
	diff)
		((nargs < 2)) && _filedir json ;;
	show | revoke)
		((nargs == 0)) &&
			COMPREPLY=($(compgen -W "$(_dmabufctl_query INODE)" -- "$cur")) ;;
	esac
} &&
	complete -F _dmabufctl dmabufctl

# ex: filetype=sh

# fish completion for dmabufctl(8)
# SPDX-License-Identifier: GPL-2.0-or-later
#
# Options and columns are written out here; tests/host/docs.bats checks them
# against each command's --help and --list-columns.  Inodes and exporters
# come from the tool itself at completion time, through the --sysroot of
# the command line if there is one.

set -l __dmabufctl_cmds list show procs metrics watch diff trace revoke unpin

# The command given on the line, "list" for an inode in its place, or
# nothing yet.
function __dmabufctl_command
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l skip 0
    for t in $tokens
        if test $skip = 1
            set skip 0
            continue
        end
        switch $t
            # Values of options that take one (list's, before a command).
            case --sysroot --source -o --output -p --pid -e --exporter -x --sort --name \
                --importer --device --min-size
                set skip 1
            case '-*'
            case list show procs metrics watch diff trace revoke unpin
                echo $t
                return 0
            case '*'
                if string match -qr '^[0-9]+$' -- $t
                    echo list
                    return 0
                end
                echo $t
                return 0
        end
    end
    return 1
end

function __dmabufctl_using -a cmd
    set -l c (__dmabufctl_command)
    and test "$c" = $cmd
end

function __dmabufctl_no_command
    not __dmabufctl_command >/dev/null
end

# One column of "dmabufctl list", on the system or the --sysroot given.
function __dmabufctl_query -a col
    set -l tokens (commandline -opc)
    set -l prog $tokens[1]
    command -q -- $prog; or return 1
    set -l sysroot
    set -l next 0
    for t in $tokens[2..-1]
        if test $next = 1
            set sysroot $t
            set next 0
        else if test "$t" = --sysroot
            set next 1
        else if string match -q -- '--sysroot=*' $t
            set sysroot (string replace -- '--sysroot=' '' $t)
        end
    end
    if test -n "$sysroot"
        $prog --sysroot $sysroot list -n -r -o $col 2>/dev/null
    else
        $prog list -n -r -o $col 2>/dev/null
    end
end

# INODE arguments: list takes many, show and revoke one.
function __dmabufctl_want_inode
    set -l cmd (__dmabufctl_command)
    or return 1
    switch $cmd
        case list watch
            return 0
        case show revoke
            set -l tokens (commandline -opc)
            set -l seen 0
            set -l skip 0
            for t in $tokens[2..-1]
                if test $skip = 1
                    set skip 0
                    continue
                end
                switch $t
                    case --sysroot --source -p --pid -f --fd
                        set skip 1
                    case '-*' $cmd
                    case '*'
                        set seen 1
                end
            end
            test $seen = 0
        case '*'
            return 1
    end
end

# -o LIST: complete the last comma-separated name, keep what precedes it.
function __dmabufctl_column_names -a cmd
    switch $cmd
        case list
            printf '%s\n' INODE SIZE EXPORTER NAME REFS ATTACHED PROCESSES NATTACHED FLAGS \
                MODE FDS MAPS NPROCS REVOKED SOURCES GEM CGROUP DEVICE BAR RANGES
        case procs
            printf '%s\n' PID COMM BUFFERS RSS PSS CGROUP
        case watch diff
            __dmabufctl_column_names list
            echo CHANGE
    end
end

function __dmabufctl_columns -a cmd
    set -l cols (__dmabufctl_column_names $cmd)
    set -l tok (commandline -ct)
    set tok (string replace -r -- '^(-o|--output=)' '' $tok)
    set -l prefix (string match -r -- '^\+?(?:.*,)?' $tok)
    set -l given (string split , -- (string replace -r -- '^\+' '' $prefix))
    for c in $cols
        contains -- $c $given; and continue
        echo $prefix$c
    end
end

# --source LIST: complete the last comma-separated name, keep what precedes it.
function __dmabufctl_sources
    set -l tok (commandline -ct)
    set tok (string replace -r -- '^--source=' '' $tok)
    set -l prefix (string match -r -- '^(?:.*,)?' $tok)
    set -l given (string split , -- $prefix)
    for s in bpf debugfs procfs
        contains -- $s $given; and continue
        echo $prefix$s
    end
end

complete -c dmabufctl -f

# Commands.
complete -c dmabufctl -n __dmabufctl_no_command -a list -d 'list dma-bufs (the default command)'
complete -c dmabufctl -n __dmabufctl_no_command -a show -d 'show all that is known of one dma-buf'
complete -c dmabufctl -n __dmabufctl_no_command -a procs -d 'per-process dma-buf totals'
complete -c dmabufctl -n __dmabufctl_no_command -a metrics -d 'Prometheus metrics of buffers, importers and holders'
complete -c dmabufctl -n __dmabufctl_no_command -a watch -d 'list again every interval, marking what changed'
complete -c dmabufctl -n __dmabufctl_no_command -a diff -d 'compare two list -J snapshots'
complete -c dmabufctl -n __dmabufctl_no_command -a trace -d 'trace exports, attachments, maps and invalidations (BPF)'
complete -c dmabufctl -n __dmabufctl_no_command -a revoke -d 'revoke a dma-buf through a holder\'s fd'
complete -c dmabufctl -n __dmabufctl_no_command -a unpin -d 'remove the BPF iterators pinned in bpffs'

# Options of every command, and of dmabufctl itself.
# trace watches the running kernel, diff reads files, unpin reads nothing:
# no --sysroot, --source or --no-pin.
set -l __dmabufctl_scans 'not __dmabufctl_using trace; and not __dmabufctl_using diff; and not __dmabufctl_using unpin'
complete -c dmabufctl -n $__dmabufctl_scans -l sysroot -x -a '(__fish_complete_directories)' -d 'read proc/ and sys/kernel/debug/ under DIR'
complete -c dmabufctl -n $__dmabufctl_scans -l source -x -a '(__dmabufctl_sources)' -d 'use only these sources (comma-separated)'
complete -c dmabufctl -n $__dmabufctl_scans -l no-pin -d 'load the BPF iterators for this run only'
complete -c dmabufctl -s h -l help -d 'give the help list'
complete -c dmabufctl -l usage -d 'give a short usage message'
complete -c dmabufctl -s V -l version -d 'print program version'

# Output options: -J and -b everywhere, the rest for list and procs.
for c in list show procs watch diff trace revoke
    complete -c dmabufctl -n "__dmabufctl_using $c" -s J -l json -d 'JSON output'
    complete -c dmabufctl -n "__dmabufctl_using $c" -s b -l bytes -d 'print sizes in bytes'
end
for c in list procs watch diff
    complete -c dmabufctl -n "__dmabufctl_using $c" -s o -l output -x -a "(__dmabufctl_columns $c)" -d 'columns to print; +LIST adds to the default set'
    complete -c dmabufctl -n "__dmabufctl_using $c" -s H -l list-columns -d 'list the available columns and exit'
    complete -c dmabufctl -n "__dmabufctl_using $c" -s n -l noheadings -d 'do not print headings'
    complete -c dmabufctl -n "__dmabufctl_using $c" -s r -l raw -d 'raw output'
end

# list and watch
for c in list watch
    complete -c dmabufctl -n "__dmabufctl_using $c" -s p -l pid -x -a '(__fish_complete_pids)' -d 'only buffers these processes hold'
    complete -c dmabufctl -n "__dmabufctl_using $c" -s e -l exporter -x -a '(__dmabufctl_query EXPORTER | sort -u)' -d 'only buffers of these exporters (globs)'
    complete -c dmabufctl -n "__dmabufctl_using $c" -l name -x -d 'only buffers whose name matches (glob)'
    complete -c dmabufctl -n "__dmabufctl_using $c" -l importer -x -a '(__dmabufctl_query ATTACHED | string split , | string match -v -- - | sort -u)' -d 'only buffers attached to these devices (globs)'
    complete -c dmabufctl -n "__dmabufctl_using $c" -l device -x -a '(__dmabufctl_query DEVICE | string match -v -- - | sort -u)' -d 'only buffers exported from these devices (globs)'
    complete -c dmabufctl -n "__dmabufctl_using $c" -l min-size -x -d 'only buffers of at least SIZE (64K, 1M)'
    complete -c dmabufctl -n "__dmabufctl_using $c" -l orphans -d 'only buffers no process holds'
    complete -c dmabufctl -n "__dmabufctl_using $c" -s x -l sort -x -a "(__dmabufctl_column_names $c)" -d 'sort by COLUMN'
end
complete -c dmabufctl -n '__dmabufctl_using watch' -s i -l interval -x -d 'refresh every TIME (default 2s)'
complete -c dmabufctl -n '__dmabufctl_using watch' -s c -l count -x -d 'stop after N refreshes'

# diff
complete -c dmabufctl -n '__dmabufctl_using diff' -l exit-code -d 'exit with status 13 when the snapshots differ'
complete -c dmabufctl -n '__dmabufctl_using diff' -F -d 'list -J snapshot'

# procs
complete -c dmabufctl -n '__dmabufctl_using procs' -s p -l pid -x -a '(__fish_complete_pids)' -d 'only these processes'
complete -c dmabufctl -n '__dmabufctl_using procs' -s x -l sort -x -a '(__dmabufctl_column_names procs)' -d 'sort by COLUMN'
complete -c dmabufctl -n '__dmabufctl_using procs' -l by -x -a 'cgroup exporter' -d 'totals per group'

# metrics
complete -c dmabufctl -n '__dmabufctl_using metrics' -l output -r -F -d 'write to FILE atomically'
complete -c dmabufctl -n '__dmabufctl_using metrics' -l openmetrics -d 'OpenMetrics text instead of Prometheus 0.0.4'
complete -c dmabufctl -n '__dmabufctl_using metrics' -l top -x -d 'series for the N largest processes (0: all)'
complete -c dmabufctl -n '__dmabufctl_using metrics' -l timeout -x -d 'give the scan up after TIME (default 10s)'

# trace
complete -c dmabufctl -n '__dmabufctl_using trace' -l inode -x -a '(__dmabufctl_query INODE)' -d 'only this buffer'
complete -c dmabufctl -n '__dmabufctl_using trace' -s e -l exporter -x -a '(__dmabufctl_query EXPORTER | sort -u)' -d 'only buffers of this exporter'
complete -c dmabufctl -n '__dmabufctl_using trace' -s p -l pid -x -a '(__fish_complete_pids)' -d 'only events caused by this process'
complete -c dmabufctl -n '__dmabufctl_using trace' -l duration -x -d 'stop after TIME (5, 2.5s, 500ms, 1m)'
complete -c dmabufctl -n '__dmabufctl_using trace' -s c -l count -x -d 'stop after N events'
complete -c dmabufctl -n '__dmabufctl_using trace' -l timeout -x -d 'how long importers get to react (default 3s)'
complete -c dmabufctl -n '__dmabufctl_using trace' -l kprobes -d 'use kprobes even where fentry works'

# revoke
complete -c dmabufctl -n '__dmabufctl_using revoke' -s p -l pid -x -a '(__fish_complete_pids)' -d 'use this holder (needs --fd)'
complete -c dmabufctl -n '__dmabufctl_using revoke' -s f -l fd -x -d 'use this fd of --pid'
complete -c dmabufctl -n '__dmabufctl_using revoke' -s y -l yes -d 'do not ask'
complete -c dmabufctl -n '__dmabufctl_using revoke' -l dry-run -d 'check the holder fd, revoke nothing'
complete -c dmabufctl -n '__dmabufctl_using revoke' -l verify -d 'confirm the importers reacted (--verify=TIMEOUT, default 5s)'

# INODE arguments.
complete -c dmabufctl -n __dmabufctl_want_inode -a '(__dmabufctl_query INODE)' -d 'dma-buf inode'

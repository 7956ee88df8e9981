# Finding the processes a run left behind: the one finder tests/run,
# tests/lib/audit.bash and maint/mutants use. Part of the harness
# (lib/harness.bash); it needs nothing else, so it can be sourced alone.
#
# A run marks what it starts with a variable in the environment (NAME=VALUE,
# unique to the run), which every process it starts inherits: a server the
# reader runs by hand, or another run's, never carries it.

# marked_processes MARK: sets MARKED to "PID COMMAND" for each live process
# whose environment holds MARK (read with built-ins: a grep would carry the
# mark in its own arguments). The caller's own shell is left out.
marked_processes() {
    local environ pid entries cmdline
    MARKED=()
    for environ in /proc/[0-9]*/environ; do
        pid=${environ#/proc/}
        pid=${pid%/environ}
        [ "$pid" = "$BASHPID" ] && continue
        mapfile -d '' entries 2>/dev/null <"$environ" || continue
        [[ " ${entries[*]} " == *" $1 "* ]] || continue
        mapfile -d '' cmdline 2>/dev/null <"/proc/$pid/cmdline" || true
        MARKED+=("$pid ${cmdline[*]}")
    done
}

# orphaned_zombies SESSION: sets ORPHANS to "PID (NAME)" for each zombie of
# session SESSION whose parent is PID 1: on some machines PID 1 never reaps
# it. (A zombie's environment is gone, so it is found by its session.)
orphaned_zombies() {
    local stat line pid
    ORPHANS=()
    for stat in /proc/[0-9]*/stat; do
        read -r line 2>/dev/null <"$stat" || continue
        pid=${line%% *}
        # After "PID (NAME) ": state, ppid, pgrp, session.
        [[ ${line##*) } =~ ^Z\ 1\ [0-9]+\ ([0-9]+) ]] || continue
        [ "${BASH_REMATCH[1]}" = "$1" ] || continue
        line=${line#*\(}
        ORPHANS+=("$pid (${line%)*})")
    done
}

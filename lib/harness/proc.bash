# Reading a process's state, children and descriptors from /proc. Part of
# the harness (lib/harness.bash).
#
# These read /proc with shell built-ins only: they run inside polling loops,
# where starting ps, grep or awk each time adds up.

# state PID: prints the state letter of process PID (R, S, T, Z...), or
# nothing if there is no such process.
state() {
    local line
    read -r line 2>/dev/null <"/proc/$1/stat" || return 0
    line=${line##*) }
    echo "${line%% *}"
}

# stopped PID: process PID is stopped (state T).
stopped() {
    [ "$(state "$1")" = T ]
}

# gone PID: the process no longer runs (a zombie counts as gone).
gone() {
    local line
    read -r line 2>/dev/null <"/proc/$1/stat" || return 0
    line=${line##*) }
    [[ $line == Z* || $line == X* ]]
}

# waiting_for_client PID: process PID sleeps waiting for a client: in
# accept(2), or in pselect(2) or poll(2) before it (its wchan says so).
waiting_for_client() {
    local where=
    read -r where 2>/dev/null <"/proc/$1/wchan" || true
    [[ $where == inet_csk_accept || $where == *select* || $where == *poll* ]]
}

# in_waitpid PID: process PID sleeps in wait(2) or waitpid(2).
in_waitpid() {
    local where=
    read -r where 2>/dev/null <"/proc/$1/wchan" || true
    [ "$where" = do_wait ]
}

# signal_pending PID N: signal N waits to be handled by process PID (it is
# blocked, or the process has not run since it came).
signal_pending() {
    local line lines=()
    # mapfile: a read loop would take the file a byte at a time.
    mapfile -t lines 2>/dev/null <"/proc/$1/status" || return 1
    for line in "${lines[@]}"; do
        [[ $line == ShdPnd:* || $line == SigPnd:* ]] || continue
        (((16#${line##*[[:space:]]} >> ($2 - 1)) & 1)) && return 0
    done
    return 1
}

# sigchld_pending PID: a SIGCHLD waits to be handled by process PID.
sigchld_pending() {
    signal_pending "$1" 17
}

# traced PID: process PID is traced (by gdb, strace).
traced() {
    local line lines=()
    mapfile -t lines 2>/dev/null <"/proc/$1/status" || return 1
    for line in "${lines[@]}"; do
        [[ $line == TracerPid:* ]] && { [ "${line##*[[:space:]]}" != 0 ]; return; }
    done
    return 1
}

# settled PID: process PID has handled every SIGCHLD sent to it and sleeps
# waiting for a client: what the children's exits did is done.
settled() {
    ! sigchld_pending "$1" && waiting_for_client "$1"
}

# child_pids PID: the pids of process PID's children, one per line, in
# increasing order (sorted here: sort would be a process).
child_pids() {
    local pids=() sorted=() pid k
    read -r -a pids 2>/dev/null <"/proc/$1/task/$1/children" || true
    for pid in "${pids[@]}"; do
        k=${#sorted[@]}
        while ((k > 0 && sorted[k - 1] > pid)); do
            sorted[k]=${sorted[k - 1]}
            k=$((k - 1))
        done
        sorted[k]=$pid
    done
    ((${#sorted[@]} == 0)) || printf '%s\n' "${sorted[@]}"
}

# first_child PID: the pid of process PID's first child, if any.
first_child() {
    local pids=()
    read -r -a pids 2>/dev/null <"/proc/$1/task/$1/children" || true
    [ ${#pids[@]} -gt 0 ] && echo "${pids[0]}"
}

# no_children PID: process PID has no child.
no_children() {
    local pids=()
    read -r -a pids 2>/dev/null <"/proc/$1/task/$1/children" || true
    ((${#pids[@]} == 0))
}

# count_children PID [STATE] [not]: how many children process PID has
# (zombies included), or how many are in STATE (a letter: Z, S, T...), or
# with "not", how many are not in STATE; a counter.
count_children() {
    local pids=() child line n=0
    read -r -a pids 2>/dev/null <"/proc/$1/task/$1/children" || true
    for child in "${pids[@]}"; do
        read -r line 2>/dev/null <"/proc/$child/stat" || continue
        line=${line##*) }
        line=${line%% *}
        if [ -z "${2:-}" ] || { [ "$line" = "$2" ] && [ -z "${3:-}" ]; } ||
            { [ "$line" != "$2" ] && [ -n "${3:-}" ]; }; then
            n=$((n + 1))
        fi
    done
    counted "$n"
}

# children PID [STATE]: how many children process PID has (zombies
# included), or how many are in STATE; a counter.
children() {
    count_children "$1" "${2:-}"
}

# zombies PID: how many of process PID's children are zombies; a counter.
zombies() {
    count_children "$1" Z
}

# live_children PID: how many of process PID's children are not zombies; a
# counter.
live_children() {
    count_children "$1" Z not
}

# fd_count PID: how many descriptors process PID has open; a counter.
fd_count() {
    local fds=("/proc/$1/fd/"*)
    counted "${#fds[@]}"
}

# close_inherited_fds: in a subshell about to exec a program, closes every
# descriptor but 0, 1 and 2 (Bats' own, the pipes that feed other clients),
# so the program starts with exactly the three standard ones: a client
# holding another client's input open would keep that input from ending.
close_inherited_fds() {
    local path fd
    for path in /proc/$BASHPID/fd/*; do
        fd=${path##*/}
        ((fd > 2)) && eval "exec $fd>&-"
    done
    return 0
}

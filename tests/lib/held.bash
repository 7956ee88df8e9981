# Holding a server inside a race's window with gdb, for the race claims
# (tests/claims/races.bash): starting it under gdb, and asking /proc what it
# does while held and once let go.

# hold_server COMMAND...: the next serve runs the server under gdb, which
# runs it to main() (where its libraries are loaded), then runs the gdb
# COMMANDs in order, printing nothing of its own. gdb starts it in a process
# group of its own, which the subreaper does not end: end_held_server does.
# gdb may take seconds to start on a busy machine: the server gets 15 to
# listen. gdb runs no command after run or continue until the program
# stops: it leaves a file once stopped at main() (stopped_at_main looks for
# it), and the COMMAND mark-held leaves another (held_in_window): a program
# gdb cannot stop (no symbols, or no such call) never gets there.
hold_server() {
    local commands=() command
    HELD_MAIN=$HARNESS_TMP/gdb-stopped-at-main HELD_MARK=$HARNESS_TMP/gdb-held-in-window
    rm -f "$HELD_MAIN" "$HELD_MARK"
    for command in "$@"; do
        [ "$command" != mark-held ] || command="shell : >'$HELD_MARK'"
        commands+=(-ex "$command")
    done
    SERVER_START_SECONDS=15
    trace_server gdb -batch-silent -nx -ex 'set startup-with-shell off' -ex 'set print frame-info location' -ex 'break main' -ex run \
        -ex "shell : >'$HELD_MAIN'" "${commands[@]}" --args
}

# stopped_at_main: gdb stopped the server it started (hold_server) at
# main(), as every hold needs; if not, says why it could not, and ends it.
# (The server listens only after main() has begun: serve has waited.)
stopped_at_main() {
    [ -e "$HELD_MAIN" ] && return 0
    observe "gdb could not stop the server at main(): the program has no symbols (stripped?), and gdb cannot hold it where the experiment needs it without them (make check-chNN builds it with them)" "gdb 没能让服务端停在 main()：程序没有符号（被 strip 了？），没有符号 gdb 就没法把它停在实验需要的地方（make check-chNN 编译时带着符号）"
    end_held_server
    return 1
}

# held_in_window: gdb has run the claim's mark-held command: it held the
# server where the experiment needs it.
held_in_window() {
    [ -e "$HELD_MARK" ]
}

# The gdb command that sets a breakpoint on each call a server may wait for
# a client in: those the program has (rbreak is silent about the others).
# Also under the names a shared libc's debug information gives them
# (__libc_accept, __select...), where a dynamically linked server of
# another make calls them: rbreak does not find "accept" there.
BREAK_AT_WAIT='rbreak ^\(__libc_\|__\)\?\(pselect\|select\|ppoll\|poll\|accept\|accept4\|epoll_wait\|epoll_pwait\)$'

# wait_call PID: the call process PID sleeps in, in words, from its wchan.
wait_call() {
    local where=
    read -r where 2>/dev/null <"/proc/$1/wchan" || true
    case $where in
    inet_csk_accept) echo 'accept()' ;;
    ep_poll) echo 'epoll_wait()' ;;
    *) echo 'pselect(), select() or poll()' ;;
    esac
}

# sleeps_through PID N: process PID is free (no tracer), signal N is not
# pending (it was handled), and it sleeps waiting for a client, at two looks
# 50 ms apart: the signal came and went, and the server waits on.
sleeps_through() {
    local look
    for look in 1 2; do
        ((look == 1)) || nap 0.05
        ! traced "$1" && ! signal_pending "$1" "$2" && waiting_for_client "$1" || return 1
    done
}

# untraced_or_gone PID: gdb has let process PID go, or it has ended.
untraced_or_gone() {
    gone "$1" || ! traced "$1"
}

# gone_or_sleeps_through PID N: process PID has ended, or sleeps through
# signal N (see sleeps_through).
gone_or_sleeps_through() {
    gone "$1" || sleeps_through "$1" "$2"
}

# end_held_server: ends the server gdb started, and all its children (its
# process group), whatever the experiment left running.
end_held_server() {
    kill -KILL -- "-$SERVER_PID" 2>/dev/null || true
}

# forked_and_let_go: the server's log names a child serving a client,
# which gdb has held (held_in_window) and let go (or which has ended
# already); sets FORKED to its pid.
forked_and_let_go() {
    FORKED=$(newest_logged_child)
    [ "$FORKED" != "$SERVER_PID" ] && held_in_window && untraced_or_gone "$FORKED"
}

# traced_and_waiting PID: process PID, traced, sleeps waiting for a
# client, gdb having held it (held_in_window).
traced_and_waiting() {
    held_in_window && traced "$1" && waiting_for_client "$1"
}

# stopped_by_tracer PID: process PID is stopped by its tracer (state t).
stopped_by_tracer() {
    [ "$(state "$1")" = t ]
}

# gone_or_waits_through_sigchld PID: process PID has ended, or sleeps in
# waitpid() with a SIGCHLD pending (blocked) for it.
gone_or_waits_through_sigchld() {
    gone "$1" || { in_waitpid "$1" && sigchld_pending "$1"; }
}

# newest_logged_child: the newest child the server's log names as serving a
# client (the server itself if none). Unlike serving_process, which looks
# for a live child, it names one that has ended since.
newest_logged_child() {
    local line pid=$SERVER_PID
    while IFS= read -r line; do
        [[ $line =~ ^\[[0-9]+\]\ child\ ([0-9]+)\ serves\ client ]] && pid=${BASH_REMATCH[1]}
    done <"$LOG"
    echo "$pid"
}

# Starting a server (or any program) under the subreaper, and stopping it.
# Part of the harness (lib/harness.bash).

# start_server SERVER [PORT]: starts SERVER under the subreaper and waits
# until it listens. SERVER is a chapter (ch04, meaning "$REPO/ch04/server
# PORT 127.0.0.1"), a path (run as "PATH PORT 127.0.0.1"), or a command
# line in which {port} and {address} stand for PORT and 127.0.0.1 (socat
# TCP-LISTEN:{port},fork ...); in "COMMAND | SERVER ARGS", what sh prints
# for COMMAND (echo {port}) is SERVER's input. PORT is 0 by default: the
# kernel picks; with FOREIGN_SERVER set (a program not of this repository),
# a free port the harness picks (free_port), so that one listening elsewhere
# is seen to. It waits for the server's "[PID] listening on ADDRESS:PORT"
# line, or, for a server whose output is buffered, worded otherwise or sent
# elsewhere (or with FOREIGN_SERVER set), until it listens. Sets SERVER_PID,
# PORT, REAPER, LOG (its stdout) and ERR (its stderr). Settings, for the
# next start only:
#   SERVER_FD_LIMIT=N          the server runs under "ulimit -n N"
#   SERVER_PREFIX=(strace ...) under that command
#   SERVER_OUT=FILE            its output is appended to FILE (/dev/null...)
#   SERVER_ERR=FILE            its stderr too (the same FILE: one terminal)
#   SERVER_STDIO=closed        it starts with descriptors 0, 1 and 2 closed
#                              (0 open if COMMAND | gives its input)
#   REAPER_OPTIONS=(...)       the subreaper's options (--usage FILE), or
#                              (none): no subreaper, the server the
#                              caller's child, as in a reader's shell
#   SERVER_START_SECONDS=N     how long it may take to listen (5 by
#                              default; gdb takes seconds on a busy machine)
# (start_server sets them back to their defaults, whatever it returns.)
# Returns 1 if it exits instead of listening (ERR says why), does not
# listen in time, or listens on another port than a PORT it was given;
# SERVER_FAILURE then says which, as data: "exited", "silent PORT SECONDS"
# or "elsewhere PORT ITS-PORT".
start_server() {
    local port=${2:-0} line command=() word n=${#REAPERS[@]} fresh=1 input= stdin=/dev/null
    local seconds=${SERVER_START_SECONDS:-5} fd_limit=${SERVER_FD_LIMIT:-} prefix=("${SERVER_PREFIX[@]}")
    local out=${SERVER_OUT:-} err=${SERVER_ERR:-} stdio=${SERVER_STDIO:-} reaper_options=("${REAPER_OPTIONS[@]}")
    unset SERVER_START_SECONDS SERVER_FD_LIMIT
    SERVER_PREFIX=() SERVER_OUT='' SERVER_ERR='' SERVER_STDIO='' REAPER_OPTIONS=()
    SERVER_FAILURE=
    if [ "$port" = 0 ] && [ -n "${FOREIGN_SERVER:-}" ]; then
        free_port && port=$FREE_PORT
    fi
    case $1 in
    *'|'*) input=${1%%|*} && read -r -a command <<<"${1#*|}" ;;
    *' '*) read -r -a command <<<"$1" ;;
    */*) command=("$1" "{port}" "{address}") ;;
    *) command=("$REPO/$1/server" "{port}" "{address}") ;;
    esac
    for n in "${!command[@]}"; do
        word=${command[n]//\{port\}/$port}
        command[n]=${word//\{address\}/127.0.0.1}
    done
    n=${#REAPERS[@]}
    if [ -n "$input" ]; then
        stdin=$HARNESS_TMP/server$n.in
        input=${input//\{port\}/$port}
        sh -c "${input//\{address\}/127.0.0.1}" >"$stdin" || { SERVER_FAILURE=exited && return 1; }
    fi
    LOG=${out:-$HARNESS_TMP/server$n.out}
    ERR=${err:-$HARNESS_TMP/server$n.err}
    [ -n "$out" ] || : >"$LOG"
    [ -n "$err" ] || : >"$ERR"
    # Its first line can be read only in a file of its own, empty so far.
    [ -f "$LOG" ] && [ ! -s "$LOG" ] || fresh=
    [ "$stdio" != closed ] || fresh=
    # A server of another make prints no such line: no second to wait for one.
    [ -z "${FOREIGN_SERVER:-}" ] || fresh=
    (
        close_inherited_fds
        [ -n "$fd_limit" ] && ulimit -n "$fd_limit"
        [ "$stdio" != closed ] || exec >&- 2>&-
        [ "$stdio" != closed ] || [ "$stdin" != /dev/null ] || exec <&-
        [ "${reaper_options[*]}" != none ] || exec "${prefix[@]}" "${command[@]}"
        exec "$SUBREAPER" "${reaper_options[@]}" "${prefix[@]}" "${command[@]}"
    ) >>"$LOG" 2>>"$ERR" <"$stdin" 3>&- 4>&- &
    REAPER=$!
    REAPERS+=("$REAPER")
    # The log first, for a second: asking ss in the loop costs processes.
    # A server that printed its line may have ended since: its line counts.
    SERVER_FAILURE="silent $port $seconds"
    local said=
    if [ -n "$fresh" ]; then
        poll 1 server_said_so "$REAPER" || wait_until "$seconds" server_up "$REAPER" || return 1
        read -r line <"$LOG" || true
        if [[ $line =~ ^\[([0-9]+)\]\ listening\ on\ .*:([0-9]+)$ ]]; then
            SERVER_PID=${BASH_REMATCH[1]} PORT=${BASH_REMATCH[2]} said=1
        fi
    else
        wait_until "$seconds" server_started "$REAPER" "$port" || return 1
    fi
    if [ -z "$said" ]; then
        gone "$REAPER" && SERVER_FAILURE=exited && return 1
        SERVER_PID=$(listener_of "$REAPER") || return 1
        PORT=$(port_of "$SERVER_PID") || return 1
    fi
    SERVERS+=("$SERVER_PID")
    if [ "$port" != 0 ] && [ "$PORT" != "$port" ]; then
        SERVER_FAILURE="elsewhere $port $PORT"
        return 1
    fi
    SERVER_FAILURE=
}

# stop_server: stops the server started last (SIGTERM to its subreaper,
# which ends it and all it started), and waits for its subreaper to exit,
# 5 s at most; harness_cleanup no longer needs to.
stop_server() {
    local reaper=${REAPERS[-1]}
    kill -TERM "$reaper" 2>/dev/null || true
    poll 5 gone "$reaper" || kill -KILL -- "-$reaper" 2>/dev/null || true
    wait "$reaper" 2>/dev/null || true
    unset 'REAPERS[-1]'
    [ "${SERVERS[-1]:-}" != "${SERVER_PID:-}" ] || unset 'SERVERS[-1]'
}

# server_said_so REAPER: the server has printed its first line, or has
# exited (its subreaper REAPER is gone).
server_said_so() {
    local line
    read -r line 2>/dev/null <"$LOG" && [[ $line == *' listening on '* ]] && return 0
    gone "$1"
}

# server_started REAPER [PORT]: the server listens (on PORT, seen in
# /proc/net/tcp without a process, or on any port), or has exited.
server_started() {
    if [ "${2:-0}" != 0 ]; then
        COUNT_QUIET=1 sockets listening "$2"
        [ "$COUNT" -gt 0 ] && return 0
    fi
    gone "$1" || listener_of "$1" >/dev/null
}

# server_up REAPER: server_said_so, or the server listens.
server_up() {
    server_said_so "$1" || listener_of "$1" >/dev/null
}

# listener_of REAPER: the pid of the process under the subreaper REAPER
# that listens on a TCP port: its child, or that child's (strace's) child.
listener_of() {
    local pid children=() grandchildren=()
    read -r -a children 2>/dev/null <"/proc/$1/task/$1/children" || true
    for pid in "${children[@]}"; do
        may_listen "$pid" && port_of "$pid" >/dev/null && { echo "$pid"; return 0; }
        read -r -a grandchildren 2>/dev/null <"/proc/$pid/task/$pid/children" || true
        for pid in "${grandchildren[@]}"; do
            may_listen "$pid" && port_of "$pid" >/dev/null && { echo "$pid"; return 0; }
        done
    done
    return 1
}

# may_listen PID: process PID has a socket open (a look at /proc/PID/fd
# with the shell's own test, before ss is asked which port it listens on).
may_listen() {
    local fd
    for fd in "/proc/$1/fd/"*; do
        [ -S "$fd" ] && return 0
    done
    return 1
}

# start_background NAME COMMAND...: runs COMMAND under the subreaper, like a
# server (harness_cleanup stops it and all it started); its stdout and
# stderr go to NAME.out and NAME.err. Sets BACKGROUND_PID (the subreaper's).
start_background() {
    local name=$1 dir
    dir=$HARNESS_TMP
    shift
    (
        close_inherited_fds
        exec "$SUBREAPER" "$@"
    ) >"$dir/$name.out" 2>"$dir/$name.err" </dev/null 3>&- 4>&- &
    BACKGROUND_PID=$!
    REAPERS+=("$BACKGROUND_PID")
}

# server_command SERVER: sets SERVER_COMMAND to SERVER as start_server takes
# it, the program it runs (after the | of "COMMAND | PROGRAM ARGS", if any)
# named by its absolute path; fails if that names no executable program.
server_command() {
    local words=() program input=
    [[ $1 != *'|'* ]] || input="${1%%|*}| "
    read -r -a words <<<"${1#*|}"
    [ ${#words[@]} -gt 0 ] || return 1
    program=${words[0]}
    if [[ $program == */* ]]; then
        [ -f "$program" ] && [ -x "$program" ] || return 1
        program=$(cd "${program%/*}" && pwd)/${program##*/}
    else
        program=$(type -P "$program") || return 1
    fi
    words[0]=$program
    SERVER_COMMAND=$input${words[*]}
}

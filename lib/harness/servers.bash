# Starting a server (or any program) under the subreaper, and asking ss
# about its sockets. Part of the harness (lib/harness.bash).

# sockets STATE PORT: how many IPv4 TCP sockets with local port PORT are in
# STATE (established, close-wait, listening, time-wait..., or connected:
# established or close-wait, a connection this side has not closed yet):
# the server's side of its connections; a counter. Read from /proc/net/tcp, the table
# ss reads too, with the shell's own read.
sockets() {
    tcp_count "$1" "$2" local
}

# sockets_to STATE PORT: the same for remote port PORT: the clients' side.
sockets_to() {
    tcp_count "$1" "$2" remote
}

# tcp_count STATE PORT local|remote: sockets and sockets_to.
tcp_count() {
    local code hex pattern n all lines=()
    case $1 in
    established) code=01 ;; syn-sent) code=02 ;; syn-recv) code=03 ;;
    fin-wait-1) code=04 ;; fin-wait-2) code=05 ;; time-wait) code=06 ;;
    close) code=07 ;; close-wait) code=08 ;; last-ack) code=09 ;;
    listening) code=0A ;; closing) code=0B ;; connected) code='0[18]' ;;
    *) echo "tcp_count: no state $1" >&2; return 2 ;;
    esac
    printf -v hex '%04X' "$2"
    # mapfile, not a read loop: read takes /proc/net/tcp a byte at a time,
    # and the kernel makes the whole table again for each byte. A line:
    # "  N: LOCALIP:PORT REMOTEIP:PORT STATE ...", in hexadecimal. Each
    # matching line becomes "@", a character the table never holds, and the
    # @s are counted: no loop, which Bats would trace line by line.
    if [ "$3" = local ]; then
        pattern="*:$hex ????????:???? $code *"
    else
        pattern="*:???? ????????:$hex $code *"
    fi
    mapfile -t lines </proc/net/tcp
    lines=("${lines[@]/#$pattern/@}")
    all=${lines[*]}
    all=${all//[^@]/}
    n=${#all}
    counted "$n"
}

# port_of PID: the TCP port process PID listens on, if any.
port_of() {
    local line
    line=$(ss -ltnpH | grep -F "pid=$1,") || return 1
    line=${line#*:}
    echo "${line%% *}"
}

# ---------------------------------------------------------------- servers

# start_server PROGRAM [PORT]: starts PROGRAM (a chapter, ch04, meaning
# $REPO/ch04/server, or a path) as "PROGRAM PORT 127.0.0.1" (port 0 by
# default: the kernel picks) under the subreaper, and waits until it prints
# its "[PID] listening on ADDRESS:PORT" line, or, for a server whose output
# is buffered or worded otherwise, until it listens (ss). Sets SERVER_PID,
# PORT, REAPER, LOG (its stdout) and ERR (its stderr). With
# SERVER_FD_LIMIT=N set, the server runs under "ulimit -n N"; with
# SERVER_PREFIX=(strace ...) set, under that command. Returns 1 if it exits
# instead of listening (ERR says why).
start_server() {
    local program=$REPO/$1/server port=${2:-0} line
    [[ $1 == */* ]] && program=$1
    local n=${#REAPERS[@]}
    LOG=${HARNESS_TMP:-$BATS_TEST_TMPDIR}/server$n.out
    ERR=${HARNESS_TMP:-$BATS_TEST_TMPDIR}/server$n.err
    (
        close_inherited_fds
        [ -n "${SERVER_FD_LIMIT:-}" ] && ulimit -n "$SERVER_FD_LIMIT"
        exec "$SUBREAPER" "${SERVER_PREFIX[@]}" "$program" "$port" 127.0.0.1
    ) >"$LOG" 2>"$ERR" </dev/null 3>&- 4>&- &
    REAPER=$!
    REAPERS+=("$REAPER")
    # The log first, for a second: asking ss in the loop costs processes.
    poll 1 server_said_so "$REAPER" || wait_until 4 server_started "$REAPER" || return 1
    read -r line <"$LOG" || true
    if [[ $line =~ ^\[([0-9]+)\]\ listening\ on\ .*:([0-9]+)$ ]]; then
        SERVER_PID=${BASH_REMATCH[1]}
        PORT=${BASH_REMATCH[2]}
    else
        gone "$REAPER" && return 1
        SERVER_PID=$(listener_of "$REAPER") || return 1
        PORT=$(port_of "$SERVER_PID") || return 1
    fi
    SERVERS+=("$SERVER_PID")
}

# server_said_so REAPER: the server has printed its first line, or has
# exited (its subreaper REAPER is gone).
server_said_so() {
    local line
    read -r line 2>/dev/null <"$LOG" && [[ $line == *' listening on '* ]] && return 0
    gone "$1"
}

# server_started REAPER: server_said_so, or the server listens.
server_started() {
    server_said_so "$1" || listener_of "$1" >/dev/null
}

# listener_of REAPER: the pid of the process under the subreaper REAPER
# that listens on a TCP port: its child, or that child's (strace's) child.
listener_of() {
    local pid
    for pid in $(child_pids "$1"); do
        port_of "$pid" >/dev/null && { echo "$pid"; return 0; }
        for pid in $(child_pids "$pid"); do
            port_of "$pid" >/dev/null && { echo "$pid"; return 0; }
        done
    done
    return 1
}

# adopt_server REAPER: for a server started by hand under the subreaper
# REAPER, one whose log cannot say its pid and port (its stdout is closed or
# buffered): waits for it to listen, then sets SERVER_PID and PORT from
# /proc and ss, and has harness_cleanup stop it.
adopt_server() {
    REAPERS+=("$1")
    wait_until 2 first_child "$1" || return 1
    SERVER_PID=$(first_child "$1")
    SERVERS+=("$SERVER_PID")
    wait_until 2 port_of "$SERVER_PID" || return 1
    PORT=$(port_of "$SERVER_PID")
}

# start_background NAME COMMAND...: runs COMMAND under the subreaper, like a
# server (harness_cleanup stops it and all it started); its stdout and
# stderr go to NAME.out and NAME.err. Sets BACKGROUND_PID (the subreaper's).
start_background() {
    local name=$1 dir
    dir=${HARNESS_TMP:-$BATS_TEST_TMPDIR}
    shift
    (
        close_inherited_fds
        exec "$SUBREAPER" "$@"
    ) >"$dir/$name.out" 2>"$dir/$name.err" </dev/null 3>&- 4>&- &
    BACKGROUND_PID=$!
    REAPERS+=("$BACKGROUND_PID")
}

# log_count TEXT: how many lines of the server's log contain TEXT; a counter.
log_count() {
    local line n=0
    while IFS= read -r line; do
        [[ $line == *"$1"* ]] && n=$((n + 1))
    done <"$LOG"
    counted "$n"
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

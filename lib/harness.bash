# The process harness: start servers and clients, wait for conditions, read
# /proc and ss, and stop everything that was started. Sourced by the Bats
# helpers (tests/helpers.bash), scripts/demo and the other scripts that run
# servers; it defines functions and variables only.
#
# Each server runs under build/tools/subreaper, in a process group of its
# own, so that stopping the subreaper stops the server and all its children
# and none is left a zombie. Files (logs, client pipes) go to $HARNESS_TMP,
# or to $BATS_TEST_TMPDIR inside a Bats test.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=chapters.bash
source "$REPO/lib/chapters.bash"
SUBREAPER=$REPO/build/tools/subreaper
# The client every test and demo runs, unless CLIENT is set: client.cpp is
# the same file in every chapter (tests/docs.bats checks it).
CLIENT=${CLIENT:-$REPO/ch05/client}

REAPERS=()
SERVERS=()
SERVER_PREFIX=()
CLIENTS=()
declare -gA FEED=() CLIENT_PID=()

# harness_tmp: the folder for this run's files.
harness_tmp() {
    echo "${HARNESS_TMP:-$BATS_TEST_TMPDIR}"
}

# ---------------------------------------------------------------- waiting

# poll SECONDS COMMAND...: runs COMMAND until it succeeds (status 0) or
# SECONDS (0.3 and the like allowed) have passed (status 1), times
# TIME_SCALE if set (make SANITIZE=... sets it: sanitized programs are
# several times slower). It looks again after 5 ms at first, then every
# 20 ms: most conditions come true quickly.
poll() {
    local limit_us start_us now_us tries
    microseconds "$1"
    limit_us=$((MICROSECONDS * ${TIME_SCALE:-1}))
    shift
    start_us=${EPOCHREALTIME/./}
    tries=$((limit_us / 5000 + 2))
    while ((tries-- > 0)); do
        "$@" && return 0
        now_us=${EPOCHREALTIME/./}
        ((10#$now_us - 10#$start_us > limit_us)) && break
        if ((10#$now_us - 10#$start_us < 50000)); then nap 0.005; else nap 0.02; fi
    done
    return 1
}

# wait_until SECONDS COMMAND...: poll, and on time-out say on stderr what
# never came true.
wait_until() {
    poll "$@" && return 0
    echo "# gave up after $1 s waiting for: ${*:2}" >&2
    return 1
}

# nap SECONDS: a short pause between two polls, done by the shell itself
# (read -t on a pipe nobody writes to): no process to start, unlike sleep.
nap() {
    if [ -z "${NAP_FD:-}" ]; then
        local fifo
        fifo=$(harness_tmp)/nap
        [ -p "$fifo" ] || mkfifo "$fifo" 2>/dev/null || true
        exec {NAP_FD}<>"$fifo"
    fi
    read -r -t "$1" -u "$NAP_FD" _ || true
}

# microseconds SECONDS: sets MICROSECONDS to SECONDS (such as 2 or 0.3) in
# microseconds (a variable, not output: poll calls it, and a command
# substitution would start a process).
microseconds() {
    local whole=${1%%.*} fraction=
    [[ $1 == *.* ]] && fraction=${1#*.}
    fraction=${fraction}000000
    MICROSECONDS=$((10#${whole:-0} * 1000000 + 10#${fraction:0:6}))
}

# count_is EXPECTED COMMAND...: COMMAND prints EXPECTED (for poll).
count_is() {
    local expected=$1
    shift
    [ "$("$@")" -eq "$expected" ]
}

# more_than N COMMAND...: COMMAND prints a number greater than N.
more_than() {
    local limit=$1
    shift
    [ "$("$@")" -gt "$limit" ]
}

# ---------------------------------------------------------------- /proc
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
    local key mask
    while read -r key mask; do
        [[ $key == ShdPnd: || $key == SigPnd: ]] || continue
        (((16#$mask >> ($2 - 1)) & 1)) && return 0
    done 2>/dev/null <"/proc/$1/status"
    return 1
}

# sigchld_pending PID: a SIGCHLD waits to be handled by process PID.
sigchld_pending() {
    signal_pending "$1" 17
}

# traced PID: process PID is traced (by gdb, strace).
traced() {
    local key value
    while read -r key value; do
        [ "$key" = TracerPid: ] && { [ "$value" != 0 ]; return; }
    done 2>/dev/null <"/proc/$1/status"
    return 1
}

# settled PID: process PID has handled every SIGCHLD sent to it and sleeps
# waiting for a client: what the children's exits did is done.
settled() {
    ! sigchld_pending "$1" && waiting_for_client "$1"
}

# child_pids PID: the pids of process PID's children, one per line, sorted.
child_pids() {
    local pids=()
    read -r -a pids 2>/dev/null <"/proc/$1/task/$1/children" || true
    ((${#pids[@]} == 0)) || printf '%s\n' "${pids[@]}" | sort -n
}

# first_child PID: the pid of process PID's first child, if any.
first_child() {
    local pids=()
    read -r -a pids 2>/dev/null <"/proc/$1/task/$1/children" || true
    [ ${#pids[@]} -gt 0 ] && echo "${pids[0]}"
}

# no_children PID: process PID has no child. Built-ins only: a command
# substitution would fork a child of this very shell.
no_children() {
    local pids=()
    read -r -a pids 2>/dev/null <"/proc/$1/task/$1/children" || true
    ((${#pids[@]} == 0))
}

# child_states PID: the state letter of each child of process PID.
child_states() {
    local pids=() child line
    read -r -a pids 2>/dev/null <"/proc/$1/task/$1/children" || true
    for child in "${pids[@]}"; do
        read -r line 2>/dev/null <"/proc/$child/stat" || continue
        line=${line##*) }
        echo "${line%% *}"
    done
}

# children PID [STATE]: how many children process PID has (zombies
# included), or how many are in STATE (a letter: Z, S, T...).
children() {
    local s n=0
    for s in $(child_states "$1"); do
        if [ -z "${2:-}" ] || [ "$s" = "$2" ]; then n=$((n + 1)); fi
    done
    echo "$n"
}

# zombies PID: how many of process PID's children are zombies.
zombies() {
    children "$1" Z
}

# live_children PID: how many of process PID's children are not zombies.
live_children() {
    local s n=0
    for s in $(child_states "$1"); do [ "$s" != Z ] && n=$((n + 1)); done
    echo "$n"
}

# fd_count PID: how many descriptors process PID has open.
fd_count() {
    local fds=("/proc/$1/fd/"*)
    echo "${#fds[@]}"
}

# ---------------------------------------------------------------- sockets

# sockets STATE PORT: how many TCP sockets with local port PORT are in STATE
# (established, close-wait, listening, time-wait...).
sockets() {
    ss -tanH state "$1" "( sport = :$2 )" | wc -l
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
# SERVER_PREFIX=(strace ...) set, under that command, given
# SERVER_START_SECONDS (5 by default) to listen: gdb takes seconds to start
# on a busy machine. Returns 1 if it exits instead of listening (ERR says
# why).
start_server() {
    local program=$REPO/$1/server port=${2:-0} line
    [[ $1 == */* ]] && program=$1
    local n=${#REAPERS[@]}
    LOG=$(harness_tmp)/server$n.out
    ERR=$(harness_tmp)/server$n.err
    (
        close_inherited_fds
        [ -n "${SERVER_FD_LIMIT:-}" ] && ulimit -n "$SERVER_FD_LIMIT"
        exec "$SUBREAPER" "${SERVER_PREFIX[@]}" "$program" "$port" 127.0.0.1
    ) >"$LOG" 2>"$ERR" </dev/null 3>&- 4>&- &
    REAPER=$!
    REAPERS+=("$REAPER")
    wait_until "${SERVER_START_SECONDS:-5}" server_started "$REAPER" || return 1
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

# server_started REAPER: the server has printed its first line, or listens,
# or has exited (its subreaper REAPER is gone).
server_started() {
    local line
    read -r line 2>/dev/null <"$LOG" && [[ $line == *' listening on '* ]] && return 0
    gone "$1" || listener_of "$1" >/dev/null
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
    dir=$(harness_tmp)
    shift
    (
        close_inherited_fds
        exec "$SUBREAPER" "$@"
    ) >"$dir/$name.out" 2>"$dir/$name.err" </dev/null 3>&- 4>&- &
    BACKGROUND_PID=$!
    REAPERS+=("$BACKGROUND_PID")
}

# log_count TEXT: how many lines of the server's log contain TEXT.
log_count() {
    local line n=0
    while IFS= read -r line; do
        [[ $line == *"$1"* ]] && n=$((n + 1))
    done <"$LOG"
    echo "$n"
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

# ---------------------------------------------------------------- clients

# open_client NAME [CLIENT ARGS...]: runs "$CLIENT --stdin ARGS 127.0.0.1
# $PORT" in the background, as if typed into in another terminal: its
# standard input is a pipe written with feed and closed with end_feed; its
# output goes to NAME.out and NAME.err (read with client_got).
open_client() {
    local name=$1
    shift
    open_program "$name" "$CLIENT" --stdin "$@" 127.0.0.1 "$PORT"
}

# open_program NAME COMMAND...: COMMAND in the background like open_client
# (feed, end_feed, client_got NAME), for programs other than the client.
open_program() {
    local name=$1 dir fifo fd
    shift
    dir=$(harness_tmp)
    fifo=$dir/$name.in
    mkfifo "$fifo"
    exec {fd}<>"$fifo"
    FEED[$name]=$fd
    : >"$dir/$name.out"
    (
        close_inherited_fds
        exec "$@"
    ) <"$fifo" >"$dir/$name.out" 2>"$dir/$name.err" 3>&- 4>&- &
    CLIENTS+=("$!")
    CLIENT_PID[$name]=$!
}

# feed NAME TEXT: sends TEXT (no newline added) to client NAME's input.
feed() {
    printf '%s' "$2" >&"${FEED[$1]}"
}

# end_feed NAME: closes client NAME's input: it sends what is left and quits.
end_feed() {
    local fd=${FEED[$1]}
    exec {fd}>&-
    unset "FEED[$1]"
}

# client_got NAME TEXT: client NAME has received TEXT.
client_got() {
    local text
    read -r -d '' text <"$(harness_tmp)/$1.out" || true
    [[ $text == *"$2"* ]]
}

# client_output NAME: what client NAME has printed so far.
client_output() {
    cat "$(harness_tmp)/$1.out"
}

# client_pid NAME: the pid of client NAME.
client_pid() {
    echo "${CLIENT_PID[$1]}"
}

# ---------------------------------------------------------------- clean-up

# harness_cleanup: stops every client and server started here, and waits
# until each subreaper has reaped all it had, so that nothing outlives the
# caller and no zombie is left. Servers go first: their clients then see the
# connection end and exit by themselves; a client still running after that
# is killed.
harness_cleanup() {
    local pid fd
    for fd in "${FEED[@]}"; do exec {fd}>&- || true; done
    for pid in "${REAPERS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${REAPERS[@]}"; do
        poll 3 gone "$pid" || kill -KILL -- "-$pid" 2>/dev/null || true
    done
    for pid in "${SERVERS[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
    for pid in "${CLIENTS[@]}"; do
        poll 1 gone "$pid" || kill -KILL "$pid" 2>/dev/null || true
    done
    for pid in "${CLIENTS[@]}" "${REAPERS[@]}"; do wait "$pid" 2>/dev/null || true; done
    REAPERS=() SERVERS=() CLIENTS=()
    FEED=()
}

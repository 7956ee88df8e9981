# Shared set-up for every .bats file: start servers and clients, wait for
# conditions, count children, zombies, descriptors and sockets, clean up.
#
# Every server runs under build/tools/subreaper in a process group of its own,
# bound to 127.0.0.1 on a port the kernel picks. teardown stops every server
# and client a test started, whether the test passed or not.

bats_require_minimum_version 1.5.0

# bats-support and bats-assert, sourced file by file: their load.bash files
# run dirname a dozen times, which costs more than most of our tests.
load_assertions() {
    local dir file
    for dir in ${BATS_LIB_PATH//:/ } /usr/lib/bats; do
        [ -f "$dir/bats-support/load.bash" ] && [ -f "$dir/bats-assert/load.bash" ] || continue
        for file in "$dir"/bats-support/src/*.bash "$dir"/bats-assert/src/*.bash; do
            # shellcheck source=/dev/null
            source "$file"
        done
        return 0
    done
    echo "bats-support and bats-assert not found (BATS_LIB_PATH=${BATS_LIB_PATH:-})" >&2
    return 1
}
load_assertions

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
SUBREAPER=$REPO/build/tools/subreaper
# client.cpp is the same file in every chapter (tests/docs.bats checks it).
CLIENT=$REPO/ch05/client

REAPERS=()
SERVERS=()
CLIENTS=()
declare -gA FEED=() CLIENT_PID=()

# poll SECONDS COMMAND...: runs COMMAND until it succeeds (status 0) or
# SECONDS (0.3 and the like allowed) have passed (status 1). It looks again
# after 5 ms at first, then every 20 ms: most conditions come true quickly.
poll() {
    local limit_us start_us now_us tries
    microseconds "$1"
    limit_us=$MICROSECONDS
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

# nap SECONDS: a short pause between two polls, done by the shell itself
# (read -t on a pipe nobody writes to): no process to start, unlike sleep.
nap() {
    if [ -z "${NAP_FD:-}" ]; then
        [ -p "$BATS_RUN_TMPDIR/nap" ] || mkfifo "$BATS_RUN_TMPDIR/nap" 2>/dev/null || true
        exec {NAP_FD}<>"$BATS_RUN_TMPDIR/nap"
    fi
    read -r -t "$1" -u "$NAP_FD" _ || true
}

# microseconds SECONDS: sets MICROSECONDS to SECONDS (such as 2 or 0.3) in
# microseconds.
microseconds() {
    local whole=${1%%.*} fraction=
    [[ $1 == *.* ]] && fraction=${1#*.}
    fraction=${fraction}000000
    MICROSECONDS=$((10#${whole:-0} * 1000000 + 10#${fraction:0:6}))
}

# wait_until SECONDS COMMAND...: poll, and on time-out say what never came.
wait_until() {
    poll "$@" && return 0
    echo "# gave up after $1 s waiting for: ${*:2}" >&2
    return 1
}

# The helpers below read /proc with shell built-ins only: they run inside
# polling loops, where starting ps, grep or awk each time adds up.

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

# in_accept PID: process PID is asleep in accept(2) (its wchan says so).
in_accept() {
    local where=
    read -r where 2>/dev/null <"/proc/$1/wchan" || true
    [ "$where" = inet_csk_accept ]
}

# gone PID: the process no longer runs (a zombie counts as gone).
gone() {
    local line
    read -r line 2>/dev/null <"/proc/$1/stat" || return 0
    line=${line##*) }
    [[ $line == Z* || $line == X* ]]
}

# start_server CH [PORT]: starts ./CH/server (or CH itself if it is a path) on 127.0.0.1 (port 0 by default:
# the kernel picks) and waits until it prints its "listening on" line.
# Sets SERVER_PID, PORT, LOG (its stdout) and ERR (its stderr).
# With SERVER_FD_LIMIT=N set, the server runs under "ulimit -n N".
# Returns 1 if the server exits instead of listening (ERR says why).
start_server() {
    local program=$REPO/$1/server port=${2:-0}
    [[ $1 == */* ]] && program=$1
    local n=${#REAPERS[@]}
    LOG=$BATS_TEST_TMPDIR/server$n.out
    ERR=$BATS_TEST_TMPDIR/server$n.err
    (
        close_inherited_fds
        [ -n "${SERVER_FD_LIMIT:-}" ] && ulimit -n "$SERVER_FD_LIMIT"
        exec "$SUBREAPER" "$program" "$port" 127.0.0.1
    ) >"$LOG" 2>"$ERR" </dev/null 3>&- 4>&- &
    local reaper=$!
    REAPERS+=("$reaper")
    wait_until 5 server_started "$reaper" || return 1
    local line
    read -r line <"$LOG" || true
    [[ $line == *' listening on '* ]] || return 1
    SERVER_PID=${line#\[}
    SERVER_PID=${SERVER_PID%%\]*}
    SERVERS+=("$SERVER_PID")
    PORT=${line##*:}
}

# close_inherited_fds: in a subshell about to exec a program, closes every
# descriptor but 0, 1 and 2 (Bats' own, the pipes of other clients), so the
# program starts with exactly the three standard ones.
close_inherited_fds() {
    local path fd
    for path in /proc/$BASHPID/fd/*; do
        fd=${path##*/}
        ((fd > 2)) && eval "exec $fd>&-"
    done
    return 0
}

server_started() {
    local line
    read -r line <"$LOG" && [[ $line == *' listening on '* ]] && return 0
    gone "$1"
}

# wait_served CH N: in a forking chapter, waits until the parent has logged
# N children serving clients: a child may echo, even exit, before its
# parent's "child PID serves client" line.
wait_served() {
    [ "$1" = ch01 ] || wait_until 2 count_is "$2" log_count ' serves client '
}

# first_child PID: the pid of process PID's first child, if any.
first_child() {
    local pids=()
    read -r -a pids 2>/dev/null <"/proc/$1/task/$1/children" || true
    [ ${#pids[@]} -gt 0 ] && echo "${pids[0]}"
}

# port_of PID: the TCP port process PID listens on, if any.
port_of() {
    local line
    line=$(ss -ltnpH | grep -F "pid=$1,") || return 1
    line=${line#*:}
    echo "${line%% *}"
}

# adopt_server REAPER: for a server started by hand under the subreaper
# REAPER, one whose log cannot say its pid and port (its stdout is closed or
# buffered): waits for it to listen, then sets SERVER_PID and PORT from
# /proc and ss, and has teardown stop it.
adopt_server() {
    REAPERS+=("$1")
    wait_until 2 first_child "$1"
    SERVER_PID=$(first_child "$1")
    SERVERS+=("$SERVER_PID")
    wait_until 2 port_of "$SERVER_PID"
    PORT=$(port_of "$SERVER_PID")
}

# run_clients N [CLIENT ARGS...]: N clients one after another against $PORT,
# each sending one message (one client process, -r N). Fails if any client
# fails or gets no echo within CLIENT_TIMEOUT seconds (5 by default). Sets
# SERVED to the number of clients that were echoed.
run_clients() {
    local count=$1 status=0
    shift
    timeout "${CLIENT_TIMEOUT:-5}" "$CLIENT" -r "$count" -n 1 -i 0 "$@" 127.0.0.1 "$PORT" \
        >"$BATS_TEST_TMPDIR/clients.out" 2>&1 || status=$?
    local line
    SERVED=0
    while IFS= read -r line; do
        [[ $line == "echo: "* || $line == "connection 1: echo: "* ]] && SERVED=$((SERVED + 1))
    done <"$BATS_TEST_TMPDIR/clients.out"
    return "$status"
}

# open_client NAME [CLIENT ARGS...]: a client in the background whose
# standard input is a pipe the test writes with feed and closes with
# end_feed. Its output goes to $BATS_TEST_TMPDIR/NAME.out and NAME.err.
open_client() {
    local name=$1
    shift
    local fifo=$BATS_TEST_TMPDIR/$name.in fd
    mkfifo "$fifo"
    exec {fd}<>"$fifo"
    FEED[$name]=$fd
    (
        close_inherited_fds
        exec "$CLIENT" --stdin "$@" 127.0.0.1 "$PORT"
    ) <"$fifo" >"$BATS_TEST_TMPDIR/$name.out" 2>"$BATS_TEST_TMPDIR/$name.err" 3>&- 4>&- &
    CLIENTS+=("$!")
    CLIENT_PID[$name]=$!
}

# feed NAME TEXT: sends TEXT (no newline added) to client NAME's input.
feed() {
    printf '%s' "$2" >&"${FEED[$1]}"
}

# end_feed NAME: closes client NAME's input; it sends what is left and quits.
end_feed() {
    local fd=${FEED[$1]}
    exec {fd}>&-
    unset "FEED[$1]"
}

# client_output NAME: what client NAME has received so far.
client_output() {
    cat "$BATS_TEST_TMPDIR/$1.out"
}

# client_got NAME TEXT: client NAME has received TEXT.
client_got() {
    local text
    read -r -d '' text <"$BATS_TEST_TMPDIR/$1.out" || true
    [[ $text == *"$2"* ]]
}

# client_pid NAME
client_pid() {
    echo "${CLIENT_PID[$1]}"
}

# check_echo CH: CH's server sends back 256 KiB of random bytes unchanged
# (sent 64 KiB at a time, sixteen times its 4 KiB read buffer), and the
# numbered-message client sees each of its messages come back.
check_echo() {
    start_server "$1"
    head -c 262144 /dev/urandom >"$BATS_TEST_TMPDIR/random.in"
    timeout 5 "$CLIENT" --stdin 127.0.0.1 "$PORT" <"$BATS_TEST_TMPDIR/random.in" >"$BATS_TEST_TMPDIR/random.out"
    cmp "$BATS_TEST_TMPDIR/random.in" "$BATS_TEST_TMPDIR/random.out"
    run -0 timeout 5 "$CLIENT" -n 3 -i 0 127.0.0.1 "$PORT"
    assert_line --regexp '^echo: message 3 of 3 from client [0-9]+$'
    assert_equal "$(grep -c '^echo: ' <<<"$output")" 3
}

# two_clients CH NAME: starts CH's server; client NAME-a connects and is
# echoed, then client NAME-b connects and sends "from b" while NAME-a stays
# connected. Whether NAME-b is echoed now is what the caller checks.
two_clients() {
    local a=$2-a b=$2-b
    start_server "$1"
    open_client "$a"
    feed "$a" $'from a\n'
    wait_until 2 client_got "$a" 'from a'
    open_client "$b"
    feed "$b" $'from b\n'
    # b's connection is complete (queued by the kernel) before we watch it.
    wait_until 2 count_is 2 established "$PORT"
}

# established PORT: server-side sockets on PORT in state ESTABLISHED.
established() {
    ss -tanH state established "( sport = :$1 )" | wc -l
}

# misuse PROGRAM MESSAGE ARGS...: PROGRAM ARGS exits 2, its first line is
# "NAME: MESSAGE" and the usage follows.
misuse() {
    local program=$1 message=$2
    shift 2
    run -2 --separate-stderr timeout 5 "$program" "$@"
    assert_equal "$output" ""
    assert_equal "${stderr_lines[0]}" "${program##*/}: $message"
    [[ ${stderr_lines[1]} == usage:* ]] || fail "no usage after the error: ${stderr_lines[1]}"
}

# build_variant DIR CHAPTER-FOLDER: links DIR/server, a variant of that
# chapter's server made by a test: DIR/server.cpp, if there is one, replaces
# the chapter's server.cpp, and DIR/NAME.cpp replaces common/NAME.cpp. The
# rest comes from the real build, with its flags (build/flags), except that
# the files replaced are compiled without optimisation or debug information:
# compiling is the costliest thing a test here does.
build_variant() {
    local dir=$1 chapter=$2 object name objects=()
    for object in "$REPO/build/$chapter/server.o" "$REPO"/build/common/*.o; do
        name=${object##*/}
        name=${name%.o}
        if [ -f "$dir/$name.cpp" ]; then
            (cd "$REPO" && $(cat build/flags) -O0 -g0 -c "$dir/$name.cpp" -o "$dir/$name.o") || return 1
            object=$dir/$name.o
        fi
        objects+=("$object")
    done
    (cd "$REPO" && $(cat build/flags) "${objects[@]}" -o "$dir/server")
}

# child_states PID: prints the state letter of each child of process PID.
child_states() {
    local pids=() child line
    read -r -a pids 2>/dev/null <"/proc/$1/task/$1/children" || true
    for child in "${pids[@]}"; do
        read -r line 2>/dev/null <"/proc/$child/stat" || continue
        line=${line##*) }
        echo "${line%% *}"
    done
}

# children PID: how many children process PID has (zombies included).
children() {
    local pids=()
    read -r -a pids 2>/dev/null <"/proc/$1/task/$1/children" || true
    echo "${#pids[@]}"
}

# zombies PID: how many of process PID's children are zombies (state Z).
zombies() {
    local states n=0
    states=$(child_states "$1")
    for s in $states; do [ "$s" = Z ] && n=$((n + 1)); done
    echo "$n"
}

# live_children PID: how many of process PID's children are not zombies.
live_children() {
    local states n=0
    states=$(child_states "$1")
    for s in $states; do [ "$s" != Z ] && n=$((n + 1)); done
    echo "$n"
}

# child_pids PID: the pids of process PID's children, one per line, sorted.
child_pids() {
    local pids=()
    read -r -a pids 2>/dev/null <"/proc/$1/task/$1/children" || true
    printf '%s\n' "${pids[@]}" | sort -n
}

# count_is EXPECTED COMMAND...: COMMAND prints EXPECTED (for wait_until).
count_is() {
    local expected=$1
    shift
    [ "$("$@")" -eq "$expected" ]
}

# fd_count PID: how many descriptors process PID has open.
fd_count() {
    local fds=("/proc/$1/fd/"*)
    echo "${#fds[@]}"
}

# close_wait PORT: how many TCP sockets on local port PORT are in CLOSE_WAIT.
close_wait() {
    ss -tanH state close-wait "( sport = :$1 )" | wc -l
}

# listening PORT: how many sockets listen on PORT.
listening() {
    ss -ltnH "sport = :$1" | wc -l
}

# log_count TEXT: how many lines of the server's log contain TEXT.
log_count() {
    local line n=0
    while IFS= read -r line; do
        [[ $line == *"$1"* ]] && n=$((n + 1))
    done <"$LOG"
    echo "$n"
}

# Stops every client and server the test started, and waits until each
# server's subreaper has reaped all it had, so no test leaves a zombie.
teardown() {
    local pid fd
    for fd in "${FEED[@]}"; do exec {fd}>&-; done
    for pid in "${CLIENTS[@]}"; do kill -KILL "$pid" 2>/dev/null || true; done
    for pid in "${REAPERS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${REAPERS[@]}"; do
        if ! wait_until 3 gone "$pid"; then
            kill -KILL -- "-$pid" 2>/dev/null || true
        fi
    done
    for pid in "${SERVERS[@]}"; do kill -KILL -- "-$pid" 2>/dev/null || true; done
    for pid in "${CLIENTS[@]}" "${REAPERS[@]}"; do wait "$pid" 2>/dev/null || true; done
}

# --- misbehaving peers, other programs, other users ---

# build/tests/peer: a client that resets, vanishes, or floods (tests/tools/peer.cpp).
PEER=$REPO/build/tests/peer

# open_peer NAME MODE: runs "peer MODE 127.0.0.1 $PORT" in the background
# like open_client: feed NAME writes its standard input, its output goes to
# $BATS_TEST_TMPDIR/NAME.out and NAME.err, and teardown kills it.
open_peer() {
    local name=$1 mode=$2
    local fifo=$BATS_TEST_TMPDIR/$name.in fd
    mkfifo "$fifo"
    exec {fd}<>"$fifo"
    FEED[$name]=$fd
    (
        close_inherited_fds
        exec "$PEER" "$mode" 127.0.0.1 "$PORT"
    ) <"$fifo" >"$BATS_TEST_TMPDIR/$name.out" 2>"$BATS_TEST_TMPDIR/$name.err" 3>&- 4>&- &
    CLIENTS+=("$!")
    CLIENT_PID[$name]=$!
}

# serving_pid: the pid of the process serving the one client connected now:
# the server itself in ch01, the newest child the log names in the others.
serving_pid() {
    local line pid=$SERVER_PID
    while IFS= read -r line; do
        [[ $line =~ ^\[[0-9]+\]\ child\ ([0-9]+)\ serves\ client ]] && pid=${BASH_REMATCH[1]}
    done <"$LOG"
    echo "$pid"
}

# start_background NAME COMMAND...: runs COMMAND under the subreaper, like a
# server (teardown stops it and all it started); its stdout and stderr go to
# $BATS_TEST_TMPDIR/NAME.out and NAME.err. Sets BACKGROUND_PID (the subreaper's).
start_background() {
    local name=$1
    shift
    (
        close_inherited_fds
        exec "$SUBREAPER" "$@"
    ) >"$BATS_TEST_TMPDIR/$name.out" 2>"$BATS_TEST_TMPDIR/$name.err" </dev/null 3>&- 4>&- &
    BACKGROUND_PID=$!
    REAPERS+=("$BACKGROUND_PID")
}

# line_count FILE: how many lines FILE has (0 if it does not exist).
line_count() {
    local line n=0
    [ -f "$1" ] || { echo 0; return 0; }
    while IFS= read -r line || [ -n "$line" ]; do n=$((n + 1)); done <"$1"
    echo "$n"
}
# --- end of hardening helpers -----------------------------------------------

# --- make targets and demos (tests/docs.bats, tests/slow/demos.bats) ---

# make_run TARGET...: runs make TARGET in the repository, with a mark in the
# environment that every process it starts inherits, so that the test can
# find any of them left running afterwards (assert_nothing_left).
make_run() {
    MARK="DOCS_BATS_MARK=$BATS_TEST_TMPDIR"
    ORPHANS_BEFORE=$(orphaned_zombies)
    run env "$MARK" timeout 20 make --no-print-directory -s -C "$REPO" "$@" 3>&-
}

# orphaned_zombies: the zombies of this test's session whose parent is PID 1,
# as "PID (NAME)". On these machines PID 1 may leave such a zombie for good.
# (Zombies of other sessions, other people's tests say, are none of ours.)
orphaned_zombies() {
    local line session
    read -r line <"/proc/$BASHPID/stat"
    [[ ${line##*) } =~ ^[A-Z]\ [0-9]+\ [0-9]+\ ([0-9]+) ]] && session=${BASH_REMATCH[1]}
    ps -e -o pid=,ppid=,sess=,stat=,comm= |
        awk -v session="$session" '$2 == 1 && $3 == session && $4 ~ /^Z/ { print $1 " (" $5 ")" }'
}

# assert_nothing_left PORT...: nothing that make started still runs (no
# process with its mark), this test has no child left (polled, in case one
# is still being reaped), no new orphaned zombie appeared in this session,
# and no socket listens on any PORT. (A process make leaves behind is an
# orphan: its parent is PID 1, not this test; the first and third checks
# are the ones that find it, alive or dead.)
assert_nothing_left() {
    local left port after zombie test_pid=$BASHPID
    left=$(grep -lsaF -- "$MARK" /proc/[0-9]*/environ || true)
    [ -z "$left" ] || fail "processes left running: $(for f in $left; do f=${f%/environ}; tr '\0' ' ' <"$f/cmdline"; echo; done)"
    wait_until 1 no_children "$test_pid"
    # (No <(...) here or anywhere in this file: bash does not wait for a
    # process substitution, which would be left an orphaned zombie itself.)
    after=$(orphaned_zombies)
    left=
    while IFS= read -r zombie; do
        [ -n "$zombie" ] || continue
        [[ $'\n'$ORPHANS_BEFORE$'\n' == *$'\n'$zombie$'\n'* ]] || left+="$zombie "
    done <<<"$after"
    [ -z "$left" ] || fail "new orphaned zombies: $left"
    for port in "$@"; do
        assert_equal "$(listening "$port")" 0
    done
}

# no_children PID: process PID has no child. Built-ins only: a command
# substitution would fork a child of this very shell.
no_children() {
    local pids=()
    read -r -a pids 2>/dev/null <"/proc/$1/task/$1/children" || true
    ((${#pids[@]} == 0))
}

# demo_ports: the ports the demo's servers listened on, from its output.
demo_ports() {
    sed -n 's/^server| \[[0-9]*\] listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' <<<"$output"
}

# count TEXT: how many lines of $output contain TEXT.
count() {
    grep -cF -- "$1" <<<"$output" || true
}

# run_demo CH: make demo-CH exits 0, says it is done, and leaves nothing.
run_demo() {
    make_run "demo-$1"
    assert_success
    assert_line '# done: the demo stops the server and every process it started.'
    local ports
    ports=$(demo_ports)
    [ -n "$ports" ] || fail "no 'listening on' line in the demo's output"
    # shellcheck disable=SC2086
    assert_nothing_left $ports
}

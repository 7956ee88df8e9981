# Clients run in the background, their input a pipe the test writes to.
# Part of the harness (lib/harness.bash).

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
    dir=$HARNESS_TMP
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
    read -r -d '' text <"$HARNESS_TMP/$1.out" || true
    [[ $text == *"$2"* ]]
}

# client_pid NAME: the pid of client NAME.
client_pid() {
    echo "${CLIENT_PID[$1]}"
}

# start_program OUTPUT COMMAND...: runs COMMAND in the background (a client,
# a peer, socat...), its stdout and stderr to the file OUTPUT, its input
# /dev/null; harness_cleanup stops it. Sets PROGRAM_PID. Settings, for the
# next start only: PROGRAM_INPUT=FILE, its input; PROGRAM_ERR=FILE, its
# stderr.
start_program() {
    local out=$1 in=${PROGRAM_INPUT:-/dev/null} err=${PROGRAM_ERR:-}
    shift
    PROGRAM_INPUT='' PROGRAM_ERR=''
    if [ -n "$err" ]; then
        (
            close_inherited_fds
            exec "$@"
        ) <"$in" >"$out" 2>"$err" 3>&- 4>&- &
    else
        (
            close_inherited_fds
            exec "$@"
        ) <"$in" >"$out" 2>&1 3>&- 4>&- &
    fi
    PROGRAM_PID=$!
    CLIENTS+=("$PROGRAM_PID")
}

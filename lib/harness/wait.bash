# Waiting for a condition: bounded polling, never a fixed sleep. Part of the
# harness (lib/harness.bash).

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
# never came true, and set WAITED_FOR to "SECONDS COMMAND...".
wait_until() {
    poll "$@" && return 0
    echo "# gave up after $1 s waiting for: ${*:2}" >&2
    WAITED_FOR="$*"
    return 1
}

# nap SECONDS: a short pause between two polls, done by the shell itself
# (read -t on a pipe nobody writes to): no process to start, unlike sleep.
# The pipe is NAP_FIFO, made once for a whole run of tests/run, or one of
# the caller's own.
nap() {
    if [ -z "${NAP_FD:-}" ]; then
        local fifo=${NAP_FIFO:-$HARNESS_TMP/nap}
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

# The counters (zombies, children, live_children, fd_count, log_count,
# sockets, sockets_to, line_count) print their count, for a caller that
# shows it, and set COUNT to it, for count_is and more_than: capturing the
# output with $(...) in a polling loop would start a process each time.

# counted N: what a counter does with its count N: sets COUNT, and prints it
# unless COUNT_QUIET is set.
counted() {
    COUNT=$1
    [ -n "${COUNT_QUIET:-}" ] || echo "$1"
}

# count_is EXPECTED COUNTER ARGS...: COUNTER counts EXPECTED (for poll).
count_is() {
    local expected=$1 COUNT_QUIET=1
    shift
    COUNT=
    "$@"
    [ "${COUNT:-x}" = "$expected" ]
}

# more_than N COUNTER ARGS...: COUNTER counts more than N.
more_than() {
    local limit=$1 COUNT_QUIET=1
    shift
    COUNT=
    "$@"
    [ -n "$COUNT" ] && [ "$COUNT" -gt "$limit" ]
}

# log_count TEXT: how many lines of the server's log contain TEXT; a counter.
log_count() {
    local line n=0
    while IFS= read -r line; do
        [[ $line == *"$1"* ]] && n=$((n + 1))
    done <"$LOG"
    counted "$n"
}

# client_count WHAT: how many lines of the server's log say "client
# 127.0.0.1:PORT WHAT" (WHAT: connected, disconnected): those about the
# harness's clients, which all connect from 127.0.0.1, and not those of a
# child forked for no client (a server that takes a failed accept() for a
# client logs its address as 0.0.0.0:0); a counter.
client_count() {
    local line n=0
    while IFS= read -r line; do
        [[ $line =~ \ client\ 127\.0\.0\.1:[0-9]+\ $1$ ]] && n=$((n + 1))
    done <"$LOG"
    counted "$n"
}

# file_has FILE TEXT: FILE holds TEXT (a fixed string), read by the shell
# itself: a grep would be a process on every poll.
file_has() {
    local text=
    read -r -d '' text 2>/dev/null <"$1"
    [[ $text == *"$2"* ]]
}

# file_matches FILE REGEX: a line of FILE matches REGEX (bash's =~).
file_matches() {
    local line lines=()
    mapfile -t lines 2>/dev/null <"$1" || return 1
    for line in "${lines[@]}"; do
        [[ $line =~ $2 ]] && return 0
    done
    return 1
}

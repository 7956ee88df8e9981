# What every .bats file loads: the assertions, the process harness
# (lib/harness.bash), a teardown that stops whatever a test started, and the
# few helpers about testing a server that several files use. Helpers of one
# topic live in tests/lib/ and are loaded where used.

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

# shellcheck source=../lib/harness.bash
source "$(dirname "${BASH_SOURCE[0]}")/../lib/harness.bash"

# Stops every client and server the test started, passed or failed.
teardown() {
    harness_cleanup
}

# wait_served CH N: in a forking chapter, waits until the parent has logged
# N children serving clients: a child may echo, even exit, before its
# parent's "child PID serves client" line.
wait_served() {
    [ "$1" = ch01 ] || wait_until 2 count_is "$2" log_count ' serves client '
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
    wait_until 2 count_is 2 sockets established "$PORT"
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

# line_count FILE: how many lines FILE has (0 if it does not exist).
line_count() {
    local line n=0
    [ -f "$1" ] || { echo 0; return 0; }
    while IFS= read -r line || [ -n "$line" ]; do n=$((n + 1)); done <"$1"
    echo "$n"
}

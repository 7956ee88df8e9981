#!/usr/bin/env bats
# Load on the forking chapters (ch02 to ch05): many clients at once, and many
# clients in a row; nothing lost, nothing left behind.

load ../helpers
load ../lib/peers

# LOAD_ROUNDS: how many connections in a row, 1000 by default. Every one
# costs the server a fork() and its child an exit, some 2 to 6 ms on the
# machines this is tested on, which is why this file is in tests/slow/:
# make test-slow runs it, and CI does; make test does not.
ROUNDS=${LOAD_ROUNDS:-1000}

# flood_ok FILE COUNT BYTES: FILE, the output of "peer flood COUNT BYTES",
# has COUNT lines, each with the same hash sent and received and BYTES
# bytes received, and COUNT different payloads.
flood_ok() {
    local k sent received bytes lines=0
    local -A seen=()
    while read -r k sent received bytes; do
        lines=$((lines + 1))
        [ "$sent" = "$received" ] || fail "connection $k: sent $sent, echoed $received"
        [ "$bytes" -eq "$3" ] || fail "connection $k: $bytes bytes echoed, not $3"
        seen[$sent]=1
    done <"$1"
    assert_equal "$lines" "$2"
    assert_equal "${#seen[@]}" "$2"
}

# wait_served CH N: in a forking chapter, waits until the parent has logged
# N children serving clients: a child may echo, even exit, before its
# parent's "child PID serves client" line.
wait_served() {
    [ "$1" = ch01 ] || wait_until 2 count_is "$2" log_count ' serves client '
}

@test "every forking chapter (ch02 on) echoes 100 concurrent clients sending 256 KiB of random bytes each, every echo identical" {
    local chapter
    for chapter in $(chapters_from ch02); do
        start_server "$chapter"
        run -0 timeout 30 "$PEER" flood 100 262144 127.0.0.1 "$PORT"
        printf '%s\n' "$output" >"$BATS_TEST_TMPDIR/$chapter.flood"
        flood_ok "$BATS_TEST_TMPDIR/$chapter.flood" 100 262144
        wait_served "$chapter" 100
        assert_equal "$(cat "$ERR")" ""
    done
}

@test "every chapter from ch03 on serves $ROUNDS connections in a row and leaves no zombie; ch05's descriptor count is what it was" {
    local chapter status
    local -A before=() client=() PID_OF=() LOG_OF=()
    # The three at once: each one's clients come one after another.
    for chapter in $(chapters_from ch03); do
        start_server "$chapter"
        before[$chapter]=$(fd_count "$SERVER_PID")
        PID_OF[$chapter]=$SERVER_PID
        LOG_OF[$chapter]=$LOG
        PROGRAM_ERR=$BATS_TEST_TMPDIR/$chapter.err
        start_program "$BATS_TEST_TMPDIR/$chapter.out" "$CLIENT" -r "$ROUNDS" -n 1 -i 0 127.0.0.1 "$PORT"
        client[$chapter]=$PROGRAM_PID
    done
    # Bounded here, not by timeout(1): killed in teardown, a timeout would
    # leave its client orphaned.
    for chapter in $(chapters_from ch03); do
        wait_until 60 gone "${client[$chapter]}"
        status=0
        wait "${client[$chapter]}" || status=$?
        assert_equal "$status $(cat "$BATS_TEST_TMPDIR/$chapter.err")" "0 "
        assert_equal "$(grep -c '^echo: ' "$BATS_TEST_TMPDIR/$chapter.out")" "$ROUNDS"
    done
    for chapter in $(chapters_from ch03); do
        LOG=${LOG_OF[$chapter]}
        wait_until 5 count_is "$ROUNDS" log_count ' disconnected'
        wait_until 3 count_is 0 children "${PID_OF[$chapter]}"
        assert_equal "$(zombies "${PID_OF[$chapter]}")" 0
    done
    LOG=${LOG_OF[ch04]}
    wait_until 3 count_is "$ROUNDS" log_count 'reaped child'
    assert_equal "$(fd_count "${PID_OF[ch05]}")" "${before[ch05]}"
}

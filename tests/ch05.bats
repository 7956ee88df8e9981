#!/usr/bin/env bats
# ch05-fd-close: the parent closes the connected socket after fork, the child
# closes the listening socket.

load helpers

@test "ch05 echoes every byte back, even a message larger than its read buffer" {
    check_echo ch05
}

@test "ch05's descriptor count stays flat over 100 clients (ch04 gains one per client)" {
    local chapter before
    for chapter in ch04 ch05; do
        start_server "$chapter"
        before=$(fd_count "$SERVER_PID")
        run_clients 100
        wait_until 3 count_is 100 log_count 'reaped child'
        if [ "$chapter" = ch04 ]; then
            assert_equal "$(fd_count "$SERVER_PID")" $((before + 100))
        else
            wait_until 2 count_is "$before" fd_count "$SERVER_PID"
        fi
    done
}

@test "ch05 leaves no socket in CLOSE_WAIT after clients leave (ch04 leaves one per client)" {
    local chapter
    for chapter in ch04 ch05; do
        start_server "$chapter"
        run_clients 5
        wait_until 3 count_is 5 log_count 'reaped child'
        if [ "$chapter" = ch04 ]; then
            wait_until 2 count_is 5 sockets close-wait "$PORT"
        else
            wait_until 2 count_is 0 sockets close-wait "$PORT"
        fi
    done
}

@test "ch05 under ulimit -n 32 serves 200 clients in a row (ch04 stops near 28: too many open files)" {
    SERVER_FD_LIMIT=32 start_server ch04
    assert_equal "$(fd_count "$SERVER_PID")" 4 # 0, 1, 2 and the listening socket
    # Each client leaks one descriptor: 28 of them fill the 32.
    run_clients 28
    assert_equal "$SERVED" 28
    open_client one-too-many
    feed one-too-many $'hello\n'
    wait_until 3 grep -q 'accept: Too many open files' "$ERR"
    run ! client_got one-too-many hello

    SERVER_FD_LIMIT=32 start_server ch05
    run_clients 200
    assert_equal "$SERVED" 200
    assert [ ! -s "$ERR" ]
}

@test "ch05's children do not hold the listening socket: killed, the server can be restarted at once (ch04 only after its last client leaves)" {
    local chapter port
    for chapter in ch04 ch05; do
        start_server "$chapter"
        port=$PORT
        open_client "$chapter"
        feed "$chapter" $'hello\n'
        wait_until 2 client_got "$chapter" hello
        kill -KILL "$SERVER_PID"
        wait_until 2 gone "$SERVER_PID"
        if [ "$chapter" = ch04 ]; then
            # The child still holds a listening socket on the port.
            run -0 ss -ltnH "sport = :$port"
            assert_output --partial "127.0.0.1:$port"
            if start_server ch04 "$port"; then
                fail "ch04 was restarted while its old child held the port"
            fi
            assert_equal "$(cat "$ERR")" "server: bind 127.0.0.1:$port: Address already in use"
            end_feed "$chapter"
            wait_until 3 count_is 0 sockets listening "$port"
        fi
        start_server "$chapter" "$port"
        if [ "$chapter" = ch05 ]; then
            # The old child still serves its client, on the old connection.
            feed "$chapter" $'again\n'
            wait_until 2 client_got "$chapter" again
        fi
    done
}

@test "a client whose serving child is killed sees its connection close in ch05, but not in ch04, where the parent still holds it" {
    local chapter child
    for chapter in ch05 ch04; do
        start_server "$chapter"
        open_client "$chapter"
        feed "$chapter" $'hello\n'
        wait_until 2 client_got "$chapter" hello
        wait_served "$chapter" 1
        child=$(first_child "$SERVER_PID")
        kill -KILL "$child"
        wait_until 2 grep -q "reaped child $child: killed by signal 9" "$LOG"
        if [ "$chapter" = ch05 ]; then
            # The child held the last reference: the kernel closed the
            # socket and sent a FIN; the client's side is in CLOSE_WAIT.
            wait_until 2 count_is 1 client_close_wait "$PORT"
            feed "$chapter" $'again\n'
            wait_until 2 gone "$(client_pid "$chapter")"
            local status=0
            wait "$(client_pid "$chapter")" || status=$?
            assert_equal "$status" 1
            run -0 grep -q 'closed the connection' "$BATS_TEST_TMPDIR/$chapter.err"
        else
            # The parent's copy keeps the connection open: no FIN.
            assert_equal "$(client_close_wait "$PORT")" 0
            assert_equal "$(ss -tanH state established "( dport = :$PORT )" | wc -l)" 1
        fi
    done
}

# client_close_wait PORT: client-side sockets to PORT in CLOSE_WAIT.
client_close_wait() {
    ss -tanH state close-wait "( dport = :$1 )" | wc -l
}

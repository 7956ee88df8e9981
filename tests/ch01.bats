#!/usr/bin/env bats
# ch01-single-process: an iterative server, one client at a time.

load helpers

@test "ch01 echoes every byte back, even a message larger than its read buffer" {
    check_echo ch01
}

@test "ch01 serves one client at a time: the second is echoed only when the first leaves (ch02 at once)" {
    two_clients ch01 one
    # The suite's one timed negative check: no echo for 300 ms.
    if poll 0.3 client_got one-b 'from b'; then
        fail "ch01 echoed the second client while the first was connected"
    fi
    assert_equal "$(log_count ' connected')" 1
    end_feed one-a
    wait_until 2 client_got one-b 'from b'
    assert_equal "$(log_count ' connected')" 2

    two_clients ch02 two
    wait_until 2 client_got two-b 'from b'
    run -0 kill -0 "$(client_pid two-a)"
}

@test "ch01 serves 20 clients one after another" {
    start_server ch01
    run_clients 20
    wait_until 2 count_is 20 log_count ' disconnected'
    assert_equal "$(log_count ' connected')" 20
}

@test "ch01 is one process: it never has a child" {
    start_server ch01
    open_client a
    feed a $'hello\n'
    wait_until 2 client_got a hello
    assert_equal "$(children "$SERVER_PID")" 0
    end_feed a
    run_clients 5
    assert_equal "$(children "$SERVER_PID")" 0
    assert_equal "$(log_count ' child ')" 0
}

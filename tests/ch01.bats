#!/usr/bin/env bats
# ch01-single-process: an iterative server, one client at a time.

load helpers

@test "ch01 echoes every byte back, even a message larger than its read buffer" {
    check_echo ch01
}

@test "ch01 serves one client at a time: the second is echoed only when the first leaves (ch02 at once)" {
    second_client_waits ch01 one
    assert_equal "$(log_count ' connected')" 1
    end_feed one-a
    wait_until 2 client_got one-b 'from b'
    assert_equal "$(log_count ' connected')" 2

    if second_client_waits ch02 two; then
        fail "ch02 kept the second client waiting too"
    fi
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

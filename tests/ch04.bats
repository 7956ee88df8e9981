#!/usr/bin/env bats
# ch04-sigchld-handler: a SIGCHLD handler reaps every exited child with a
# waitpid(WNOHANG) loop; accept() interrupted by it (EINTR) is called again.

load helpers
load lib/variants

# burst_while_stopped SERVER N: starts SERVER (a chapter or a path); a client
# opens N connections, one child each; the server is stopped (SIGSTOP); the
# client closes all N, so N children exit while their parent cannot run: N
# zombies, and one SIGCHLD pending, for signals of one kind do not queue.
# Then the server continues (SIGCONT) and takes that one signal.
burst_while_stopped() {
    local count=$2
    start_server "$1"
    open_client burst -c "$count"
    feed burst $'hello\n'
    wait_until 2 client_got burst hello
    wait_until 2 count_is "$count" live_children "$SERVER_PID"
    # Stop it back in accept(), so that the signal it takes on SIGCONT
    # interrupts accept() exactly once.
    wait_served ch04 "$count"
    wait_until 2 in_accept "$SERVER_PID"
    kill -STOP "$SERVER_PID"
    wait_until 2 stopped "$SERVER_PID"
    end_feed burst
    wait_until 3 count_is "$count" zombies "$SERVER_PID"
    assert_equal "$(log_count 'reaped child')" 0
    kill -CONT "$SERVER_PID"
}

@test "ch04 echoes every byte back, even a message larger than its read buffer" {
    check_echo ch04
}

@test "ch04 reaps every child and logs its pid and exit status: 6 clients, 6 reaped lines, no zombie" {
    start_server ch04
    run_clients 6
    wait_until 3 count_is 6 log_count 'reaped child'
    wait_served ch04 6
    wait_until 2 count_is 0 children "$SERVER_PID"
    assert_equal "$(zombies "$SERVER_PID")" 0
    # The reaped pids are exactly the children that served the clients.
    assert_equal "$(sed -n 's/.* reaped child \([0-9]*\): exited with status 0$/\1/p' "$LOG" | sort -n)" \
        "$(sed -n 's/.* child \([0-9]*\) serves client .*/\1/p' "$LOG" | sort -n)"
}

@test "ch04 reaps 6 children that exit at once with one SIGCHLD: one handler call reaps them all" {
    burst_while_stopped ch04 6
    wait_until 3 count_is 0 children "$SERVER_PID"
    assert_equal "$(log_count 'reaped child')" 6
    # One signal, so accept() was interrupted once.
    assert_equal "$(log_count 'accept interrupted')" 1
}

@test "a handler that calls waitpid once per SIGCHLD (seeds 003, 004) leaves 5 of the same 6 zombies" {
    local variant=$BATS_TEST_TMPDIR/once
    mkdir -p "$variant"
    sed 's/while ((pid = waitpid(-1, &status, WNOHANG)) > 0)/if ((pid = waitpid(-1, \&status, WNOHANG)) > 0)/' \
        "$REPO/ch04-sigchld-handler/server.cpp" >"$variant/server.cpp"
    assert_equal "$(diff "$REPO/ch04-sigchld-handler/server.cpp" "$variant/server.cpp" | grep -c '^>')" 1
    build_variant "$variant" ch04-sigchld-handler

    burst_while_stopped "$variant/server" 6
    wait_until 3 count_is 1 log_count 'reaped child'
    assert_equal "$(log_count 'accept interrupted')" 1
    assert_equal "$(zombies "$SERVER_PID")" 5
    # No other SIGCHLD will come: the five stay zombies while the server runs.
    run_clients 1
    wait_until 3 count_is 2 log_count 'reaped child'
    assert_equal "$(zombies "$SERVER_PID")" 5
}

# child_exits_in_accept NAME N: client NAME is served by a child, the
# server has logged N children so far and waits in accept(); then the client
# leaves, so its child exits while the parent sits in accept().
child_exits_in_accept() {
    open_client "$1"
    feed "$1" $'hello\n'
    wait_until 2 client_got "$1" hello
    wait_until 2 count_is "$2" log_count ' serves client '
    wait_until 2 in_accept "$SERVER_PID"
    end_feed "$1"
}

@test "ch04's accept() is interrupted by SIGCHLD (EINTR): it logs that, calls accept() again, serves the next client (ch03 is never interrupted)" {
    start_server ch04
    child_exits_in_accept one 1
    wait_until 2 count_is 1 log_count 'accept interrupted by a signal (EINTR)'
    child_exits_in_accept two 2
    wait_until 2 count_is 2 log_count 'accept interrupted by a signal (EINTR)'
    run_clients 1
    assert_equal "$SERVED" 1
    assert_equal "$(cat "$ERR")" ""

    start_server ch03
    child_exits_in_accept three 1
    wait_until 2 count_is 1 log_count ' disconnected'
    wait_until 2 count_is 0 children "$SERVER_PID"
    run_clients 1
    assert_equal "$(log_count 'interrupted')" 0
    assert_equal "$(cat "$ERR")" ""
}

@test "without ch04's EINTR branch an interrupted accept() is reported on stderr as an error; ch04 logs it as a normal event and its stderr stays empty" {
    local variant=$BATS_TEST_TMPDIR/no-eintr
    mkdir -p "$variant"
    sed '/^        if (conn_fd < 0 && errno == EINTR) {$/,/^        }$/d' \
        "$REPO/ch04-sigchld-handler/server.cpp" >"$variant/server.cpp"
    assert_equal "$(diff "$REPO/ch04-sigchld-handler/server.cpp" "$variant/server.cpp" | grep -c '^<')" 4
    build_variant "$variant" ch04-sigchld-handler

    start_server ch04
    child_exits_in_accept real 1
    wait_until 2 count_is 1 log_count 'accept interrupted by a signal (EINTR)'
    assert_equal "$(cat "$ERR")" ""

    start_server "$variant/server"
    child_exits_in_accept variant 1
    wait_until 2 grep -qx "server\[$SERVER_PID\]: accept: Interrupted system call" "$ERR"
    assert_equal "$(log_count 'interrupted')" 0
    # Not fatal here either (the seeds' server exited), just an error.
    run_clients 1
    assert_equal "$SERVED" 1
}

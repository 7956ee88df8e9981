#!/usr/bin/env bats
# ch03-zombies: signal(SIGCHLD, SIG_IGN), and the kernel reaps every child.

load helpers

# clients_leave CH N HOW: starts CH's server; N clients leave it, HOW being
# "one-by-one" (N clients in a row) or "together" (one client holding N
# connections, closing them all at once); then waits until every child has
# said goodbye and none is still alive. What is left are zombies, or nothing.
clients_leave() {
    start_server "$1"
    if [ "$3" = together ]; then
        run_clients 1 -c "$2"
    else
        run_clients "$2"
    fi
    wait_until 3 count_is "$2" log_count ' disconnected'
    wait_until 3 count_is 0 live_children "$SERVER_PID"
}

@test "ch03 echoes every byte back, even a message larger than its read buffer" {
    check_echo ch03
}

@test "ch03 leaves no zombie after 5 clients leave one by one (ch02 leaves 5)" {
    clients_leave ch02 5 one-by-one
    wait_until 2 count_is 5 zombies "$SERVER_PID"
    clients_leave ch03 5 one-by-one
    assert_equal "$(zombies "$SERVER_PID")" 0
    assert_equal "$(children "$SERVER_PID")" 0
}

@test "ch03 leaves no zombie after a burst of 8 clients leave together (ch02 leaves 8)" {
    clients_leave ch02 8 together
    wait_until 2 count_is 8 zombies "$SERVER_PID"
    clients_leave ch03 8 together
    assert_equal "$(zombies "$SERVER_PID")" 0
    assert_equal "$(children "$SERVER_PID")" 0
}

@test "ch03 cannot learn how a child ended: a child killed by SIGKILL leaves no trace (ch04 logs it)" {
    local chapter
    for chapter in ch03 ch04; do
        start_server "$chapter"
        open_client "$chapter"
        feed "$chapter" $'hello\n'
        wait_until 2 client_got "$chapter" hello
        local child
        child=$(child_pids "$SERVER_PID")
        kill -KILL "$child"
        wait_until 2 count_is 0 children "$SERVER_PID"
        if [ "$chapter" = ch04 ]; then
            wait_until 2 grep -q "reaped child $child: killed by signal 9" "$LOG"
        else
            # The kernel reaped the child: the parent got no SIGCHLD and a
            # waitpid() would fail with ECHILD. Nothing is left to report.
            wait_served ch03 1
            assert_equal "$(log_count "child $child ")" 1
            assert_equal "$(log_count "[$child]")" 0
            assert_equal "$(log_count 'reaped')" 0
        fi
    done
}

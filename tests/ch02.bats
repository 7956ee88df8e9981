#!/usr/bin/env bats
# ch02-fork-server: one child per client; its exited children become zombies.

load helpers
load lib/variants

# serving_pids: the pids the log names as serving a client, one per line.
serving_pids() {
    sed -n 's/^\[[0-9]*\] child \([0-9]*\) serves client .*/\1/p' "$LOG"
}

@test "ch02 echoes every byte back, even a message larger than its read buffer" {
    check_echo ch02
}

@test "ch02 serves clients at once: the second is echoed while the first is connected (ch01 waits)" {
    two_clients ch02 two
    wait_until 2 client_got two-b 'from b'
    run -0 kill -0 "$(client_pid two-a)"
    assert_equal "$(log_count ' connected')" 2

    two_clients ch01 one
    if poll 0.3 client_got one-b 'from b'; then
        fail "ch01 echoed the second client while the first was connected"
    fi
}

@test "ch02 forks one child per client: 3 clients connected, 3 children, 3 serving pids" {
    start_server ch02
    for name in a b c; do
        open_client "$name"
        feed "$name" $'hello\n'
    done
    for name in a b c; do wait_until 2 client_got "$name" hello; done
    wait_until 2 count_is 3 children "$SERVER_PID"
    wait_served ch02 3
    assert_equal "$(serving_pids | sort -u | wc -l)" 3
    assert_equal "$(serving_pids | sort -n)" "$(child_pids "$SERVER_PID")"
    # Each child says which client it served, with its own pid.
    for name in a b c; do end_feed "$name"; done
    wait_until 2 count_is 3 log_count ' disconnected'
    assert_equal "$(sed -n 's/^\[\([0-9]*\)\] client .* disconnected$/\1/p' "$LOG" | sort -n)" "$(serving_pids | sort -n)"
}

@test "ch02 leaves a zombie for every finished client: 5 clients, 5 <defunct> children" {
    start_server ch02
    run_clients 5
    wait_until 2 count_is 5 zombies "$SERVER_PID"
    assert_equal "$(children "$SERVER_PID")" 5
    run -0 ps -o stat=,cmd= --ppid "$SERVER_PID"
    assert_equal "$(grep -c '<defunct>' <<<"$output")" 5
}

@test "ch02's zombies go away when the server exits: their new parent, a subreaper, reaps them" {
    start_server ch02
    run_clients 3
    wait_until 2 count_is 3 zombies "$SERVER_PID"
    local dead
    dead=$(child_pids "$SERVER_PID")
    kill -KILL "$SERVER_PID"
    for pid in $dead; do wait_until 2 no_such_process "$pid"; done
}

no_such_process() {
    [ ! -e "/proc/$1" ]
}

@test "ch02 prints each log line once, even with its output in a file" {
    start_server ch02
    run_clients 4
    wait_until 2 count_is 4 log_count ' disconnected'
    wait_served ch02 4
    assert_equal "$(log_count ' listening on ')" 1
    assert_equal "$(log_count ' connected')" 4
    assert_equal "$(log_count ' serves client ')" 4
    assert_equal "$(wc -l <"$LOG")" 13
    assert_equal "$(sort "$LOG" | uniq -d)" ""
}

@test "ch02 as the seeds write it (a printf log, exit() in the child) prints the parent's lines again from every child" {
    # The same server with the seeds' two choices: a log_line that uses
    # printf and never flushes, and a child that ends with exit(), not
    # _exit(). With stdout a file, lines wait in the stdio buffer, fork()
    # copies the buffer, and exit() in each child prints the copy.
    local variant=$BATS_TEST_TMPDIR/buffered
    mkdir -p "$variant"
    sed 's/^    emit(STDOUT_FILENO, prefix, format, args);$/    std::fputs(prefix, stdout); std::vprintf(format, args); std::fputc(10, stdout);/' \
        "$REPO/common/log.cpp" >"$variant/log.cpp"
    assert_equal "$(diff "$REPO/common/log.cpp" "$variant/log.cpp" | grep -c '^>')" 1
    sed 's/^            _exit(0);$/            std::exit(0);/; s/^#include <string>$/#include <cstdlib>\n#include <string>/' \
        "$REPO/ch02-fork-server/server.cpp" >"$variant/server.cpp"
    assert_equal "$(diff "$REPO/ch02-fork-server/server.cpp" "$variant/server.cpp" | grep -c '^>')" 2
    build_variant "$variant" ch02-fork-server

    # Nothing reaches the file until a process flushes: ask ss for the port.
    (
        close_inherited_fds
        exec "$SUBREAPER" "$variant/server" 0 127.0.0.1
    ) >"$variant/out" 2>&1 </dev/null 3>&- 4>&- &
    adopt_server $!
    run_clients 3
    LOG=$variant/out
    # Each exiting child flushed the parent's "listening on" line it inherited.
    wait_until 2 count_is 3 log_count ' disconnected'
    [ "$(log_count ' listening on ')" -ge 3 ] || fail "$(cat "$LOG")"
}

#!/usr/bin/env bats
# fork() failing under a process limit (from tests/hardening.bats; here with
# the slow tests, as they need root, setpriv and prlimit, and time).

load ../helpers
load ../lib/claims

# limited_server CH NPROC: starts a copy of CH's server as a user id of its
# own (no other process has it) allowed NPROC processes (RLIMIT_NPROC), using
# setpriv and prlimit (util-linux). The copy lives in $BATS_TEST_TMPDIR, made
# reachable for that user: the repository may be where it cannot look.
# Skips the test when this machine cannot do that, saying why.
limited_server() {
    local chapter=$1 nproc=$2 dir=$BATS_TEST_TMPDIR/$1 uid
    command -v setpriv >/dev/null && command -v prlimit >/dev/null ||
        skip "setpriv and prlimit (util-linux) are not installed"
    [ "$(id -u)" -eq 0 ] || skip "changing to another user needs root"
    # A user id from a range that no account uses, free of processes, so
    # that a suite running alongside this one cannot share its count.
    local -A busy=()
    for uid in $(ps -eo uid=); do busy[$uid]=1; done
    for ((uid = 61000 + BASHPID % 3000; ; uid++)); do
        [ -z "${busy[$uid]:-}" ] && break
    done
    mkdir -p "$dir"
    cp "$REPO/$chapter/server" "$dir/server"
    chmod 755 "$dir/server"
    chmod o+x "$BATS_RUN_TMPDIR" "$BATS_RUN_TMPDIR/test" "$BATS_TEST_TMPDIR" "$dir"
    local drop=(setpriv "--reuid=$uid" "--regid=$uid" --clear-groups)
    "${drop[@]}" test -x "$dir/server" 2>/dev/null ||
        skip "user $uid cannot run $dir/server (setpriv failed or a parent directory is closed)"
    printf '#!/bin/sh\nexec prlimit --nproc=%s %s %s "$@"\n' "$nproc" "${drop[*]}" "$dir/server" >"$dir/limited"
    chmod 755 "$dir/limited"
    start_server "$dir/limited"
}

# dropped STDERR: the client's error says the server closed the connection
# without an echo: an end of file, or a reset if the parent closed it with
# the client's message unread.
dropped() {
    [[ $1 == "client: the server closed the connection after echoing 0 of "*" bytes" ||
        $1 == "client: recv: Connection reset by peer" ]]
}

@test "every chapter from ch03 on, under a process limit, reports 'fork: Resource temporarily unavailable' in one line, drops that client, and serves the next once a child has exited" {
    local chapter
    for chapter in $(chapters_from ch03); do
        # Two processes: the server and one child.
        limited_server "$chapter" 2
        open_client "$chapter"
        feed "$chapter" $'hello\n'
        wait_until 2 client_got "$chapter" hello
        run -1 --separate-stderr timeout 5 "$CLIENT" -n 1 -i 0 127.0.0.1 "$PORT"
        dropped "$stderr" || fail "$chapter: unexpected client error: $stderr"
        assert_equal "$(cat "$ERR")" "server[$SERVER_PID]: fork: Resource temporarily unavailable"
        end_feed "$chapter"
        wait_until 3 count_is 0 children "$SERVER_PID"
        run_clients 1
        assert_equal "$SERVED" 1
        assert_equal "$(line_count "$ERR")" 1
        kill -TERM "${REAPERS[-1]}"
        wait_until 3 gone "${REAPERS[-1]}"
    done
}

@test "ch02's zombies count against the process limit: with room for 2 children it serves 2 clients, then every fork fails" {
    limited_server ch02 3
    run_clients 2
    assert_equal "$SERVED" 2
    wait_until 2 count_is 2 zombies "$SERVER_PID"
    local attempt
    for attempt in 1 2; do
        run -1 --separate-stderr timeout 5 "$CLIENT" -n 1 -i 0 127.0.0.1 "$PORT"
        dropped "$stderr" || fail "unexpected client error: $stderr"
        wait_until 2 count_is "$attempt" line_count "$ERR"
    done
    assert_equal "$(log_count ' serves client ')" 2
    assert_equal "$(grep -c "^server\[$SERVER_PID\]: fork: Resource temporarily unavailable$" "$ERR")" 2
}

#!/usr/bin/env bats
# Bad input and faults, in every chapter where they apply: command-line edge
# cases, a client that resets the connection or vanishes mid-stream, bytes
# that are not text, and fork() failing under a process limit.

load helpers
load lib/peers
load lib/variants

@test "the server rejects an empty, signed or overflowing port with usage and exit 2" {
    # Every chapter reads its arguments with common/args.cpp (tests/cli.bats
    # runs each one): ch05's server stands for all here.
    local server=$REPO/ch05/server
    misuse "$server" "bad port:  (want a number from 0 to 65535)" ""
    misuse "$server" "bad port: +80 (want a number from 0 to 65535)" +80
    misuse "$server" "bad port: 99999999999999999999 (want a number from 0 to 65535)" 99999999999999999999
}

@test "the client rejects out-of-range counts, a NaN interval, a missing value and --stdin with --repeat, with usage and exit 2" {
    # client.cpp is the same file in every chapter: ch05's stands for all.
    misuse "$CLIENT" "bad number of connections: 1001 (want 1 to 1000)" -c 1001
    misuse "$CLIENT" "bad repeat count: 0 (want 1 to 1000000)" -r 0
    misuse "$CLIENT" "bad interval: nan (want seconds, 0 to 3600)" -i nan
    misuse "$CLIENT" "-r needs a value" -r
    misuse "$CLIENT" "bad port:  (want a number from 1 to 65535)" 127.0.0.1 ""
    misuse "$CLIENT" "--stdin and --repeat do not go together" --stdin -r 2
}

@test "a server given an address this machine does not have says 'server: bind ADDRESS:PORT: Cannot assign requested address' and exits 1" {
    for chapter in "${CHAPTERS[@]}"; do
        # 192.0.2.1 is TEST-NET-1 (RFC 5737): never a local address.
        run -1 --separate-stderr timeout 5 "$REPO/$chapter/server" 0 192.0.2.1
        assert_equal "$stderr" "server: bind 192.0.2.1:0: Cannot assign requested address"
        assert_equal "$output" ""
    done
}

@test "a client that resets the connection mid-stream (SO_LINGER 0): the serving process reports it in one line and the server serves the next client" {
    local chapter pid
    for chapter in "${CHAPTERS[@]}"; do
        start_server "$chapter"
        run -0 timeout 5 "$PEER" reset 127.0.0.1 "$PORT"
        assert_output echoed
        wait_served "$chapter" 1
        pid=$(serving_pid)
        wait_until 2 count_is 1 log_count ' disconnected'
        # Reading or writing, whichever it was doing when the reset came.
        assert_equal "$(line_count "$ERR")" 1
        [[ $(<"$ERR") =~ ^server\[$pid\]:\ (read\ from|write\ to)\ client:\ Connection\ reset\ by\ peer$ ]] ||
            fail "$chapter: unexpected error output: $(<"$ERR")"
        run_clients 1
        assert_equal "$SERVED" 1
        if [ "$chapter" = ch04 ] || [ "$chapter" = ch05 ]; then
            wait_until 2 grep -q "reaped child $pid: exited with status 0" "$LOG"
        fi
        run -0 kill -0 "$SERVER_PID"
    done
}

# vanish_before_echo: a peer connects and is echoed; the process serving it
# is stopped; the peer sends a line, shuts down its side, and resets the
# connection; the process continues, reads the line, and writes the echo
# to a peer that is gone: EPIPE. Sets SERVING to that process's pid.
vanish_before_echo() {
    open_peer "$1-gone" vanish
    wait_until 2 client_got "$1-gone" echoed
    wait_served "$1" 1
    SERVING=$(serving_pid)
    kill -STOP "$SERVING"
    wait_until 2 stopped "$SERVING"
    feed "$1-gone" $'go\n'
    wait_until 3 client_got "$1-gone" vanished
    kill -CONT "$SERVING"
}

@test "a client that vanishes before its echo: the write fails with EPIPE, reported in one line, and SIGPIPE kills nothing (send with MSG_NOSIGNAL)" {
    local chapter
    for chapter in "${CHAPTERS[@]}"; do
        start_server "$chapter"
        vanish_before_echo "$chapter"
        wait_until 2 count_is 1 log_count ' disconnected'
        assert_equal "$(cat "$ERR")" "server[$SERVING]: write to client: Broken pipe"
        if [ "$chapter" = ch04 ] || [ "$chapter" = ch05 ]; then
            wait_until 2 grep -q "reaped child $SERVING: exited with status 0" "$LOG"
        fi
        run_clients 1
        assert_equal "$SERVED" 1
    done
}

@test "the same vanishing client kills a ch05 linked with a plain write() in its echo loop: 'killed by signal 13' (SIGPIPE), no error line" {
    local variant=$BATS_TEST_TMPDIR/sigpipe
    mkdir -p "$variant"
    sed 's/^        ssize_t put = send(fd, at, size, MSG_NOSIGNAL);$/        ssize_t put = write(fd, at, size);/' \
        "$REPO/common/io.cpp" >"$variant/io.cpp"
    assert_equal "$(diff "$REPO/common/io.cpp" "$variant/io.cpp" | grep -c '^>')" 1
    build_variant "$variant" ch05-fd-close

    start_server "$variant/server"
    vanish_before_echo ch05
    wait_until 2 grep -q "reaped child $SERVING: killed by signal 13" "$LOG"
    assert_equal "$(log_count ' disconnected')" 0
    assert_equal "$(cat "$ERR")" ""
}

@test "every chapter echoes binary bytes, empty lines and 1 MiB without a newline exactly, and nothing for no input" {
    local dir=$BATS_TEST_TMPDIR escapes
    # Every byte value 0..255 (NUL, CR, and the rest), five empty lines, and
    # a mebibyte of noise with no newline in it, the last byte no newline.
    printf -v escapes '\\%03o' {0..255}
    printf "$escapes\n\n\n\n\n" >"$dir/input"
    head -c 1048576 /dev/urandom | tr '\n' x >>"$dir/input"
    assert_equal "$(wc -c <"$dir/input")" $((256 + 5 + 1048576))
    for chapter in "${CHAPTERS[@]}"; do
        start_server "$chapter"
        timeout 5 "$CLIENT" --stdin 127.0.0.1 "$PORT" <"$dir/input" >"$dir/$chapter.echo" ||
            fail "$chapter: the client failed"
        cmp "$dir/input" "$dir/$chapter.echo" || fail "$chapter: the echo differs"
        timeout 5 "$CLIENT" --stdin 127.0.0.1 "$PORT" </dev/null >"$dir/$chapter.nothing" ||
            fail "$chapter: the client failed on no input"
        [ ! -s "$dir/$chapter.nothing" ] || fail "$chapter: no input, yet an echo"
        wait_until 2 count_is 2 log_count ' disconnected'
        assert_equal "$(cat "$ERR")" ""
    done
}

@test "a server started with descriptors 0, 1 and 2 closed still echoes exactly and never sends its log to a client" {
    local chapter
    for chapter in ch01 ch05; do
        (
            close_inherited_fds
            exec "$SUBREAPER" "$REPO/$chapter/server" 0 127.0.0.1
        ) <&- >&- 2>&- 3>&- 4>&- &
        adopt_server $!
        # Without care, the listening socket would be descriptor 0 and the
        # first client's socket descriptor 1: the log would go to the client.
        run -0 timeout 5 "$CLIENT" -n 3 -i 0 127.0.0.1 "$PORT"
        assert_equal "$(grep -c '^echo: ' <<<"$output")" 3
        assert_equal "$(readlink "/proc/$SERVER_PID/fd/1")" /dev/null
        assert_equal "$(readlink "/proc/$SERVER_PID/fd/2")" /dev/null
    done
}

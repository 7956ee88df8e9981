#!/usr/bin/env bats
# The command line of every chapter's server and client: help, misuse (usage
# and exit 2), and runtime failures (one line naming the call, exit 1).

load helpers
load lib/peers

@test "every server and client prints its usage for --help and exits 0" {
    for chapter in "${CHAPTERS[@]}"; do
        for program in server client; do
            run_program -0 "$REPO/$chapter/$program" --help
            if [ "$program" = server ]; then
                assert_line --index 0 "usage: server [PORT [ADDRESS]]"
            else
                assert_line --index 0 "usage: client [OPTIONS] [HOST [PORT]]"
            fi
            assert_equal "$stderr" ""
        done
    done
}

@test "the server rejects a bad port, a bad address, an unknown option and a third argument with usage and exit 2" {
    local server=$REPO/ch05/server
    misuse "$server" "bad port: 65536 (want a number from 0 to 65535)" 65536
    misuse "$server" "bad port: http (want a number from 0 to 65535)" http
    misuse "$server" "unknown option: -1" -1
    misuse "$server" "bad address: localhost (want an IPv4 address such as 127.0.0.1)" 5051 localhost
    misuse "$server" "unknown option: --port" --port 5051
    misuse "$server" "too many arguments: extra" 0 127.0.0.1 extra
    # Every chapter parses its arguments with the same common/args.cpp.
    for chapter in "${CHAPTERS[@]}"; do
        misuse "$REPO/$chapter/server" "bad port: http (want a number from 0 to 65535)" http
    done
}

@test "the client rejects bad numbers, an unknown option and a third argument with usage and exit 2" {
    local client=$REPO/ch05/client
    misuse "$client" "bad port: 0 (want a number from 1 to 65535)" 127.0.0.1 0
    misuse "$client" "bad port: 70000 (want a number from 1 to 65535)" 127.0.0.1 70000
    misuse "$client" "bad count: many (want 0 to 1000000)" -n many
    misuse "$client" "bad interval: -1 (want seconds, 0 to 3600)" -i -1
    misuse "$client" "bad number of connections: 0 (want 1 to 1000)" -c 0
    misuse "$client" "-n needs a value" -n
    misuse "$client" "unknown option: --verbose" --verbose
    misuse "$client" "too many arguments: extra" 127.0.0.1 5051 extra
    # client.cpp is one file in every chapter (tests/docs.bats checks that).
    for chapter in "${CHAPTERS[@]}"; do
        misuse "$REPO/$chapter/client" "unknown option: --verbose" --verbose
    done
}

@test "a server whose port is taken says 'server: bind ADDRESS:PORT: Address already in use' and exits 1" {
    start_server ch05
    for chapter in "${CHAPTERS[@]}"; do
        run_program -1 timeout 5 "$REPO/$chapter/server" "$PORT" 127.0.0.1
        assert_equal "$stderr" "server: bind 127.0.0.1:$PORT: Address already in use"
        assert_equal "$output" ""
    done
}

@test "a client with no server says 'client: connect ADDRESS:PORT: Connection refused' and exits 1" {
    start_server ch05
    local port=$PORT
    kill -TERM "${REAPERS[0]}"
    wait_until 2 count_is 0 sockets listening "$port"
    for chapter in "${CHAPTERS[@]}"; do
        run_program -1 timeout 5 "$REPO/$chapter/client" 127.0.0.1 "$port"
        assert_equal "$stderr" "client: connect 127.0.0.1:$port: Connection refused"
    done
}

@test "a client given an unknown host says 'client: resolve HOST: ...' and exits 1" {
    for chapter in "${CHAPTERS[@]}"; do
        run_program -1 timeout 5 "$REPO/$chapter/client" no-such-host.invalid 5051
        [[ $stderr == "client: resolve no-such-host.invalid: "* ]] || fail "unexpected: $stderr"
        [ "${#stderr_lines[@]}" -eq 1 ] || fail "more than one line: $stderr"
    done
}

@test "the server rejects an empty, signed or overflowing port, and one of more than 18 digits, zeros too, with usage and exit 2" {
    # Every chapter reads its arguments with common/args.cpp (tests/cli.bats
    # runs each one): ch05's server stands for all here.
    local server=$REPO/ch05/server
    misuse "$server" "bad port:  (want a number from 0 to 65535)" ""
    misuse "$server" "bad port: +80 (want a number from 0 to 65535)" +80
    misuse "$server" "bad port: 99999999999999999999 (want a number from 0 to 65535)" 99999999999999999999
    # 19 digits are more than strtol() is trusted with, whatever they say.
    misuse "$server" "bad port: 0000000000000000000 (want a number from 0 to 65535)" 0000000000000000000 127.0.0.1
}

@test "the client rejects out-of-range counts, a NaN or two-point interval, a missing value and --stdin with --repeat, with usage and exit 2" {
    # client.cpp is the same file in every chapter: ch05's stands for all.
    misuse "$CLIENT" "bad number of connections: 1001 (want 1 to 1000)" -c 1001
    misuse "$CLIENT" "bad repeat count: 0 (want 1 to 1000000)" -r 0
    misuse "$CLIENT" "bad interval: nan (want seconds, 0 to 3600)" -i nan
    misuse "$CLIENT" "bad interval: 1.2.3 (want seconds, 0 to 3600)" -i 1.2.3
    misuse "$CLIENT" "-r needs a value" -r
    misuse "$CLIENT" "bad port:  (want a number from 1 to 65535)" 127.0.0.1 ""
    misuse "$CLIENT" "--stdin and --repeat do not go together" --stdin -r 2
}

@test "a server given an address this machine does not have says 'server: bind ADDRESS:PORT: Cannot assign requested address' and exits 1" {
    for chapter in "${CHAPTERS[@]}"; do
        # 192.0.2.1 is TEST-NET-1 (RFC 5737): never a local address.
        run_program -1 timeout 5 "$REPO/$chapter/server" 0 192.0.2.1
        assert_equal "$stderr" "server: bind 192.0.2.1:0: Cannot assign requested address"
        assert_equal "$output" ""
    done
}

@test "the client exits 1 and names the message when an echo comes back changed" {
    start_background mangle "$PEER" mangle
    wait_until 2 grep -qs ' listening on ' "$BATS_TEST_TMPDIR/mangle.out"
    PORT=$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$BATS_TEST_TMPDIR/mangle.out")
    run_program -1 timeout 5 "$CLIENT" -n 1 -i 0 127.0.0.1 "$PORT"
    assert_output --partial 'sent: message 1 of 1'
    [[ $stderr == "client: "*"echo differs"* ]] || fail "stderr: $stderr"
}

@test "the client exits 1, saying the server closed the connection, when it closes before echoing" {
    start_background hangup "$PEER" hangup
    wait_until 2 grep -qs ' listening on ' "$BATS_TEST_TMPDIR/hangup.out"
    PORT=$(sed -n 's/.*:\([0-9]*\)$/\1/p' "$BATS_TEST_TMPDIR/hangup.out")
    run_program -1 timeout 5 "$CLIENT" -n 1 -i 0 127.0.0.1 "$PORT"
    [[ $stderr == "client: the server closed the connection after echoing 0 of "*" bytes" ]] || fail "stderr: $stderr"
}

@test "subreaper --usage writes the CPU time and page faults of the processes it reaped, in microseconds" {
    local usage=$BATS_TEST_TMPDIR/usage
    run -0 "$REPO/build/tools/subreaper" --usage "$usage" sh -c 'i=0; while [ $i -lt 100000 ]; do i=$((i + 1)); done'
    run -0 cat "$usage"
    assert_output --regexp '^cpu_us=[0-9]+ faults=[0-9]+$'
    # 100,000 turns of a shell loop take tens of milliseconds of CPU.
    (($(sed 's/cpu_us=\([0-9]*\).*/\1/' "$usage") > 10000)) || fail "$output"
}

@test "subreaper without a command prints its usage and exits 2" {
    run -2 "$REPO/build/tools/subreaper" --usage
    assert_output "usage: subreaper [--keep-group] [--usage FILE] [--default-signals] COMMAND [ARG...]"
}

#!/usr/bin/env bats
# Real peers: standard programs in place of ours. Debian's socat and ncat as
# clients of every chapter's server, and our client against socat running a
# fork-per-client echo server of its own (EXEC:cat).

load ../helpers

command -v socat >/dev/null || SKIP_FILE="socat is not installed (apt-get install socat)"
command -v ncat >/dev/null || SKIP_FILE="ncat is not installed (apt-get install ncat)"

# random_input: 256 KiB of random bytes in $BATS_TEST_TMPDIR/random.in.
random_input() {
    head -c 262144 /dev/urandom >"$BATS_TEST_TMPDIR/random.in"
}

# size_is BYTES FILE: FILE holds BYTES bytes.
size_is() {
    [ "$(wc -c <"$2")" -eq "$1" ]
}

@test "socat and ncat, as clients, get 256 KiB of random bytes back unchanged from every chapter's server" {
    local chapter tool
    local -A ports=()
    random_input
    for chapter in "${CHAPTERS[@]}"; do
        start_server "$chapter"
        ports[$chapter]=$PORT
    done
    # All ten at once. Each half-closes at the end of its input, but only
    # ch01 and ch05 close the connection then: in ch02 to ch04 the parent's
    # copy keeps it open. So wait for the bytes, not for the programs, which
    # teardown kills (directly: under timeout, they would outlive it).
    for chapter in "${CHAPTERS[@]}"; do
        PROGRAM_INPUT=$BATS_TEST_TMPDIR/random.in PROGRAM_ERR=$BATS_TEST_TMPDIR/$chapter.socat.err
        start_program "$BATS_TEST_TMPDIR/$chapter.socat" socat - "TCP:127.0.0.1:${ports[$chapter]}"
        PROGRAM_INPUT=$BATS_TEST_TMPDIR/random.in PROGRAM_ERR=$BATS_TEST_TMPDIR/$chapter.ncat.err
        start_program "$BATS_TEST_TMPDIR/$chapter.ncat" ncat 127.0.0.1 "${ports[$chapter]}"
    done
    for chapter in "${CHAPTERS[@]}"; do
        for tool in socat ncat; do
            wait_until 5 size_is 262144 "$BATS_TEST_TMPDIR/$chapter.$tool"
            cmp "$BATS_TEST_TMPDIR/random.in" "$BATS_TEST_TMPDIR/$chapter.$tool" ||
                fail "$tool's echo from $chapter differs"
        done
    done
}

@test "our client gets its messages, 256 KiB of random bytes and 5 connections at once echoed by 'socat TCP-LISTEN:0,fork EXEC:cat'" {
    # -d -d makes socat say which port the kernel chose.
    start_background socat socat -d -d TCP-LISTEN:0,bind=127.0.0.1,fork,reuseaddr EXEC:cat
    local err=$BATS_TEST_TMPDIR/socat.err
    wait_until 3 grep -q ' listening on AF=2 127.0.0.1:' "$err"
    PORT=$(sed -n 's/.* listening on AF=2 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$err")
    run -0 timeout 5 "$CLIENT" -n 3 -i 0 127.0.0.1 "$PORT"
    assert_line --regexp '^echo: message 3 of 3 from client [0-9]+$'
    random_input
    timeout 5 "$CLIENT" --stdin 127.0.0.1 "$PORT" <"$BATS_TEST_TMPDIR/random.in" >"$BATS_TEST_TMPDIR/random.out"
    cmp "$BATS_TEST_TMPDIR/random.in" "$BATS_TEST_TMPDIR/random.out"
    run -0 timeout 5 "$CLIENT" -c 5 -n 2 -i 0 127.0.0.1 "$PORT"
    assert_equal "$(grep -c '^connection [1-5]: echo: ' <<<"$output")" 10
}

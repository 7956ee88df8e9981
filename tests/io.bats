#!/usr/bin/env bats
# What common/io.cpp's byte loops ask of the kernel that no claim sees,
# shown by strace: the size of the echo's reads, and the client's
# TCP_QUICKACK before each read of an echo. Every chapter links the same
# loops: ch05's server and client stand for all.

load helpers

# LeakSanitizer cannot work under ptrace (strace), and fails the program
# that ends there: off for the traced programs of a sanitized build.
NO_LEAK_CHECK=ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0

# calls_on TRACE FD: the system calls of TRACE (strace's lines, one
# process's) made on descriptor FD once socket() has returned it.
calls_on() {
    awk -v fd="$2" '$0 ~ "^socket\\(.* = " fd "$" { on = 1; next } on && index($0, "(" fd ",")' "$1"
}

@test "the echo asks read(2) for its whole 4096-byte buffer each time, the first read and the one that sees the end" {
    local trace=$BATS_TEST_TMPDIR/reads child
    # -ff: a file per process, so that no call is split in the trace.
    SERVER_PREFIX=(env "$NO_LEAK_CHECK" strace -ff -qq -e trace=read -e signal=none -o "$trace")
    start_server ch05
    run -0 timeout 5 "$CLIENT" -n 1 -i 0 127.0.0.1 "$PORT"
    wait_until 2 file_has "$LOG" ' disconnected'
    child=$(sed -n 's/^\[[0-9]*\] child \([0-9]*\) serves client .*/\1/p' "$LOG")
    [ -n "$child" ]
    wait_until 2 file_matches "$trace.$child" '^read\([0-9]+, "", [0-9]+\) += 0$'
    run -0 grep '^read(' "$trace.$child"
    ((${#lines[@]} >= 2)) || fail "one read for a message and its end: $output"
    for line in "${lines[@]}"; do
        [[ $line =~ ,\ 4096\)\ +=\ [0-9]+$ ]] || fail "a read that does not ask for 4096 bytes: $line"
    done
}

@test "the client acknowledges each echo at once: setsockopt(TCP_QUICKACK) before every read of its socket" {
    local trace=$BATS_TEST_TMPDIR/client fd
    start_server ch05
    run -0 timeout 5 env "$NO_LEAK_CHECK" strace -qq -e trace=socket,setsockopt,read -e signal=none -o "$trace" \
        "$CLIENT" -n 3 -i 0 127.0.0.1 "$PORT"
    fd=$(sed -n 's/^socket(AF_INET, .*) = \([0-9]*\)$/\1/p' "$trace")
    [ -n "$fd" ] || fail "no socket in the trace: $(cat "$trace")"
    run -0 calls_on "$trace" "$fd"
    local reads=0 previous=''
    for line in "${lines[@]}"; do
        if [[ $line == read\(* ]]; then
            reads=$((reads + 1))
            [[ $previous == "setsockopt($fd, SOL_TCP, TCP_QUICKACK, [1], 4) = 0" ]] ||
                fail "read $reads not preceded by TCP_QUICKACK: after \"$previous\""
        fi
        previous=$line
    done
    ((reads >= 3)) || fail "only $reads reads of the socket for 3 echoes"
}

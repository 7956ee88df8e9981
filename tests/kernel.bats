#!/usr/bin/env bats
# What the kernel and the compiler do that the chapters rely on, or that a
# tutorial asks about, shown on this machine: each test holds a process in
# the window it is about (strace delays a system call), so that what it
# shows, it shows on every run.

load helpers
load lib/claims

# mask_of PID KEY: the hex mask of line KEY (ShdPnd, SigPnd, SigBlk) of
# /proc/PID/status, in MASK.
mask_of() {
    local key value
    MASK=
    while read -r key value; do
        [ "$key" = "$2:" ] && { MASK=$value; return 0; }
    done <"/proc/$1/status"
    return 1
}

# in_syscall PID NUMBER: process PID is held (by strace, state t) in the
# system call NUMBER.
in_syscall() {
    local number rest
    [ "$(state "$1")" = t ] || return 1
    read -r number rest 2>/dev/null <"/proc/$1/syscall" || return 1
    [ "$number" = "$2" ]
}

# The number of clone(2) on this machine's architecture, which glibc's
# fork() calls.
clone_number() {
    case $(uname -m) in
    x86_64) echo 56 ;;
    aarch64) echo 220 ;;
    *) return 1 ;;
    esac
}

@test "a child starts with no pending signal: ch06's SIGTERM pending at fork() stays with the parent, the child echoes" {
    local clone child
    clone=$(clone_number) || skip "clone's number on $(uname -m) is not known here"
    # fork() held half a second before the call (a SIGTERM is sent then) and
    # 1.5 s after it (the two processes are read then), times TIME_SCALE;
    # the child is not traced.
    trace_server strace -qq -o "$BATS_TEST_TMPDIR/trace" -e trace=clone \
        -e inject=clone:delay_enter=$((500000 * ${TIME_SCALE:-1})):delay_exit=$((1500000 * ${TIME_SCALE:-1}))
    serve ch06
    open_client a
    feed a $'before the fork\n'
    wait_until 2 in_syscall "$SERVER_PID" "$clone"
    no_children "$SERVER_PID"
    kill -TERM "$SERVER_PID"
    # Blocked outside pselect(): pending in the parent, as the fork begins.
    mask_of "$SERVER_PID" ShdPnd
    assert_equal "$MASK" 0000000000004000
    wait_until 3 first_child "$SERVER_PID"
    child=$(first_child "$SERVER_PID")
    # The child resets and unblocks SIGTERM and serves: a pending SIGTERM
    # would have ended it there, before its first echo.
    wait_until 3 client_got a 'before the fork'
    mask_of "$child" ShdPnd
    assert_equal "$MASK" 0000000000000000
    mask_of "$child" SigPnd
    assert_equal "$MASK" 0000000000000000
    mask_of "$SERVER_PID" ShdPnd
    assert_equal "$MASK" 0000000000004000
    # Once fork() returns, the parent takes its SIGTERM and stops the child.
    wait_until 8 gone "$SERVER_PID"
    wait_until 2 count_is 1 log_count 'stopped: every child reaped'
}

@test "fork() is not interrupted: a SIGCHLD caught during it (no SA_RESTART) makes the kernel restart it, and ch04 gets its child" {
    local clone trace=$BATS_TEST_TMPDIR/trace
    clone=$(clone_number) || skip "clone's number on $(uname -m) is not known here"
    trace_server strace -qq -o "$trace" -e trace=clone,accept -e inject=clone:delay_enter=$((500000 * ${TIME_SCALE:-1})) -e signal=SIGCHLD
    serve ch04
    open_client a
    feed a $'hello\n'
    wait_until 2 in_syscall "$SERVER_PID" "$clone"
    # ch04's handler has no SA_RESTART: this SIGCHLD makes accept() fail
    # with EINTR. Sent while fork() is held, it interrupts fork() instead.
    kill -CHLD "$SERVER_PID"
    wait_until 3 client_got a hello
    wait_until 2 count_is 1 log_count ' serves client '
    run cat "$trace"
    assert_line --regexp '^clone\(.*\) = \? ERESTARTNOINTR \(To be restarted\)'
    assert_line --regexp '^clone\(.*\) = [0-9]+'
    refute_line --regexp '^clone\(.*EINTR'
    assert_equal "$(log_count 'accept interrupted')" 0
    [ ! -s "$ERR" ]
}

# compile_error: g++ checks the C++ program on standard input, which must
# not compile; its messages, in ASCII quotes, are in output and lines.
compile_error() {
    command -v g++ >/dev/null || skip "no g++"
    run -1 env LC_ALL=C g++ -fsyntax-only -x c++ -
}

@test "g++ stops at signal(SIGCHLD, SIG_IGN) without <signal.h>, with the course's other headers: 'SIGCHLD' was not declared in this scope" {
    compile_error <<'EOF_PROGRAM'
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <unistd.h>

int main() {
    signal(SIGCHLD, SIG_IGN);
}
EOF_PROGRAM
    assert_line --partial "<stdin>:10:12: error: 'SIGCHLD' was not declared in this scope"
}

@test "g++ stops at #include <siganl.h>: siganl.h: No such file or directory" {
    compile_error <<<'#include <siganl.h>'
    assert_line --partial "<stdin>:1:10: fatal error: siganl.h: No such file or directory"
}

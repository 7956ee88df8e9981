#!/usr/bin/env bats
# make trace-chNN: each chapter's experiment under strace, drawn as process
# lanes (scripts/trace, build/tools/lanes), shows the chapter's lesson on
# every run; and make check-chNN ends with the command that draws a claim
# that does not hold. (tests/lanes.bats checks the drawing itself from a
# trace written by hand, in make test.)

load ../helpers
load ../lib/audit
load ../lib/exercises

# The traces are of a reader's build: a sanitized server's own calls (ASan's
# threads and interceptors) fill them.
[ -z "${SANITIZE:-}" ] || SKIP_FILE="make trace-chNN draws a reader's build, not a sanitized one"

# trace CH [OPTIONS...]: scripts/trace OPTIONS CH, which must succeed and
# print nothing wider than 80 columns.
trace() {
    local chapter=$1 line
    shift
    run "$REPO/scripts/trace" "$@" "$chapter"
    assert_success
    while IFS= read -r line; do
        ((${#line} <= 80)) || fail "wider than 80 columns: $line"
    done <<<"$output"
}

# rows WHO TEXT: how many rows of process WHO (P, 1, 2...) say TEXT.
rows() {
    local n=0 line
    while IFS= read -r line; do
        [[ $line =~ ^\ *[0-9]+\.[0-9]{3}\ [\ *+|:zx]*\ \ $1\ (.*)$ ]] && [[ ${BASH_REMATCH[1]} == *"$2"* ]] && n=$((n + 1))
    done <<<"$output"
    echo "$n"
}

@test "trace-ch01 shows one process: the second connection is accepted only after the first client has left and its socket is closed" {
    trace ch01
    [ "$(rows P 'fork()')" -eq 0 ]
    [ "$(rows P 'accept() = 4')" -eq 2 ]
    local texts
    texts=$(sed -n 's/^ *[0-9.]* *\* *P //p' <<<"$output" | tr '\n' '/')
    [ "$texts" = "accept() = 4: a connection/read() = 0: the client left/close(4): a connection/accept() = 4: a connection/read() = 0: the client left/close(4): a connection/" ]
}

@test "trace-ch02 shows a child per client, each exiting and left <defunct>: a zombie to the end, never reaped" {
    trace ch02
    [ "$(rows P 'fork() = ')" -eq 5 ]
    [ "$(rows P 'waitpid()')" -eq 0 ]
    local k
    for k in 1 2 3 4 5; do
        [ "$(rows "$k" 'exited, status 0')" -eq 1 ]
        assert_line --regexp "^ *[0-9.]+ +$k <defunct>: a zombie [0-9.]+ s, never reaped$"
    done
}

@test "trace-ch03 shows SIGCHLD set to SIG_IGN and every child freed at its exit: no zombie, no waitpid()" {
    trace ch03
    [ "$(rows P 'sigaction(SIGCHLD): SIG_IGN')" -eq 1 ]
    local k
    for k in 1 2 3 4 5; do [ "$(rows "$k" 'exited, status 0, freed at once')" -eq 1 ]; done
    [ "$(rows P 'waitpid()')" -eq 0 ]
    refute_output --partial '<defunct>'
    refute_line --regexp '^ *[0-9.]+ .* z '
}

@test "trace-ch04 shows SIGCHLD interrupting accept() with EINTR, and one SIGCHLD for the three children that exited while the server was held, all three reaped by its loop" {
    trace ch04
    [ "$(rows P 'sigaction(SIGCHLD): a handler, no SA_RESTART')" -eq 1 ]
    [ "$(rows P 'SIGCHLD (child')" -eq 3 ]
    [ "$(rows P 'accept() = -1 EINTR')" -eq 3 ]
    [ "$(rows P 'waitpid() = ')" -eq 8 ]
    refute_output --partial '<defunct>'
    # Held: three exits, then one SIGCHLD, then three reaps in one handler.
    local texts
    texts=$(sed -n '/P stopped (SIGSTOP): held/,/accept() = -1 EINTR/s/^ *[0-9.]* [ *|:zx+]*  P //p' <<<"$output" |
        sed 's/[0-9][0-9.]*/N/g' | tr '\n' '/')
    [ "$texts" = "stopped (SIGSTOP): held/SIGCHLD (child N exited)/SIGCONT: continued/waitpid() = N: child N, a zombie N ms/waitpid() = N: child N, a zombie N ms/waitpid() = N: child N, a zombie N ms/waitpid() = N: no other child has exited/accept() = -N EINTR/" ]
}

@test "trace-ch05 shows the parent closing each connected socket after fork() and each child closing the listening socket" {
    trace ch05
    [ "$(rows P 'close(4): a connection')" -eq 5 ]
    local k
    for k in 1 2 3 4 5; do
        [ "$(rows "$k" 'close(3): the listening socket')" -eq 1 ]
        [ "$(rows "$k" 'close(4): a connection')" -eq 1 ]
    done
    [ "$(rows P 'close(3)')" -eq 0 ]
}

@test "trace-ch06 shows the stop: SIGTERM, the listening socket closed, the connected child ended and reaped, and the parent's exit with status 0" {
    trace ch06
    local texts
    texts=$(sed -n '/P SIGTERM delivered/,$s/^ *[0-9.]* [ *|:zx+]*  \([P0-9]\) /\1 /p' <<<"$output" |
        sed 's/([0-9]*,/(N,/; s/= [0-9]*:/= N:/; s/zombie [0-9.]*/zombie N/' | tr '\n' '/')
    [[ $texts == "P SIGTERM delivered/P pselect() = -1 EINTR/P close(3): the listening socket/P kill(N, SIGTERM): child 2/"* ]] ||
        fail "the rows from SIGTERM on: $texts"
    [[ $texts == *"2 killed by SIGTERM/"*"P waitpid() = N: child 2, a zombie N ms/P waitpid() = -1 ECHILD/P exited, status 0/" ]] ||
        fail "the rows from SIGTERM on: $texts"
    refute_output --partial '<defunct>'
}

@test "trace-ch04 with EXERCISE=1 draws the reader's server: ch03's, untouched, ignores SIGCHLD" {
    make_run exercise-ch04
    make_run trace-ch04 EXERCISE=1
    assert_success
    assert_line "ch04: $EXERCISES/ch04/server"
    assert_output --partial 'P sigaction(SIGCHLD): SIG_IGN'
    refute_output --partial 'EINTR'
}

@test "make check-ch04 ends, when a claim does not hold, with the command that draws its run, and that command draws it" {
    make_run exercise-ch04
    run_check ch04 "backlog reports-exit"
    assert_failure
    # The report's last line (make's own error line follows on stderr).
    assert_output --partial $'1 of 2 claims hold\nTo draw the run of reports-exit on your server: make trace-ch04 EXERCISE=1 CLAIM=reports-exit\nmake: '
    make_run trace-ch04 EXERCISE=1 CLAIM=reports-exit
    assert_success
    assert_line --regexp '^claim reports-exit does not hold: child [0-9]+ was killed by SIGKILL'
    assert_output --regexp ' killed by SIGKILL'
}

# diagram_after FILE TEXT: the Mermaid block that follows the first line of
# FILE containing TEXT, pids replaced by PID.
diagram_after() {
    awk -v text="$2" 'index($0, text) { found = 1 } found && /^```mermaid$/ { on = 1; next }
        on && /^```$/ { exit } on' "$1" | pid_free
}

# pid_free: a Mermaid diagram from build/tools/lanes, with its participants'
# pids replaced by PID (the rest of it holds none).
pid_free() {
    sed -E 's/^(    participant .* )[0-9]+$/\1PID/'
}

@test "the run diagrams of the chapter READMEs are generated: a new run of make trace-chNN MERMAID=1 gives the same events in the same order, pids aside" {
    local chapter readme drawn
    for chapter in ch01 ch04; do
        run "$REPO/scripts/trace" --mermaid "$chapter"
        assert_success
        drawn=$(pid_free <<<"$output")
        [ "$(grep -c '^    participant ' <<<"$drawn")" -ge 1 ]
        for readme in "$REPO/$(chapter_dir "$chapter")"/README{,.zh-CN}.md; do
            assert_equal "$(diagram_after "$readme" "make trace-$chapter MERMAID=1")" "$drawn"
        done
    done
}

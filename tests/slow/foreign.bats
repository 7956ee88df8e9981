#!/usr/bin/env bats
# make check-chNN SERVER=... on the stand-ins of tests/tools/standin.cpp:
# each claim ends with a verdict within its time limit, whatever the server
# does (echoes line by line, never echoes, answers "ok", reads its port from
# standard input, unless the command line gives it there), and the report
# speaks Chinese too. (tests/foreign.bats, in make test, has the n/a claim.)

load ../helpers
load ../lib/audit
load ../lib/foreign

@test "a line-by-line server fails the echo claims, whose client waits for each chunk's echo before it sends the next, in 5 s each" {
    grade_with ch04 "echo echo-exact" "$STANDIN line {port}"
    assert_failure
    assert_line --index 0 '  does not hold  echoes every byte back: 256 KiB of random bytes, and numbered messages'
    assert_line --index 1 --regexp '^      observed: 256 KiB sent a chunk at a time, each once the one before came back whole: [0-9]+ bytes did, then the client waited 5 s for the rest$'
    assert_line --regexp '^      observed: binary input sent a chunk at a time, each once the one before came back whole: [0-9]+ bytes did, then the client waited 5 s for the rest$'
    assert_line '0 of 2 claims hold'
}

@test "a server that never echoes, or answers ok, fails the echo claim; one that reads its port from standard input could not run" {
    grade_with ch02 echo "$STANDIN silent {port}"
    assert_failure
    assert_line --index 1 '      observed: 256 KiB sent a chunk at a time, each once the one before came back whole: 0 bytes did, then the client waited 5 s for the rest'
    grade_with ch02 echo "$STANDIN ok {port}"
    assert_failure
    assert_line --index 0 '  does not hold  echoes every byte back: 256 KiB of random bytes, and numbered messages'
    grade_with ch02 "echo concurrent" "$STANDIN stdin"
    assert_failure
    assert_line --index 0 '  could not run  echoes every byte back: 256 KiB of random bytes, and numbered messages'
    assert_line --index 1 --regexp '^      observed: it never listened on the port it was given \([0-9]+\), but on [0-9]+$'
    assert_line --index 2 '  could not run  echoes a second client while the first stays connected'
    assert_line --index 4 '0 of 2 claims hold'
}

@test "a server that reads its port from standard input is graded, and drawn, when the command line gives it: SERVER='echo {port} | PROGRAM'" {
    # A path from the top of the repository, as a reader gives one.
    grade_with ch02 "echo concurrent" "echo {port} | ${STANDIN#"$REPO"/} stdin"
    assert_failure
    assert_line --index 0 '  does not hold  echoes every byte back: 256 KiB of random bytes, and numbered messages'
    assert_line '  holds          echoes a second client while the first stays connected'
    assert_line '1 of 2 claims hold'
    assert_line "To draw the run of echo on your server: make trace-ch02 SERVER='echo {port} | build/tests/standin stdin' CLAIM=echo"
    make_run trace-ch02 SERVER='echo {port} | build/tests/standin stdin'
    assert_success
    assert_line --index 0 'ch02: echo {port} | build/tests/standin stdin'
    assert_line --regexp '^ +[0-9.]+ +\* +\+ .* P fork\(\) = [0-9]+: child 1$'
    # The program after the | is looked for at once, as a lone one is.
    grade_with ch02 echo "echo {port} | build/tests/no-such-server"
    assert_failure
    assert_line --partial 'needs an executable program (or a command line that runs one)'
}

@test "LANG=zh_CN.UTF-8: n/a and the count say so in Chinese" {
    LANG=zh_CN.UTF-8 grade_with ch04 "reports-exit eintr-no-error" "$STANDIN line {port}"
    assert_success
    assert_line --index 0 '  不适用   记录每个子进程如何结束："exited with status 0"、"killed by signal 9"'
    assert_line --index 1 '      不适用：需要本仓库的日志行 “[PID] reaped child PID: exited with status N”'
    assert_line --index 3 '1 条论断中 1 条成立，另有 1 条不适用'
}

@test "a claim still running after its time limit (CLAIM_SECONDS) is ended, and does not hold" {
    CLAIM_SECONDS=2 grade_with ch02 echo "$STANDIN silent {port}"
    assert_failure
    assert_line --index 0 '  does not hold  echoes every byte back: 256 KiB of random bytes, and numbered messages'
    assert_line --index 1 '      observed: the claim did not end within 2 s'
    assert_line '0 of 1 claims hold'
    assert_nothing_left
}

@test "the claim gdb holds a server for finds the wait of a dynamically linked one: its EINTR taken as no error holds" {
    [ -z "${SANITIZE:-}" ] || skip "gdb cannot hold a sanitized program (lib/claims-table.bash: UNSANITIZED_ONLY)"
    grade_with ch04 "accept-interrupted errno-survives-handler" "$STANDIN eintr {port}"
    assert_success
    assert_line --index 0 '  holds          has its wait for a client interrupted by SIGCHLD (EINTR): no SA_RESTART'
    assert_line --index 1 '  holds          takes a failed wait'"'"'s EINTR for what it is when a second SIGCHLD is handled before errno is read (held there by gdb)'
    assert_line --index 2 '2 of 2 claims hold'
}

@test "tests/run --server with a server built here reads its log: ch05's against ch06's column fails the four stop claims, none n/a" {
    run_program -1 "$REPO/tests/run" --server ch05/server ch06
    assert_line --regexp '^# stops-on-term does not hold: a second after SIGTERM, still running: '
    assert_line '# stops-on-ctrl-c does not hold: exit status 130 (killed by signal 2)'
    assert_line '# stops-idle does not hold: exit status 143 (killed by signal 15)'
    assert_line --regexp '^# stops-with-stopped-child does not hold: a second after SIGTERM, still running: '
    refute_output --partial 'n/a'
}

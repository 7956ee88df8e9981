#!/usr/bin/env bats
# make check-chNN SERVER=...: the claims grade a server of another make,
# here a stand-in of tests/tools/standin.cpp, which prints no log line: a
# claim that reads the repository's log lines is n/a. (tests/slow/foreign.bats
# has the other stand-ins, the time limit and the Chinese report.)

load helpers
load lib/audit
load lib/foreign

@test "a server that echoes line by line, restarts accept() (SA_RESTART) and logs nothing: the EINTR claim does not hold, the log's is n/a, and the report ends with the command that draws the first failed claim" {
    grade_with ch04 "concurrent reports-exit accept-interrupted eintr-no-error" "$STANDIN line {port}"
    assert_failure
    assert_line --index 0 '  holds          echoes a second client while the first stays connected'
    assert_line --index 1 '  n/a            logs how each child ended: "exited with status 0", "killed by signal 9"'
    assert_line --index 2 '      n/a: needs the repository'"'"'s log line "[PID] reaped child PID: exited with status N"'
    assert_line --index 3 '  does not hold  has its wait for a client interrupted by SIGCHLD (EINTR): no SA_RESTART'
    assert_line --index 4 '      observed: a SIGCHLD handler ran, and the kernel restarted accept() after it (SA_RESTART)'
    assert_line --index 7 '  holds          takes an interrupted accept() as no error: stderr empty, next client served'
    assert_line --index 8 '2 of 3 claims hold, 1 n/a'
    assert_line --index 9 "To draw the run of accept-interrupted on your server: make trace-ch04 SERVER='$STANDIN line {port}' CLAIM=accept-interrupted"
    assert_equal "${#lines[@]}" 11 # and make's error line
    assert_nothing_left
}

#!/usr/bin/env bats
# make demo-ch01 ... demo-ch04 (tests/docs.bats runs demo-ch05): each shows
# what its chapter's README says, and leaves no process behind. Here, with
# the slow tests, to keep make test under 30 s on 2 cores; CI runs them.

load ../helpers
load ../lib/audit

@test "make demo-ch01 shows the second client echoed only after the first leaves, and leaves no process or listening socket behind" {
    run_demo ch01
    assert_line 'B| (nothing yet)'
    assert_line 'B| hello from B'
    # B has nothing while A is connected, its echo only after A's ^D.
    local waiting echoed a_left
    waiting=$(grep -nxF 'B| (nothing yet)' <<<"$output" | cut -d: -f1)
    a_left=$(grep -nxF 'A> ^D' <<<"$output" | cut -d: -f1)
    echoed=$(grep -nxF 'B| hello from B' <<<"$output" | cut -d: -f1)
    ((waiting < a_left && a_left < echoed))
}

@test "make demo-ch02 shows a child per client, then a <defunct> zombie per client, and leaves no process or listening socket behind" {
    run_demo ch02
    assert_equal "$(output_count '$ ps -o pid,ppid,stat,cmd --ppid ')" 2
    assert_equal "$(grep -cE '^ *[0-9]+ +[0-9]+ [RS] +\./ch02/server 0 127\.0\.0\.1$' <<<"$output")" 3
    assert_equal "$(grep -cE '^ *[0-9]+ +[0-9]+ Z +\[server\] <defunct>$' <<<"$output")" 3
}

@test "make demo-ch03 shows a child per client and no zombie after they leave, and leaves no process or listening socket behind" {
    run_demo ch03
    assert_equal "$(output_count '$ ps -o pid,ppid,stat,cmd --ppid ')" 3
    assert_equal "$(grep -cE '^ *[0-9]+ +[0-9]+ [RS] +\./ch03/server 0 127\.0\.0\.1$' <<<"$output")" 3
    assert_equal "$(grep -cE '^ *[0-9]+ +[0-9]+ Z ' <<<"$output")" 0
    assert_line --partial 'client -c 5 -n 1 -i 0 127.0.0.1 '
    assert_line --regexp '^connection 5: echo: '
}

@test "make demo-ch04 shows the reaped and EINTR lines, a burst of -c 5 reaped in full, and leaves no process or listening socket behind" {
    run_demo ch04
    assert_equal "$(grep -cE '^server\| \[[0-9]+\] reaped child [0-9]+: exited with status 0$' <<<"$output")" 7
    assert [ "$(output_count 'accept interrupted by a signal (EINTR), calling it again')" -ge 2 ]
    assert_line --partial 'client -c 5 -n 1 -i 0 127.0.0.1 '
    assert_equal "$(grep -cE '^ *[0-9]+ +[0-9]+ Z ' <<<"$output")" 0
}

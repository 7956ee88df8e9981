#!/usr/bin/env bats
# make demo-ch01 ... demo-ch04 and demo-ch06 (tests/docs.bats runs
# demo-ch05): each shows what its chapter's README says, and leaves no
# process behind. Here, with the slow tests, to keep make test under 30 s on
# 2 cores; CI runs them.

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

@test "make demo-ch06 shows ch05's children outliving a kill, adopted by the subreaper, and ch06's ended and reaped, exit status 0, the port free, and leaves no process or listening socket behind" {
    run_demo ch06
    local ch05 ch06 reaper
    ch05=$(sed -n '/^# ---- ch05 ----$/,/^# ---- ch06 ----$/p' <<<"$output")
    ch06=$(sed -n '/^# ---- ch06 ----$/,$p' <<<"$output")
    # ch05: after the kill, ps still lists the three children, their parent
    # now the subreaper, and A is still echoed.
    reaper=$(sed -n 's/^\$ kill \([0-9]*\) .*# the subreaper: it kills the orphans of server .*/\1/p' <<<"$ch05")
    [ -n "$reaper" ] || fail "ch05's part does not kill the subreaper"
    assert_equal "$(grep -cE "^ *[0-9]+ +$reaper S +\./ch05/server 0 127\.0\.0\.1$" <<<"$ch05")" 3
    assert_equal "$(grep -cxF 'A| still there?' <<<"$ch05")" 1
    # ch06: each child killed by SIGTERM and reaped by the server, the
    # count of them, exit status 0; ps lists the three children before the kill and
    # none after it; D's connection is closed.
    assert_equal "$(grep -cE '^server\| \[[0-9]+\] reaped child [0-9]+: killed by signal 15$' <<<"$ch06")" 3
    assert_line --regexp '^server\| \[[0-9]+\] stopping: no new clients; SIGTERM to the 3 children still serving$'
    assert_equal "$(grep -cE '^ *[0-9]+ +[0-9]+ [A-Z]+ +\./ch06/server ' <<<"$ch06")" 3
    assert_line --regexp '^D\| client: the server closed the connection after echoing 0 of 13 bytes$'
    # A new ch06 listens on the same port, then stops idle; both exit 0.
    assert_equal "$(demo_ports | sed -n '2,3p' | uniq | wc -l)" 1
    assert_line --regexp '^server\| \[[0-9]+\] stopping: no new clients; SIGTERM to the 0 children still serving$'
    assert_equal "$(grep -cE '^server\| \[[0-9]+\] stopped: every child reaped$' <<<"$ch06")" 2
    assert_equal "$(grep -cxF "# the server's exit status: 0" <<<"$ch06")" 2
}

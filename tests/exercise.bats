#!/usr/bin/env bats
# Exercise mode: make exercise-chNN gives the reader the chapter before's
# server to fix; make check-chNN grades it by the chapter's claims, by
# behaviour alone. (tests/slow/exercises.bats runs every chapter in full,
# checks the report of a solution that passes and of wrong ones, and the
# Chinese one.)

load helpers
load lib/audit
load lib/exercises

@test "make exercise-ch04 copies ch03's server.cpp into exercises/ch04/ and prints the task; it never overwrites the reader's file" {
    make_run exercise-ch04
    assert_success
    cmp "$REPO/$(chapter_dir ch03)/server.cpp" "$EXERCISES/ch04/server.cpp"
    assert_output --partial 'log_child_status(pid, status)'
    assert_line 'Check it with: make check-ch04'
    echo '// the reader was here' >>"$EXERCISES/ch04/server.cpp"
    cp "$EXERCISES/ch04/server.cpp" "$BATS_TEST_TMPDIR/mine"
    make_run exercise-ch04
    assert_success
    assert_line "$EXERCISES/ch04/server.cpp is already there: it is yours, and stays as it is."
    cmp "$BATS_TEST_TMPDIR/mine" "$EXERCISES/ch04/server.cpp"
}

@test "make check-ch04 on the untouched file names the claims ch03's server breaks, what was seen and where to read, and exits non-zero" {
    make_run exercise-ch04
    run_check ch04 "backlog reports-exit"
    assert_failure
    assert_line --regexp '^  holds +listens with a backlog of SOMAXCONN'
    assert_line --regexp '^  does not hold +logs how each child ended'
    assert_line --regexp '^      observed: child [0-9]+ was killed by SIGKILL'
    assert_line "      read: $(chapter_dir ch04)/README.md, \"3. The fix\""
    assert_line '1 of 2 claims hold'
    assert_nothing_left
}

#!/usr/bin/env bats
# Exercise mode, every chapter in full: make check-chNN fails the untouched
# starting file on exactly the claims the chapter's fix makes hold, passes
# the chapter's own server.cpp and the solutions written differently
# (tests/exercises/*.patch that fail no claim), and fails each wrong one on
# the claims its header names (tests/exercises/ and the chapters' variants);
# with LANG=zh_CN.UTF-8, the task and the report are in Chinese.

load ../helpers
load ../lib/audit
load ../lib/exercises
# shellcheck source=../../lib/claims-table.bash
source "$REPO/lib/claims-table.bash"

# expected_failures CH: the claims that hold in CH but fail in the chapter
# before: those the untouched file must fail.
expected_failures() {
    local before claim expected
    before=$(chapter_before "$1")
    declare -A was=()
    while read -r claim expected; do was[$claim]=$expected; done < <("$REPO/tests/matrix" column "$before")
    while read -r claim expected; do
        [ "$expected" = holds ] && [ "${was[$claim]:-}" = fails ] && echo "$claim"
    done < <("$REPO/tests/matrix" column "$1")
    return 0
}

# failed_claims: the claims the last run_check found not holding.
failed_claims() {
    local claim verdict _
    while IFS=$'\t' read -r claim verdict _; do
        [ "$verdict" = holds ] || echo "$claim"
    done <"$BATS_TEST_TMPDIR/results"
}

@test "every chapter's untouched exercise fails exactly the claims its fix makes hold, and the chapter's own server.cpp passes" {
    local chapter expected
    for chapter in "${CHAPTERS[@]:1}"; do
        rm -rf "$EXERCISES"
        make_run "exercise-$chapter"
        run_check "$chapter"
        assert_failure
        expected=$(expected_failures "$chapter" | sort)
        [ -n "$expected" ] || fail "$chapter: the matrix names no claim its fix makes hold"
        # Claims that say nothing in the chapter before may fail too: only
        # those the matrix says fail there are certain.
        for claim in $expected; do
            failed_claims | grep -qx "$claim" || fail "$chapter: the untouched file should fail $claim"$'\n'"$output"
        done
        solution "$chapter"
        run_check "$chapter"
        assert_success
    done
}

@test "each solution written differently passes, and each wrong one fails on the claims it names" {
    local patch claim
    for patch in "$REPO"/tests/exercises/*.patch "$REPO"/ch*/variants/*.patch; do
        read_patch "$patch"
        # Variants that change common/ are not a reader's server.cpp.
        [[ " ${PATCH_FILES[*]} " == *" common/"* ]] && continue
        # Its claims held by gdb, which cannot run under sanitizers.
        [ -z "$PATCH_UNRUNNABLE" ] || continue
        solution "$PATCH_CHAPTER" "$patch"
        run_check "$PATCH_CHAPTER"
        if [ ${#PATCH_FAILS[@]} -eq 0 ]; then
            assert_success
        else
            assert_failure
            for claim in "${PATCH_FAILS[@]}"; do
                failed_claims | grep -qx "$claim" || fail "${patch#"$REPO"/}: $claim should not hold"$'\n'"$output"
            done
        fi
    done
}

@test "make check-ch06 says a race claim could not run, with no hint, on a server gdb cannot stop at main(): one stripped of its symbols" {
    # Under sanitizers the race claims are not run (lib/claims-table.bash).
    [ -z "${SANITIZE:-}" ] || skip "gdb cannot hold a sanitized server"
    solution ch06
    make_run "$EXERCISES/ch06/server"
    assert_success
    strip "$EXERCISES/ch06/server"
    run_check ch06 "stops-between-check-and-wait"
    assert_failure
    assert_line --regexp '^  could not run +stops on a SIGTERM that comes after the loop has checked its flag'
    assert_line --regexp '^      observed: gdb could not stop the server at main\(\): the program has no symbols'
    refute_line --partial '      hint: '
    assert_line '0 of 1 claims hold'
}

@test "make check-ch04 passes the chapter's own fix, and fails one that reaps once per signal on the burst claim" {
    local claims="reports-exit reaps-burst"
    solution ch04
    run_check ch04 "$claims"
    assert_success
    assert_line '2 of 2 claims hold'
    solution ch04 "$REPO/$(scripts/variant path ch04-reap-once)"
    run_check ch04 "$claims"
    assert_failure
    assert_line --regexp '^  does not hold +reaps 6 children that exit during one stop'
    assert_line '1 of 2 claims hold'
}

@test "make check-ch05 fails a solution whose child keeps the listening socket on the restart claim" {
    solution ch05 "$REPO/$(scripts/variant path ch05-child-keeps-listener)"
    run_check ch05 "restart-after-kill"
    assert_failure
    assert_line --regexp '^  does not hold +can be killed and started again on its port at once'
    assert_line --regexp '^      observed: restarted at once on port [0-9]+: server: bind 127.0.0.1:[0-9]+: Address already in use$'
    assert_line '0 of 1 claims hold'
}

@test "with LANG=zh_CN.UTF-8, make exercise-ch04 and make check-ch04 speak Chinese, what was observed included" {
    LANG=zh_CN.UTF-8 make_run exercise-ch04
    assert_output --partial '自己回收每个子进程'
    LANG=zh_CN.UTF-8 run_check ch04 "reports-exit"
    assert_failure
    assert_line --regexp '^  不成立 +记录每个子进程如何结束'
    assert_line --regexp "^      观察到：子进程 [0-9]+ 被 SIGKILL 杀死：没有 'reaped child [0-9]+: killed by signal 9' 这一行$"
    assert_line "      阅读：$(chapter_dir ch04)/README.zh-CN.md，“3. 修改”"
    assert_line '1 条论断中 0 条成立'
}

#!/usr/bin/env bats
# Every shell block of every README runs as a reader pastes it, and prints
# what the README shows (tests/doctest says how the run differs from a
# reader's: 127.0.0.1, a port the kernel picks, pids set aside).

load ../helpers

@test "every shell block of every README runs as pasted and prints what the README shows" {
    local readmes failing
    [ -z "${SANITIZE:-}" ] || skip "the READMEs' commands are a reader's, built without sanitizers"
    readmes=$(find "$REPO" \( -path "$REPO/.git" -o -path "$REPO/build" -o -path "$REPO/exercises" \) -prune \
        -o -name 'README*.md' -print | sort)
    # shellcheck disable=SC2086
    run timeout 1200 "$REPO/tests/doctest" $readmes
    [ "$status" -eq 0 ] && return 0
    # A README whose blocks race with each other under load gets one more
    # run, alone; it must pass then, and the first run's output is shown.
    failing=$(sed -n 's/^not ok //p' <<<"$output")
    echo "# first run:" >&3
    sed 's/^/# /' <<<"$output" >&3
    # shellcheck disable=SC2086
    run timeout 600 "$REPO/tests/doctest" $failing
    assert_success
}

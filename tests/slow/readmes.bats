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
    DOCTEST_FAILED=$BATS_TEST_TMPDIR/failed run timeout 1200 "$REPO/tests/doctest" $readmes
    [ "$status" -eq 0 ] && return 0
    # A README whose blocks race with each other under load gets one more
    # run, alone; it must pass then, and the first run's output is shown.
    failing=$(cat "$BATS_TEST_TMPDIR/failed")
    echo "# first run:" >&3
    sed 's/^/# /' <<<"$output" >&3
    # shellcheck disable=SC2086
    run timeout 600 "$REPO/tests/doctest" $failing
    assert_success
}

# fixture_readme FILE: a README whose blocks print the same on every run:
# a server's first line and its SIGCHLD disposition (ch03 ignores it: bit
# 16, signal 17), its pid, and two lines in a fixed order.
fixture_readme() {
    cat >"$1" <<'README'
```console server
$ ./ch03/server
[100] listening on 0.0.0.0:5051
^C
```

```console other
$ grep -E '^(Pid|SigIgn)' /proc/100/status
Pid:	100
SigIgn:	0000000000010000
$ printf 'one\ntwo\n'
one
two
```
README
}

@test "the doc-test passes a README whose blocks print what it shows, its pid mapped" {
    fixture_readme "$BATS_TEST_TMPDIR/README.md"
    run "$REPO/tests/doctest" "$BATS_TEST_TMPDIR/README.md"
    assert_success
}

@test "the doc-test fails when two lines of a shown output are swapped" {
    fixture_readme "$BATS_TEST_TMPDIR/README.md"
    sed -i 's/^one$/two/; t; s/^two$/one/' "$BATS_TEST_TMPDIR/README.md"
    run "$REPO/tests/doctest" "$BATS_TEST_TMPDIR/README.md"
    assert_failure 1
    assert_output --partial "printf 'one\ntwo\n': the output differs"
}

@test "the doc-test fails when a digit of a shown signal mask is changed" {
    fixture_readme "$BATS_TEST_TMPDIR/README.md"
    sed -i 's/0000000000010000/0000000000030000/' "$BATS_TEST_TMPDIR/README.md"
    run "$REPO/tests/doctest" "$BATS_TEST_TMPDIR/README.md"
    assert_failure 1
    assert_output --partial "SigIgn: 0000000000030000"
}

@test "the doc-test fails when a shown pid is not the one it stands for elsewhere" {
    fixture_readme "$BATS_TEST_TMPDIR/README.md"
    sed -i 's/^Pid:\t100$/Pid:\t101/' "$BATS_TEST_TMPDIR/README.md"
    run "$REPO/tests/doctest" "$BATS_TEST_TMPDIR/README.md"
    assert_failure 1
}

@test "the doc-test relaxes a block's line order only under its mark, and wants the mark's reason" {
    fixture_readme "$BATS_TEST_TMPDIR/README.md"
    sed -i 's/^one$/two/; t; s/^two$/one/' "$BATS_TEST_TMPDIR/README.md"
    sed -i 's/^```console other$/<!-- varies: order: the fixture says so -->\n&/' "$BATS_TEST_TMPDIR/README.md"
    run "$REPO/tests/doctest" "$BATS_TEST_TMPDIR/README.md"
    assert_success
    sed -i 's/^<!-- varies: order: .*/<!-- varies: order -->/' "$BATS_TEST_TMPDIR/README.md"
    run "$REPO/tests/doctest" "$BATS_TEST_TMPDIR/README.md"
    assert_failure 1
}

# Exercise mode under test: solutions written into a scratch exercises
# folder (EXERCISES), never the reader's exercises/.

# Each test's exercises folder is its own: Bats sources this file again in
# each test's process, BATS_TEST_TMPDIR set (not when it counts the tests).
[ -z "${BATS_TEST_TMPDIR:-}" ] || export EXERCISES=$BATS_TEST_TMPDIR/exercises

# solution CH PATCH: EXERCISES/CH/server.cpp is chapter CH's own server.cpp
# with PATCH applied: a solution written differently (tests/exercises/), or
# a wrong one (a variant's patch). Without PATCH, the chapter's own file.
solution() {
    local dir
    dir=$(chapter_dir "$1")
    mkdir -p "$EXERCISES/$1/work/$dir"
    cp "$REPO/$dir/server.cpp" "$EXERCISES/$1/work/$dir/server.cpp"
    if [ -n "${2:-}" ]; then
        patch --quiet --batch -p1 -d "$EXERCISES/$1/work" <"$2" || return 1
    fi
    cp "$EXERCISES/$1/work/$dir/server.cpp" "$EXERCISES/$1/server.cpp"
}

# run_check CH [CLAIMS]: make check-CH, on those claims only if CLAIMS is given;
# the results of its claims, as expect_claim records them, in
# $BATS_TEST_TMPDIR/results. A whole column takes a while (minutes under the
# sanitizers).
run_check() {
    CLAIM_RESULTS=$BATS_TEST_TMPDIR/results CLAIMS=${2:-} MAKE_TIMEOUT=$((300 * ${TIME_SCALE:-1})) make_run "check-$1"
}

# What every .bats file loads: the assertions, the process harness
# (lib/harness.bash), a teardown that stops whatever a test started, and the
# few helpers about testing a server that several files use. Helpers of one
# topic live in tests/lib/ and are loaded where used.

bats_require_minimum_version 1.5.0

# bats-support and bats-assert, sourced file by file: their load.bash files
# run dirname a dozen times, which costs more than most of our tests.
load_assertions() {
    local dir file
    for dir in ${BATS_LIB_PATH//:/ } /usr/lib/bats; do
        [ -f "$dir/bats-support/load.bash" ] && [ -f "$dir/bats-assert/load.bash" ] || continue
        for file in "$dir"/bats-support/src/*.bash "$dir"/bats-assert/src/*.bash; do
            # shellcheck source=/dev/null
            source "$file"
        done
        return 0
    done
    echo "bats-support and bats-assert not found (BATS_LIB_PATH=${BATS_LIB_PATH:-})" >&2
    return 1
}
load_assertions

# shellcheck source=../lib/harness.bash
source "${BASH_SOURCE[0]%/*}/../lib/harness.bash"

# Before each test. Bats runs a DEBUG trap before each command of a test
# and, under set -T, of every function the test calls: a loop in the shell
# runs some 70 times slower. Without set -T a failure still names the line
# of the test that failed, if not the line inside the helper it called; a
# loop in a test's own body stays slow (move it into a function). A file
# whose tests cannot run here says why in SKIP_FILE, when it is loaded.
setup() {
    set +T
    [ -z "${SKIP_FILE:-}" ] || skip "$SKIP_FILE"
}

# Stops every client and server the test started, passed or failed.
teardown() {
    harness_cleanup
}

# run_program [-STATUS] COMMAND...: what Bats' run -STATUS --separate-stderr
# does (sets status, output, lines, stderr and stderr_lines, and fails the
# test if the status is not STATUS), with the output in files: only
# COMMAND's own process, where run starts three more (two subshells and a
# mktemp). For the tests that run a program once per chapter.
run_program() {
    local expected=
    [[ $1 =~ ^-[0-9]+$ ]] && { expected=${1#-}; shift; }
    status=0
    "$@" >"$BATS_TEST_TMPDIR/run.out" 2>"$BATS_TEST_TMPDIR/run.err" || status=$?
    output='' stderr=''
    IFS= read -r -d '' output <"$BATS_TEST_TMPDIR/run.out" || true
    IFS= read -r -d '' stderr <"$BATS_TEST_TMPDIR/run.err" || true
    while [[ $output == *$'\n' ]]; do output=${output%$'\n'}; done
    while [[ $stderr == *$'\n' ]]; do stderr=${stderr%$'\n'}; done
    IFS=$'\n' read -d '' -r -a lines <<<"$output" || true
    IFS=$'\n' read -d '' -r -a stderr_lines <<<"$stderr" || true
    [ -z "$expected" ] || [ "$status" -eq "$expected" ] ||
        fail "$(printf '%s exited with status %s, not %s\noutput: %s\nstderr: %s' "$*" "$status" "$expected" "$output" "$stderr")"
}

# misuse PROGRAM MESSAGE ARGS...: PROGRAM ARGS exits 2, its first line is
# "NAME: MESSAGE" and the usage follows.
misuse() {
    local program=$1 message=$2
    shift 2
    run_program -2 timeout 5 "$program" "$@"
    assert_equal "$output" ""
    assert_equal "${stderr_lines[0]}" "${program##*/}: $message"
    [[ ${stderr_lines[1]} == usage:* ]] || fail "no usage after the error: ${stderr_lines[1]}"
}

# line_count FILE: how many lines FILE has (0 if it does not exist); a
# counter (lib/harness/wait.bash).
line_count() {
    local line n=0
    [ -f "$1" ] || { counted 0; return 0; }
    while IFS= read -r line || [ -n "$line" ]; do n=$((n + 1)); done <"$1"
    counted "$n"
}

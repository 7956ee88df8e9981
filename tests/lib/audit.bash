# The make/demo audit: run a make target as a reader would, then check that
# it left nothing behind (tests/docs.bats, tests/slow/demos.bats).

# make_run TARGET...: runs make TARGET in the repository, with a mark in the
# environment that every process it starts inherits, so that the test can
# find any of them left running afterwards (assert_nothing_left). It may
# take MAKE_TIMEOUT seconds (20 by default).
make_run() {
    MARK="DOCS_BATS_MARK=$BATS_TEST_TMPDIR"
    session_orphans
    ORPHANS_BEFORE="${ORPHANS[*]}"
    run marked timeout "${MAKE_TIMEOUT:-20}" make --no-print-directory -s -C "$REPO" "$@" 3>&-
}

# marked COMMAND...: COMMAND with MARK in its environment, run in the
# subshell run starts (env would be a process more).
marked() {
    export "${MARK?}"
    exec "$@"
}

# session_orphans: orphaned_zombies (lib/harness/leftovers.bash) of this
# test's session. On these machines PID 1 may leave such a zombie for good.
# (Zombies of other sessions, other people's tests say, are none of ours.)
session_orphans() {
    local line
    read -r line <"/proc/$BASHPID/stat"
    [[ ${line##*) } =~ ^[A-Z]\ [0-9]+\ [0-9]+\ ([0-9]+) ]]
    orphaned_zombies "${BASH_REMATCH[1]}"
}

# assert_nothing_left PORT...: nothing that make started still runs (no
# process with its mark), this test has no child left (polled, in case one
# is still being reaped), no new orphaned zombie appeared in this session,
# and no socket listens on any PORT. (A process make leaves behind is an
# orphan: its parent is PID 1, not this test; the first and third checks
# are the ones that find it, alive or dead.)
assert_nothing_left() {
    local left= port zombie test_pid=$BASHPID
    marked_processes "$MARK"
    [ ${#MARKED[@]} -eq 0 ] || fail "processes left running: ${MARKED[*]}"
    wait_until 1 no_children "$test_pid"
    # (No <(...) here or anywhere in this file: bash does not wait for a
    # process substitution, which would be left an orphaned zombie itself.)
    session_orphans
    for zombie in "${ORPHANS[@]}"; do
        [[ " $ORPHANS_BEFORE " == *" $zombie "* ]] || left+="$zombie "
    done
    [ -z "$left" ] || fail "new orphaned zombies: $left"
    for port in "$@"; do
        assert_equal "$(sockets listening "$port")" 0
    done
}


# demo_ports: the ports the demo's servers listened on, from its output.
demo_ports() {
    sed -n 's/^server| \[[0-9]*\] listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' <<<"$output"
}

# output_count TEXT: how many lines of $output contain TEXT.
output_count() {
    grep -cF -- "$1" <<<"$output" || true
}

# run_demo CH: make demo-CH exits 0, says it is done, and leaves nothing.
run_demo() {
    make_run "demo-$1"
    assert_success
    assert_line '# done: the demo stops the server and every process it started.'
    local ports
    ports=$(demo_ports)
    [ -n "$ports" ] || fail "no 'listening on' line in the demo's output"
    # shellcheck disable=SC2086
    assert_nothing_left $ports
}

# The make/demo audit: run a make target as a reader would, then check that
# it left nothing behind (tests/docs.bats, tests/slow/demos.bats).

# make_run TARGET...: runs make TARGET in the repository, with a mark in the
# environment that every process it starts inherits, so that the test can
# find any of them left running afterwards (assert_nothing_left). It may
# take MAKE_TIMEOUT seconds (20 by default).
make_run() {
    MARK="DOCS_BATS_MARK=$BATS_TEST_TMPDIR"
    ORPHANS_BEFORE=$(orphaned_zombies)
    run env "$MARK" timeout "${MAKE_TIMEOUT:-20}" make --no-print-directory -s -C "$REPO" "$@" 3>&-
}

# orphaned_zombies: the zombies of this test's session whose parent is PID 1,
# as "PID (NAME)". On these machines PID 1 may leave such a zombie for good.
# (Zombies of other sessions, other people's tests say, are none of ours.)
orphaned_zombies() {
    local line session
    read -r line <"/proc/$BASHPID/stat"
    [[ ${line##*) } =~ ^[A-Z]\ [0-9]+\ [0-9]+\ ([0-9]+) ]] && session=${BASH_REMATCH[1]}
    ps -e -o pid=,ppid=,sess=,stat=,comm= |
        awk -v session="$session" '$2 == 1 && $3 == session && $4 ~ /^Z/ { print $1 " (" $5 ")" }'
}

# assert_nothing_left PORT...: nothing that make started still runs (no
# process with its mark), this test has no child left (polled, in case one
# is still being reaped), no new orphaned zombie appeared in this session,
# and no socket listens on any PORT. (A process make leaves behind is an
# orphan: its parent is PID 1, not this test; the first and third checks
# are the ones that find it, alive or dead.)
assert_nothing_left() {
    local left port after zombie test_pid=$BASHPID
    left=$(grep -lsaF -- "$MARK" /proc/[0-9]*/environ || true)
    [ -z "$left" ] || fail "processes left running: $(for f in $left; do f=${f%/environ}; tr '\0' ' ' <"$f/cmdline"; echo; done)"
    wait_until 1 no_children "$test_pid"
    # (No <(...) here or anywhere in this file: bash does not wait for a
    # process substitution, which would be left an orphaned zombie itself.)
    after=$(orphaned_zombies)
    left=
    while IFS= read -r zombie; do
        [ -n "$zombie" ] || continue
        [[ $'\n'$ORPHANS_BEFORE$'\n' == *$'\n'$zombie$'\n'* ]] || left+="$zombie "
    done <<<"$after"
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

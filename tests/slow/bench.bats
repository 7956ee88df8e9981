#!/usr/bin/env bats
# make bench-quick (bench/run --quick) on ch01, ch05 and the minimal C
# server: what its tables say that does not depend on the machine's speed,
# that its chart draws them, and that it leaves nothing behind. One run for
# the whole file.

load ../helpers
load ../lib/audit

setup_file() {
    # The bench measures the servers a reader builds, not sanitized ones.
    [ -z "${SANITIZE:-}" ] || return 0
    export BENCH_SERVERS="ch01 ch05 minimal"
    BATS_TEST_TMPDIR=$BATS_FILE_TMPDIR MAKE_TIMEOUT=60 make_run bench-quick 4>&-
    # The mark itself stays out of this file's environment: assert_nothing_left
    # looks for it in every process's.
    export BENCH_STATUS=$status ORPHANS_BEFORE
    printf '%s\n' "$output" >"$BATS_FILE_TMPDIR/output"
}

[ -z "${SANITIZE:-}" ] || SKIP_FILE="the bench measures the servers a reader builds, not sanitized ones"
# Each test reads the one run's output, as if it had run it itself.
MARK="DOCS_BATS_MARK=${BATS_FILE_TMPDIR:-}"
if [ -f "${BATS_FILE_TMPDIR:-}/output" ]; then
    mapfile -t lines <"$BATS_FILE_TMPDIR/output"
    printf -v output '%s\n' "${lines[@]}"
    output=${output%$'\n'}
fi

@test "bench: make bench-quick runs to its end: exit status 0" {
    [ "$BENCH_STATUS" = 0 ] || fail "make bench-quick exited $BENCH_STATUS: $output"
}

# memory SERVER CLIENTS: that row of build/bench/memory.tsv, tab-separated:
# server clients procs rss pss uss pte children_rss children_uss children_pte kernel
memory() {
    awk -F'\t' -v s="$1" -v n="$2" '$1 == s && $2 == n' "$REPO/build/bench/memory.tsv"
}

@test "bench: with 100 idle clients ch05 runs 101 processes, and a child's own pages (USS) are under a quarter of what ps shows for it (RSS)" {
    local row procs rss uss
    row=$(memory ch05 100)
    procs=$(cut -f3 <<<"$row") rss=$(cut -f8 <<<"$row") uss=$(cut -f9 <<<"$row")
    assert_equal "$procs" 101
    ((uss > 0 && uss * 4 < rss)) || fail "children's USS $uss KiB against RSS $rss KiB"
    assert_line --regexp '^ratio: memory per client at 100, ch05, USS KiB: [0-9.]+$'
}

@test "bench: with 100 idle clients ch01 is one process whose memory did not grow with them" {
    local idle busy
    idle=$(memory ch01 0) busy=$(memory ch01 100)
    assert_equal "$(cut -f3 <<<"$busy")" 1
    # RSS and USS of the one process: the same page count, give or take a page.
    (($(cut -f4 <<<"$busy") - $(cut -f4 <<<"$idle") <= 4)) || fail "ch01 grew: $idle / $busy"
}

@test "bench: forkfloor's mappings are fewest linked as a static PIE, then with only libc shared, most with libstdc++ shared; ch05 has a static PIE's" {
    local maps pie c libc cxx ch05
    maps=$(awk -F'\t' 'NR > 1 { m[$2] = $8 } END { print m["static-pie"], m["c-shared"], m["cxx-libc"], m["cxx-shared"] }' "$REPO/build/bench/floors.tsv")
    read -r pie c libc cxx <<<"$maps"
    ((pie < c && c == libc && libc < cxx)) || fail "mappings: static PIE $pie, C $c, static libstdc++ $libc, shared libstdc++ $cxx"
    assert_line --regexp '^servers. own mappings: ch01 [0-9]+, ch05 [0-9]+, minimal [0-9]+$'
    # Where make could link a static PIE (build/server-ldflags), it did.
    if grep -q -- -static-pie "$REPO/build/server-ldflags"; then
        ch05=$(awk -F'\t' '$1 == "ch05" { print $2 }' "$REPO/build/bench/maps.tsv")
        assert_equal "$ch05" "$pie"
    fi
}

@test "bench: fork() costs more CPU the more memory the parent has touched, three sizes in turn, the largest over twice the cost of none" {
    local mib line cpu=()
    # A server holding a large cache in memory (the course notes warn about
    # large allocations): fork() copies the page table entries of every page
    # it has written, whatever the child then does.
    for mib in 0 64 256; do
        line=$("$REPO/build/bench/forkfloor-c-shared" -d 0.3 -n 2000 -m "$mib") || fail "forkfloor -m $mib failed"
        [[ $line =~ cpu_us=([0-9.]+) ]] || fail "forkfloor printed: $line"
        cpu+=("${BASH_REMATCH[1]}")
    done
    awk -v a="${cpu[0]}" -v b="${cpu[1]}" -v c="${cpu[2]}" 'BEGIN { exit !(a < b && b < c && c > 2 * a) }' ||
        fail "CPU per fork with 0, 64, 256 MiB touched: ${cpu[*]} us"
}

# crossover_rate THINK SERVER: SERVER's connections a second at THINK ms of
# think time, from build/bench/crossover.tsv.
crossover_rate() {
    awk -F'\t' -v think="$1" -v server="$2" '$1 == think && $2 == server { print $3 }' "$REPO/build/bench/crossover.tsv"
}

@test "bench: at a 0 ms think time (short connections) ch01 serves over a fifth more connections a second than ch05, in one run" {
    local ch01 ch05
    ch01=$(crossover_rate 0 ch01)
    ch05=$(crossover_rate 0 ch05)
    # The course (三): processes are for concurrency, not speed. Each of
    # ch05's connections costs a fork(), an exit and a waitpid() on top of
    # the echo, and with nothing to wait for, ch01 never waits either.
    awk -v a="$ch01" -v b="$ch05" 'BEGIN { exit !(b > 0 && a > 1.2 * b) }' ||
        fail "at 0 ms: ch01 $ch01/s, ch05 $ch05/s"
}

@test "bench: at a 50 ms think time ch01 serves at most 1/50 ms = 20 connections a second, and ch05 over five times as many" {
    local ch01 ch05
    ch01=$(crossover_rate 50 ch01)
    ch05=$(crossover_rate 50 ch05)
    awk -v a="$ch01" -v b="$ch05" 'BEGIN { exit !(a > 0 && a <= 20.5 && b > 5 * a) }' ||
        fail "at 50 ms: ch01 $ch01/s, ch05 $ch05/s"
    assert_line --regexp '^ch05 (overtakes ch01 at a think time of about [0-9.]+ ms|is ahead of ch01 at every think time measured)'
}

@test "bench: every connection of the load table is echoed whole, ratios are printed beside RESULTS.md's, and nothing is left running" {
    assert_equal "$(awk -F'\t' 'NR > 1 { e += $5; c += $4 } END { print e + 0, (c > 0) }' "$REPO/build/bench/runs.tsv")" "0 1"
    assert_line --regexp '^conns/s, short, ch05 / minimal +[0-9.]+ +[0-9.]+$'
    assert_nothing_left
}

@test "bench: the chart (build/bench/bench.svg) is a whole SVG of six panels that shows this run's figures" {
    local svg=$REPO/build/bench/bench.svg dir=$REPO/build/bench title cps p50 rss cross
    [ -s "$svg" ] || fail "no chart: $svg"
    run -0 head -c 200 "$svg"
    assert_output --partial '<svg'
    assert_equal "$(grep -c '^</svg>$' "$svg")" 1
    for title in "Short requests: connections per second" "Slow clients (50 ms think time): connections per second" \
        "Short requests: CPU time per connection" "Fork floor: fork() + _exit() + waitpid()" \
        "Think time against connections per second" "Memory per client at 100 idle clients"; do
        grep -qF "$title" "$svg" || fail "no panel \"$title\" in $svg"
    done
    # Each figure as the chart prints it, from summary.awk's tables.
    read -r cps p50 <<<"$(awk -F'\t' '$1 == "short" && $2 == "ch05" { printf "%.0f %s\n", $3, ($6 >= 10 ? sprintf("%.0f", $6) : sprintf("%.1f", $6)) }' "$dir/results.tsv")"
    grep -qF ">$cps /s, p50 $p50 ms<" "$svg" || fail "ch05's $cps /s (p50 $p50 ms) is not on the chart"
    rss=$(awk -F'\t' '$1 == "ch05" && $2 == 100 { printf "%.0f", $3 }' "$dir/memory-summary.tsv")
    grep -qF ">$rss KiB<" "$svg" || fail "ch05's RSS per client, $rss KiB, is not on the chart"
    cross=$(awk -F'\t' 'NR == 2 && $4 ~ /^[0-9.]+$/ { printf "%.2f", $4 }' "$dir/crossover-summary.tsv")
    [ -z "$cross" ] || grep -qF ">ch05 ahead from $cross ms<" "$svg" || fail "no crossover mark at $cross ms"
}

@test "bench/run rejects an unknown argument with its usage and exit 2" {
    run -2 "$REPO/bench/run" --slow
    assert_output "usage: bench/run [--quick]"
}

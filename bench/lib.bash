# bench/lib.bash: starting, stopping and measuring the servers of make bench.
# shellcheck disable=SC2034 # SERVER_PID, SERVER_PORT, USED_CPU_US and USED_FAULTS are for bench/run
# Sourced by bench/run, which sets OUT (build/bench) and LOGMODE.
#
#   bench_start NAME      starts server NAME; sets SERVER_PID, SERVER_PORT
#                         (on failure it has stopped what it started)
#   bench_stop            stops the last server started; sets USED_CPU_US
#                         and USED_FAULTS (its tree's, subreaper --usage)
#   bench_settle          waits (2 s at most) until the server has no child
#   bench_stop_all        stops every server still running (the EXIT trap)
#   tree_memory PID       "PROCS RSS PSS USS PTE" in KiB, PID and its children,
#                         then "RSS USS PTE" of its children alone
#   kernel_memory         KiB the kernel holds in stacks, page tables and
#                         unreclaimable slab (/proc/meminfo)
#   machine_busy          "LOAD1 BUSY%": load average, and the share of CPU
#                         time not idle over the next second

BENCH_SUBREAPERS=()
BENCH_NOTES=()

# bench_note TEXT: a line printed under the tables.
bench_note() {
    BENCH_NOTES+=("$*")
}

# bench_command NAME PORT: the command line of server NAME.
bench_command() {
    local name=$1 port=$2 extra
    case $name in
    ch01 | ch05 | ch05-dyn | ch05-libc | minimal-pie) echo "$OUT/$name-server $port 127.0.0.1" ;;
    minimal) echo "$OUT/minimal_fork_server $port 127.0.0.1" ;;
    # socat's listen backlog is 5 unless told, tcpserver looks the client up
    # in DNS and ident unless told: both cost seconds here that have nothing
    # to do with processes (see bench/README.md), so both are told.
    socat) echo "socat TCP-LISTEN:$port,bind=127.0.0.1,fork,reuseaddr,backlog=4096 EXEC:cat" ;;
    tcpserver) echo "tcpserver -H -R -l 0 127.0.0.1 $port cat" ;;
    *)
        for extra in ${BENCH_EXTRA:-}; do
            [ "${extra%%=*}" = "$name" ] && { echo "${extra#*=} $port 127.0.0.1"; return 0; }
        done
        return 1
        ;;
    esac
}

bench_start() {
    local name=$1 port cmd=() out tries=0 child=
    SERVER_PID='' SERVER_PORT=''
    port=$("$OUT/loadgen" --free-port) || return 1
    read -r -a cmd <<<"$(bench_command "$name" "$port")"
    [ ${#cmd[@]} -gt 0 ] || { echo "bench: unknown server $name" >&2; return 1; }
    command -v "${cmd[0]}" >/dev/null || return 1
    if [ "$LOGMODE" = null ]; then out=/dev/null; else out=$OUT/logs/$name.log; fi
    rm -f "$OUT/usage"
    "$OUT/subreaper" --usage "$OUT/usage" "${cmd[@]}" >>"$out" 2>>"$OUT/logs/$name.err" &
    BENCH_SUBREAPERS+=($!)
    if "$OUT/loadgen" --wait "$port" -d 5; then
        while [ -z "$child" ] && [ $tries -lt 250 ]; do
            child=$(pgrep -P "${BENCH_SUBREAPERS[-1]}" | head -n 1)
            [ -n "$child" ] || sleep 0.02
            tries=$((tries + 1))
        done
    fi
    [ -n "$child" ] || { bench_stop; return 1; }
    SERVER_PID=$child SERVER_PORT=$port
}

bench_stop() {
    local sub
    USED_CPU_US=0 USED_FAULTS=0
    [ ${#BENCH_SUBREAPERS[@]} -gt 0 ] || return 1
    sub=${BENCH_SUBREAPERS[-1]}
    kill -TERM "$sub" 2>/dev/null
    wait "$sub" 2>/dev/null
    unset 'BENCH_SUBREAPERS[-1]'
    [ -f "$OUT/usage" ] || return 1
    read -r USED_CPU_US USED_FAULTS < <(sed 's/[a-z_]*=//g' "$OUT/usage")
}

bench_settle() {
    local tries=0
    while pgrep -P "$SERVER_PID" >/dev/null && [ $tries -lt 100 ]; do
        sleep 0.02
        tries=$((tries + 1))
    done
}

bench_stop_all() {
    local sub
    for sub in "${BENCH_SUBREAPERS[@]}"; do kill -TERM "$sub" 2>/dev/null; done
    for sub in "${BENCH_SUBREAPERS[@]}"; do wait "$sub" 2>/dev/null; done
    BENCH_SUBREAPERS=()
}

# Pss and the private pages (USS) come from smaps_rollup, the page tables
# from status (VmPTE), which smaps does not count. Prints the tree's
# "PROCS RSS PSS USS PTE", then the same of PID's children alone: "RSS USS PTE".
tree_memory() {
    local pid
    for pid in "$1" $(pgrep -P "$1"); do
        [ "$pid" = "$1" ] && echo "process parent" || echo "process child"
        cat "/proc/$pid/smaps_rollup" "/proc/$pid/status" 2>/dev/null
    done | awk '/^process/ { child = $2 == "child"; procs++ }
         /^Rss:/ { rss += $2; if (child) crss += $2 } /^Pss:/ { pss += $2 }
         /^Private_(Clean|Dirty):/ { uss += $2; if (child) cuss += $2 }
         /^VmPTE:/ { pte += $2; if (child) cpte += $2 }
         END { printf "%d %d %d %d %d %d %d %d\n", procs, rss, pss, uss, pte, crss, cuss, cpte }'
}

kernel_memory() {
    awk '/^(KernelStack|PageTables|SUnreclaim):/ { kib += $2 } END { print kib + 0 }' /proc/meminfo
}

machine_busy() {
    local load before after
    read -r load _ </proc/loadavg
    before=$(head -n 1 /proc/stat)
    sleep 1
    after=$(head -n 1 /proc/stat)
    # cpu user nice system idle iowait irq softirq steal ...
    printf '%s\n%s\n' "$before" "$after" | awk -v load="$load" '
        { total[NR] = 0; for (i = 2; i <= NF; i++) total[NR] += $i; idle[NR] = $5 + $6 }
        END { t = total[2] - total[1]; busy = t > 0 ? 100 * (1 - (idle[2] - idle[1]) / t) : 0
              printf "%s %.0f\n", load, busy }'
}

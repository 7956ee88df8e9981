# bench/lib.bash: starting, stopping and measuring the servers of make bench,
# through the harness (lib/harness.bash), which starts every server.
# shellcheck disable=SC2034 # SERVER_PORT, USED_CPU_US and USED_FAULTS are for bench/run
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

# shellcheck source=../lib/harness.bash
source lib/harness.bash
SUBREAPER=$OUT/subreaper
HARNESS_TMP=$OUT/logs
BENCH_NOTES=()

# bench_note TEXT: a line printed under the tables.
bench_note() {
    BENCH_NOTES+=("$*")
}

# bench_command NAME: the command line of server NAME, for start_server:
# {port} and {address} stand for its port and address.
bench_command() {
    local name=$1 extra
    case $name in
    ch01 | ch05 | ch05-dyn | ch05-libc | minimal-pie) echo "$OUT/$name-server {port} {address}" ;;
    minimal) echo "$OUT/minimal_fork_server {port} {address}" ;;
    # socat's listen backlog is 5 unless told, tcpserver looks the client up
    # in DNS and ident unless told: both cost seconds here that have nothing
    # to do with processes (see bench/README.md), so both are told.
    socat) echo "socat TCP-LISTEN:{port},bind={address},fork,reuseaddr,backlog=4096 EXEC:cat" ;;
    tcpserver) echo "tcpserver -H -R -l 0 {address} {port} cat" ;;
    *)
        for extra in ${BENCH_EXTRA:-}; do
            [ "${extra%%=*}" = "$name" ] && { echo "${extra#*=} {port} {address}"; return 0; }
        done
        return 1
        ;;
    esac
}

bench_start() {
    local name=$1 port command
    SERVER_PID='' SERVER_PORT=''
    port=$("$OUT/loadgen" --free-port) || return 1
    command=$(bench_command "$name") || { echo "bench: unknown server $name" >&2; return 1; }
    command -v "${command%% *}" >/dev/null || return 1
    rm -f "$OUT/usage"
    SERVER_OUT=$OUT/logs/$name.log
    [ "$LOGMODE" = null ] && SERVER_OUT=/dev/null
    REAPER_OPTIONS=(--usage "$OUT/usage")
    start_server "$command" "$port" || { stop_server; return 1; }
    SERVER_PORT=$PORT
}

bench_stop() {
    USED_CPU_US=0 USED_FAULTS=0
    [ ${#REAPERS[@]} -gt 0 ] || return 1
    stop_server
    [ -f "$OUT/usage" ] || return 1
    read -r USED_CPU_US USED_FAULTS < <(sed 's/[a-z_]*=//g' "$OUT/usage")
}

bench_settle() {
    poll 2 no_children "$SERVER_PID" || true
}

bench_stop_all() {
    harness_cleanup
}

# Pss and the private pages (USS) come from smaps_rollup, the page tables
# from status (VmPTE), which smaps does not count. Prints the tree's
# "PROCS RSS PSS USS PTE", then the same of PID's children alone: "RSS USS PTE".
tree_memory() {
    local pid
    for pid in "$1" $(child_pids "$1"); do
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

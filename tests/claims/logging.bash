# Claims about the log: one line per event, printed once, in one write(2).

# claim_log_once SERVER: with its output in a file, 4 clients: one
# "listening on" line, 4 "connected" lines (nothing buffered for fork() to
# copy and print again).
claim_log_once() {
    serve "$1" || return 2
    run_clients 4 || return 2
    wait_until 2 count_is 4 log_count ' disconnected' || return 2
    poll 0.2 count_is 1 log_count ' listening on ' && [ "$(log_count ' connected')" -eq 4 ] && return 0
    observe "%s 'listening on' lines and %s 'connected' lines for 4 clients" "4 个客户端，%s 行 'listening on'，%s 行 'connected'" "$(log_count ' listening on ')" "$(log_count ' connected')"
    return 1
}

# claim_log_one_write SERVER: each log line is written with a single
# write(2) (so lines of parent and children never interleave), as strace
# shows: every write to standard output is one whole line.
claim_log_one_write() {
    local trace writes partial lines
    trace=$HARNESS_TMP/writes
    # -ff: a file per process, so that no call is split in the trace.
    trace_server strace -ff -qq -s 4096 -e trace=write -e signal=none -o "$trace"
    serve "$1" || return 2
    run_clients 2 || return 2
    wait_until 2 count_is 2 log_count ' disconnected' || return 2
    wait_until 2 all_served || return 2
    # The last lines may still be on their way to the log and the trace.
    poll 0.3 writes_are_lines "$trace" && return 0
    lines=$(grep -c . "$LOG")
    writes=$(cat "$trace".* | grep -c '^write(1, ')
    partial=$(cat "$trace".* | grep '^write(1, ' | grep -cvE '\\n", [0-9]+\) += [0-9]+$' || true)
    observe "%s log lines took %s write(2) calls (%s not ending a line)" "%s 行日志用了 %s 次 write(2)（其中 %s 次没有以换行结尾）" "$lines" "$writes" "$partial"
    return 1
}

# writes_are_lines TRACE: the writes to descriptor 1 in the strace files
# TRACE.* are as many as the log's lines, and each ends with a newline
# (read by the shell: it is polled).
writes_are_lines() {
    local file line lines=() writes=0 entries=0
    for file in "$1".*; do
        mapfile -t lines 2>/dev/null <"$file" || continue
        for line in "${lines[@]}"; do
            [[ $line == 'write(1, '* ]] || continue
            writes=$((writes + 1))
            [[ $line =~ \\n\",\ [0-9]+\)\ +=\ [0-9]+$ ]] || return 1
        done
    done
    mapfile -t lines <"$LOG"
    for line in "${lines[@]}"; do [ -z "$line" ] || entries=$((entries + 1)); done
    [ "$writes" -eq "$entries" ]
}

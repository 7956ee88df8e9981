# Claims about the log: one line per event, printed once, in one write(2).

# claim_log_once SERVER: with its output in a file, 4 clients: one
# "listening on" line, 4 "connected" lines (nothing buffered for fork() to
# copy and print again). And a line the server has printed with stdio but
# not yet written, waiting in its stdout buffer (put there by gdb, as a
# printf() would leave it), is not written by each child as it ends: a
# child ends without flushing what it inherited (_exit(), not exit()).
# Under a tracer (make trace-chNN CLAIM=log-once) gdb cannot attach, and
# that line is left out.
claim_log_once() {
    local stdio=0
    # Without LeakSanitizer (make SANITIZE=...): gdb's call leaves its string
    # malloc'ed in the server, and a child that exit()s would die of that
    # leak report before flushing its buffer.
    ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 serve "$1" || return 2
    if ! traced "$SERVER_PID"; then
        stdio_pending "$SERVER_PID" || {
            observe "gdb could not put a line in the server's stdout buffer" "gdb 没能把一行放进服务端的 stdout 缓冲区"
            return 2
        }
        stdio=1
    fi
    run_clients 4 || return 2
    wait_until 2 count_is 4 client_count disconnected || return 2
    wait_until 2 count_is 0 live_children "$SERVER_PID" || return 2
    poll 0.2 count_is 1 log_count ' listening on ' && [ "$(client_count connected)" -eq 4 ] || {
        observe "%s 'listening on' lines and %s 'connected' lines for 4 clients" "4 个客户端，%s 行 'listening on'，%s 行 'connected'" "$(log_count ' listening on ')" "$(client_count connected)"
        return 1
    }
    ((stdio == 0)) || [ "$(log_count 'printed with stdio, not yet written')" -le 1 ] && return 0
    observe "a line it had printed with stdio but not yet written (put in its buffer by gdb) was written %s times by 4 children as they ended" "一行它用 stdio 打印了但还没写出的内容（由 gdb 放进它的缓冲区），被结束时的 4 个子进程写出了 %s 次" "$(log_count 'printed with stdio, not yet written')"
    return 1
}

# stdio_pending PID: gdb has process PID (its stdout a file, so fully
# buffered) print a line with stdio, which stays in its buffer: fwrite()'s
# own step, as a static program may have no fwrite() to call.
stdio_pending() {
    timeout 10 gdb -batch-silent -nx -p "$1" \
        -ex 'call (long)_IO_file_xsputn(*(void**)&stdout, "printed with stdio, not yet written\n", 36)' >/dev/null 2>&1
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
    wait_until 2 count_is 2 client_count disconnected || return 2
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

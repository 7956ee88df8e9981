# Claims about the echo itself: every byte comes back, from every chapter,
# whatever the client does.

# claim_echo SERVER: 256 KiB of random bytes come back unchanged (64 times
# the 4 KiB read buffer), and the client's numbered messages too.
claim_echo() {
    serve "$1" || return 2
    head -c 262144 /dev/urandom >"$HARNESS_TMP/random.in"
    local status=0
    timeout 5 "$CLIENT" --stdin 127.0.0.1 "$PORT" <"$HARNESS_TMP/random.in" >"$HARNESS_TMP/random.out" 2>"$HARNESS_TMP/random.err" || status=$?
    if [ "$status" -eq 124 ]; then
        observe "256 KiB sent a chunk at a time, each once the one before came back whole: %s bytes did, then the client waited 5 s for the rest" "256 KiB 分块发送，前一块完整回来才发下一块：完整回来了 %s 字节，之后客户端等了 5 秒也没等到其余的" "$(wc -c <"$HARNESS_TMP/random.out")"
        return 1
    fi
    [ "$status" -eq 0 ] || { observe "the client failed: %s" "客户端失败了：%s" "$(tail -n 1 "$HARNESS_TMP/random.err")"; return 1; }
    cmp -s "$HARNESS_TMP/random.in" "$HARNESS_TMP/random.out" ||
        { observe "256 KiB sent, %s bytes came back, not the same" "发出 256 KiB，收回 %s 字节，内容不同" "$(wc -c <"$HARNESS_TMP/random.out")"; return 1; }
    run_clients 1 -n 3 ||
        { observe "the numbered messages were not echoed" "编了号的消息没有得到回声"; return 1; }
    return 0
}

# claim_echo_exact SERVER: every byte value, empty lines and 1 MiB with no
# newline come back exactly; no input, no echo.
claim_echo_exact() {
    local dir escapes
    dir=$HARNESS_TMP
    printf -v escapes '\\%03o' {0..255}
    printf "$escapes\n\n\n\n\n" >"$dir/input"
    head -c 1048576 /dev/urandom | tr '\n' x >>"$dir/input"
    serve "$1" || return 2
    local status=0
    timeout 5 "$CLIENT" --stdin 127.0.0.1 "$PORT" <"$dir/input" >"$dir/echo" 2>/dev/null || status=$?
    [ "$status" -ne 124 ] ||
        { observe "binary input sent a chunk at a time, each once the one before came back whole: %s bytes did, then the client waited 5 s for the rest" "二进制数据分块发送，前一块完整回来才发下一块：完整回来了 %s 字节，之后客户端等了 5 秒也没等到其余的" "$(wc -c <"$dir/echo")"; return 1; }
    [ "$status" -eq 0 ] || { observe "the client failed on binary input" "输入二进制数据时客户端失败了"; return 1; }
    cmp -s "$dir/input" "$dir/echo" || { observe "binary input: the echo differs" "二进制输入：回声不一样"; return 1; }
    timeout 5 "$CLIENT" --stdin 127.0.0.1 "$PORT" </dev/null >"$dir/nothing" ||
        { observe "the client failed on no input" "没有输入时客户端失败了"; return 1; }
    [ ! -s "$dir/nothing" ] || { observe "no input, yet an echo" "没有输入，却有回声"; return 1; }
}

# claim_peer_reset SERVER: a client that resets the connection, while the
# server waits to read and while it writes, costs one error line each from
# the process serving it, and the server serves the next client.
claim_peer_reset() {
    serve "$1" || return 2
    timeout 5 "$PEER" idle-reset 127.0.0.1 "$PORT" >/dev/null || { observe "the resetting peer was not echoed" "发送重置的那一端没有得到回声"; return 1; }
    poll 2 file_has "$ERR" 'read from client: Connection reset by peer' ||
        { observe "a reset while the server waited to read was not reported" "服务端等待读取时收到的重置没有报告"; return 1; }
    timeout 5 "$PEER" reset 127.0.0.1 "$PORT" >/dev/null || { observe "the resetting peer was not echoed" "发送重置的那一端没有得到回声"; return 1; }
    poll 2 count_is 2 client_count disconnected || { observe "a reset connection was never closed" "被重置的连接一直没有关闭"; return 1; }
    local resets
    resets=$(grep -c 'Connection reset by peer' "$ERR" || true)
    [ "$resets" -le 2 ] || { observe "%s error lines for two resets" "两次重置，%s 行错误信息" "$resets"; return 1; }
    run_clients 1 || { observe "the next client was not served after a reset" "重置之后，下一个客户端没有得到服务"; return 1; }
    alive "$SERVER_PID" || { observe "the server died" "服务端死了"; return 1; }
}

# claim_no_sigpipe SERVER: a client vanishes before its echo is written:
# the write fails with EPIPE, reported in one line, and SIGPIPE kills no
# process (send() with MSG_NOSIGNAL).
claim_no_sigpipe() {
    local serving
    serve "$1" || return 2
    open_peer gone vanish
    wait_until 2 client_got gone echoed || return 2
    serving=$(serving_process)
    kill -STOP "$serving"
    wait_until 2 held "$serving" || return 2
    feed gone $'go\n'
    wait_until 3 client_got gone vanished || return 2
    kill -CONT "$serving"
    wait_until 2 reported_or_gone "$serving" || return 2
    if poll 0.3 file_has "$ERR" "write to client: Broken pipe"; then
        return 0
    fi
    observe "no 'Broken pipe' error line; the serving process: %s" "没有 'Broken pipe' 错误行；提供服务的进程：%s" "$(state "$serving" || true)$(grep -o 'killed by signal 13' "$LOG" || true)"
    return 1
}

# reported_or_gone PID: the server has reported a broken pipe, or process
# PID is gone.
reported_or_gone() {
    file_has "$ERR" "Broken pipe" || gone "$1"
}

# claim_closed_std_fds SERVER: started with descriptors 0, 1 and 2 closed,
# the server still echoes exactly, and its log goes nowhere near a client.
claim_closed_std_fds() {
    SERVER_STDIO=closed
    start_server "$1" || return 2
    run_clients 1 -n 3 || { observe "the echo differs: %s" "回声不一样：%s" "$(tail -n 2 "$HARNESS_TMP/clients.out" | tr '\n' ' ')"; return 1; }
    local fd
    for fd in 0 1 2; do
        [ "$(readlink "/proc/$SERVER_PID/fd/$fd")" = /dev/null ] ||
            { observe "descriptor %s is %s" "描述符 %s 是 %s" "$fd" "$(readlink "/proc/$SERVER_PID/fd/$fd")"; return 1; }
    done
}

# claim_accept_errors SERVER: out of descriptors (ulimit -n 4: 0, 1, 2 and
# the listening socket), every accept() fails: Linux takes the new
# descriptor before it waits for a client, so the failures start at once,
# client or not. The server stays up, and reports it a few times a second,
# not thousands (it pauses between tries): the lines are counted over half
# a second timed here, not since the start, which a server whose log is
# buffered makes the harness wait for longer.
claim_accept_errors() {
    local before after start_us elapsed_us per_second
    if ! SERVER_FD_LIMIT=4 serve "$1"; then
        [ "$SERVER_FAILURE" = exited ] || return 2
        observe "the server ended on an accept() error: %s" "服务端因 accept() 出错而结束：%s" "$(head -n 1 "$ERR")"
        return 1
    fi
    start_program /dev/null "$CLIENT" -n 1 -i 0 127.0.0.1 "$PORT"
    if ! wait_until 2 file_has "$ERR" 'Too many open files'; then
        alive "$SERVER_PID" || { observe "the server ended on an accept() error: %s" "服务端因 accept() 出错而结束：%s" "$(head -n 1 "$ERR")"; return 1; }
        observe "out of descriptors, it said nothing on stderr for 2 s" "描述符用完时，它 2 秒内没有在 stderr 上说什么"
        return 1
    fi
    # Stopped while its lines are counted (by wc: a flood outgrows a loop
    # in the shell), so that the half second is the time it ran.
    kill -STOP "$SERVER_PID" 2>/dev/null
    before=$(wc -l <"$ERR")
    kill -CONT "$SERVER_PID" 2>/dev/null
    start_us=${EPOCHREALTIME/./}
    nap 0.5
    kill -STOP "$SERVER_PID" 2>/dev/null
    elapsed_us=$((10#${EPOCHREALTIME/./} - 10#$start_us))
    after=$(wc -l <"$ERR")
    kill -CONT "$SERVER_PID" 2>/dev/null
    alive "$SERVER_PID" || { observe "the server ended on an accept() error: %s" "服务端因 accept() 出错而结束：%s" "$(head -n 1 "$ERR")"; return 1; }
    per_second=$(((after - before) * 1000000 / elapsed_us))
    [ "$per_second" -le 20 ] && return 0
    observe "%s error lines a second: the loop does not pause" "每秒 %s 行错误信息：循环没有停顿" "$per_second"
    return 1
}

# claim_backlog SERVER: the listening socket's backlog is SOMAXCONN (ss
# shows it as Send-Q), not the tutorials' 5.
claim_backlog() {
    local backlog somaxconn
    serve "$1" || return 2
    read -r somaxconn </proc/sys/net/core/somaxconn
    backlog=$(ss -ltnH "sport = :$PORT" | awk '{ print $3 }')
    [ "$backlog" = "$somaxconn" ] || { observe "backlog %s, SOMAXCONN is %s" "backlog 是 %s，SOMAXCONN 是 %s" "$backlog" "$somaxconn"; return 1; }
}

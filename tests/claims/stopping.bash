# Claims about stopping the server: by SIGTERM or Ctrl+C, at once, with
# every child ended and reaped, and exit status 0.

# connect_clients N: N clients connected and echoed once each (c1 ... cN).
connect_clients() {
    local k
    for ((k = 1; k <= $1; k++)); do
        open_client "c$k"
        feed "c$k" $'hello\n'
    done
    for ((k = 1; k <= $1; k++)); do wait_until 2 client_got "c$k" hello || return 1; done
}

# server_exit_status SECONDS: waits up to SECONDS for the server to end,
# then a moment for its subreaper, which exits once the server and all its
# descendants are gone; sets STATUS to its exit status, the server's (128 +
# N for signal N). Returns 1 if something of the server's still runs then.
server_exit_status() {
    poll "$1" gone "$SERVER_PID" || return 1
    poll 0.2 gone "$REAPER" || return 1
    STATUS=0
    wait "$REAPER" || STATUS=$?
}

# still_running PIDS: those of PIDS that still run, and their parent.
still_running() {
    local pid parent line
    for pid in "$@"; do
        gone "$pid" && continue
        read -r line <"/proc/$pid/stat" || continue
        parent=${line##*) }
        parent=${parent#* }
        echo "$pid (parent ${parent%% *})"
    done
}

# claim_stops_on_term SERVER: with 3 clients connected, SIGTERM to the
# server: within a second it exits with status 0, having reaped each of its
# 3 children itself (its log says how each ended: none is left to a new
# parent), each client's connection is closed (its side is in CLOSE_WAIT),
# and a new server can bind the port at once.
claim_stops_on_term() {
    local children port=
    serve "$1" || return 2
    connect_clients 3 || return 2
    children=$(child_pids "$SERVER_PID")
    port=$PORT
    kill -TERM "$SERVER_PID"
    if ! server_exit_status 1; then
        observe "a second after SIGTERM, still running: %s" "SIGTERM 之后一秒，仍在运行：%s" "$(still_running "$SERVER_PID" $children | tr '\n' ' ')"
        return 1
    fi
    [ "$STATUS" -eq 0 ] || { observe "exit status %s" "退出状态 %s" "$STATUS"; return 1; }
    reaped_by_server $children || return 1
    poll 1 count_is 3 sockets_to close-wait "$port" ||
        { observe "%s of 3 clients saw their connection closed" "3 个客户端里有 %s 个看到连接被关闭" "$(sockets_to close-wait "$port")"; return 1; }
    serve "$1" "$port" || { observe "the port is not free: %s" "端口没有空出来：%s" "$(head -n 1 "$ERR")"; return 1; }
}

# claim_stops_on_ctrl_c SERVER: with 2 clients connected, SIGINT to the
# server's whole process group, as Ctrl+C in its terminal sends it: the
# server exits with status 0, having reaped both children itself, and
# leaves no process behind.
claim_stops_on_ctrl_c() {
    local children
    serve "$1" || return 2
    connect_clients 2 || return 2
    children=$(child_pids "$SERVER_PID")
    kill -INT -- "-$SERVER_PID"
    if ! server_exit_status 1; then
        observe "a second after Ctrl+C, still running: %s" "Ctrl+C 之后一秒，仍在运行：%s" "$(still_running "$SERVER_PID" $children | tr '\n' ' ')"
        return 1
    fi
    [ "$STATUS" -eq 0 ] || { observe "exit status %s$( ((STATUS > 128)) && echo " (killed by signal $((STATUS - 128)))")" "退出状态 %s$( ((STATUS > 128)) && echo "（被 $((STATUS - 128)) 号信号杀死）")" "$STATUS"; return 1; }
    reaped_by_server $children
}

# reaped_by_server PIDS: the server's log says how each of PIDS ended.
reaped_by_server() {
    local child
    for child in "$@"; do
        grep -q "reaped child $child: " "$LOG" ||
            { observe "child %s ended, but the server never reaped it (no 'reaped child %s' line)" "子进程 %s 已经结束，服务端却一直没有回收它（没有 'reaped child %s' 这一行）" "$child" "$child"; return 1; }
    done
}

# claim_stops_idle SERVER: no client: SIGTERM, and the server exits with
# status 0 within a second. One seen asleep in its wait again, SIGTERM
# handled (sleeps_through), will not: no need to wait out the second.
claim_stops_idle() {
    serve "$1" || return 2
    wait_until 2 waiting_for_client "$SERVER_PID" || return 2
    kill -TERM "$SERVER_PID"
    poll 1 gone_or_sleeps_through "$SERVER_PID" 15
    if ! server_exit_status 0; then
        if sleeps_through "$SERVER_PID" 15; then
            observe "it handled SIGTERM and went on waiting for a client" "它处理了 SIGTERM，又接着等待客户端"
        else
            observe "still running a second after SIGTERM" "SIGTERM 之后一秒仍在运行"
        fi
        return 1
    fi
    [ "$STATUS" -eq 0 ] || { observe "exit status %s$( ((STATUS > 128)) && echo " (killed by signal $((STATUS - 128)))")" "退出状态 %s$( ((STATUS > 128)) && echo "（被 $((STATUS - 128)) 号信号杀死）")" "$STATUS"; return 1; }
}

# claim_stops_with_stopped_child SERVER: one of 2 children is stopped
# (SIGSTOP) when SIGTERM comes: the server still ends it, reaps both and
# exits with status 0 within a second.
claim_stops_with_stopped_child() {
    local children child
    serve "$1" || return 2
    connect_clients 2 || return 2
    children=$(child_pids "$SERVER_PID")
    child=${children%%$'\n'*}
    kill -STOP "$child"
    wait_until 2 held "$child" || return 2
    kill -TERM "$SERVER_PID"
    if ! server_exit_status 1; then
        observe "a second after SIGTERM, still running: %s" "SIGTERM 之后一秒，仍在运行：%s" "$(still_running "$SERVER_PID" $children | tr '\n' ' ')"
        return 1
    fi
    [ "$STATUS" -eq 0 ] || { observe "exit status %s" "退出状态 %s" "$STATUS"; return 1; }
    reaped_by_server $children
}

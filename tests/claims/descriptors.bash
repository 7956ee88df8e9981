# Claims about descriptors: after fork() each process closes the socket it
# does not use, or connections and descriptors leak.

# claim_fd_flat SERVER: the server's descriptor count is the same after 20
# clients as before them.
claim_fd_flat() {
    local before after
    serve "$1" || return 2
    before=$(fd_count "$SERVER_PID")
    run_clients 20 || return 2
    wait_until 2 all_served 20 || return 2
    after=$(fd_count "$SERVER_PID")
    [ "$after" -eq "$before" ] && return 0
    observe "%s descriptors before 20 clients, %s after" "20 个客户端之前有 %s 个描述符，之后有 %s 个" "$before" "$after"
    return 1
}

# all_served N: N clients have left, every child has exited, and the server
# has handled their exits and waits for a client again: what they leave
# behind is there to count.
all_served() {
    [ "$(client_count disconnected)" -ge "$1" ] && [ "$(live_children "$SERVER_PID")" -eq 0 ] && settled "$SERVER_PID"
}

# done_or_out_of_descriptors PID: client PID is done, or the server has
# reported running out of descriptors.
done_or_out_of_descriptors() {
    gone "$1" || file_has "$ERR" 'Too many open files'
}

# claim_no_close_wait SERVER: once 5 clients have left, none of the server's
# sockets is in CLOSE_WAIT (the client closed, the server never did).
claim_no_close_wait() {
    serve "$1" || return 2
    run_clients 5 || return 2
    wait_until 2 all_served 5 || return 2
    [ "$(sockets close-wait "$PORT")" -eq 0 ] && return 0
    observe "%s sockets in CLOSE_WAIT after 5 clients left" "5 个客户端离开之后，有 %s 个套接字处于 CLOSE_WAIT" "$(sockets close-wait "$PORT")"
    return 1
}

# claim_fd_limit SERVER: under "ulimit -n 32", the server serves 60 clients
# in a row (a leak of one descriptor per client stops it near 28).
claim_fd_limit() {
    SERVER_FD_LIMIT=32 serve "$1" || return 2
    start_program "$(harness_tmp)/sixty.out" "$CLIENT" -r 60 -n 1 -i 0 127.0.0.1 "$PORT"
    local sixty=$PROGRAM_PID
    wait_until "${CLIENT_TIMEOUT:-5}" done_or_out_of_descriptors "$sixty" || return 2
    if gone "$sixty" && wait "$sixty" && [ ! -s "$ERR" ]; then
        return 0
    fi
    observe "under ulimit -n 32: %s of 60 clients served; stderr: %s" "ulimit -n 32 之下：60 个客户端里服务了 %s 个；stderr：%s" "$(grep -c '^echo: ' "$(harness_tmp)/sixty.out")" "$(head -n 1 "$ERR")"
    return 1
}

# claim_restart_after_kill SERVER: with a client connected, the server is
# killed (SIGKILL) and started again on the same port at once: no process
# of the old server still listens there, and binding succeeds although the
# old connection lives on (SO_REUSEADDR).
claim_restart_after_kill() {
    local port
    serve "$1" || return 2
    port=$PORT
    open_client old
    feed old $'hello\n'
    wait_until 2 client_got old hello || return 2
    kill -KILL "$SERVER_PID"
    wait_until 2 gone "$SERVER_PID" || return 2
    if ! serve "$1" "$port"; then
        observe "restarted at once on port %s: %s" "立即在端口 %s 上重新启动：%s" "$port" "$(head -n 1 "$ERR")"
        return 1
    fi
}

# claim_client_sees_close SERVER: when the process serving a client is
# killed, the client sees its connection end (no other process holds it).
claim_client_sees_close() {
    local child
    serve "$1" || return 2
    open_client victim
    feed victim $'hello\n'
    wait_until 2 client_got victim hello || return 2
    child=$(serving_process)
    [ "$child" != "$SERVER_PID" ] || return 2
    kill -KILL "$child"
    wait_until 2 gone "$child" || return 2
    # The kernel sent a FIN if that was the last reference: the client's
    # side of the connection is then in CLOSE_WAIT.
    poll 0.5 count_is 1 sockets_to close-wait "$PORT" && return 0
    observe "child %s killed, the client's connection still open (another process holds it)" "子进程 %s 已被杀死，客户端的连接却还开着（另一个进程还持有它）" "$child"
    return 1
}


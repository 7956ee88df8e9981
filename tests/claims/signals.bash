# Claims about SIGCHLD: the handler reaps every child however the exits
# come, never blocks, and the calls it interrupts carry on.

# claim_reaps_burst SERVER: 6 children exit while the server is stopped
# (SIGSTOP), so that one SIGCHLD stands for all six: signals of one kind do
# not queue. Continued (SIGCONT), it leaves none of them a zombie.
claim_reaps_burst() {
    serve "$1" || return 2
    open_client burst -c 6
    feed burst $'hello\n'
    wait_until 2 client_got burst hello || return 2
    wait_until 2 count_is 6 live_children "$SERVER_PID" || return 2
    # Stopped back in accept(), so that the signal it takes on SIGCONT
    # comes where a server spends its life.
    wait_until 2 waiting_for_client "$SERVER_PID" || return 2
    kill -STOP "$SERVER_PID"
    wait_until 2 held "$SERVER_PID" || return 2
    end_feed burst
    # Six children exit; a kernel-reaped child (SIG_IGN) leaves no zombie.
    wait_until 3 count_is 0 live_children "$SERVER_PID" || return 2
    kill -CONT "$SERVER_PID"
    # Once it has taken the signal and waits again, whatever it reaped is
    # reaped; wait for the children to go, or for the server to settle.
    wait_until 2 zombies_gone_or_settled || return 2
    no_zombie_stays && return 0
    observe "6 children exited during one stop: %s left <defunct> after SIGCONT" "一次暂停期间有 6 个子进程退出：SIGCONT 之后还剩 %s 个 <defunct>" "$(zombies "$SERVER_PID")"
    return 1
}

# claim_reaps_while_others_live SERVER: one client stays connected while
# another leaves; the server reaps the one that exited and goes on serving
# (a blocking waitpid in the handler would wait for the child still alive).
claim_reaps_while_others_live() {
    serve "$1" || return 2
    open_client stays
    feed stays $'hello\n'
    wait_until 2 client_got stays hello || return 2
    run_clients 1 || return 2
    # The one that left has exited (a zombie, or reaped); the other lives.
    wait_until 2 count_is 1 live_children "$SERVER_PID" || return 2
    served_unless_stuck && return 0
    observe "with one client connected and one gone, the next client was not served: ${STUCK//%/%%}" "一个客户端连着、一个已经离开时，下一个客户端没有得到服务：${STUCK_ZH//%/%%}"
    return 1
}

# zombies_gone_or_settled: the server has no zombie child, or has handled
# every SIGCHLD and waits for a client again.
zombies_gone_or_settled() {
    [ "$(zombies "$SERVER_PID")" -eq 0 ] || settled "$SERVER_PID"
}

# served_unless_stuck: one client is served (status 0), or the server is
# seen asleep in waitpid() while that client waits (status 1, and STUCK
# says so), or neither within the client's time-out (status 1).
served_unless_stuck() {
    local out
    out=$HARNESS_TMP/next.out
    start_program "$out" "$CLIENT" -n 1 -i 0 127.0.0.1 "$PORT"
    local next=$PROGRAM_PID
    STUCK="no echo in ${CLIENT_TIMEOUT:-5} s" STUCK_ZH="${CLIENT_TIMEOUT:-5} 秒内没有回声"
    poll "${CLIENT_TIMEOUT:-5}" client_done_or_server_in_waitpid "$next"
    if gone "$next"; then
        wait "$next" && return 0
        STUCK="the client failed: $(tail -n 1 "$out")"
        STUCK_ZH="客户端失败了：${STUCK#*: }"
        return 1
    fi
    in_waitpid "$SERVER_PID" && STUCK="the server sleeps in waitpid(), inside its SIGCHLD handler" &&
        STUCK_ZH="服务端睡在 waitpid() 里，在它的 SIGCHLD 信号处理函数之内"
    return 1
}

# client_done_or_server_in_waitpid PID: client PID is done, or the server
# has been asleep in waitpid() for two looks 50 ms apart.
client_done_or_server_in_waitpid() {
    gone "$1" && return 0
    in_waitpid "$SERVER_PID" || return 1
    nap 0.05
    gone "$1" || in_waitpid "$SERVER_PID"
}

# claim_serves_while_child_stopped SERVER: a serving child is stopped
# (SIGSTOP; its parent gets a SIGCHLD for that too): the server goes on
# serving other clients, and the child, continued, finishes its client.
claim_serves_while_child_stopped() {
    local child
    serve "$1" || return 2
    open_client paused
    feed paused $'hello\n'
    wait_until 2 client_got paused hello || return 2
    child=$(serving_process)
    kill -STOP "$child"
    wait_until 2 held "$child" || return 2
    if ! served_unless_stuck; then
        observe "a stopped child froze the server: the next client was not served: ${STUCK//%/%%}" "一个被暂停的子进程让服务端卡住了：下一个客户端没有得到服务：${STUCK_ZH//%/%%}"
        kill -CONT "$child"
        return 1
    fi
    kill -CONT "$child"
    feed paused $'again\n'
    wait_until 2 client_got paused again || { observe "the continued child did not serve its client" "继续运行的子进程没有为它的客户端服务"; return 1; }
}

# claim_accept_interrupted SERVER: SIGCHLD interrupts the parent's accept()
# (-1, EINTR): the handler has no SA_RESTART. strace shows it where the
# handler returns: rt_sigreturn gives the program -1 EINTR, where with
# SA_RESTART it gives the kernel the call to restart (its number).
claim_accept_interrupted() {
    local trace
    trace=$HARNESS_TMP/strace.out
    trace_server strace -o "$trace" -e trace=accept,accept4,rt_sigreturn -e signal=SIGCHLD
    serve "$1" || return 2
    child_exits_while_waiting one || return 2
    wait_until 2 settled "$SERVER_PID" || return 2
    poll 0.3 file_matches "$trace" '^rt_sigreturn\(.*= -1 EINTR' && return 0
    if grep -q '^rt_sigreturn(' "$trace"; then
        observe "a SIGCHLD handler ran, and the kernel restarted accept() after it (SA_RESTART)" "SIGCHLD 信号处理函数运行过，内核随后重新执行了 accept()（SA_RESTART）"
    else
        observe "no SIGCHLD handler ran: nothing interrupted accept()" "没有 SIGCHLD 信号处理函数运行过：没有什么打断 accept()"
    fi
    return 1
}

# claim_eintr_no_error SERVER: a child that exits while the parent waits
# in accept() makes no error: stderr stays empty and the next client is
# served.
claim_eintr_no_error() {
    serve "$1" || return 2
    child_exits_while_waiting one || return 2
    child_exits_while_waiting two || return 2
    run_clients 1 || { observe "the next client was not served" "下一个客户端没有得到服务"; return 1; }
    [ ! -s "$ERR" ] || { observe "stderr: %s" "stderr：%s" "$(head -n 1 "$ERR")"; return 1; }
}

# child_exits_while_waiting NAME: client NAME is served; once the server waits
# for a client, the client leaves, so that its child exits then.
child_exits_while_waiting() {
    open_client "$1"
    feed "$1" $'hello\n'
    wait_until 2 client_got "$1" hello || return 1
    wait_until 2 waiting_for_client "$SERVER_PID" || return 1
    end_feed "$1"
    wait_until 2 gone "$(client_pid "$1")"
}

# claim_child_survives_signals SERVER: the process serving a client is sent
# SIGCHLD while it waits to read; then a client whose receive window is 4
# KiB (peer trickle) sends 16 MiB and, before each of its reads, signals the
# serving process if it is blocked in a write, which stays blocked until
# that read: every signal interrupts a write. Every byte still comes back
# (read and write loops retry).
claim_child_survives_signals() {
    local serving out pidfile k
    out=$HARNESS_TMP/trickle.out
    pidfile=$HARNESS_TMP/serving.pid
    serve "$1" || return 2
    open_client idle
    feed idle $'hello\n'
    wait_until 2 client_got idle hello || return 2
    serving=$(serving_process)
    for k in 1 2 3; do kill -CHLD "$serving" && nap 0.01; done
    feed idle $'again\n'
    poll 2 client_got idle again ||
        { observe "interrupted while waiting to read, the serving process dropped its client" "等待读取时被打断，提供服务的进程丢下了它的客户端"; return 1; }
    end_feed idle
    rm -f "$pidfile"
    start_program "$out" "$PEER" trickle 16777216 127.0.0.1 "$PORT" "$pidfile"
    local peer=$PROGRAM_PID
    # Connected, not established: the peer may have sent all and shut down
    # its side (close-wait here) before the poll looks.
    wait_until 2 more_than 0 sockets connected "$PORT" || return 2
    wait_until 2 gone "$(client_pid idle)" || return 2
    # The child that served idle exits now: not the one to signal; the
    # peer's is forked once the server has accepted it (late, after an error).
    if [ "$serving" != "$SERVER_PID" ]; then
        wait_until 2 gone "$serving" && wait_until 5 more_than 0 live_children "$SERVER_PID" || return 2
    fi
    serving=$(serving_process)
    echo "$serving" >"$pidfile"
    # A child that lost bytes exits at the peer's end of input, and its
    # parent's copy of the connection keeps the peer waiting for them: lost
    # once the child has been gone a second with the peer still there.
    wait_until 10 echo_over "$peer" "$serving" || { observe "after 10 s the client still waits for its echo" "10 秒之后客户端还在等它的回声"; return 1; }
    poll 1 gone "$peer" ||
        { observe "the client still waits for its echo after the serving process has exited: bytes were lost" "提供服务的进程已经退出，客户端还在等它的回声：有字节丢了"; return 1; }
    wait "$peer" || { observe "the client failed: %s" "客户端失败了：%s" "$(tail -n 1 "$out")"; return 1; }
    local sent received count signals
    read -r k sent received count signals <"$out"
    [ "$sent" = "$received" ] && [ "$count" = 16777216 ] && [ "${signals:-0}" -gt 0 ] && return 0
    [ "${signals:-0}" != -1 ] || { observe "/proc/PID/syscall of the serving process could not be read: it takes the right to trace it" "读不了提供服务的进程的 /proc/PID/syscall：这需要跟踪它的权限"; return 2; }
    [ "${signals:-0}" -gt 0 ] || { observe "none of its writes was ever blocked: no signal could be sent inside one" "它的写从没被阻塞过：没有哪个信号能落在写里"; return 2; }
    observe "%s signals, each inside a blocked write, during 16 MiB: %s bytes came back$([ "$sent" = "$received" ] || echo ', not the same')" "16 MiB 期间 %s 个信号，每个都落在被阻塞的写里：收回 %s 字节$([ "$sent" = "$received" ] || echo '，内容不同')" "$signals" "$count"
    return 1
}

# echo_over PEER SERVING: PEER has ended, or SERVING it (a child) has.
echo_over() {
    gone "$1" || { [ "$2" != "$SERVER_PID" ] && gone "$2"; }
}

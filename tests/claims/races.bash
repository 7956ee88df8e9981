# Claims about races: a signal that comes inside a window a few
# instructions wide. Each runs the server under gdb in batch mode, which
# holds the process at the window (a breakpoint), queues the signal there
# and detaches: the process takes the signal at that very point, on every
# run, where left to chance it would take it there only rarely.
# The steps they share are in tests/lib/held.bash.

# claim_stops_between_check_and_wait SERVER: gdb holds the server at the
# call it waits for a client in (pselect() in ch06), the loop having just
# checked the stop flag, and SIGTERM comes right there: the server ends
# within a second, and does not sleep on in that wait with the SIGTERM
# handled.
claim_stops_between_check_and_wait() {
    hold_server "$BREAK_AT_WAIT" continue mark-held 'queue-signal SIGTERM' detach
    serve "$1" || return 2
    stopped_at_main || return 2
    if ! wait_until 5 untraced_or_gone "$SERVER_PID"; then
        observe "it never called pselect(), select(), poll(), accept() or epoll_wait() to wait for a client" "它从没调用 pselect()、select()、poll()、accept() 或 epoll_wait() 来等待客户端"
        end_held_server
        return 2
    fi
    poll 1 gone_or_sleeps_through "$SERVER_PID" 15
    gone "$SERVER_PID" && return 0
    if sleeps_through "$SERVER_PID" 15; then
        observe "SIGTERM came after the loop had checked its flag, just before it waited for a client: its handler ran at once, and the server went on waiting in %s (its log: \"%s\")" "SIGTERM 在循环检查完标志之后、开始等待客户端之前到达：信号处理函数立即运行，服务端却接着在 %s 里等待（它的日志：“%s”）" "$(wait_call "$SERVER_PID")" "$(tail -n 1 "$LOG")"
        end_held_server
        return 1
    fi
    observe "a second after SIGTERM it neither ended nor waited for a client (state %s)" "SIGTERM 之后一秒，它既没有结束，也没有在等待客户端（状态 %s）" "$(state "$SERVER_PID")"
    end_held_server
    return 2
}

# claim_child_stop_before_reset SERVER: gdb follows the child the server
# forks for a client, and holds it as fork() returns in it, before it has
# run a line of its own: SIGTERM comes there, as the stop sends it to a
# child forked a moment before. The child dies of it within a second; it
# does not take it with the handler it inherited and serve its client on.
claim_child_stop_before_reset() {
    local child
    hold_server 'set follow-fork-mode child' 'catch fork' continue stepi mark-held 'queue-signal SIGTERM' detach
    serve "$1" || return 2
    stopped_at_main || return 2
    open_client held
    feed held $'hello\n'
    if ! wait_until 5 forked_and_let_go; then
        observe "no child forked for a client, or gdb never let it go" "没有为客户端 fork 出子进程，或者 gdb 一直没放开它"
        end_held_server
        return 2
    fi
    child=$FORKED
    if poll 1 gone "$child"; then
        poll 1 count_is 1 log_count "reaped child $child: killed by signal 15" ||
            observe "child %s ended, but not killed by SIGTERM: \"%s\"" "子进程 %s 结束了，但不是被 SIGTERM 杀死的：“%s”" "$child" "$(grep -m 1 "reaped child $child: " "$LOG")"
        end_held_server
        [ -z "$OBSERVED" ]
        return
    fi
    if ! signal_pending "$child" 15; then
        feed held $'again\n'
        if poll 2 client_got held again; then
            observe "child %s, sent SIGTERM as fork() returned in it, took it with the handler it inherited and served its client on (it echoed the next line)" "子进程 %s 在 fork() 刚返回时收到 SIGTERM，用继承来的信号处理函数处理了它，又接着为客户端服务（回声了下一行）" "$child"
            end_held_server
            return 1
        fi
    fi
    observe "a second after SIGTERM, child %s neither died nor served its client (state %s)" "SIGTERM 之后一秒，子进程 %s 既没有死，也没有为客户端服务（状态 %s）" "$child" "$(state "$child")"
    end_held_server
    return 2
}

# claim_errno_survives_handler SERVER: a SIGCHLD interrupts the call the
# server waits for a client in (accept() in ch04 and ch05, pselect() in
# ch06), which fails with EINTR; gdb holds the server as that call returns
# into its caller, before the caller reads errno, and a second SIGCHLD
# comes there, with no child left: the handler's waitpid() fails with
# ECHILD. The server still takes the failure for the EINTR it was: no error
# on stderr, and it waits for the next client again. (A wait that SIGCHLD
# does not interrupt has no EINTR to keep: the claim does not hold.)
claim_errno_survives_handler() {
    hold_server "$BREAK_AT_WAIT" continue mark-held finish 'queue-signal SIGCHLD' detach
    serve "$1" || return 2
    stopped_at_main || return 2
    if ! wait_until 5 traced_and_waiting "$SERVER_PID"; then
        observe "it never called pselect(), select(), poll(), accept() or epoll_wait() to wait for a client" "它从没调用 pselect()、select()、poll()、accept() 或 epoll_wait() 来等待客户端"
        end_held_server
        return 2
    fi
    kill -CHLD "$SERVER_PID"
    if ! poll 2 untraced_or_gone "$SERVER_PID"; then
        observe "SIGCHLD did not interrupt its wait for a client: no EINTR to read" "SIGCHLD 没有打断它对客户端的等待：没有 EINTR 可读"
        end_held_server
        return 1
    fi
    if ! wait_until 2 settled "$SERVER_PID"; then
        observe "after the second SIGCHLD it did not wait for a client again (state %s)" "第二个 SIGCHLD 之后，它没有再去等待客户端（状态 %s）" "$(state "$SERVER_PID")"
        end_held_server
        return 1
    fi
    end_held_server
    [ ! -s "$ERR" ] && return 0
    observe "a SIGCHLD handled just after its wait failed with EINTR, before errno was read, made it report: \"%s\"" "等待调用因 EINTR 失败之后、读取 errno 之前处理的一个 SIGCHLD，让它报告了：“%s”" "$(head -n 1 "$ERR")"
    return 1
}

# claim_stop_waits_through_sigchld SERVER: gdb follows the child the server
# forks for a client and holds it when the stop's SIGTERM reaches it, so
# that the server sleeps in its final waitpid() with that child alive; a
# SIGCHLD comes there (no child to reap: a child's stop or continue, or a
# kill by hand, raises one too). The server sleeps on in waitpid(), the
# signal left pending; once the child is let go, it dies of its SIGTERM and
# the server reaps it and ends. It does not take the SIGCHLD's EINTR for
# "no child left" and exit with the child alive.
claim_stop_waits_through_sigchld() {
    local child fifo fd
    fifo=$HARNESS_TMP/release-child
    mkfifo "$fifo"
    exec {fd}<>"$fifo"
    FEED[release-child]=$fd
    hold_server 'set follow-fork-mode child' 'catch fork' continue continue \
        mark-held "shell timeout 10 head -c 1 $fifo >/dev/null" 'queue-signal SIGTERM' detach
    serve "$1" || return 2
    stopped_at_main || return 2
    open_client held
    feed held $'hello\n'
    if ! wait_until 5 client_got held hello; then
        observe "no child forked for a client served it under gdb" "在 gdb 下没有 fork 出子进程为客户端服务"
        end_held_server
        return 2
    fi
    child=$(newest_logged_child)
    kill -TERM "$SERVER_PID"
    if ! poll 2 in_waitpid "$SERVER_PID" && waiting_for_client "$SERVER_PID"; then
        observe "after SIGTERM it still waits for a client: it never stops, nor reaps child %s" "SIGTERM 之后它仍在等待客户端：它始终没有停止，也没有回收子进程 %s" "$child"
        end_held_server
        return 1
    fi
    if ! wait_until 2 in_waitpid "$SERVER_PID" || ! wait_until 2 held_in_window || ! wait_until 2 stopped_by_tracer "$child"; then
        observe "after SIGTERM, it did not wait in waitpid() for child %s, held by gdb" "SIGTERM 之后，它没有在 waitpid() 里等待被 gdb 停住的子进程 %s" "$child"
        end_held_server
        return 2
    fi
    kill -CHLD "$SERVER_PID"
    poll 1 gone_or_waits_through_sigchld "$SERVER_PID"
    if gone "$SERVER_PID"; then
        observe "a SIGCHLD came while it waited at the stop for child %s, still alive: it ended without reaping it (its last line: \"%s\")" "停止时它在等待仍然活着的子进程 %s，这时来了一个 SIGCHLD：它没有回收这个子进程就结束了（最后一行：“%s”）" "$child" "$(tail -n 1 "$LOG")"
        end_held_server
        return 1
    fi
    echo >&"$fd"
    if ! wait_until 2 gone "$SERVER_PID"; then
        observe "child %s let go, the server did not end (state %s)" "放开子进程 %s 之后，服务端没有结束（状态 %s）" "$child" "$(state "$SERVER_PID")"
        end_held_server
        return 1
    fi
    end_held_server
    grep -q "reaped child $child: " "$LOG" && return 0
    observe "child %s ended, but the server never reaped it (no 'reaped child %s' line)" "子进程 %s 结束了，服务端却始终没有回收它（没有“reaped child %s”这一行）" "$child" "$child"
    return 1
}

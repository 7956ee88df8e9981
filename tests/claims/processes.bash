# Claims about processes: one per client, served at once, and what becomes
# of them when they exit (zombies, and who reaps them).

# claim_concurrent SERVER: a second client is echoed while the first stays
# connected. (The one timed negative check: 0.3 s without an echo.)
claim_concurrent() {
    serve "$1" || return 2
    open_client a
    feed a $'from a\n'
    wait_until 2 client_got a 'from a' || return 2
    open_client b
    feed b $'from b\n'
    # b's connection is complete, queued by the kernel, before we watch it.
    wait_until 2 count_is 2 sockets established "$PORT" || return 2
    if ! poll 0.3 client_got b 'from b'; then
        observe "the second client got no echo in 0.3 s while the first was connected" "第一个客户端连着的时候，第二个客户端 0.3 秒内没有得到回声"
        end_feed a
        wait_until 2 client_got b 'from b' || return 2
        return 1
    fi
    alive "$(client_pid a)" || { observe "the first client was gone" "第一个客户端已经不在了"; return 1; }
}

# claim_child_per_client SERVER: 3 clients connected at once are served
# by 3 children, each serving one client (each logs its client leaving
# with its own pid).
claim_child_per_client() {
    local name count children
    serve "$1" || return 2
    for name in a b c; do
        open_client "$name"
        feed "$name" $'hello\n'
    done
    # A server that serves one client at a time echoes whichever came first.
    wait_until 2 echoed_any a b c || return 2
    poll 1 echoed_all a b c ||
        { observe "3 clients connected, %s children, and only one echoed" "连上 3 个客户端，%s 个子进程，只有一个得到回声" "$(live_children "$SERVER_PID")"; return 1; }
    count=$(live_children "$SERVER_PID")
    [ "$count" -eq 3 ] || { observe "3 clients connected, %s children" "连上 3 个客户端，%s 个子进程" "$count"; return 1; }
    children=$(child_pids "$SERVER_PID")
    for name in a b c; do end_feed "$name"; done
    wait_until 2 count_is 3 client_count disconnected || return 2
    [ "$(sed -n 's/^\[\([0-9]*\)\] client 127\.0\.0\.1:[0-9]* disconnected$/\1/p' "$LOG" | sort -n)" = "$children" ] ||
        { observe "the 'disconnected' lines do not come from the 3 children" "'disconnected' 那几行不是 3 个子进程写的"; return 1; }
}

# echoed_any NAME...: one of the clients NAME... has its hello back.
echoed_any() {
    local name
    for name in "$@"; do client_got "$name" hello && return 0; done
    return 1
}

# echoed_all NAME...: every client NAME... has its hello back.
echoed_all() {
    local name
    for name in "$@"; do client_got "$name" hello || return 1; done
}

# clients_leave SERVER N HOW: N clients are served and leave, HOW being
# one-by-one (N clients in a row) or together (one client holding N
# connections, closing them all at once); waits until none of the children
# still runs. (Each client was echoed: its child was forked by then. No log
# line is read: a server of another make is graded too.)
clients_leave() {
    serve "$1" || return 2
    if [ "$3" = together ]; then run_clients 1 -c "$2" || return 2; else run_clients "$2" || return 2; fi
    wait_until 3 count_is 0 live_children "$SERVER_PID" || return 2
}

# no_zombie_left N: none of the server's children is a zombie, once the
# server has handled every SIGCHLD.
no_zombie_left() {
    wait_until 2 settled "$SERVER_PID" || return 2
    no_zombie_stays && return 0
    observe "%s <defunct> children after %s clients left" "%s 个 <defunct> 子进程，在 %s 个客户端离开之后" "$(zombies "$SERVER_PID")" "$1"
    return 1
}

# no_zombie_stays: the server has no zombie child, or none that stays: a
# server that forks a child for no client (ch04-eintr-forks) has one now and
# then, on its way to being reaped, however long the test waits first.
no_zombie_stays() {
    poll 0.5 count_is 0 zombies "$SERVER_PID"
}

# claim_no_zombies SERVER: 5 clients leave one by one: no zombie is left.
claim_no_zombies() {
    clients_leave "$1" 5 one-by-one || return
    no_zombie_left 5
}

# claim_no_zombies_burst SERVER: 8 connections closed together: no zombie.
claim_no_zombies_burst() {
    clients_leave "$1" 8 together || return
    no_zombie_left 8
}

# claim_zombies_go_with_parent SERVER: a server's zombies disappear when it
# dies: their new parent (the subreaper here, init for a reader) reaps them.
claim_zombies_go_with_parent() {
    local dead pid
    clients_leave "$1" 3 one-by-one || return
    dead=$(child_pids "$SERVER_PID")
    [ -n "$dead" ] || { observe "no child left to adopt" "没有留下可以被收养的子进程"; return 1; }
    kill -KILL "$SERVER_PID"
    for pid in $dead; do
        poll 2 no_such_process "$pid" || { observe "child %s still there after its parent died" "父进程死后，子进程 %s 还在" "$pid"; return 1; }
    done
}

# claim_reports_exit SERVER: the server learns how each child ended: it
# logs "reaped child PID: exited with status 0" for a child whose client
# left, "killed by signal 9" for a child killed with SIGKILL, and "exited
# with status 3" for a child that ends with _exit(3) after it has left the
# server's process group (setpgid(0, 0)): gdb makes those two system calls
# of the child's own (exit_elsewhere), as a child that runs another program
# may. Every child is the server's to reap, in whatever group it is.
claim_reports_exit() {
    local child moved
    serve "$1" || return 2
    run_clients 1 || return 2
    # One live child at a time, so that serving_process names it.
    wait_until 2 count_is 0 live_children "$SERVER_PID" || return 2
    open_client k
    feed k $'hello\n'
    wait_until 2 client_got k hello || return 2
    child=$(serving_process)
    kill -KILL "$child"
    wait_until 2 gone "$child" || return 2
    wait_until 2 settled "$SERVER_PID" || return 2
    poll 0.3 file_has "$LOG" "reaped child $child: killed by signal 9" ||
        { observe "child %s was killed by SIGKILL: no 'reaped child %s: killed by signal 9' line" "子进程 %s 被 SIGKILL 杀死：没有 'reaped child %s: killed by signal 9' 这一行" "$child" "$child"; return 1; }
    grep -q "reaped child [0-9]*: exited with status 0" "$LOG" ||
        { observe "a child whose client left: no 'exited with status 0' line" "客户端离开的子进程：没有 'exited with status 0' 这一行"; return 1; }
    wait_until 2 count_is 0 live_children "$SERVER_PID" || return 2
    open_client g
    feed g $'hello\n'
    wait_until 2 client_got g hello || return 2
    moved=$(serving_process)
    exit_elsewhere "$moved" 3 || return 2
    wait_until 2 gone "$moved" || { observe "gdb could not make child %s exit" "gdb 没能让子进程 %s 退出" "$moved"; return 2; }
    poll 0.3 file_has "$LOG" "reaped child $moved: " && wait_until 2 settled "$SERVER_PID" || {
        observe "child %s left the server's process group, then exited: never reaped, it stays a zombie" "子进程 %s 离开了服务端的进程组，然后退出：始终没有被回收，一直是僵尸进程" "$moved"
        return 1
    }
    grep -q "reaped child $moved: exited with status 3\$" "$LOG" && return 0
    observe "child %s exited with status 3: the log says \"%s\"" "子进程 %s 以状态 3 退出：日志却说“%s”" "$moved" "$(grep -m 1 "reaped child $moved: " "$LOG")"
    return 1
}

# exit_elsewhere PID STATUS: gdb turns the next read() of process PID, a
# child asleep in read(), into setpgid(0, 0) (the read returns 0, end of
# file, so the child ends as if its client had left), and its exit_group()
# into exit_group(STATUS). (x86-64 register names.)
exit_elsewhere() {
    [ "$(uname -m)" = x86_64 ] || { observe "gdb changes system calls here with x86-64 register names: this machine is %s" "这里 gdb 用 x86-64 的寄存器名修改系统调用：本机是 %s" "$(uname -m)"; return 2; }
    ! traced "$1" || { observe "child %s is traced already (strace): gdb cannot change its system calls" "子进程 %s 已经被跟踪（strace）：gdb 无法修改它的系统调用" "$1"; return 2; }
    timeout 10 gdb -batch-silent -nx -p "$1" -ex 'catch syscall read' -ex continue \
        -ex 'set $orig_rax = 109' -ex 'set $rdi = 0' -ex 'set $rsi = 0' -ex delete \
        -ex 'catch syscall exit_group' -ex continue -ex "set \$rdi = $2" -ex detach >/dev/null 2>&1
}

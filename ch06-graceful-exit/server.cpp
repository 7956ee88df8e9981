// ch06: a clean stop on SIGTERM or SIGINT: no new client, every child ended and reaped, exit status 0
// The echo server as this chapter leaves it. This folder's README.md says
// what the chapter adds to the one before, which tutorial sections it
// mirrors, and what to run and watch; `make diff` shows each chapter's fix.

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <netinet/in.h>
#include <string>
#include <sys/select.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "args.hpp"
#include "io.hpp"
#include "log.hpp"
#include "net.hpp"

namespace {

// The children serving a client now, so that a stop can end each of them:
// main() adds each new child while SIGCHLD is blocked, the handler clears
// the slot of each child it reaps. (Not a kill of the process group: that
// group may hold the shell script that started the server.)
std::vector<pid_t> children;

// Stores the pid that fork() returned in the parent; nothing for its -1
// (no child) or its 0 (in the child itself).
void remember_child(pid_t pid) {
    if (pid <= 0)
        return;
    const auto free_slot = std::find(children.begin(), children.end(), 0);
    if (free_slot != children.end())
        *free_slot = pid;
    else
        children.push_back(pid);
}

void forget_child(pid_t pid) {
    std::replace(children.begin(), children.end(), pid, 0);
}

// Signals do not queue: one SIGCHLD may stand for several exited children,
// so reap until none is left. WNOHANG: return at once when the children
// still alive have not exited. Only async-signal-safe calls in here, and
// errno saved for the code this handler interrupted.
void reap_children(int) {
    const int saved_errno = errno;
    int status = 0;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        log_child_status(pid, status);
        forget_child(pid);
    }
    errno = saved_errno;
}

// Set by SIGTERM or SIGINT. Setting a flag of this type is all the handler
// does, and all it safely can: wait_for_client_or_stop() sees it, and the
// loop in main() ends.
volatile sig_atomic_t stop_requested = 0;

void request_stop(int) {
    stop_requested = 1;
}

// SIGTERM (kill PID) and SIGINT (Ctrl+C) ask for a stop. They stay blocked
// except inside pselect(), which unblocks them and waits in one step: a
// signal that comes after the loop has checked the flag is still pending
// when pselect() starts, and wakes it at once. (A plain accept() after the
// check would sleep through it.) Returns the mask to wait with: the one
// from before, in which they are not blocked.
sigset_t install_stop_handlers() {
    struct sigaction on_stop{};
    on_stop.sa_handler = request_stop;
    sigemptyset(&on_stop.sa_mask);
    on_stop.sa_flags = 0;
    if (sigaction(SIGTERM, &on_stop, nullptr) < 0 || sigaction(SIGINT, &on_stop, nullptr) < 0)
        die_errno("sigaction SIGTERM, SIGINT");
    sigset_t stop_signals, while_waiting;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGTERM);
    sigaddset(&stop_signals, SIGINT);
    sigprocmask(SIG_BLOCK, &stop_signals, &while_waiting);
    return while_waiting;
}

// In a child: what install_stop_handlers() did, undone. The parent's handler
// would set only the child's copy of the flag, which nothing there reads:
// the default action ends the child instead, and the kernel closes its
// connection. The signals are unblocked only after the reset, so a stop
// sent since fork() is taken with the default action.
void undo_stop_handlers(const sigset_t& while_waiting) {
    signal(SIGTERM, SIG_DFL);
    signal(SIGINT, SIG_DFL);
    sigprocmask(SIG_SETMASK, &while_waiting, nullptr);
}

// Waits until a client is waiting to be accepted (true) or a stop has been
// asked for (false). A signal interrupts pselect() (EINTR): a child's exit,
// reaped by its handler, or a stop, which the next check of the flag sees.
bool wait_for_client_or_stop(int listen_fd, const sigset_t& while_waiting) {
    while (!stop_requested) {
        fd_set readable;
        FD_ZERO(&readable);
        FD_SET(listen_fd, &readable);
        if (pselect(listen_fd + 1, &readable, nullptr, nullptr, nullptr, &while_waiting) < 0) {
            if (errno != EINTR)
                report_errno("pselect");
            continue;
        }
        return true;
    }
    return false;
}

// SIG_BLOCK or SIG_UNBLOCK SIGCHLD: while it is blocked, the handler cannot
// run, and so cannot reap a child or change the list of children.
void mask_child_exits(int how) {
    sigset_t child_exits;
    sigemptyset(&child_exits);
    sigaddset(&child_exits, SIGCHLD);
    sigprocmask(how, &child_exits, nullptr);
}

// The stop: no new client (the port is free for a new server at once),
// SIGTERM to every child still serving, then reap each one here, with
// SIGCHLD blocked so that the handler does not reap them first; then exit
// with status 0, the stop having gone as asked.
[[noreturn]] void stop_and_exit(int listen_fd) {
    close(listen_fd);
    mask_child_exits(SIG_BLOCK);
    int serving = 0;
    for (const pid_t child : children) {
        if (child != 0) {
            kill(child, SIGTERM);
            kill(child, SIGCONT);  // a stopped child takes SIGTERM only once continued
            ++serving;
        }
    }
    log_line("stopping: no new clients; SIGTERM to the %d children still serving", serving);
    int status = 0;
    pid_t pid;
    while ((pid = waitpid(-1, &status, 0)) > 0)
        log_child_status(pid, status);
    log_line("stopped: every child reaped");
    std::exit(0);
}

}  // namespace

int main(int argc, char* argv[]) {
    open_dev_null_on_closed_std_fds();
    set_program_name(argv[0]);
    const ServerArgs args = parse_server_args(argc, argv);

    const int listen_fd = open_listener(args.address, args.port);
    log_line("listening on %s", local_address(listen_fd).c_str());

    // No SA_RESTART, on purpose: a SIGCHLD that arrives while the parent
    // waits in accept() makes accept() fail with EINTR, handled below.
    struct sigaction on_child_exit{};
    on_child_exit.sa_handler = reap_children;
    sigemptyset(&on_child_exit.sa_mask);
    on_child_exit.sa_flags = 0;
    if (sigaction(SIGCHLD, &on_child_exit, nullptr) < 0)
        die_errno("sigaction SIGCHLD");
    const sigset_t while_waiting = install_stop_handlers();

    while (wait_for_client_or_stop(listen_fd, while_waiting)) {
        sockaddr_in peer_address{};
        socklen_t peer_length = sizeof peer_address;
        const int conn_fd = accept(listen_fd, reinterpret_cast<sockaddr*>(&peer_address), &peer_length);
        if (conn_fd < 0 && errno == EINTR) {
            log_line("accept interrupted by a signal (EINTR), calling it again");
            continue;
        }
        if (conn_fd < 0) {
            report_errno("accept");
            pause_if_accept_error_lasts(errno);
            continue;
        }
        const std::string peer = address_text(peer_address);
        log_line("client %s connected", peer.c_str());

        mask_child_exits(SIG_BLOCK);  // until the child is in the list, the handler must not reap it
        const pid_t pid = fork();
        remember_child(pid);
        mask_child_exits(SIG_UNBLOCK);
        if (pid < 0) {
            report_errno("fork");
            close(conn_fd);
            continue;
        }
        if (pid == 0) {
            // The child serves this one client, then exits: returning into
            // the loop would make it a second server calling accept().
            // _exit, not exit: the child must not run the atexit handlers
            // and flush the stdio buffers it inherited from its parent.
            close(listen_fd);  // the child never calls accept()
            undo_stop_handlers(while_waiting);
            echo_until_eof(conn_fd);
            log_line("client %s disconnected", peer.c_str());
            close(conn_fd);
            _exit(0);
        }
        close(conn_fd);  // the child has its own copy; ours would keep the connection open
        log_line("child %ld serves client %s", static_cast<long>(pid), peer.c_str());
    }
    stop_and_exit(listen_fd);
}

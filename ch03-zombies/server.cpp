// ch03: no zombies: signal(SIGCHLD, SIG_IGN) has the kernel reap each child as it exits
// The echo server as this chapter leaves it. This folder's README.md says
// what the chapter adds to the one before, which tutorial sections it
// mirrors, and what to run and watch; `make diff` shows each chapter's fix.

#include <cerrno>
#include <csignal>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>

#include "args.hpp"
#include "io.hpp"
#include "log.hpp"
#include "net.hpp"

int main(int argc, char* argv[]) {
    open_dev_null_on_closed_std_fds();
    set_program_name(argv[0]);
    const ServerArgs args = parse_server_args(argc, argv);

    const int listen_fd = open_listener(args.address, args.port);
    log_line("listening on %s", local_address(listen_fd).c_str());

    // This server never calls wait(): SIG_IGN asks the kernel to reap each
    // child as it exits instead of keeping it as a zombie.
    if (signal(SIGCHLD, SIG_IGN) == SIG_ERR)
        die_errno("signal SIGCHLD");

    for (;;) {
        sockaddr_in peer_address{};
        socklen_t peer_length = sizeof peer_address;
        const int conn_fd = accept(listen_fd, reinterpret_cast<sockaddr*>(&peer_address), &peer_length);
        if (conn_fd < 0) {
            report_errno("accept");
            pause_if_accept_error_lasts(errno);
            continue;
        }
        const std::string peer = address_text(peer_address);
        log_line("client %s connected", peer.c_str());

        const pid_t pid = fork();
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
            echo_until_eof(conn_fd);
            log_line("client %s disconnected", peer.c_str());
            close(conn_fd);
            _exit(0);
        }
        log_line("child %ld serves client %s", static_cast<long>(pid), peer.c_str());
    }
}

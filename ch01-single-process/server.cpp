// ch01: an iterative echo server: one client at a time
// The echo server as this chapter leaves it. This folder's README.md says
// what the chapter adds to the one before, which tutorial sections it
// mirrors, and what to run and watch; `make diff` shows each chapter's fix.

#include <cerrno>
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

        echo_until_eof(conn_fd);
        log_line("client %s disconnected", peer.c_str());
        close(conn_fd);
    }
}

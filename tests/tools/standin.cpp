// standin: fork-per-client servers of another make, for the tests of
// make check-chNN SERVER=... (tests/foreign.bats). None prints a log line.
//
// usage: standin line PORT
//          Listens on 127.0.0.1:PORT; a child per client echoes it line by
//          line: it writes nothing back until a newline, 8191 bytes without
//          one, or the end of the client's input. The parent reaps its
//          children in a SIGCHLD handler installed with SA_RESTART, so that
//          its accept() is restarted, never interrupted, and closes each
//          connected socket after fork().
//        standin eintr PORT
//          As line, but the handler is installed without SA_RESTART: its
//          accept() fails with EINTR, which it takes as no error.
//        standin silent PORT
//          Listens on PORT and takes clients, but never writes a byte back.
//        standin ok PORT
//          Answers "ok\n" to whatever a client sends.
//        standin stdin
//          Reads its port from standard input; given none, it listens on
//          the port the kernel picks, and echoes as line does.

#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <netinet/in.h>
#include <string>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

enum class Mode { line, silent, ok };

void on_sigchld(int /*signal*/) {
    const int saved = errno;
    while (waitpid(-1, nullptr, WNOHANG) > 0) {
    }
    errno = saved;
}

// Its own loop, as bench/loadgen.cpp has: a server of another make shares
// no code with the chapters (common/'s write loops), as the books' own
// servers do not.
bool write_all(int fd, const char* data, size_t size) {
    while (size > 0) {
        const ssize_t n = write(fd, data, size);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        data += n;
        size -= static_cast<size_t>(n);
    }
    return true;
}

void serve(int fd, Mode mode) {
    constexpr size_t longest = 8191;
    char buffer[4096];
    std::string pending;
    for (;;) {
        const ssize_t n = read(fd, buffer, sizeof buffer);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        if (mode == Mode::silent)
            continue;
        if (mode == Mode::ok) {
            if (!write_all(fd, "ok\n", 3))
                return;
            continue;
        }
        for (ssize_t k = 0; k < n; ++k) {
            pending.push_back(buffer[k]);
            if (buffer[k] == '\n' || pending.size() == longest) {
                if (!write_all(fd, pending.data(), pending.size()))
                    return;
                pending.clear();
            }
        }
    }
    if (mode == Mode::line)
        write_all(fd, pending.data(), pending.size());
}

int listen_on(int port) {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) {
        std::perror("standin: socket");
        std::exit(1);
    }
    const int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) < 0 || listen(fd, SOMAXCONN) < 0) {
        std::perror("standin: bind");
        std::exit(1);
    }
    return fd;
}

int usage() {
    std::fputs("usage: standin line|eintr|silent|ok PORT | standin stdin\n", stderr);
    return 2;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2)
        return usage();
    const std::string how = argv[1];
    Mode mode = Mode::line;
    int port = 0;
    int flags = SA_RESTART;
    if (how == "stdin" && argc == 2) {
        if (std::scanf("%d", &port) != 1)
            port = 0;
    } else if (argc == 3 && (how == "line" || how == "eintr" || how == "silent" || how == "ok")) {
        port = std::atoi(argv[2]);
        if (how == "eintr")
            flags = 0;
        if (how == "silent")
            mode = Mode::silent;
        if (how == "ok")
            mode = Mode::ok;
    } else {
        return usage();
    }
    struct sigaction action{};
    action.sa_handler = on_sigchld;
    sigemptyset(&action.sa_mask);
    action.sa_flags = flags;
    sigaction(SIGCHLD, &action, nullptr);
    const int listen_fd = listen_on(port);
    for (;;) {
        const int conn_fd = accept(listen_fd, nullptr, nullptr);
        if (conn_fd < 0) {
            if (errno != EINTR)
                std::perror("standin: accept");
            continue;
        }
        const pid_t pid = fork();
        if (pid == 0) {
            close(listen_fd);
            serve(conn_fd, mode);
            _exit(0);
        }
        if (pid < 0)
            std::perror("standin: fork");
        close(conn_fd);
    }
}

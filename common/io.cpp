#include "io.hpp"

#include <cerrno>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.hpp"

ssize_t read_some(int fd, void* buffer, size_t size) {
    for (;;) {
        const ssize_t got = read(fd, buffer, size);
        if (got >= 0 || errno != EINTR)
            return got;
    }
}

ssize_t read_exact(int fd, void* buffer, size_t size) {
    char* at = static_cast<char*>(buffer);
    size_t done = 0;
    while (done < size) {
        // On a socket, acknowledge each piece at once: a delayed ACK (40 ms)
        // would hold back the peer's next small write (Nagle's algorithm).
        // The kernel turns TCP_QUICKACK off again, so before every read.
        const int on = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_QUICKACK, &on, sizeof on);
        const ssize_t got = read_some(fd, at + done, size - done);
        if (got < 0)
            return -1;
        if (got == 0)
            break;
        done += static_cast<size_t>(got);
    }
    return static_cast<ssize_t>(done);
}

bool write_all(int fd, const void* data, size_t size) {
    const char* at = static_cast<const char*>(data);
    while (size > 0) {
        ssize_t put = send(fd, at, size, MSG_NOSIGNAL);
        if (put < 0 && errno == ENOTSOCK)
            put = write(fd, at, size);
        if (put < 0) {
            if (errno == EINTR)
                continue;
            return false;
        }
        at += put;
        size -= static_cast<size_t>(put);
    }
    return true;
}

bool echo_until_eof(int conn_fd) {
    char buffer[echo_buffer_size];
    for (;;) {
        const ssize_t got = read_some(conn_fd, buffer, sizeof buffer);
        if (got == 0)
            return true;
        if (got < 0) {
            report_errno("read from client");
            return false;
        }
        if (!write_all(conn_fd, buffer, static_cast<size_t>(got))) {
            report_errno("write to client");
            return false;
        }
    }
}

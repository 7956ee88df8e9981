#include "net.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <sys/socket.h>
#include <unistd.h>

#include "log.hpp"

int open_listener(const char* address, uint16_t port) {
    sockaddr_in local{};
    local.sin_family = AF_INET;
    local.sin_port = htons(port);
    if (inet_pton(AF_INET, address, &local.sin_addr) != 1)
        die("bad IPv4 address: %s", address);
    const std::string where = address_text(local);

    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        die_errno("socket");
    const int on = 1;
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) < 0)
        die_errno("setsockopt SO_REUSEADDR");
    if (bind(fd, reinterpret_cast<const sockaddr*>(&local), sizeof local) < 0)
        die("bind %s: %s", where.c_str(), std::strerror(errno));
    if (listen(fd, SOMAXCONN) < 0)
        die("listen %s: %s", where.c_str(), std::strerror(errno));
    return fd;
}

std::string address_text(const sockaddr_in& address) {
    char ip[INET_ADDRSTRLEN] = "?";
    inet_ntop(AF_INET, &address.sin_addr, ip, sizeof ip);
    return std::string(ip) + ":" + std::to_string(ntohs(address.sin_port));
}

std::string local_address(int fd) {
    sockaddr_in local{};
    socklen_t length = sizeof local;
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &length) < 0)
        die_errno("getsockname");
    return address_text(local);
}

void pause_if_accept_error_lasts(int error) {
    // These concern only the connection that failed (accept(2) says to treat
    // them like EAGAIN): the next accept() may well succeed. Any other error,
    // such as running out of descriptors, may still be there a moment later.
    // EINTR is not among them: treating it as expected is ch04's lesson.
    switch (error) {
    case ECONNABORTED:
    case EPROTO:
    case ENETDOWN:
    case ENOPROTOOPT:
    case EHOSTDOWN:
    case ENONET:
    case EHOSTUNREACH:
    case EOPNOTSUPP:
    case ENETUNREACH:
    case EAGAIN:
        break;
    default: {
        const timespec pause{0, 100L * 1000 * 1000};
        nanosleep(&pause, nullptr);
    }
    }
}

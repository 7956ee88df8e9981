// connect_to, the clients' one call, apart from net.cpp: a server linked
// statically then takes nothing of getaddrinfo, which a static binary can
// only half do (it loads the resolver's shared libraries at run time).
#include <cerrno>
#include <cstring>
#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.hpp"
#include "net.hpp"

int connect_to(const char* host, uint16_t port) {
    addrinfo hints{};
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_STREAM;
    addrinfo* found = nullptr;
    const std::string service = std::to_string(port);
    const int rc = getaddrinfo(host, service.c_str(), &hints, &found);
    if (rc != 0)
        die("resolve %s: %s", host, rc == EAI_SYSTEM ? std::strerror(errno) : gai_strerror(rc));

    std::string where;
    int error = 0;
    for (const addrinfo* at = found; at != nullptr; at = at->ai_next) {
        where = address_text(*reinterpret_cast<const sockaddr_in*>(at->ai_addr));
        const int fd = socket(at->ai_family, at->ai_socktype, at->ai_protocol);
        if (fd < 0) {
            error = errno;
            continue;
        }
        if (connect(fd, at->ai_addr, at->ai_addrlen) == 0) {
            freeaddrinfo(found);
            return fd;
        }
        error = errno;
        close(fd);
    }
    freeaddrinfo(found);
    die("connect %s: %s", where.c_str(), std::strerror(error));
}

// Sockets: the listening socket, the client's connection, addresses as text.
#pragma once

#include <cstdint>
#include <netinet/in.h>
#include <string>

// A listening IPv4 TCP socket bound to address:port (port 0 lets the kernel
// choose), with SO_REUSEADDR and a backlog of SOMAXCONN. On failure prints
// "PROGRAM: bind 0.0.0.0:5051: Address already in use" (or the call that
// failed) and exits with status 1.
int open_listener(const char* address, uint16_t port);

// "a.b.c.d:port" for an IPv4 socket address.
std::string address_text(const sockaddr_in& address);

// The address and port a socket is bound to, as "a.b.c.d:port".
std::string local_address(int fd);

// A TCP connection to host:port (a name or an IPv4 address, resolved with
// getaddrinfo). On failure prints the call and the address and exits with 1.
int connect_to(const char* host, uint16_t port);

// After a failed accept(), given its errno: pauses 100 ms when the error may
// last, such as EMFILE (out of descriptors), so that a loop calling accept()
// again does not spin on it; returns at once when the error concerned only
// the one connection (ECONNABORTED and the like).
void pause_if_accept_error_lasts(int error);

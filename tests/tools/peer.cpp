// peer: clients that misbehave on purpose, or in bulk, for the hardening tests.
//
// usage: peer reset HOST PORT
//          Connects, sends "hello\n" and reads its echo, prints "echoed", then
//          sends 64 KiB without reading the echo and closes with SO_LINGER 0:
//          the kernel sends a reset (RST) in the middle of the stream.
//        peer vanish HOST PORT
//          Connects, sends "hello\n" and reads its echo, prints "echoed", and
//          waits for a line on standard input (the test stops the server
//          process meanwhile). Then sends "unanswered\n", shuts down its
//          sending side, waits until the server has acknowledged that (its
//          socket is in CLOSE_WAIT), and closes with SO_LINGER 0: the peer is
//          gone before the server writes the echo, and that write fails with
//          EPIPE, which kills a process that did not ask for MSG_NOSIGNAL.
//          Prints "vanished".
//        peer flood N BYTES HOST PORT
//          Opens N connections at once, sends BYTES pseudo-random bytes on
//          each (different on each), reads every echo until BYTES bytes came
//          back or the server closed, and prints one line per connection:
//          "K SENT RECEIVED COUNT", the
//          FNV-1a hashes of the bytes sent and received and the count received.
//          Exit status 1 if any connection failed or 30 s went by.
//        peer trickle BYTES HOST PORT PIDFILE
//          flood with one connection whose receive buffer is 4 KiB: the
//          server's writes fill it and block, again and again. Once
//          connected, it waits (5 s at most) for PIDFILE to hold the pid of
//          the process serving it; then, before each of its reads, if that
//          process is blocked in a send() or write() (/proc/PID/syscall), it
//          sends it SIGCHLD there: nothing frees room for the write until
//          this peer reads, so every signal lands inside a blocked write.
//          Its line ends with the number of signals sent: "1 SENT RECEIVED
//          COUNT SIGNALS", SIGNALS -1 if /proc/PID/syscall could not be read
//          (it needs the right to trace PID).
//        peer idle-reset HOST PORT
//          Connects, sends "hello\n" and reads its echo, prints "echoed",
//          waits 100 ms (the server is back in read()), and closes with a
//          reset: the server's read() fails with ECONNRESET.
//        peer mangle
//          A server on 127.0.0.1, port chosen by the kernel: prints
//          "[PID] listening on 127.0.0.1:PORT", serves one connection,
//          and sends back what it reads with the first byte of each read
//          changed: an echo that is wrong, for the client to notice.
//        peer hangup
//          The same server, which reads once and closes without an echo.
//
// The client in the chapters stays the book's client; these behaviours belong
// to the tests.

#include <algorithm>
#include <arpa/inet.h>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <vector>

namespace {

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "peer: %s: %s\n", what, std::strerror(errno));
    std::exit(1);
}

[[noreturn]] void usage() {
    std::fputs(
        "usage: peer reset|vanish|idle-reset HOST PORT | peer flood N BYTES HOST PORT\n"
        "       peer trickle BYTES HOST PORT PIDFILE | peer mangle | peer hangup\n",
        stderr);
    std::exit(2);
}

int connect_ipv4(const char* host, const char* port, int receive_buffer = 0) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(std::atoi(port)));
    if (inet_pton(AF_INET, host, &address.sin_addr) != 1)
        usage();
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        fail("socket");
    if (receive_buffer > 0 && setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer) < 0)
        fail("setsockopt SO_RCVBUF");
    if (connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) < 0)
        fail("connect");
    return fd;
}

void send_all(int fd, const char* data, size_t size) {
    while (size > 0) {
        const ssize_t put = send(fd, data, size, MSG_NOSIGNAL);
        if (put < 0)
            fail("send");
        data += put;
        size -= static_cast<size_t>(put);
    }
}

// Sends "hello\n", reads the six bytes back, and says so on stdout.
void hello(int fd) {
    send_all(fd, "hello\n", 6);
    char echo[6];
    size_t got = 0;
    while (got < sizeof echo) {
        const ssize_t n = recv(fd, echo + got, sizeof echo - got, 0);
        if (n <= 0) {
            if (n == 0)
                errno = ECONNRESET;
            fail("recv");
        }
        got += static_cast<size_t>(n);
    }
    if (std::memcmp(echo, "hello\n", 6) != 0) {
        std::fputs("peer: the echo differs\n", stderr);
        std::exit(1);
    }
    std::puts("echoed");
    std::fflush(stdout);
}

// Closes fd with a reset: SO_LINGER on with a zero timeout.
void close_with_reset(int fd) {
    const linger abort_on_close{1, 0};
    if (setsockopt(fd, SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close) < 0)
        fail("setsockopt SO_LINGER");
    close(fd);
}

void pause_ms(long ms) {
    const timespec pause{0, ms * 1000 * 1000};
    nanosleep(&pause, nullptr);
}

int reset(const char* host, const char* port) {
    const int fd = connect_ipv4(host, port);
    hello(fd);
    const std::vector<char> bytes(size_t{64} * 1024, 'x');
    send_all(fd, bytes.data(), bytes.size());
    close_with_reset(fd);
    return 0;
}

int vanish(const char* host, const char* port) {
    const int fd = connect_ipv4(host, port);
    hello(fd);
    char line[64];
    if (std::fgets(line, sizeof line, stdin) == nullptr && std::ferror(stdin) != 0)
        fail("read standard input");
    send_all(fd, "unanswered\n", 11);
    if (shutdown(fd, SHUT_WR) < 0)
        fail("shutdown");
    // Our FIN acknowledged: we are in FIN_WAIT2, the server in CLOSE_WAIT.
    for (int tries = 0; tries < 200; ++tries) {
        tcp_info info{};
        socklen_t length = sizeof info;
        if (getsockopt(fd, IPPROTO_TCP, TCP_INFO, &info, &length) < 0)
            fail("getsockopt TCP_INFO");
        if (info.tcpi_state == TCP_FIN_WAIT2)
            break;
        pause_ms(10);
    }
    close_with_reset(fd);
    std::puts("vanished");
    return 0;
}

// FNV-1a, 64 bits, continued over several calls.
uint64_t fnv1a(uint64_t hash, const char* data, size_t size) {
    for (size_t k = 0; k < size; ++k) {
        hash ^= static_cast<unsigned char>(data[k]);
        hash *= 1099511628211ULL;
    }
    return hash;
}
constexpr uint64_t fnv_start = 14695981039346656037ULL;

struct Stream {
    int fd = -1;
    std::vector<char> data;
    size_t sent = 0;
    size_t received = 0;
    uint64_t received_hash = fnv_start;
    bool done = false;
};

// read_pid(PATH): the pid PATH holds on a line of its own, once it does (5 s
// at most).
pid_t read_pid(const char* path) {
    for (int tries = 0; tries < 500; ++tries) {
        if (FILE* file = std::fopen(path, "r")) {
            long pid = 0;
            char end = 0;
            const bool whole = std::fscanf(file, "%ld%c", &pid, &end) == 2 && end == '\n' && pid > 0;
            std::fclose(file);
            if (whole)
                return static_cast<pid_t>(pid);
        }
        pause_ms(10);
    }
    std::fprintf(stderr, "peer: no pid in %s after 5 s\n", path);
    std::exit(1);
}

// blocked_sending(PID, READABLE): process PID sleeps in send() or write().
// READABLE is cleared if /proc/PID/syscall cannot be opened.
bool blocked_sending(pid_t pid, bool& readable) {
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%ld/syscall", static_cast<long>(pid));
    FILE* file = std::fopen(path, "r");
    if (file == nullptr) {
        readable = readable && errno == ENOENT;
        return false;
    }
    long call = -1;
    const bool read = std::fscanf(file, "%ld", &call) == 1;
    std::fclose(file);
    return read && (call == SYS_sendto || call == SYS_write);
}

int flood(long count, long bytes, const char* host, const char* port, int receive_buffer = 0,
          const char* pidfile = nullptr) {
    std::vector<Stream> streams(static_cast<size_t>(count));
    // Every connection is open before any byte is sent: N clients at once.
    // They open first of all, so that a test sees them at once even where
    // making the data takes a while (16 MiB on a slow machine).
    for (Stream& stream : streams) {
        stream.fd = connect_ipv4(host, port, receive_buffer);
        if (fcntl(stream.fd, F_SETFL, O_NONBLOCK) < 0)
            fail("fcntl O_NONBLOCK");
    }
    uint64_t state = static_cast<uint64_t>(getpid()) * 2654435761ULL + static_cast<uint64_t>(time(nullptr));
    for (Stream& stream : streams) {
        stream.data.resize(static_cast<size_t>(bytes));
        for (size_t at = 0; at < stream.data.size(); at += sizeof state) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            std::memcpy(stream.data.data() + at, &state, std::min(sizeof state, stream.data.size() - at));
        }
    }

    const pid_t serving = pidfile != nullptr ? read_pid(pidfile) : 0;
    long signals = 0;
    bool readable = true;
    const long deadline = static_cast<long>(time(nullptr)) + 30;
    std::vector<pollfd> polled(streams.size());
    std::vector<char> buffer(receive_buffer > 0 ? size_t{1024} : size_t{64} * 1024);
    size_t open = streams.size();
    while (open > 0) {
        for (size_t k = 0; k < streams.size(); ++k) {
            const Stream& stream = streams[k];
            polled[k].fd = stream.done ? -1 : stream.fd;
            polled[k].events = static_cast<short>(POLLIN | (stream.sent < stream.data.size() ? POLLOUT : 0));
            polled[k].revents = 0;
        }
        const int ready = poll(polled.data(), polled.size(), 1000);
        if (ready < 0 && errno != EINTR)
            fail("poll");
        if (static_cast<long>(time(nullptr)) > deadline) {
            std::fputs("peer: timed out\n", stderr);
            return 1;
        }
        for (size_t k = 0; k < streams.size(); ++k) {
            Stream& stream = streams[k];
            if (stream.done || polled[k].revents == 0)
                continue;
            if (stream.sent < stream.data.size() && (polled[k].revents & POLLOUT) != 0) {
                const ssize_t put =
                    send(stream.fd, stream.data.data() + stream.sent, stream.data.size() - stream.sent, MSG_NOSIGNAL);
                if (put < 0 && errno != EAGAIN)
                    fail("send");
                if (put > 0)
                    stream.sent += static_cast<size_t>(put);
                if (stream.sent == stream.data.size() && shutdown(stream.fd, SHUT_WR) < 0)
                    fail("shutdown");
            }
            if ((polled[k].revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
                if (serving > 0 && blocked_sending(serving, readable) && kill(serving, SIGCHLD) == 0)
                    ++signals;
                const ssize_t got = recv(stream.fd, buffer.data(), buffer.size(), 0);
                if (got < 0 && errno != EAGAIN)
                    fail("recv");
                if (got > 0) {
                    stream.received_hash = fnv1a(stream.received_hash, buffer.data(), static_cast<size_t>(got));
                    stream.received += static_cast<size_t>(got);
                }
                // All echoed, or the server closed: done. (ch02 to ch04 never
                // close: their parent keeps a copy of every connection.)
                if (got == 0 || stream.received >= stream.data.size()) {
                    stream.done = true;
                    close(stream.fd);
                    --open;
                }
            }
        }
    }
    for (size_t k = 0; k < streams.size(); ++k) {
        const Stream& stream = streams[k];
        std::printf("%zu %016llx %016llx %zu", k + 1,
                    static_cast<unsigned long long>(fnv1a(fnv_start, stream.data.data(), stream.data.size())),
                    static_cast<unsigned long long>(stream.received_hash), stream.received);
        if (pidfile != nullptr)
            std::printf(" %ld", readable ? signals : -1L);
        std::putchar('\n');
    }
    return 0;
}

int idle_reset(const char* host, const char* port) {
    const int fd = connect_ipv4(host, port);
    hello(fd);
    pause_ms(100);
    close_with_reset(fd);
    return 0;
}

// serve_one(CHANGE): the mangle and hangup servers: one connection, whose
// reads are sent back changed (CHANGE true) or not at all.
int serve_one(bool change) {
    const int listener = socket(AF_INET, SOCK_STREAM, 0);
    if (listener < 0)
        fail("socket");
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (bind(listener, reinterpret_cast<const sockaddr*>(&address), sizeof address) < 0 || listen(listener, 1) < 0 ||
        getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) < 0)
        fail("bind");
    std::printf("[%ld] listening on 127.0.0.1:%u\n", static_cast<long>(getpid()), ntohs(address.sin_port));
    std::fflush(stdout);
    const int fd = accept(listener, nullptr, nullptr);
    if (fd < 0)
        fail("accept");
    char buffer[4096];
    for (;;) {
        const ssize_t got = recv(fd, buffer, sizeof buffer, 0);
        if (got <= 0)
            return 0;
        if (!change)
            return 0;
        buffer[0] = static_cast<char>(buffer[0] ^ 1);
        send_all(fd, buffer, static_cast<size_t>(got));
    }
}

}  // namespace

int main(int argc, char* argv[]) {
    if (argc == 4 && std::strcmp(argv[1], "reset") == 0)
        return reset(argv[2], argv[3]);
    if (argc == 4 && std::strcmp(argv[1], "vanish") == 0)
        return vanish(argv[2], argv[3]);
    if (argc == 6 && std::strcmp(argv[1], "flood") == 0) {
        const long count = std::atol(argv[2]);
        const long bytes = std::atol(argv[3]);
        if (count < 1 || count > 1000 || bytes < 0 || bytes > (64L << 20))
            usage();
        return flood(count, bytes, argv[4], argv[5]);
    }
    if (argc == 2 && std::strcmp(argv[1], "mangle") == 0)
        return serve_one(true);
    if (argc == 2 && std::strcmp(argv[1], "hangup") == 0)
        return serve_one(false);
    if (argc == 4 && std::strcmp(argv[1], "idle-reset") == 0)
        return idle_reset(argv[2], argv[3]);
    if (argc == 6 && std::strcmp(argv[1], "trickle") == 0) {
        const long bytes = std::atol(argv[2]);
        if (bytes < 0 || bytes > (64L << 20))
            usage();
        return flood(1, bytes, argv[3], argv[4], 4096, argv[5]);
    }
    usage();
}

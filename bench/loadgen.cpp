// loadgen: the load generator of make bench. POSIX only, no library of ours.
//
//   loadgen [-c CONNECTIONS] [-d SECONDS] [-n MAX] [-t THINK_MS] [-s BYTES]
//           [--timeout SECONDS] PORT
//   loadgen --free-port          prints a TCP port of 127.0.0.1 free just now
//   loadgen --wait PORT [-d SECONDS]   waits until PORT accepts a connection
//   loadgen --hold N PORT [-d SECONDS] opens N connections and holds them
//
// CONNECTIONS threads, each one client after another until SECONDS have
// passed (or MAX clients in all were started): connect to 127.0.0.1:PORT,
// write a BYTES-long message, read its echo back whole, check it, close.
// With THINK_MS the client sends the first half of the message and reads its
// echo, holds the connection THINK_MS while it "thinks", then sends the rest
// and reads its echo: a server that serves one client at a time sits idle in
// read() through that pause, with the other clients waiting in its backlog.
// THINK_MS may be a fraction (0.2: 200 microseconds). A client's latency
// runs from just before connect() to the last byte of the echo. Each socket
// call gives up after --timeout seconds (default 5), so a run ends at most
// SECONDS + think + timeout after it began.
//
// --hold N (make bench's memory figures): connects N idle clients, one after
// another, prints "held N" once all are connected, and holds them until its
// standard input ends or SECONDS (default 1) have passed; then closes them.
//
// Prints one line of key=value pairs, for example:
//   conns=3012 errors=0 seconds=1.503 cps=2004.0 p50_ms=0.61 p90_ms=1.20 p99_ms=3.05 max_ms=9.80
// and exits 0, or 1 when no client succeeded.

#include <algorithm>
#include <arpa/inet.h>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

constexpr const char* usage =
    "usage: loadgen [-c CONNECTIONS] [-d SECONDS] [-n MAX] [-t THINK_MS] [-s BYTES]\n"
    "               [--timeout SECONDS] PORT\n"
    "       loadgen --free-port\n"
    "       loadgen --wait PORT [-d SECONDS]\n"
    "       loadgen --hold N PORT [-d SECONDS]\n";

struct Options {
    long connections = 8;
    double seconds = 1.0;
    long max_clients = 1000000;
    double think_ms = 0;
    long bytes = 64;
    double timeout = 5.0;
    int port = 0;
};

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "loadgen: %s\n%s", what, usage);
    std::exit(2);
}

double number(const char* text, double min, double max) {
    char* end = nullptr;
    errno = 0;
    const double value = std::strtod(text, &end);
    if (errno != 0 || end == text || *end != '\0' || !std::isfinite(value) || value < min || value > max)
        fail((std::string("bad number: ") + text).c_str());
    return value;
}

sockaddr_in loopback(int port) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return address;
}

void set_timeouts(int fd, double seconds) {
    timeval limit{};
    limit.tv_sec = static_cast<time_t>(seconds);
    limit.tv_usec = static_cast<suseconds_t>((seconds - static_cast<double>(limit.tv_sec)) * 1e6);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, sizeof limit);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, sizeof limit);  // connect() obeys it too
}

// A connected socket, or -1 (errno set).
int connect_loopback(int port, double timeout) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    set_timeouts(fd, timeout);
    const sockaddr_in address = loopback(port);
    while (connect(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) < 0) {
        if (errno == EINTR)
            continue;
        const int error = errno;
        close(fd);
        errno = error;
        return -1;
    }
    return fd;
}

bool write_all(int fd, const char* data, size_t size) {
    while (size > 0) {
        const ssize_t put = send(fd, data, size, MSG_NOSIGNAL);
        if (put < 0 && errno == EINTR)
            continue;
        if (put <= 0)
            return false;
        data += put;
        size -= static_cast<size_t>(put);
    }
    return true;
}

bool read_exact(int fd, char* data, size_t size) {
    while (size > 0) {
        const ssize_t got = recv(fd, data, size, 0);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return false;
        data += got;
        size -= static_cast<size_t>(got);
    }
    return true;
}

void pause_ms(double ms) {
    const auto ns = static_cast<long long>(ms * 1e6);
    timespec left{static_cast<time_t>(ns / 1000000000LL), static_cast<long>(ns % 1000000000LL)};
    while (nanosleep(&left, &left) < 0 && errno == EINTR) {
    }
}

int free_port() {
    const int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address = loopback(0);
    socklen_t length = sizeof address;
    if (fd < 0 || bind(fd, reinterpret_cast<const sockaddr*>(&address), sizeof address) < 0 ||
        getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) < 0) {
        std::perror("loadgen: free port");
        return 1;
    }
    std::printf("%d\n", ntohs(address.sin_port));
    close(fd);
    return 0;
}

// Tries to connect every 20 ms for up to seconds; closes at once when it can.
int wait_for(int port, double seconds) {
    const auto deadline = Clock::now() + std::chrono::duration<double>(seconds);
    while (Clock::now() < deadline) {
        const int fd = connect_loopback(port, 1.0);
        if (fd >= 0) {
            close(fd);
            return 0;
        }
        pause_ms(2);
    }
    std::fprintf(stderr, "loadgen: nothing accepts connections on 127.0.0.1:%d\n", port);
    return 1;
}

// Connects count clients and holds them until stdin ends or seconds pass.
int hold(int port, long count, double seconds, double timeout) {
    std::vector<int> fds;
    for (long k = 0; k < count; ++k) {
        const int fd = connect_loopback(port, timeout);
        if (fd < 0) {
            std::fprintf(stderr, "loadgen: connection %ld of %ld to 127.0.0.1:%d: %s\n", k + 1, count, port,
                         std::strerror(errno));
            return 1;
        }
        fds.push_back(fd);
    }
    std::printf("held %ld\n", count);
    std::fflush(stdout);
    pollfd input{STDIN_FILENO, POLLIN, 0};
    const auto deadline = Clock::now() + std::chrono::duration<double>(seconds);
    char byte = 0;
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
        if (left <= 0)
            break;
        const int ready = poll(&input, 1, static_cast<int>(left));
        if (ready > 0 && read(STDIN_FILENO, &byte, 1) <= 0)
            break;
        if (ready < 0 && errno != EINTR)
            break;
    }
    for (const int fd : fds)
        close(fd);
    return 0;
}

double percentile(const std::vector<double>& sorted, double p) {
    if (sorted.empty())
        return 0;
    // Nearest rank: the smallest value with at least p% of the values at or below it.
    size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
    rank = std::clamp<size_t>(rank, 1, sorted.size());
    return sorted[rank - 1];
}

int run(const Options& options) {
    const std::string message = [&] {
        std::string text(static_cast<size_t>(options.bytes), 'x');
        const std::string head = "loadgen " + std::to_string(getpid()) + " ";
        text.replace(0, std::min(head.size(), text.size()), head.substr(0, text.size()));
        if (!text.empty())
            text.back() = '\n';
        return text;
    }();

    std::atomic<long> started{0};
    std::atomic<long> errors{0};
    std::vector<std::vector<double>> latencies(static_cast<size_t>(options.connections));
    const auto begin = Clock::now();
    const auto deadline = begin + std::chrono::duration<double>(options.seconds);

    auto client_loop = [&](std::vector<double>& mine) {
        std::vector<char> echo(message.size());
        while (Clock::now() < deadline && started.fetch_add(1) < options.max_clients) {
            const auto t0 = Clock::now();
            const int fd = connect_loopback(options.port, options.timeout);
            bool ok = fd >= 0;
            if (options.think_ms > 0) {
                // Half the message, its echo, a pause, then the rest: the
                // pause starts once the server is serving this client, so a
                // server that serves one client at a time must wait it out.
                const size_t half = message.size() / 2;
                ok = ok && write_all(fd, message.data(), half);
                ok = ok && read_exact(fd, echo.data(), half);
                if (ok)
                    pause_ms(options.think_ms);
                ok = ok && write_all(fd, message.data() + half, message.size() - half);
                ok = ok && read_exact(fd, echo.data() + half, echo.size() - half);
            } else {
                ok = ok && write_all(fd, message.data(), message.size());
                ok = ok && read_exact(fd, echo.data(), echo.size());
            }
            ok = ok && std::memcmp(echo.data(), message.data(), message.size()) == 0;
            const auto t1 = Clock::now();
            if (fd >= 0)
                close(fd);
            if (ok) {
                mine.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
            } else {
                ++errors;
                pause_ms(1);  // a refused or failed connect must not spin
            }
        }
    };

    std::vector<std::thread> threads;
    for (auto& mine : latencies)
        threads.emplace_back(client_loop, std::ref(mine));
    for (auto& thread : threads)
        thread.join();
    const double elapsed = std::chrono::duration<double>(Clock::now() - begin).count();

    std::vector<double> all;
    for (const auto& mine : latencies)
        all.insert(all.end(), mine.begin(), mine.end());
    std::sort(all.begin(), all.end());
    std::printf("conns=%zu errors=%ld seconds=%.3f cps=%.1f p50_ms=%.3f p90_ms=%.3f p99_ms=%.3f max_ms=%.3f\n",
                all.size(), errors.load(), elapsed, static_cast<double>(all.size()) / elapsed,
                percentile(all, 50), percentile(all, 90), percentile(all, 99), all.empty() ? 0.0 : all.back());
    return all.empty() ? 1 : 0;
}

}  // namespace

int main(int argc, char* argv[]) {
    Options options;
    bool wait = false;
    long held = 0;
    for (int k = 1; k < argc; ++k) {
        const std::string arg = argv[k];
        const bool takes_value = arg == "-c" || arg == "-d" || arg == "-n" || arg == "-t" || arg == "-s" ||
                                 arg == "--timeout" || arg == "--wait" || arg == "--hold";
        if (takes_value && k + 1 >= argc)
            fail((arg + " needs a value").c_str());
        if (arg == "-h" || arg == "--help") {
            std::fputs(usage, stdout);
            return 0;
        } else if (arg == "--free-port") {
            return free_port();
        } else if (arg == "--wait") {
            wait = true;
            options.port = static_cast<int>(number(argv[++k], 1, 65535));
        } else if (arg == "--hold") {
            held = static_cast<long>(number(argv[++k], 1, 100000));
        } else if (arg == "-c") {
            options.connections = static_cast<long>(number(argv[++k], 1, 1000));
        } else if (arg == "-d") {
            options.seconds = number(argv[++k], 0.01, 600);
        } else if (arg == "-n") {
            options.max_clients = static_cast<long>(number(argv[++k], 1, 1e9));
        } else if (arg == "-t") {
            options.think_ms = number(argv[++k], 0, 60000);
        } else if (arg == "-s") {
            options.bytes = static_cast<long>(number(argv[++k], 1, 1 << 20));
        } else if (arg == "--timeout") {
            options.timeout = number(argv[++k], 0.01, 600);
        } else if (arg[0] != '-' && options.port == 0) {
            options.port = static_cast<int>(number(argv[k], 1, 65535));
        } else {
            fail(("unexpected argument: " + arg).c_str());
        }
    }
    if (options.port == 0)
        fail("no PORT");
    if (held > 0)
        return hold(options.port, held, options.seconds, options.timeout);
    return wait ? wait_for(options.port, options.seconds) : run(options);
}

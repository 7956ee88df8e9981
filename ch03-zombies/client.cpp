// client: the echo client for every chapter (this file is the same in each).
// Sends numbered messages and checks that each comes back unchanged, like the
// book's client; --stdin sends standard input instead, so a reader or a test
// decides when the connection ends; -c N holds N connections open at once and
// closes them together, so that N server children exit at the same moment.

#include <cstdio>
#include <cstring>
#include <ctime>
#include <string>
#include <unistd.h>
#include <vector>

#include "args.hpp"
#include "io.hpp"
#include "log.hpp"
#include "net.hpp"

namespace {

constexpr const char* usage =
    "usage: client [OPTIONS] [HOST [PORT]]\n"
    "  Connects to HOST:PORT (default 127.0.0.1:5051), sends messages and checks\n"
    "  that each comes back unchanged (if not: an error and exit status 1).\n"
    "  -n, --count N          send N numbered messages (default 5)\n"
    "  -i, --interval SECONDS wait this long between messages (default 1; 0.2, 0)\n"
    "  -c, --connections N    open N connections at once, send every message on\n"
    "                         each, then close them all together (default 1)\n"
    "  -r, --repeat N         do all of the above N times, one after another\n"
    "      --stdin            send standard input instead of numbered messages,\n"
    "                         print the echo, close at the end of the input\n"
    "  -h, --help             print this help\n";

struct Options {
    long count = 5;
    double interval = 1.0;
    long connections = 1;
    long repeat = 1;
    bool from_stdin = false;
    const char* host = "127.0.0.1";
    uint16_t port = 5051;
};

Options parse_options(int argc, char* argv[]) {
    Options options;
    int positional = 0;
    for (int k = 1; k < argc; ++k) {
        const std::string arg = argv[k];
        const bool takes_value = arg == "-n" || arg == "--count" || arg == "-i" || arg == "--interval" || arg == "-c" ||
                                 arg == "--connections" || arg == "-r" || arg == "--repeat";
        if (takes_value && k + 1 >= argc)
            usage_error(usage, "%s needs a value", arg.c_str());
        if (arg == "-h" || arg == "--help") {
            std::fputs(usage, stdout);
            std::exit(0);
        } else if (arg == "-n" || arg == "--count") {
            const auto count = parse_count(argv[++k], 0, 1000000);
            if (!count)
                usage_error(usage, "bad count: %s (want 0 to 1000000)", argv[k]);
            options.count = *count;
        } else if (arg == "-i" || arg == "--interval") {
            const auto seconds = parse_seconds(argv[++k], 3600);
            if (!seconds)
                usage_error(usage, "bad interval: %s (want seconds, 0 to 3600)", argv[k]);
            options.interval = *seconds;
        } else if (arg == "-c" || arg == "--connections") {
            const auto connections = parse_count(argv[++k], 1, 1000);
            if (!connections)
                usage_error(usage, "bad number of connections: %s (want 1 to 1000)", argv[k]);
            options.connections = *connections;
        } else if (arg == "-r" || arg == "--repeat") {
            const auto repeat = parse_count(argv[++k], 1, 1000000);
            if (!repeat)
                usage_error(usage, "bad repeat count: %s (want 1 to 1000000)", argv[k]);
            options.repeat = *repeat;
        } else if (arg == "--stdin") {
            options.from_stdin = true;
        } else if (arg.size() > 1 && arg[0] == '-') {
            usage_error(usage, "unknown option: %s", arg.c_str());
        } else if (positional == 0) {
            options.host = argv[k];
            ++positional;
        } else if (positional == 1) {
            const auto port = parse_port(argv[k]);
            if (!port || *port == 0)
                usage_error(usage, "bad port: %s (want a number from 1 to 65535)", argv[k]);
            options.port = *port;
            ++positional;
        } else {
            usage_error(usage, "too many arguments: %s", argv[k]);
        }
    }
    if (options.from_stdin && options.repeat > 1)
        usage_error(usage, "--stdin and --repeat do not go together");
    return options;
}

void pause_for(double seconds) {
    const auto whole = static_cast<time_t>(seconds);
    timespec left{whole, static_cast<long>((seconds - static_cast<double>(whole)) * 1e9)};
    while (nanosleep(&left, &left) < 0) {
    }
}

void send_or_die(int fd, const char* data, size_t size) {
    if (!write_all(fd, data, size))
        die_errno("send");
}

// Reads back exactly what was sent on fd; anything else is a fatal error.
void expect_echo(int fd, const char* sent, size_t size, std::vector<char>& echo) {
    echo.resize(size);
    const ssize_t got = read_exact(fd, echo.data(), size);
    if (got < 0)
        die_errno("recv");
    if (static_cast<size_t>(got) < size)
        die("the server closed the connection after echoing %zd of %zu bytes", got, size);
    if (std::memcmp(echo.data(), sent, size) != 0)
        die("the echo differs from what was sent");
}

void send_messages(const Options& options, const std::vector<int>& fds) {
    std::vector<char> echo;
    for (long number = 1; number <= options.count; ++number) {
        if (number > 1 && options.interval > 0)
            pause_for(options.interval);
        for (size_t k = 0; k < fds.size(); ++k) {
            std::string label = fds.size() > 1 ? "connection " + std::to_string(k + 1) + ": " : "";
            std::string message = "message " + std::to_string(number) + " of " + std::to_string(options.count) +
                                  " from client " + std::to_string(getpid());
            std::printf("%ssent: %s\n", label.c_str(), message.c_str());
            std::fflush(stdout);
            message += '\n';
            send_or_die(fds[k], message.data(), message.size());
            expect_echo(fds[k], message.data(), message.size(), echo);
            std::printf("%secho: %.*s\n", label.c_str(), static_cast<int>(echo.size() - 1), echo.data());
            std::fflush(stdout);
        }
    }
}

void send_stdin(const std::vector<int>& fds) {
    // Sixteen of the server's read buffers at a time: every chunk sent is
    // larger than what the server reads at once.
    std::vector<char> chunk(16 * echo_buffer_size);
    std::vector<char> echo;
    for (;;) {
        const ssize_t got = read_some(STDIN_FILENO, chunk.data(), chunk.size());
        if (got < 0)
            die_errno("read standard input");
        if (got == 0)
            return;
        const auto size = static_cast<size_t>(got);
        for (const int fd : fds)
            send_or_die(fd, chunk.data(), size);
        for (const int fd : fds)
            expect_echo(fd, chunk.data(), size, echo);
        if (!write_all(STDOUT_FILENO, echo.data(), echo.size()))
            die_errno("write standard output");
    }
}

}  // namespace

int main(int argc, char* argv[]) {
    open_dev_null_on_closed_std_fds();
    set_program_name(argv[0]);
    const Options options = parse_options(argc, argv);

    for (long round = 0; round < options.repeat; ++round) {
        std::vector<int> fds;
        for (long k = 0; k < options.connections; ++k)
            fds.push_back(connect_to(options.host, options.port));

        if (options.from_stdin)
            send_stdin(fds);
        else
            send_messages(options, fds);

        for (const int fd : fds)
            close(fd);
    }
    return 0;
}

#include "args.hpp"

#include <arpa/inet.h>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <unistd.h>

#include "io.hpp"
#include "log.hpp"

namespace {

constexpr const char* server_usage =
    "usage: server [PORT [ADDRESS]]\n"
    "  Echo server. Listens on ADDRESS:PORT (default 0.0.0.0:5051);\n"
    "  port 0 lets the kernel choose. The first line printed is\n"
    "  \"[PID] listening on ADDRESS:PORT\", with the real port.\n";

bool all_digits(const char* text) {
    if (*text == '\0')
        return false;
    for (const char* at = text; *at != '\0'; ++at)
        if (std::isdigit(static_cast<unsigned char>(*at)) == 0)
            return false;
    return true;
}

}  // namespace

std::optional<long> parse_count(const char* text, long min, long max) {
    if (!all_digits(text) || std::strlen(text) > 18)
        return std::nullopt;
    const long value = std::strtol(text, nullptr, 10);
    if (value < min || value > max)
        return std::nullopt;
    return value;
}

std::optional<uint16_t> parse_port(const char* text) {
    const auto value = parse_count(text, 0, 65535);
    if (!value)
        return std::nullopt;
    return static_cast<uint16_t>(*value);
}

std::optional<double> parse_seconds(const char* text, double max) {
    // Digits with at most one decimal point: no sign, no exponent, no hex.
    int points = 0;
    int digits = 0;
    for (const char* at = text; *at != '\0'; ++at) {
        if (*at == '.')
            ++points;
        else if (std::isdigit(static_cast<unsigned char>(*at)) != 0)
            ++digits;
        else
            return std::nullopt;
    }
    if (digits == 0 || points > 1 || std::strlen(text) > 18)
        return std::nullopt;
    const double value = std::strtod(text, nullptr);
    if (value > max)
        return std::nullopt;
    return value;
}

ServerArgs parse_server_args(int argc, char* argv[]) {
    ServerArgs args;
    int positional = 0;
    for (int k = 1; k < argc; ++k) {
        const char* arg = argv[k];
        if (std::strcmp(arg, "-h") == 0 || std::strcmp(arg, "--help") == 0) {
            write_all(STDOUT_FILENO, server_usage, std::strlen(server_usage));
            std::exit(0);
        }
        if (arg[0] == '-' && arg[1] != '\0')
            usage_error(server_usage, "unknown option: %s", arg);
        if (positional == 0) {
            const auto port = parse_port(arg);
            if (!port)
                usage_error(server_usage, "bad port: %s (want a number from 0 to 65535)", arg);
            args.port = *port;
        } else if (positional == 1) {
            in_addr unused{};
            if (inet_pton(AF_INET, arg, &unused) != 1)
                usage_error(server_usage, "bad address: %s (want an IPv4 address such as 127.0.0.1)", arg);
            args.address = arg;
        } else {
            usage_error(server_usage, "too many arguments: %s", arg);
        }
        ++positional;
    }
    return args;
}

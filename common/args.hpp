// Command-line arguments: strict numbers, and the server's PORT and ADDRESS.
#pragma once

#include <cstdint>
#include <optional>

// A port number 0..65535 written in decimal digits only; nothing otherwise.
std::optional<uint16_t> parse_port(const char* text);

// A whole number min..max written in decimal digits only; nothing otherwise.
std::optional<long> parse_count(const char* text, long min, long max);

// Seconds, such as 1, 0.25 or 0, from 0 to max; nothing otherwise.
std::optional<double> parse_seconds(const char* text, double max);

struct ServerArgs {
    uint16_t port = 5051;
    const char* address = "0.0.0.0";
};

// Reads "server [PORT [ADDRESS]]". --help prints the usage and exits 0; a
// bad argument prints what is wrong and the usage, and exits 2.
ServerArgs parse_server_args(int argc, char* argv[]);

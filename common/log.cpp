#include "log.hpp"

#include <cerrno>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

const char* program = "program";

// write(2) until all is written. Async-signal-safe. Errors are dropped: a
// message that cannot be printed has nowhere else to go.
void put(int fd, const char* text, size_t length) {
    while (length > 0) {
        const ssize_t written = write(fd, text, length);
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0)
            return;
        text += written;
        length -= static_cast<size_t>(written);
    }
}

// A fixed line buffer filled with async-signal-safe code only (no snprintf).
struct SafeLine {
    char text[160];
    size_t length = 0;

    void add(const char* s) {
        while (*s != '\0' && length < sizeof text - 1)
            text[length++] = *s++;
    }
    void add(long n) {
        char digits[24];
        size_t count = 0;
        const bool negative = n < 0;
        unsigned long rest = negative ? 0UL - static_cast<unsigned long>(n) : static_cast<unsigned long>(n);
        do {
            digits[count++] = static_cast<char>('0' + rest % 10);
            rest /= 10;
        } while (rest != 0);
        if (negative)
            add("-");
        while (count > 0 && length < sizeof text - 1)
            text[length++] = digits[--count];
    }
};

// Formats "prefix" + format into line, ends it with a newline, and writes it
// to fd in one write, cutting an over-long message rather than splitting it.
void emit(int fd, const char* prefix, const char* format, va_list args) {
    char line[1024];
    int used = std::snprintf(line, sizeof line, "%s", prefix);
    if (used < 0)
        used = 0;
    const int rest = std::vsnprintf(line + used, sizeof line - used, format, args);
    size_t length = static_cast<size_t>(used) + (rest > 0 ? static_cast<size_t>(rest) : 0);
    if (length > sizeof line - 2)
        length = sizeof line - 2;
    line[length++] = '\n';
    put(fd, line, length);
}

void emit_plain(int fd, const char* prefix, const char* format, ...) __attribute__((format(printf, 3, 4)));
void emit_plain(int fd, const char* prefix, const char* format, ...) {
    va_list args;
    va_start(args, format);
    emit(fd, prefix, format, args);
    va_end(args);
}

}  // namespace

void open_dev_null_on_closed_std_fds() {
    for (;;) {
        const int fd = open("/dev/null", O_RDWR);
        if (fd < 0)
            return;
        if (fd > STDERR_FILENO) {
            close(fd);
            return;
        }
    }
}

void set_program_name(const char* argv0) {
    if (argv0 == nullptr || *argv0 == '\0')
        return;
    const char* slash = std::strrchr(argv0, '/');
    program = slash != nullptr ? slash + 1 : argv0;
}

void log_line(const char* format, ...) {
    char prefix[32];
    std::snprintf(prefix, sizeof prefix, "[%ld] ", static_cast<long>(getpid()));
    va_list args;
    va_start(args, format);
    emit(STDOUT_FILENO, prefix, format, args);
    va_end(args);
}

void report_errno(const char* what) {
    const int saved = errno;
    char prefix[96];
    std::snprintf(prefix, sizeof prefix, "%s[%ld]: ", program, static_cast<long>(getpid()));
    emit_plain(STDERR_FILENO, prefix, "%s: %s", what, std::strerror(saved));
    errno = saved;
}

void die(const char* format, ...) {
    char prefix[96];
    std::snprintf(prefix, sizeof prefix, "%s: ", program);
    va_list args;
    va_start(args, format);
    emit(STDERR_FILENO, prefix, format, args);
    va_end(args);
    std::exit(1);
}

void die_errno(const char* what) {
    die("%s: %s", what, std::strerror(errno));
}

void usage_error(const char* usage, const char* format, ...) {
    char prefix[96];
    std::snprintf(prefix, sizeof prefix, "%s: ", program);
    va_list args;
    va_start(args, format);
    emit(STDERR_FILENO, prefix, format, args);
    va_end(args);
    put(STDERR_FILENO, usage, std::strlen(usage));
    std::exit(2);
}

void log_child_status(pid_t child, int status) {
    const int saved = errno;
    SafeLine line;
    line.add("[");
    line.add(static_cast<long>(getpid()));
    line.add("] reaped child ");
    line.add(static_cast<long>(child));
    if (WIFEXITED(status)) {
        line.add(": exited with status ");
        line.add(static_cast<long>(WEXITSTATUS(status)));
    } else if (WIFSIGNALED(status)) {
        line.add(": killed by signal ");
        line.add(static_cast<long>(WTERMSIG(status)));
    } else {
        line.add(": status ");
        line.add(static_cast<long>(status));
    }
    line.add("\n");
    put(STDOUT_FILENO, line.text, line.length);
    errno = saved;
}

// Messages: event lines on stdout, errors on stderr, each one line, one write(2).
#pragma once

#include <sys/types.h>

// Opens /dev/null on each of descriptors 0, 1 and 2 that is closed, as the
// first thing a program does: otherwise the next socket would take that
// number, and log lines meant for stdout or stderr would be sent to a client
// or the listening socket.
void open_dev_null_on_closed_std_fds();

// Remembers the program's name (the last part of argv[0]) for error lines.
void set_program_name(const char* argv0);

// Prints "[PID] message" on stdout as a single write(2). Nothing is left in
// a stdio buffer for fork() to copy, so no line is ever printed twice, and
// lines from the parent and its children never interleave mid-line.
void log_line(const char* format, ...) __attribute__((format(printf, 1, 2)));

// Prints "PROGRAM[PID]: what: strerror(errno)" on stderr and carries on.
void report_errno(const char* what);

// Prints "PROGRAM: message" on stderr and exits with status 1.
[[noreturn]] void die(const char* format, ...) __attribute__((format(printf, 1, 2)));

// Prints "PROGRAM: what: strerror(errno)" on stderr and exits with status 1.
[[noreturn]] void die_errno(const char* what);

// Prints "PROGRAM: message" and then the usage text on stderr; exits with status 2.
[[noreturn]] void usage_error(const char* usage, const char* format, ...) __attribute__((format(printf, 2, 3)));

// Prints "[PID] reaped child CHILD: exited with status N" (or "killed by
// signal N") on stdout. Async-signal-safe: it calls only getpid() and
// write(), so a SIGCHLD handler may call it. It leaves errno as it was.
void log_child_status(pid_t child, int status);

// Byte loops: reads and writes that survive signals and short counts.
#pragma once

#include <cstddef>
#include <sys/types.h>

// Reads up to size bytes, calling read(2) again when a signal interrupts it.
// Returns the count read, 0 at end of file, or -1 with errno set.
ssize_t read_some(int fd, void* buffer, size_t size);

// Reads exactly size bytes unless end of file comes first. Returns the count
// read (less than size only at end of file), or -1 with errno set. On a TCP
// socket it acknowledges each piece at once (TCP_QUICKACK).
ssize_t read_exact(int fd, void* buffer, size_t size);

// Writes all size bytes, looping over partial writes and EINTR. On a socket
// a vanished peer gives EPIPE, not a SIGPIPE that would kill the process.
// Returns false with errno set on error.
bool write_all(int fd, const void* data, size_t size);

// How much the echo loop reads at a time.
inline constexpr size_t echo_buffer_size = 4096;

// Sends back every byte read from conn_fd until the peer closes its side.
// Returns true at end of file; on an error it reports it (PROGRAM[PID]: ...)
// and returns false. It never closes conn_fd: that is the caller's lesson.
bool echo_until_eof(int conn_fd);

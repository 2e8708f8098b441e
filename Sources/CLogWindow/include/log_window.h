#ifndef LOG_WINDOW_H
#define LOG_WINDOW_H

#include <stddef.h>
#include <stdint.h>

/// A read-only window of a file, mapped: the scanner reads the log's bytes where the
/// page cache holds them instead of having read(2) copy them (the copy was most of a
/// cold scan's system time).
///
/// A mapped file that shrinks under its reader (a truncation, a copytruncate) turns
/// every access past its new end into SIGBUS, which would kill the daemon. While a
/// window is mapped, a SIGBUS at an address inside it is handled: the rest of the
/// window is replaced by zero pages, the window is marked lost, and the read goes on
/// over zeros, to be thrown away by its caller. A SIGBUS anywhere else goes to the
/// handler that was there before (the default one: the process dies with a core).
typedef struct {
    /// The bytes asked for: `length` of them, from the offset asked for.
    const uint8_t *bytes;
    size_t length;
    void *map;
    size_t map_length;
    int slot;
} cc_log_window;

/// Maps `length` bytes of `fd` from `offset` (any offset; the mapping starts at the
/// page below it). 0, or an errno value: the caller then reads with pread(2) instead.
int cc_log_window_map(int fd, int64_t offset, size_t length, cc_log_window *window);

/// Unmaps the window. 1 if a page of it was lost to a shrunk file while it was mapped
/// (its bytes from there on read as zeros), else 0.
int cc_log_window_unmap(cc_log_window *window);

#endif

#include "log_window.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

// The windows mapped now, for the SIGBUS handler, which may read only what is
// async-signal-safe: a fixed table of atomics, no lock, no allocation. Two scan
// slices map two windows at a time; 64 leaves room, and a full table only means the
// caller reads with pread(2).
#define SLOTS 64
static _Atomic uintptr_t slot_start[SLOTS];  // 0: free; 1: claimed, not yet mapped
static _Atomic uintptr_t slot_end[SLOTS];
static _Atomic int slot_lost[SLOTS];

static struct sigaction previous;
static uintptr_t page_size;
static pthread_once_t installed = PTHREAD_ONCE_INIT;
static int install_error;

static void on_sigbus(int sig, siginfo_t *info, void *context) {
    uintptr_t at = (uintptr_t)info->si_addr;
    for (int i = 0; i < SLOTS; i++) {
        uintptr_t start = atomic_load(&slot_start[i]);
        uintptr_t end = atomic_load(&slot_end[i]);
        if (start <= 1 || at < start || at >= end) continue;
        // mmap(2) is a system call, safe here though POSIX does not list it: zero
        // pages over the lost part, so the faulting load and those after it succeed.
        uintptr_t page = at & ~(page_size - 1);
        void *zeros = mmap((void *)page, end - page, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
        if (zeros != MAP_FAILED) {
            atomic_store(&slot_lost[i], 1);
            return;
        }
    }
    // Not a window's: what would have happened without us.
    if ((previous.sa_flags & SA_SIGINFO) && previous.sa_sigaction) {
        previous.sa_sigaction(sig, info, context);
    } else if (previous.sa_handler != SIG_DFL && previous.sa_handler != SIG_IGN) {
        previous.sa_handler(sig);
    } else {
        // Returning re-runs the faulting access, which now faults to the default action.
        signal(SIGBUS, SIG_DFL);
    }
}

static void install(void) {
    page_size = (uintptr_t)sysconf(_SC_PAGESIZE);
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_sigaction = on_sigbus;
    action.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&action.sa_mask);
    if (sigaction(SIGBUS, &action, &previous) != 0) install_error = errno;
}

int cc_log_window_map(int fd, int64_t offset, size_t length, cc_log_window *window) {
    pthread_once(&installed, install);
    if (install_error) return install_error;
    if (offset < 0 || length == 0) return EINVAL;
    int slot = -1;
    for (int i = 0; i < SLOTS && slot < 0; i++) {
        uintptr_t free_slot = 0;
        if (atomic_compare_exchange_strong(&slot_start[i], &free_slot, 1)) slot = i;
    }
    if (slot < 0) return ENOSPC;
    uintptr_t skip = (uintptr_t)offset & (page_size - 1);
    size_t map_length = length + skip;
    void *map = mmap(NULL, map_length, PROT_READ, MAP_SHARED, fd, (off_t)(offset - (int64_t)skip));
    if (map == MAP_FAILED) {
        int e = errno;
        atomic_store(&slot_start[slot], 0);
        return e;
    }
    atomic_store(&slot_lost[slot], 0);
    atomic_store(&slot_end[slot], (uintptr_t)map + map_length);
    atomic_store(&slot_start[slot], (uintptr_t)map);
    window->bytes = (const uint8_t *)map + skip;
    window->length = length;
    window->map = map;
    window->map_length = map_length;
    window->slot = slot;
    return 0;
}

int cc_log_window_unmap(cc_log_window *window) {
    int slot = window->slot;
    int lost = atomic_load(&slot_lost[slot]);
    // Out of the table before the pages go: an address reused by a later mapping must
    // not be taken for this window's.
    atomic_store(&slot_end[slot], 0);
    atomic_store(&slot_start[slot], 1);
    munmap(window->map, window->map_length);
    atomic_store(&slot_start[slot], 0);
    return lost;
}

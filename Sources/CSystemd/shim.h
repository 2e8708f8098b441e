// libsystemd's notify and journal APIs, as the daemon uses them. The headers only:
// the library itself is opened at run time, on first use (`LibSystemd`), so the
// commands that never speak to systemd do not load it and the six libraries it needs.
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>
#include <sys/uio.h>

// The three entry points' types, taken from libsystemd's own declarations: what
// dlsym returns is cast to these, so a changed signature fails the build.
typedef __typeof__(sd_notify) *consciousness_sd_notify_fn;
typedef __typeof__(sd_watchdog_enabled) *consciousness_sd_watchdog_enabled_fn;
typedef __typeof__(sd_journal_sendv) *consciousness_sd_journal_sendv_fn;

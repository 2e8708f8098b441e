// libsystemd's notify and journal APIs, as the daemon uses them.
#include <systemd/sd-daemon.h>
#include <systemd/sd-journal.h>
#include <sys/uio.h>

import CSystemd
#if canImport(Glibc)
import Glibc
#endif

/// libsystemd, opened on first use. Linked at build time it was loaded by every run
/// of every command — `cycle`, `status`, `--version` — with the six libraries it pulls
/// in (libgcrypt, libgpg-error, liblzma, libzstd, liblz4, libcap): about 1.2 ms of each
/// start (`perf stat` of an empty C program linked with and without it), for three
/// functions only the daemon under systemd calls. Opened here, it costs that once, in
/// the daemon, when systemd is there to talk to.
public struct LibSystemd: Sendable {
    let notify: consciousness_sd_notify_fn
    let watchdogEnabled: consciousness_sd_watchdog_enabled_fn
    let journalSendv: consciousness_sd_journal_sendv_fn

    /// The library, or why it could not be opened (`dlerror`). Opened once per
    /// process, the first time anything asks (a static is lazy and thread-safe).
    public static let shared: Result<LibSystemd, LoadError> = open("libsystemd.so.0")

    public struct LoadError: Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    static func open(_ name: String) -> Result<LibSystemd, LoadError> {
        // RTLD_NOW: a missing symbol shows here, not at the first watchdog ping. The
        // handle is never closed: the functions are used until the process ends.
        guard let handle = dlopen(name, RTLD_NOW | RTLD_LOCAL) else {
            return .failure(LoadError(description: "cannot open \(name): \(Self.dlerrorText())"))
        }
        func symbol<F>(_ symbol: String, as type: F.Type) throws(LoadError) -> F {
            guard let p = dlsym(handle, symbol) else {
                throw LoadError(description: "\(name) has no \(symbol): \(Self.dlerrorText())")
            }
            return unsafeBitCast(p, to: F.self)
        }
        do throws(LoadError) {
            return .success(LibSystemd(notify: try symbol("sd_notify", as: consciousness_sd_notify_fn.self),
                                       watchdogEnabled: try symbol("sd_watchdog_enabled", as: consciousness_sd_watchdog_enabled_fn.self),
                                       journalSendv: try symbol("sd_journal_sendv", as: consciousness_sd_journal_sendv_fn.self)))
        } catch {
            return .failure(error)
        }
    }

    private static func dlerrorText() -> String {
        dlerror().map { String(cString: $0) } ?? "unknown error"
    }
}

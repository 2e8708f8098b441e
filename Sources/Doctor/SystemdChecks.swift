import Foundation
import ProcessRunner

/// The doctor's service checks, from
/// `systemctl show consciousness.service -p LoadState,UnitFileState,ActiveState,WatchdogUSec`.
enum SystemdChecks {
    static let unit = "consciousness.service"

    static func run(systemctl: String) -> [DoctorCheck] {
        let o: ChildProcess.Output
        do {
            o = try ChildProcess.run(systemctl, ["show", unit, "-p", "LoadState,UnitFileState,ActiveState,WatchdogUSec"])
        } catch {
            return [unavailable("\(systemctl) cannot be run (\(error.localizedDescription))")]
        }
        if o.notFound { return [unavailable("systemctl is not installed: this machine does not run systemd")] }
        guard o.ok else {
            let why = o.stderr.split(separator: "\n").first.map(String.init) ?? "exit status \(o.status)"
            return [unavailable("systemctl cannot answer: \(why)")]
        }
        var p: [String: String] = [:]
        for line in o.text.split(separator: "\n") {
            if let eq = line.firstIndex(of: "=") { p[String(line[..<eq])] = String(line[line.index(after: eq)...]) }
        }
        return checks(p)
    }

    static func unavailable(_ why: String) -> DoctorCheck {
        .failure("systemd", why, fix: "run the service on a machine booted with systemd (sudo make install; "
                 + "sudo systemctl enable --now consciousness), or supervise `consciousness daemon` another way")
    }

    static func checks(_ p: [String: String]) -> [DoctorCheck] {
        let load = p["LoadState"] ?? "unknown", file = p["UnitFileState"] ?? "unknown"
        let active = p["ActiveState"] ?? "unknown", watchdog = p["WatchdogUSec"] ?? "0"
        return [
            load == "loaded" ? .pass("unit installed", "\(unit) is loaded")
                : .failure("unit installed", "\(unit) is \(load)",
                           fix: "sudo make install && sudo systemctl daemon-reload (installs systemd/consciousness.service)"),
            file == "enabled" ? .pass("unit enabled", "\(unit) starts at boot")
                : .failure("unit enabled", "\(unit) is \(file.isEmpty ? "not installed" : file)", fix: "sudo systemctl enable consciousness"),
            active == "active" ? .pass("unit active", "\(unit) is running")
                : .failure("unit active", "\(unit) is \(active)",
                           fix: "sudo systemctl start consciousness (journalctl -u consciousness -e says why it stopped)"),
            ["0", "", "infinity"].contains(watchdog)
                ? .failure("watchdog", "\(unit) has no watchdog (WatchdogUSec=\(watchdog))",
                           fix: "reinstall the unit (sudo make install; it sets WatchdogSec=60s), then "
                              + "sudo systemctl daemon-reload && sudo systemctl restart consciousness")
                : .pass("watchdog", "WatchdogUSec=\(watchdog)"),
        ]
    }
}

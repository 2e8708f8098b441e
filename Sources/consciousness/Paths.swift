import Foundation
import StateStore

/// Where things are when the command line does not say: the environment the
/// systemd unit sets, then the user's conventional places.
enum Paths {
    static let defaultLog = "logs/autonomous_healing/constitutional_violations.jsonl"

    static func log(_ option: String?, _ env: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let option { return option }
        if let v = env["VIOLATIONS_LOG"], !v.isEmpty { return v }
        let root = env["AGENCY_ROOT"].flatMap { $0.isEmpty ? nil : $0 } ?? FileManager.default.currentDirectoryPath
        return (root as NSString).appendingPathComponent(defaultLog)
    }

    /// `--state-dir`, else systemd's `STATE_DIRECTORY` (first entry), else
    /// `$XDG_STATE_HOME/consciousness`, else `~/.local/state/consciousness`.
    static func stateDirectory(_ option: String?, _ env: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let option { return option }
        if let v = env["STATE_DIRECTORY"]?.split(separator: ":").first { return String(v) }
        if let x = env["XDG_STATE_HOME"], !x.isEmpty { return (x as NSString).appendingPathComponent("consciousness") }
        let home = env["HOME"] ?? NSHomeDirectory()
        return (home as NSString).appendingPathComponent(".local/state/consciousness")
    }

    /// The store in the state directory, which must exist: the reading commands create
    /// none (a typo in --state-dir would otherwise show an empty store).
    static func existingStore(_ option: String?) throws -> StateStore {
        let dir = stateDirectory(option)
        guard FileManager.default.fileExists(atPath: (dir as NSString).appendingPathComponent("consciousness.sqlite")) else {
            throw fail("no state in \(dir): no cycle has run yet (consciousness cycle, or start the daemon)", ExitStatus.noInput)
        }
        do { return try StateStore(directory: dir) } catch { throw fail(error.description, ExitStatus.cantCreate) }
    }
}

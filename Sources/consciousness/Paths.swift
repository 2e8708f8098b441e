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
}

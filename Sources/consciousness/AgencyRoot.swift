import Daemon
import Foundation

/// The agent framework's repository, for `proposals approve`: `--agency-root`, else
/// `$AGENCY_ROOT`, else the configuration file's `AGENCY_ROOT` (the one the daemon
/// reads), else the current directory.
enum AgencyRoot {
    /// An absolute path, so the git commands printed for the person work from anywhere.
    static func resolve(_ option: String?, _ env: [String: String] = ProcessInfo.processInfo.environment) -> String {
        URL(fileURLWithPath: given(option, env)).standardizedFileURL.path
    }

    private static func given(_ option: String?, _ env: [String: String]) -> String {
        if let option { return option }
        if let v = env["AGENCY_ROOT"], !v.isEmpty { return v }
        if let file = ConfigFile.path(nil, env), let text = try? String(contentsOfFile: file, encoding: .utf8),
           let v = (try? EnvFile(parsing: text))?.values["AGENCY_ROOT"], !v.isEmpty {
            return v
        }
        return FileManager.default.currentDirectoryPath
    }
}

import Foundation

/// Which configuration file a command reads, by the daemon's rule: `--config`, else
/// `$CONSCIOUSNESS_CONFIG`, else the installed file when it exists, else none (the
/// environment and the defaults).
enum ConfigFile {
    static let installed = "/etc/consciousness/consciousness.env"

    static func path(_ option: String?, _ env: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        option ?? env["CONSCIOUSNESS_CONFIG"]
            ?? (FileManager.default.fileExists(atPath: installed) ? installed : nil)
    }
}

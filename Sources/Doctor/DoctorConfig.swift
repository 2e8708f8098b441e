import Daemon
import Foundation

/// The configuration as `doctor` sees it. The daemon refuses a bad value outright;
/// the doctor reports it and goes on with that key's default, so one typo does not hide
/// every other finding.
struct DoctorConfig {
    var file: String?
    var config = DaemonConfig()
    /// The file over the environment, as the daemon merges them, bad values included.
    var raw: [String: String] = [:]
    /// Why the file could not be read, or which values were refused.
    var problems: [String] = []

    /// Where a fix is made: the file, or the environment when there is none.
    var whereToEdit: String { file.map { "in \($0)" } ?? "in the environment (or a file given with --config)" }

    static func load(file: String?, environment: [String: String]) -> DoctorConfig {
        var d = DoctorConfig(file: file)
        var values = environment
        var fileKeys: [String] = []
        if let file {
            do {
                let parsed = try EnvFile(parsing: try String(contentsOfFile: file, encoding: .utf8))
                for e in parsed.entries { values[e.key] = e.value; fileKeys.append(e.key) }
            } catch let e as EnvFile.SyntaxError {
                d.problems.append("\(file): \(e.description)")
            } catch {
                d.problems.append("cannot read \(file): \(error.localizedDescription)")
            }
        }
        d.raw = values
        // Each refusal names one key: drop it and parse again, until the rest is good.
        for _ in 0..<64 {
            do {
                d.config = try DaemonConfig.parse(values, fileKeys: fileKeys)
                return d
            } catch {
                d.problems.append(error.description)
                guard values.removeValue(forKey: error.key) != nil else { return d }
            }
        }
        return d
    }
}

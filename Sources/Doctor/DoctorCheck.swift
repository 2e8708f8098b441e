import FeedbackLoop
import Foundation

/// One line of `consciousness doctor`: what was checked, whether it passed, what was
/// found, and for a failure the command or edit that fixes it.
public struct DoctorCheck: Encodable, Equatable, Sendable {
    /// Its name: `ollama`, `PLANNER_MODEL`, `state directory`, `unit active`…
    public var check: String
    public var ok: Bool
    /// What was found.
    public var detail: String
    /// For a failure, the command or edit that fixes it.
    public var fix: String?

    static func pass(_ check: String, _ detail: String) -> DoctorCheck {
        DoctorCheck(check: check, ok: true, detail: detail, fix: nil)
    }

    static func failure(_ check: String, _ detail: String, fix: String) -> DoctorCheck {
        DoctorCheck(check: check, ok: false, detail: detail, fix: fix)
    }

    /// `✓ name: detail`, or `✗ name: detail` and an indented `fix:` line; control
    /// characters in the detail escaped.
    public var text: String {
        var s = "\(ok ? "✓" : "✗") \(check): \(PrintableText.safe(detail))"
        if let fix { s += "\n    fix: \(fix)" }
        return s
    }
}

/// Every check's result, as `doctor` prints it.
public struct DoctorReport: Encodable, Sendable {
    /// The configuration file read, if any.
    public var configFile: String?
    public var checks: [DoctorCheck]
    /// Every check passed.
    public var ok: Bool { checks.allSatisfy(\.ok) }

    enum CodingKeys: String, CodingKey { case configFile = "config_file", checks, ok }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(configFile, forKey: .configFile)
        try c.encode(checks, forKey: .checks)
        try c.encode(ok, forKey: .ok)
    }

    /// A line a check and a summary, as `doctor` prints it.
    public func text() -> String {
        var out = ["consciousness doctor — configuration: \(configFile ?? "none (environment and defaults)")", ""]
        out += checks.map(\.text)
        let failed = checks.filter { !$0.ok }.count
        out += ["", failed == 0 ? "All \(checks.count) checks pass." : "\(failed) of \(checks.count) checks failed."]
        return out.joined(separator: "\n") + "\n"
    }

    /// `{"config_file", "checks", "ok"}`, pretty-printed with sorted keys.
    public func json() -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? e.encode(self)) ?? Data(), as: UTF8.self) + "\n"
    }
}

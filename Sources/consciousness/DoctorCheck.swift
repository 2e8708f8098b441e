import FeedbackLoop
import Foundation

/// One line of `consciousness doctor`: what was checked, whether it passed, what was
/// found, and for a failure the command or edit that fixes it.
struct DoctorCheck: Encodable, Equatable {
    var check: String
    var ok: Bool
    var detail: String
    var fix: String?

    static func pass(_ check: String, _ detail: String) -> DoctorCheck {
        DoctorCheck(check: check, ok: true, detail: detail, fix: nil)
    }

    static func failure(_ check: String, _ detail: String, fix: String) -> DoctorCheck {
        DoctorCheck(check: check, ok: false, detail: detail, fix: fix)
    }

    var text: String {
        var s = "\(ok ? "✓" : "✗") \(check): \(PrintableText.safe(detail))"
        if let fix { s += "\n    fix: \(fix)" }
        return s
    }
}

/// Every check's result, as `doctor` prints it.
struct DoctorReport: Encodable {
    var config_file: String?
    var checks: [DoctorCheck]
    var ok: Bool { checks.allSatisfy(\.ok) }

    enum CodingKeys: String, CodingKey { case config_file, checks, ok }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(config_file, forKey: .config_file)
        try c.encode(checks, forKey: .checks)
        try c.encode(ok, forKey: .ok)
    }

    func text() -> String {
        var out = ["consciousness doctor — configuration: \(config_file ?? "none (environment and defaults)")", ""]
        out += checks.map(\.text)
        let failed = checks.filter { !$0.ok }.count
        out += ["", failed == 0 ? "All \(checks.count) checks pass." : "\(failed) of \(checks.count) checks failed."]
        return out.joined(separator: "\n") + "\n"
    }

    func json() -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: (try? e.encode(self)) ?? Data(), as: UTF8.self) + "\n"
    }
}

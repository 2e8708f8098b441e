import Foundation
import Trinity

/// The seed's promise, "data never leaves the machine": AGENCY_MODE=local_only, a
/// loopback OLLAMA_HOST, both remote fallbacks off. Judged on the raw values, so a
/// value the configuration refused is named here with its fix.
enum LocalOnlyCheck {
    static func run(_ d: DoctorConfig) -> DoctorCheck {
        let raw = d.raw
        var wrong: [String] = []
        var fixes: [String] = []
        let mode = raw["AGENCY_MODE"] ?? "local_only"
        let hybrid = mode == "hybrid"
        if mode != "local_only", !hybrid {
            wrong.append("AGENCY_MODE=\(mode)")
            fixes.append("AGENCY_MODE=local_only")
        }
        let host = raw["OLLAMA_HOST"] ?? "http://127.0.0.1:11434"
        if !((try? Endpoint(host, localOnly: false))?.isLoopback ?? false) {
            wrong.append("OLLAMA_HOST=\(host) is not loopback")
            fixes.append("OLLAMA_HOST=http://127.0.0.1:11434")
        }
        for key in ["ENABLE_GPT5_ESCALATION", "USE_OPENAI_FALLBACK"] where !hybrid {
            if let v = raw[key], ["true", "yes", "on", "1"].contains(v.lowercased()) {
                wrong.append("\(key)=\(v)")
                fixes.append("\(key)=false")
            }
        }
        guard wrong.isEmpty else {
            return .failure("local only", wrong.joined(separator: "; "), fix: "set " + fixes.joined(separator: ", ") + " \(d.whereToEdit)")
        }
        if hybrid {
            return .pass("local only", "AGENCY_MODE=hybrid: Ollama at \(host) is loopback; the Architect alone may go to ARCHITECT_API_BASE when its local model cannot serve")
        }
        return .pass("local only", "AGENCY_MODE=local_only, Ollama at \(host) is loopback, remote fallbacks off")
    }
}

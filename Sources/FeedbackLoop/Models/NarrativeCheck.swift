import Foundation

/// The Architect's narrative against the night's figures: every number in it must be
/// one the morning report prints (its text rendering, the template's narrative included:
/// the Architect is shown it), rounded as a person rounds — 41.6 may be told as 42,
/// 3,607 as 3,600 (trailing zeros say how far, from thousands up) — every function-like
/// name one the report prints, and every "the X agent" an agent of the night. A narrative
/// that states none of the night's facts at all is refused too. The template's narrative
/// stands when the Architect's is refused, saying why.
public enum NarrativeCheck {
    /// Why the narrative cannot stand, or nil when every figure and name in it is true.
    public static func problem(_ text: String, _ r: MorningReport) -> String? {
        let printed = r.text()
        let figures = Tokens.numbers(in: printed).compactMap(Double.init)
        for n in Tokens.numbers(in: text) {
            guard let x = Double(n) else { continue }
            if !figures.contains(where: { close(n, x, $0) }) { return "the figure \(n) is not in the night's report" }
        }
        let names = Set(Tokens.functions(in: printed).map { $0.lowercased() })
        if let name = Tokens.functions(in: text).first(where: { !names.contains($0.lowercased()) }) {
            return "`\(name)` is not a pattern or agent of the night"
        }
        let agents = agentsOf(r)
        if let agent = namedAgents(text).first(where: { !agents.contains($0) }) {
            return "there is no \(agent) agent in the night's report"
        }
        let lower = text.lowercased()
        if Tokens.numbers(in: text).isEmpty, !names.contains(where: { lower.contains($0) }),
           !agents.contains(where: { lower.contains($0) }) {
            return "it states none of the night's figures, patterns or agents"
        }
        return nil
    }

    /// The proposals' agents and the agents of the night's patterns.
    static func agentsOf(_ r: MorningReport) -> Set<String> {
        Set(r.proposals.map { $0.agent.lowercased() } + r.patterns.map { AgentName.infer(fromFunction: $0.function) })
    }

    /// `X` of every "the X agent" (one word: the way the template and a model name one).
    static func namedAgents(_ text: String) -> [String] {
        let words = text.lowercased().split { !($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }.map(String.init)
        return words.indices.dropFirst(2).compactMap { i in
            words[i] == "agent" && words[i - 2] == "the" ? words[i - 1] : nil
        }
    }

    /// Told as printed: to the place its last digit marks (±0.5 of a unit for `42`,
    /// ±0.05 for `4.2`), and from a thousand up to the place its trailing zeros mark
    /// (`3600` may be any of 3550…3650).
    static func close(_ written: String, _ told: Double, _ figure: Double) -> Bool {
        var place = 1.0
        if let dot = written.firstIndex(of: ".") {
            place = pow(10, -Double(written.distance(from: dot, to: written.endIndex) - 1))
        } else if told >= 1000 {
            for c in written.dropFirst().reversed() { guard c == "0", place < 1e12 else { break }; place *= 10 }
        }
        return abs(told - figure) <= 0.5 * place + 1e-9
    }
}

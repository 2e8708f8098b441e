import Foundation

/// The Architect's narrative against the night's figures: every number in it must be
/// one of the report's (rounding tolerated: 41.6 may be told as 42, a share of 0.83 as
/// 83%, 3,607 as 3,600 — trailing zeros say how far a figure was rounded), and every
/// function-like name one the report holds. A narrative with an invented
/// figure is refused, and the template's narrative stands, saying why.
public enum NarrativeCheck {
    /// Why the narrative cannot stand, or nil when every figure and name in it is true.
    public static func problem(_ text: String, _ r: MorningReport) -> String? {
        let (figures, names) = facts(r)
        for n in Tokens.numbers(in: text) {
            guard let x = Double(n) else { continue }
            if !figures.contains(where: { close(n, x, $0) }) { return "the figure \(n) is not in the night's report" }
        }
        if let name = Tokens.functions(in: text).first(where: { !names.contains($0.lowercased()) }) {
            return "`\(name)` is not a pattern or agent of the night"
        }
        // Fluent words about nothing: no figure and no name of the night at all.
        let agents = Set(r.proposals.map { $0.agent.lowercased() })
        let lower = text.lowercased()
        if Tokens.numbers(in: text).isEmpty, !names.contains(where: lower.contains), !agents.contains(where: lower.contains) {
            return "it states none of the night's figures, patterns or agents"
        }
        return nil
    }

    /// Every number the report states (as it would be printed, and fractions as
    /// percentages), the sizes of its lists, and every name-like token in it.
    static func facts(_ r: MorningReport) -> ([Double], Set<String>) {
        var plain = r
        plain.narrative = Narrative(text: "", author: r.narrative.author, ranking: [])
        let e = JSONEncoder()
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        let json = (try? e.encode(plain)).map { String(decoding: $0, as: UTF8.self) } ?? ""
        var figures = Tokens.numbers(in: json).compactMap(Double.init)
        figures += figures.filter { $0 > 0 && $0 <= 1 }.map { $0 * 100 }
        figures += [r.patterns.count, r.forecasts.count, r.proposals.count, r.models.count, r.degraded.count,
                    r.hourLabels.count, r.fixes?.count ?? 0].map(Double.init)
        let names = Set(Tokens.functions(in: json.replacingOccurrences(of: "\"", with: " ")).map { $0.lowercased() })
        return (figures, names)
    }

    /// Told as printed: to the nearest whole number, or to the place its trailing zeros
    /// mark (`3600` may be any of 3550…3650).
    static func close(_ written: String, _ told: Double, _ figure: Double) -> Bool {
        var place = 1.0
        if !written.contains(".") {
            // Trailing zeros of a number that has other digits (`0` itself is exact).
            for c in written.dropFirst().reversed() { guard c == "0", place < 1e12 else { break }; place *= 10 }
        }
        return abs(told - figure) <= 0.5 * place
    }
}

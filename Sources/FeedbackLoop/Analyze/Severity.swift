/// The severities the agent frameworks write, ranked, with the weight a violation of
/// each carries in the cost and the priority. The weights are assumptions, printed with
/// every figure they make: a CRITICAL violation takes a person twice the minutes of a
/// BLOCKER; a WARNING a quarter; an unknown severity counts as a BLOCKER.
public enum Severity {
    static let ranked: [(name: String, weight: Double)] = [
        ("CRITICAL", 2), ("BLOCKER", 1), ("HIGH", 1), ("ERROR", 1), ("MEDIUM", 0.5),
        ("WARNING", 0.25), ("LOW", 0.25), ("INFO", 0.1),
    ]

    /// The most severe of `names` (as written), or "UNKNOWN" for none.
    public static func highest(_ names: [String]) -> String {
        let upper = names.map { $0.uppercased() }
        return ranked.first { upper.contains($0.name) }?.name ?? names.sorted().first ?? "UNKNOWN"
    }

    public static func weight(_ name: String) -> Double {
        ranked.first { $0.name == name.uppercased() }?.weight ?? 1
    }
}

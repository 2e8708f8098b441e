/// A series as a line of block characters, ▁ to █, scaled to its own maximum.
///
/// Zero is always ▁ and any non-zero count at least ▂: a reader can tell an hour with
/// one violation from a quiet one, which a plain proportional scale would hide.
public enum Sparkline {
    public static let levels: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    public static func render(_ series: [Int64]) -> String {
        let top = series.max() ?? 0
        guard top > 0 else { return String(repeating: levels[0], count: series.count) }
        return String(series.map { v -> Character in
            guard v > 0 else { return levels[0] }
            let step = Int((Double(v) * 7 / Double(top)).rounded())
            return levels[min(7, max(1, step))]
        })
    }
}

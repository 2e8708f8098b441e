/// A calendar date without a time zone, written YYYY-MM-DD: the name of a night
/// ("the morning report of 2025-10-08"), which means the same wherever it is read.
public struct LocalDate: Sendable, Hashable, Comparable, CustomStringConvertible, Codable {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Strict `YYYY-MM-DD`, and a day that exists (no 2025-02-30).
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              (1...12).contains(m), d >= 1,
              d <= Timestamp.daysInMonth(year: Int64(y), month: Int64(m))
        else { return nil }
        self.init(year: y, month: m, day: d)
    }

    public var description: String {
        Timestamp.pad(Int64(year), 4) + "-" + Timestamp.pad(Int64(month), 2) + "-" + Timestamp.pad(Int64(day), 2)
    }

    /// The date `n` days later (earlier when negative), by day numbers: no calendar
    /// or time zone is involved in counting days.
    public func adding(days n: Int) -> LocalDate {
        let z = Timestamp.daysFromCivil(year: Int64(year), month: Int64(month), day: Int64(day)) + Int64(n)
        let (y, m, d) = Timestamp.civilFromDays(z)
        return LocalDate(year: Int(y), month: Int(m), day: Int(d))
    }

    public static func < (a: LocalDate, b: LocalDate) -> Bool {
        (a.year, a.month, a.day) < (b.year, b.month, b.day)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        let s = try c.decode(String.self)
        guard let d = LocalDate(s) else {
            throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a YYYY-MM-DD date: \(s)")
        }
        self = d
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}

/// Number formatting for reports, without Foundation's locale machinery (reports must
/// read the same on every machine).
public enum Format {
    /// `159120` → `159,120` (rounded to a whole number, as Python's `{:,.0f}`).
    public static func thousands(_ v: Double) -> String {
        guard v.isFinite else { return "0" }
        let n = Int64(v.rounded())
        return group(n)
    }

    public static func group(_ n: Int64) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(c)
        }
        return n < 0 ? "-" + out : out
    }

    /// Fixed decimals, `fixed(0.8349, 2)` → `0.83`.
    public static func fixed(_ v: Double, _ places: Int) -> String {
        guard v.isFinite else { return "n/a" }
        var scale = 1.0
        for _ in 0..<places { scale *= 10 }
        let scaled = Int64((abs(v) * scale).rounded())
        let whole = scaled / Int64(scale)
        var frac = String(scaled % Int64(scale))
        while frac.count < places { frac = "0" + frac }
        let sign = v < 0 && scaled != 0 ? "-" : ""
        return places == 0 ? "\(sign)\(whole)" : "\(sign)\(whole).\(frac)"
    }

    public static func percent(_ v: Double) -> String { "\(fixed(v * 100, 0))%" }

    public static func bytes(_ n: Int64) -> String {
        let units = ["B", "KiB", "MiB", "GiB"]
        var v = Double(n), u = 0
        while v >= 1024, u < units.count - 1 { v /= 1024; u += 1 }
        return u == 0 ? "\(n) B" : "\(fixed(v, 1)) \(units[u])"
    }
}

extension Format {
    /// One p-value format everywhere: `p < 0.001`, else three decimals.
    public static func pValue(_ p: Double) -> String {
        p < 0.001 ? "p < 0.001" : "p = \(fixed(p, 3))"
    }

    /// A rate ratio as a factor: `×1.9`, `×0.48`.
    public static func ratio(_ r: Double) -> String {
        "×" + (r >= 1 ? fixed(r, 1) : fixed(r, 2))
    }
}

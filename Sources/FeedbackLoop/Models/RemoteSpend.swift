/// One night's remote Architect calls against the cap (AGENCY_MODE=hybrid): what the
/// morning report's "API calls" and "Cost", `status` and the metrics show.
public struct RemoteSpend: Sendable, Equatable, Codable {
    /// Requests that left the machine (booked, or reserved and not yet booked).
    public var calls: Int
    /// Calls not made because their worst case would have crossed the cap.
    public var refusedByCap: Int
    public var promptTokens: Int
    public var completionTokens: Int
    /// Booked costs, plus the worst case of any call still reserved (a call cut by a
    /// SIGKILL stays counted at its worst case: it may have been billed).
    public var spentUSD: Double
    /// The night's cap, as configured when its last call was reserved; nil: none made.
    public var capUSD: Double?
    /// All-time totals only: the worst cases of calls reserved and not (yet) booked, kept
    /// out of `spentUSD` there so that its counter never goes down.
    public var unbookedUSD: Double?

    public init(calls: Int = 0, refusedByCap: Int = 0, promptTokens: Int = 0, completionTokens: Int = 0,
                spentUSD: Double = 0, capUSD: Double? = nil) {
        self.calls = calls
        self.refusedByCap = refusedByCap
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.spentUSD = spentUSD
        self.capUSD = capUSD
    }

    public static let none = RemoteSpend()

    /// "1 call, 2,310 tokens, $0.0143 of $0.50", for status and the report.
    public var line: String {
        var s = "\(calls) call\(calls == 1 ? "" : "s"), \(Format.group(Int64(promptTokens + completionTokens))) tokens, $\(Format.fixed(spentUSD, 4))"
        if let capUSD { s += " of $\(Format.fixed(capUSD, 2)) cap" }
        if refusedByCap > 0 { s += "; \(refusedByCap) not made (the cap)" }
        return s
    }
}

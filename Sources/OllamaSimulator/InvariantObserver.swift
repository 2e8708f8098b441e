/// One load that completed outside the limits a governor promised to keep.
public struct InvariantViolation: Sendable, Codable, Equatable, CustomStringConvertible {
    /// The model whose load just completed.
    public var model: String
    /// MemAvailable as the meminfo file showed it right after the load.
    public var availableBytes: Int64
    /// What the resident models held together right after the load.
    public var residentBytes: Int64
    public var description: String
}

/// Watches, at the moment every load completes, that the memory a governor promised to
/// leave free is free (MemAvailable ≥ reserve) and that the models stay within their budget
/// (resident total ≤ budget). Not an Ollama behaviour: the simulator's referee.
struct InvariantObserver: Sendable {
    let reserveBytes: Int64?
    let budgetBytes: Int64?
    private(set) var count = 0
    private(set) var recent: [InvariantViolation] = []
    /// Enough to explain a failure; a long soak must not grow without bound.
    static let recentLimit = 10

    init(reserveBytes: Int64?, budgetBytes: Int64?) {
        self.reserveBytes = reserveBytes
        self.budgetBytes = budgetBytes
    }

    mutating func check(model: String, availableBytes: Int64, residentBytes: Int64) {
        var broken: [String] = []
        if let reserveBytes, availableBytes < reserveBytes {
            broken.append("MemAvailable \(availableBytes) < reserve \(reserveBytes)")
        }
        if let budgetBytes, residentBytes > budgetBytes {
            broken.append("resident \(residentBytes) > budget \(budgetBytes)")
        }
        guard !broken.isEmpty else { return }
        count += 1
        recent.append(InvariantViolation(
            model: model, availableBytes: availableBytes, residentBytes: residentBytes,
            description: "after loading \(model): " + broken.joined(separator: ", ")))
        if recent.count > Self.recentLimit { recent.removeFirst(recent.count - Self.recentLimit) }
    }
}

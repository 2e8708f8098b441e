/// Every knob of the Analyze and Evolve stages.
public struct AnalysisSettings: Sendable, Equatable {
    /// A function with at least this many violations in the window is a pattern.
    public var minOccurrences: Int64 = 3
    /// What the money figures assume (printed beside them).
    public var cost = CostAssumptions()
    /// A proposal is made for an agent whose violations persist with at least this
    /// probability (see `Prioritizer.persistence`).
    public var proposalConfidence = 0.8

    public init() {}
}

/// The stages of a cycle, in the order they run, and the morning report's. The raw
/// values are what reports, the journal (`STAGE=`) and the store show.
public enum Stage: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    case observe, analyze, classify, learn, predict, evolve, report
    /// The Architect's once-a-night narrative, outside the cycle.
    case morning

    public var description: String { rawValue }

    /// What a person is told when the stage starts.
    public var gerund: String {
        switch self {
        case .observe: "reading new violations"
        case .analyze: "analyzing"
        case .classify: "classifying"
        case .learn: "remembering"
        case .predict: "forecasting"
        case .evolve: "drafting proposals"
        case .report: "writing the report"
        case .morning: "writing the morning report"
        }
    }
}

/// How a cycle ended, as the store, the metrics and the journal record it.
public enum CycleResult: String, Sendable, Codable, CaseIterable, CustomStringConvertible {
    /// Begun and not finished: running now, or interrupted (killed, power lost).
    case running
    case completed
    /// Finished, with at least one stage that fell back.
    case degraded
    case failed

    public var description: String { rawValue }

    /// The result of a finished cycle with these stages.
    public static func of(_ stages: [StageOutcome]) -> CycleResult {
        stages.contains { $0.outcome == .degraded || $0.outcome == .failed } ? .degraded : .completed
    }
}

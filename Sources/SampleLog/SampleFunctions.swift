/// One synthetic function: its name, rate shape, share of the traffic, and the error
/// texts it logs (`{n}` becomes a varying number, `{path}` a path, `{id}` an id, so
/// signature normalisation has work to do).
public struct SampleFunction: Sendable {
    public var name: String
    public var profile: RateProfile
    public var weight: Double
    public var errors: [String]
    public var severity: String

    public init(_ name: String, _ profile: RateProfile, weight: Double = 1, severity: String = "BLOCKER",
                errors: [String]) {
        self.name = name
        self.profile = profile
        self.weight = weight
        self.errors = errors
        self.severity = severity
    }

    /// A dozen functions with rising, steady, falling, bursty and rare rates, in the
    /// style of the original project's log.
    public static let standard: [SampleFunction] = [
        .init("create_mock_agent", .steady, weight: 2,
              errors: ["Article I: Incomplete context", "Article II: Quality standards not met"]),
        .init("create_planner_agent", .rising,
              errors: ["Article II violated: No test infrastructure found (run_tests.py or pytest)"]),
        .init("create_learning_agent", .falling,
              errors: ["Article IV violated: {n} learnings not persisted to VectorStore"]),
        .init("enforce_spec_coverage", .steady, severity: "CRITICAL",
              errors: ["Article V violated: Spec coverage is {n}.{n}%, {n} files missing spec references."]),
        .init("create_code_agent", .burst,
              errors: ["Article III violated: direct commit to main attempted from {path}"]),
        .init("create_auditor_agent", .rising, weight: 0.8, severity: "HIGH",
              errors: ["Article II violated: {n} tests failing in {path}"]),
        .init("run_quality_gate", .falling, weight: 0.8, severity: "HIGH",
              errors: ["Article III: quality gate bypassed for PR #{n}"]),
        .init("create_toolsmith_agent", .steady, weight: 0.6,
              errors: ["Article I violated: context window truncated at {n} tokens"]),
        .init("create_merger_agent", .rare,
              errors: ["Article III violated: merge without review of {id}"]),
        .init("sync_memory_store", .steady, weight: 0.5, severity: "WARNING",
              errors: ["Unexpected error while syncing memory: timeout after {n} ms"]),
        .init("create_chief_architect_agent", .burst, weight: 0.4,
              errors: ["Article VI violated: ADR missing for decision {id}"]),
        .init("validate_constitution", .rare, severity: "CRITICAL",
              errors: ["Article VII: amendment check failed ({n} clauses)"]),
    ]
}

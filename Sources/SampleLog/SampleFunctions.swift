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

    /// The standard set and seven more whose rates have a rhythm, noise, a step or a fix
    /// in them: what `backtest --profiles` and `sample --extended` generate.
    public static let extended: [SampleFunction] = standard + [
        .init("create_scheduler_agent", .weekly, errors: ["Article I violated: schedule built without calendar context"]),
        .init("run_nightly_batch", .nightly, severity: "HIGH", errors: ["Article II: batch {n} finished without tests"]),
        .init("create_reviewer_agent", .overdispersed, errors: ["Article III violated: review skipped for PR #{n}"]),
        .init("create_deployer_agent", .doubling, severity: "CRITICAL",
              errors: ["Article III violated: deploy to production without approval ({id})"]),
        .init("create_documenter_agent", .halving, severity: "WARNING", errors: ["Article V: docs missing for {path}"]),
        .init("create_researcher_agent", .fixed, errors: ["Article IV violated: findings not persisted ({n} items)"]),
        .init("create_release_agent", .spike, errors: ["Article III violated: release tagged without the gate ({id})"]),
    ]
}

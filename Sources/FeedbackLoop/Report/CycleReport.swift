/// How a stage of the cycle went. A stage that fell back says so here, and the report
/// shows it; nothing is reported as done that was not.
public struct StageOutcome: Sendable, Equatable, Codable {
    public enum Outcome: String, Sendable, Codable {
        case ok, degraded, skipped, failed
    }

    public var stage: Stage
    public var outcome: Outcome
    public var detail: String
    public var milliseconds: Double

    public init(stage: Stage, outcome: Outcome, detail: String, milliseconds: Double) {
        self.stage = stage
        self.outcome = outcome
        self.detail = detail
        self.milliseconds = milliseconds
    }
}

/// What Observe read this cycle.
public struct IngestSummary: Sendable, Equatable, Codable {
    public var log: String
    public var linesRead: Int64
    public var ingested: Int64
    public var blank: Int64
    public var malformed: MalformedTally
    public var bytesRead: Int64
    public var startedAt: Int64
    public var restart: RestartReason?
    public var pendingBytes: Int64
    /// Rotations drained, truncations detected, tails lost.
    public var events: [LogEvent]

    public init(_ r: IngestResult) {
        log = r.log
        linesRead = r.batch.lines
        ingested = r.batch.ingested
        blank = r.batch.blank
        var m = MalformedTally()
        m.append(r.batch.malformed, lineOffset: r.resumedFrom.lines)
        malformed = m
        bytesRead = r.batch.bytes
        startedAt = r.resumedFrom.offset
        if case .restart(let why) = r.resumedFrom { restart = why }
        pendingBytes = r.pendingBytes
        events = r.events
    }
}

/// Where a proposal stands. Only a person moves one out of `pending` (approved,
/// rejected), except a cycle that replaces it with a proposal for other patterns
/// (superseded).
public enum ProposalStatus: String, Sendable, CaseIterable, Codable {
    case pending, approved, rejected, superseded
}

/// A proposal as stored: its id, status, and whether this cycle created or updated it.
public struct ProposalRecord: Sendable, Equatable, Codable {
    public var id: Int64
    /// What this cycle did to it.
    public enum Change: String, Sendable, Codable {
        case new, updated, unchanged
        /// Read from the store, not touched by a cycle.
        case stored
    }

    public var status: ProposalStatus
    public var change: Change
    public var proposal: Proposal

    public init(id: Int64, status: ProposalStatus, change: Change, proposal: Proposal) {
        self.id = id
        self.status = status
        self.change = change
        self.proposal = proposal
    }
}

/// Everything one cycle produced, rendered as JSON, text or Markdown.
public struct CycleReport: Sendable, Equatable {
    public var cycle: Int64
    public var timestamp: Microseconds
    public var analysis: Analysis
    public var ingest: IngestSummary?
    public var proposals: [ProposalRecord]
    public var stages: [StageOutcome]
    /// Proposals waiting for a person once this cycle was recorded.
    public var proposalsPending = 0
    public var predictions: [Forecast] = []
    /// What the money figures assume.
    public var cost = CostAssumptions()
    /// Approved fixes on the agency's main line, and their measured effect.
    public var fixes: [FixEffect] = []
    /// Nil when the Predict stage did not run.
    public var forecastAccuracy: ForecastAccuracy?
    /// Outbound requests this process has made, by destination (nil: no model client).
    public var outboundRequests: OutboundRequests?
    /// Every model call the cycle's stages made, in order.
    public var modelCalls: [ModelCallRecord] = []
    /// The vector memory after Learn (nil when Learn did not run).
    public var vectorMemory: MemoryGrowth?
    /// This process's peak resident memory, and the machine's MemAvailable, at the end.
    public var peakRSSBytes: Int64?
    public var memoryAvailableBytes: Int64?

    public init(cycle: Int64, timestamp: Microseconds, analysis: Analysis, ingest: IngestSummary?,
                proposals: [ProposalRecord], stages: [StageOutcome]) {
        self.cycle = cycle
        self.timestamp = timestamp
        self.analysis = analysis
        self.ingest = ingest
        self.proposals = proposals
        self.stages = stages
    }

    /// The original tool's one-line summary, with what its money figure assumes.
    public var summary: String {
        "Analyzed \(analysis.violationsAnalyzed) violations, found \(analysis.patterns.count) patterns, "
            + "$\(Format.thousands(analysis.totalROIPotential))/year potential savings (assumed: \(cost.statement))"
    }

    public var windowDescription: String {
        if let d = analysis.window.days { return d == 1 ? "last 1 day" : "last \(d) days" }
        return "all history"
    }

    /// True when no stage failed or fell back.
    public var degradedStages: [StageOutcome] { stages.filter { $0.outcome == .degraded || $0.outcome == .failed } }
}

/// Requests counted by the model client, by destination class. The report's "API
/// calls" is `remote`: a counter of what left the machine, not a promise.
public struct OutboundRequests: Sendable, Equatable, Codable {
    public var loopback: Int
    public var remote: Int

    public init(loopback: Int, remote: Int) {
        self.loopback = loopback
        self.remote = remote
    }
}

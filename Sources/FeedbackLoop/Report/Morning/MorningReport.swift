/// The night's summary, written at MORNING_REPORT_AT: what ran, what was seen, what
/// is forecast, what waits for a person, and what it cost. A plain value: built from
/// plain inputs by `MorningReport.build`, rendered as text, Markdown, JSON and an SVG
/// chart, stored as JSON so `consciousness report --morning` can print it again.
///
/// Every figure the night did not record is nil or empty here and the renderings say
/// so ("not recorded", "no model calls"); nothing is filled in.
///
/// Property names avoid acronyms: the JSON form is their snake-case spelling, and
/// decoding goes back through `convertFromSnakeCase` (`peakRssBytes`, not `peakRSSBytes`).
public struct MorningReport: Sendable, Equatable, Codable {
    /// Who wrote it: the daemon at the report time, or `report --morning` on request
    /// because none was stored for the date.
    public enum Origin: String, Sendable, Codable {
        case daemon, computed
    }

    public var night: Night
    public var generatedAt: String
    public var origin: Origin
    public var cycles: CycleTally
    public var violations: ViolationTally
    /// The last cycle's patterns (its analysis window), with what the night added.
    public var patterns: [NightPattern]
    /// Local hour labels of the chart's x axis, one per store hour in the night.
    public var hourLabels: [String]
    public var forecasts: [NightForecast]
    public var accuracy: AccuracySoFar?
    public var proposals: [PendingProposal]
    public var vectorMemory: VectorMemoryNight?
    public var apiCalls: ApiCalls
    public var peakRssBytes: Int64?
    public var lowestMemoryAvailableBytes: Int64?
    public var models: [ModelNight]
    public var degraded: [DegradedStage]
    public var narrative: Narrative
    /// Approved fixes on the main line and their effect, as the last cycle measured them
    /// (nil in reports stored before fixes were measured).
    public var fixes: [CycleDigest.FixDigest]? = nil

    public struct CycleTally: Sendable, Equatable, Codable {
        /// Schedule slots (multiples of CYCLE_INTERVAL) that begin in the night.
        public var scheduled: Int
        public var intervalSeconds: Int64
        /// Completed cycles, degraded ones included (they finished, with a stage fallen back).
        public var completed: Int
        public var degraded: Int
        public var failed: Int
        /// Started and never finished: the process was killed or stopped mid-cycle.
        public var interrupted: Int
        public var first: Int64?
        public var last: Int64?
    }

    public struct ViolationTally: Sendable, Equatable, Codable {
        /// Violations whose timestamps fall in the night (the store's hour buckets).
        public var occurred: Int64
        /// New violations the night's cycles ingested (they may be older than the night).
        public var ingested: Int64
        public var linesRead: Int64
        public var malformed: Int64
    }

    public struct NightPattern: Sendable, Equatable, Codable {
        public var patternId: String
        public var function: String
        /// Nil when no cycle of the night analysed it.
        public var trend: Trend?
        /// The rate reading in words ("INCREASING ×1.9 week over week …").
        public var trendSummary: String?
        /// Rank and urgency among the last analysis's patterns.
        public var rank: Int?
        public var urgency: String?
        /// Violations in the last cycle's analysis window.
        public var windowCount: Int64
        /// Violations in the night, and per hour (aligned with `hourLabels`).
        public var nightCount: Int64
        public var hourly: [Int64]
    }

    public struct NightForecast: Sendable, Equatable, Codable {
        public var function: String
        public var expected: Double
        public var low: Int64
        public var high: Int64
        public var probability: Double
        public var lowConfidence: Bool
    }

    /// Accuracy of every forecast scored by the night's end (the store's figures).
    public struct AccuracySoFar: Sendable, Equatable, Codable {
        public var scored: Int
        public var pending: Int
        public var scoredInNight: Int
        public var mape: Double?
        public var meanAbsoluteError: Double?
        public var intervalCoverage: Double?
        public var brier: Double?
        public var lastThirtyDaysScored: Int
        public var lastThirtyDaysMape: Double?
    }

    public struct PendingProposal: Sendable, Equatable, Codable {
        public var id: Int64
        public var agent: String
        public var confidence: Double
        /// Violations in the proposal's evidence, summed over its patterns.
        public var evidenceVolume: Int64
        public var patterns: [String]
        public var targetFile: String
        /// The best priority rank among its patterns in the night's last analysis (nil
        /// when none was ranked).
        public var priorityRank: Int? = nil
    }

    public struct VectorMemoryNight: Sendable, Equatable, Codable {
        public var added: Int64
        public var updated: Int64
        /// Entries and bytes after the night's last Learn that recorded them.
        public var entries: Int64
        public var bytes: Int64
        public var embedder: String
        public var cyclesRecorded: Int
    }

    /// Outbound model requests: `remote` is what left the machine.
    public struct ApiCalls: Sendable, Equatable, Codable {
        /// Nil when no cycle of the night counted requests (no model client ran).
        public var remote: Int?
        public var loopback: Int?
        /// Always 0 with local models; nil when remote requests were made and this
        /// build cannot price them.
        public var costUsd: Double?
        public var costNote: String
        /// The remote Architect's tokens and the night's cap (hybrid only; nil otherwise).
        public var promptTokens: Int? = nil
        public var completionTokens: Int? = nil
        public var capUsd: Double? = nil
        public var refusedByCap: Int? = nil
    }

    /// A model's night: the same summary the metrics file writes per model.
    public typealias ModelNight = ModelUsage

    public struct DegradedStage: Sendable, Equatable, Codable {
        public var cycle: Int64
        public var stage: String
        public var outcome: String
        public var detail: String
    }

    /// The patterns the chart and the sparklines show: the top five by night volume,
    /// those with at least one violation in the night.
    public var chartedPatterns: [NightPattern] {
        Array(patterns.filter { $0.nightCount > 0 }.sorted { ($0.nightCount, $1.function) > ($1.nightCount, $0.function) }.prefix(5))
    }
}

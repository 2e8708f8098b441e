import Foundation

/// What the morning report and `consciousness report` read back from a cycle's stored
/// JSON (`cycles.report_json`): the figures they show, nothing more. Decoding a subset
/// keeps old reports readable — a key a report lacks (older ones have no
/// `model_calls`) is nil here, never an error.
///
/// The stored JSON was encoded with `convertToSnakeCase`, so it is decoded with
/// `convertFromSnakeCase`; property names here are the exact camel-case form of the
/// keys (`peakRssBytes` for `peak_rss_bytes`), which is why they avoid acronyms.
public struct CycleDigest: Sendable, Equatable, Decodable {
    public var cycle: Int64
    public var cycleTimestamp: String
    public var summary: String?
    public var violationsAnalyzed: Int64
    public var patternsDetected: [PatternDigest]
    public var predictions: [ForecastDigest]?
    public var apiCalls: Int?
    public var outboundRequests: OutboundRequests?
    public var ingest: IngestDigest?
    public var proposals: [ProposalDigest]?
    public var stages: [StageOutcome]?
    public var modelCalls: [ModelCallRecord]?
    public var vectorMemory: MemoryGrowth?
    public var peakRssBytes: Int64?
    public var memoryAvailableBytes: Int64?
    public var fixes: [FixDigest]?

    public struct FixDigest: Sendable, Equatable, Codable {
        public var proposal: Int64
        public var agent: String
        public var verdict: String
        public var summary: String
    }

    public struct PatternDigest: Sendable, Equatable, Decodable {
        public var patternId: String
        public var functionName: String
        public var frequency: Int64
        public var trend: Trend
        public var trendSummary: String?
        public var severity: String?
        public var priority: PriorityDigest?
        public var agent: String?
    }

    public struct PriorityDigest: Sendable, Equatable, Decodable {
        public var rank: Int
        public var urgency: String
    }

    public struct ForecastDigest: Sendable, Equatable, Decodable {
        public var patternId: String
        public var function: String
        public var expected: Double
        public var expectedOccurrences: Int64
        public var interval: [Int64]
        public var probability: Double
        public var confidence: Double?
        public var lowConfidence: Bool
    }

    public struct IngestDigest: Sendable, Equatable, Decodable {
        public var log: String?
        public var linesRead: Int64
        public var ingested: Int64
        public var bytesRead: Int64?
    }

    public struct ProposalDigest: Sendable, Equatable, Decodable {
        public var id: Int64
        public var status: String
        public var change: String
    }

    /// Nil for text that is not a cycle report (a failed cycle stores its reason).
    public static func decode(_ json: String) -> CycleDigest? {
        let d = JSONDecoder()
        d.keyDecodingStrategy = .convertFromSnakeCase
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try? d.decode(CycleDigest.self, from: Data(json.utf8))
    }

    public var degradedStages: [StageOutcome] {
        (stages ?? []).filter { $0.outcome == .degraded || $0.outcome == .failed }
    }
}

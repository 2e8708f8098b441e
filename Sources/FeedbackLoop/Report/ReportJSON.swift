import Foundation

/// The JSON form: every key of the original tool's output (`cycle_timestamp`,
/// `summary`, `violations_analyzed`, `patterns_detected`, `total_roi_potential`,
/// `vectorstore_updated`), then what this project knows more.
extension CycleReport {
    struct JSONForm: Encodable {
        var cycle_timestamp: String
        var summary: String
        var violations_analyzed: Int64
        var patterns_detected: [Pattern]
        var total_roi_potential: Double
        var cost_assumptions: String
        var fixes: [FixEffect]
        var vectorstore_updated: Bool
        var predictions: [Forecast]
        var api_calls: Int?
        var outbound_requests: OutboundRequests?
        var forecast_accuracy: AccuracyForm?
        var cycle: Int64
        var window: Window
        var unclassified_signatures: [String]
        var ingest: IngestSummary?
        var proposals: [ProposalRecord]
        var stages: [StageOutcome]
        var degraded_stages: [String]
        var model_calls: [ModelCallRecord]
        var vector_memory: MemoryGrowth?
        var peak_rss_bytes: Int64?
        var memory_available_bytes: Int64?

        /// The measured accuracy, or a plain statement that there is none yet.
        enum AccuracyForm: Encodable {
            case measured(ForecastAccuracy)
            case none(pending: Int)

            func encode(to encoder: any Encoder) throws {
                switch self {
                case .measured(let a): try a.encode(to: encoder)
                case .none(let pending):
                    var c = encoder.container(keyedBy: Keys.self)
                    try c.encode("not enough history yet", forKey: .status)
                    try c.encode(pending, forKey: .pending)
                }
            }

            enum Keys: String, CodingKey { case status, pending }
        }

        struct Window: Encodable {
            var days: Int?
            var start: String
            var end: String
        }
    }

    public func json() -> String {
        // Encoding plain value types cannot fail; a failure would be a bug here.
        try! JSONTextEncoder.encode(jsonForm())
    }

    func jsonForm() -> JSONForm {
        let w = analysis.window
        return JSONForm(
            cycle_timestamp: Timestamp.iso8601(timestamp), summary: summary,
            violations_analyzed: analysis.violationsAnalyzed, patterns_detected: analysis.patterns,
            total_roi_potential: analysis.totalROIPotential, cost_assumptions: cost.statement,
            fixes: fixes,
            vectorstore_updated: stages.contains { $0.stage == .learn && $0.outcome == .ok },
            predictions: predictions,
            api_calls: outboundRequests?.remote, outbound_requests: outboundRequests,
            forecast_accuracy: forecastAccuracy.map { $0.hasHistory ? .measured($0) : .none(pending: $0.pending) },
            cycle: cycle,
            window: .init(days: w.days, start: Timestamp.iso8601(w.start),
                          end: Timestamp.iso8601(Int64(w.endHour + 1) * Timestamp.microsPerHour)),
            unclassified_signatures: analysis.unclassifiedSignatures, ingest: ingest, proposals: proposals,
            stages: stages, degraded_stages: degradedStages.map(\.stage.rawValue),
            model_calls: modelCalls, vector_memory: vectorMemory,
            peak_rss_bytes: peakRSSBytes, memory_available_bytes: memoryAvailableBytes)
    }
}

extension CycleReport {
    /// The same form through Foundation's `JSONEncoder`: the oracle the report's own
    /// encoder is held to, byte for byte, by the tests of every kind of cycle.
    public func foundationJSON() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return String(decoding: try encoder.encode(jsonForm()), as: UTF8.self)
    }
}

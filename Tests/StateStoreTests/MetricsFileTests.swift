import Cycle
import FeedbackLoop
import Foundation
import StateStore
import Testing

/// The Prometheus textfile: rewritten whole after each cycle, read back by a parser
/// of the exposition format, its figures those of the report and the store.
@Suite struct MetricsFileTests {
    @Test func theMetricsFileHoldsTheCyclesFigures() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = try sampleLog(dir)
        let store = try StateStore(directory: dir + "/state")
        var o = options(log, dir)
        o.metricsFile = dir + "/textfile/consciousness.prom"
        let report = try await CycleRunner(store: store).run(o)
        let text = try String(contentsOfFile: o.metricsFile!, encoding: .utf8)
        let m = try PromText.parse(text)
        #expect(m.value("consciousness_last_cycle_number") == Double(report.cycle))
        #expect(m.value("consciousness_cycle_result", ["result": "completed"]) == 1)
        #expect(m.value("consciousness_cycle_result", ["result": "failed"]) == 0)
        #expect(m.value("consciousness_last_cycle_timestamp_seconds") == Double(end) / 1e6)
        #expect(m.value("consciousness_cycle_duration_seconds")! > 0)
        #expect(m.value("consciousness_last_cycle_violations_ingested") == Double(try store.totals().violations))
        #expect(m.value("consciousness_last_cycle_malformed_lines") == Double(try store.malformedTotals().reduce(0) { $0 + $1.count }))
        #expect(m.value("consciousness_violations_analyzed") == Double(report.analysis.violationsAnalyzed))
        #expect(m.value("consciousness_patterns") == Double(report.analysis.patterns.count))
        #expect(m.value("consciousness_proposals_pending") == Double(try store.pendingProposals().count))
        #expect(m.value("consciousness_forecasts_pending") == Double(report.forecastAccuracy!.pending))
        for (name, type) in m.types { #expect(type == (name.hasSuffix("_total") ? "counter" : "gauge"), "\(name)") }
        // The all-time counters, kept in the store, and the series that are there from the first cycle.
        #expect(m.value("consciousness_violations_ingested_total") == Double(try store.totals().violations))
        #expect(m.value("consciousness_cycles_total", ["result": "completed"]) == 1)
        #expect(m.value("consciousness_cycles_total", ["result": "failed"]) == 0)
        #expect(try store.counters()[MetricKey(Counter.cycles, [("result", "completed")])] == 1)
        #expect(m.value("consciousness_stage_outcome", ["stage": "observe", "outcome": "ok"]) == 1)
        #expect(m.value("consciousness_stage_outcome", ["stage": "observe", "outcome": "failed"]) == 0)
        #expect(m.value("consciousness_stage_duration_seconds", ["stage": "analyze"])! > 0)
        #expect(m.samples.contains { $0.name == "consciousness_build_info" && $0.value == 1 })
        // No model ran: no per-model family, rather than a row of zeros.
        #expect(m.samples.allSatisfy { !$0.name.hasPrefix("consciousness_model_") })
        #expect(report.stages.last!.detail.contains("metrics \(o.metricsFile!)"))
        // Nothing but the file is left in the directory (the temporary was renamed).
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/textfile") == ["consciousness.prom"])
    }

    @Test func aFailedCycleSaysSoAndAnUnwritableFileDegradesTheReport() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try StateStore(directory: dir + "/state")
        var o = options(dir + "/missing.jsonl", dir)  // strict: a missing log fails the cycle
        o.metricsFile = dir + "/m.prom"
        await #expect(throws: CycleError.self) { try await CycleRunner(store: store).run(o) }
        let m = try PromText.parse(try String(contentsOfFile: o.metricsFile!, encoding: .utf8))
        #expect(m.value("consciousness_cycle_result", ["result": "failed"]) == 1)
        #expect(m.value("consciousness_last_cycle_number") == 1)
        #expect(m.value("consciousness_patterns") == nil)

        let log = try sampleLog(dir)
        o = options(log, dir)
        o.metricsFile = dir + "/m.prom/inside-a-file.prom"  // its directory is a file
        let report = try await CycleRunner(store: store).run(o)
        #expect(report.stages.last!.outcome == .degraded)
        #expect(report.stages.last!.detail.contains("metrics file"))
        #expect(try store.lastCycle()?.result == .degraded)
    }
}

/// The exposition format's escaping, checked through the parser.
@Suite struct MetricsExpositionTests {
    @Test func metricsEscapeLabelsAndParseBack() throws {
        var m = CycleMetrics(cycle: 3, result: "degraded", timestampSeconds: 1_700_000_000.5, durationSeconds: 0.25)
        let hostile = "evil\"model\\name\nnext"
        m.modelCalls = [ModelCallRecord(role: "builder", model: hostile, stage: .evolve, outcome: .used, metrics: CallMetrics(model: hostile, loadSeconds: 1.5, latencySeconds: 3, outputTokens: 10, tokensPerSecond: 12.5))]
        let text = m.exposition()
        let parsed = try PromText.parse(text)
        #expect(parsed.value("consciousness_cycle_result", ["result": "degraded"]) == 1)
        #expect(parsed.value("consciousness_cycle_result", ["result": "completed"]) == 0)
        #expect(parsed.value("consciousness_model_load_seconds", ["model": hostile, "role": "builder"]) == 1.5)
        #expect(parsed.value("consciousness_model_tokens_per_second", ["model": hostile, "role": "builder"]) == 12.5)
        #expect(parsed.value("consciousness_last_cycle_timestamp_seconds") == 1_700_000_000.5)
        // Unknown figures are left out, not written as 0.
        #expect(parsed.value("consciousness_memory_available_bytes") == nil)
        #expect(!text.contains("consciousness_forecast_mape_ratio"))
    }

    /// A cycle without a model call keeps every configured model's series, at 0, so a
    /// graph has no gap and `absent()` does not fire; the counters go on from the store.
    @Test func aConfiguredModelNotCalledKeepsItsSeriesAtZero() throws {
        var m = CycleMetrics(cycle: 4, result: "completed", timestampSeconds: 1_700_000_000, durationSeconds: 0.1)
        m.configuredModels = [.init(role: "builder", model: "qwen2.5-coder:7b"), .init(role: "controller", model: "qwen2.5-coder:1.5b")]
        m.counters = [MetricKey(Counter.modelCalls, [("model", "qwen2.5-coder:7b"), ("role", "builder")]): 12]
        let p = try PromText.parse(m.exposition())
        #expect(p.value("consciousness_last_cycle_model_calls", ["model": "qwen2.5-coder:7b", "role": "builder"]) == 0)
        #expect(p.value("consciousness_model_latency_seconds", ["model": "qwen2.5-coder:1.5b", "role": "controller"]) == 0)
        #expect(p.value("consciousness_model_calls_total", ["model": "qwen2.5-coder:7b", "role": "builder"]) == 12)
        #expect(p.value("consciousness_model_calls_total", ["model": "qwen2.5-coder:1.5b", "role": "controller"]) == 0)
        #expect(p.value("consciousness_cycles_total", ["result": "failed"]) == 0)
        #expect(p.value("consciousness_log_events_total", ["kind": "lost"]) == 0)
    }

    /// AGENCY_MODE=hybrid: the remote Architect's calls, tokens and dollars against the
    /// cap; none of it in local_only with no call ever made.
    @Test func theRemoteArchitectsSpendIsInTheMetricsInHybridOnly() throws {
        var m = CycleMetrics(cycle: 5, result: "completed", timestampSeconds: 1_700_000_000, durationSeconds: 0.1)
        m.remote = RemoteSpend()
        #expect(!m.exposition().contains("consciousness_remote_"))
        m.remote = RemoteSpend(calls: 3, refusedByCap: 1, promptTokens: 2_400, completionTokens: 600, spentUSD: 0.0125)
        m.remoteCapUSD = 0.5
        m.remoteLastNight = RemoteSpend(calls: 1, promptTokens: 800, completionTokens: 200, spentUSD: 0.004, capUSD: 0.5)
        let p = try PromText.parse(m.exposition())
        #expect(p.value("consciousness_remote_calls_total") == 3)
        #expect(p.value("consciousness_remote_calls_over_cap_total") == 1)
        #expect(p.value("consciousness_remote_tokens_total", ["kind": "prompt"]) == 2_400)
        #expect(p.value("consciousness_remote_tokens_total", ["kind": "completion"]) == 600)
        #expect(p.value("consciousness_remote_cost_usd_total") == 0.0125)
        #expect(p.value("consciousness_remote_budget_usd") == 0.5)
        #expect(p.value("consciousness_remote_last_night_spent_usd") == 0.004)
        #expect(p.types["consciousness_remote_cost_usd_total"] == "counter" && p.types["consciousness_remote_budget_usd"] == "gauge")
    }
}

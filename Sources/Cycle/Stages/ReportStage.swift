import FeedbackLoop
import Foundation
import StateStore

/// Report: the proposals, the cycle's record and its report in one transaction — and
/// the Markdown report and the metrics file put in place only once the cycle is
/// recorded, so no file ever speaks of a cycle the store does not hold as finished.
/// A file that cannot be written degrades the stage; the store's record stands.
extension CycleRun {
    func report(_ observed: IngestSummary?, _ a: Analyzed, _ learned: Learned, _ predicted: Predicted,
                _ proposals: [Proposal]) async throws -> CycleReport {
        await o.progress?(CycleProgress(cycle: cycle, stage: .report, detail: Stage.report.gerund))
        let start = ContinuousClock.now
        var analysis = a.analysis
        analysis.patterns = predicted.patterns
        var report = CycleReport(cycle: cycle, timestamp: o.now, analysis: analysis, ingest: observed,
                                 proposals: [], stages: stages)
        report.predictions = predicted.forecasts
        report.cost = o.settings.cost
        report.fixes = a.fixes
        report.forecastAccuracy = predicted.accuracy
        report.outboundRequests = o.outboundRequests?()
        report.modelCalls = session.calls
        report.vectorMemory = learned.growth
        report.peakRSSBytes = PeakMemory.residentBytes()
        report.memoryAvailableBytes = o.memoryAvailable?()
        var staged: [ReplacedFile] = []
        let recorded = try store.batch { () throws -> CycleReport in
            report.proposals = try store.upsertPending(proposals, cycle: cycle, at: o.now)
            report.proposalsPending = try store.pendingProposalCount()
            _ = try store.remember(proposals.map(PatternMemory.entry(for:)), cycle: cycle, at: o.now)
            var outcome = StageOutcome(stage: .report, outcome: .ok, detail: "", milliseconds: 0)
            let markdown = markdownPath(report)
            do {
                staged.append(try ReplacedFile.stage(report.markdown(), to: markdown))
                outcome.detail = markdown
            } catch {
                outcome.outcome = .degraded
                outcome.detail = "Markdown report not written: \(Self.reason(error))"
            }
            var withStage = report
            withStage.stages.append(outcome)
            var metrics = CycleMetrics(withStage, timestampSeconds: endSeconds, durationSeconds: elapsedSeconds,
                                       proposalsPending: report.proposalsPending)
            metrics.counters = try counters(adding: Counter.increments(of: withStage))
            describe(&metrics)
            do {
                staged.append(try ReplacedFile.stage(metrics.exposition(), to: metricsPath))
                outcome.detail += "; metrics \(metricsPath)"
            } catch {
                outcome.outcome = .degraded
                outcome.detail += "; metrics file \(metricsPath) not written: \(Self.reason(error))"
            }
            outcome.milliseconds = (ContinuousClock.now - start).milliseconds
            report.stages.append(outcome)
            try store.finishCycle(report, at: o.wallClock?() ?? o.now, counting: Counter.increments(of: report))
            for (key, value) in o.recordWithCycle { try store.setMeta(key, value) }
            return report
        }
        // rename(2) in the directory the file was just written in: if it fails, the
        // temporary goes and the old file stays, which the next cycle replaces.
        for f in staged { try? f.commit() }
        return recorded
    }

    private func markdownPath(_ r: CycleReport) -> String {
        let dir = o.reportsDirectory ?? store.defaultReportsDirectory
        let c = Timestamp.civil(fromSeconds: r.timestamp / Timestamp.microsPerSecond)
        func pad(_ v: Int64) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let name = "cycle-\(r.cycle)-\(c.year)\(pad(c.month))\(pad(c.day))-\(pad(c.hour))\(pad(c.minute)).md"
        return (dir as NSString).appendingPathComponent(name)
    }

    static func reason(_ error: any Error) -> String { (error as NSError).localizedDescription }
}

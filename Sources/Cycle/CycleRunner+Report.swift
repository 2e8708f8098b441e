import FeedbackLoop
import Foundation
import StateStore

/// The Report stage: the Markdown report, then the metrics file. A metrics file that
/// cannot be written degrades the stage (the report and the store stand).
extension CycleRunner {
    func reportStage(_ report: CycleReport, _ o: CycleOptions, started: ContinuousClock.Instant) async throws -> StageOutcome {
        // An unwritable reports directory degrades the stage: the cycle's work is in the
        // store already, and the metrics file below may still be written.
        let written: StageOutcome
        do {
            (_, written) = try await timed("report") { () throws -> ((), String) in ((), try writeMarkdown(report, o)) }
        } catch {
            written = StageOutcome(stage: "report", outcome: .degraded,
                                   detail: "Markdown report not written: \(Self.reason(error))", milliseconds: 0)
        }
        var withStage = report
        withStage.stages.append(written)
        let path = o.metricsFile ?? MetricsFile.defaultPath(stateDirectory: store.directory)
        var outcome = written
        do {
            let pending = try store.pendingProposals().count
            let metrics = CycleMetrics(withStage, timestampSeconds: endSeconds(o), durationSeconds: secondsSince(started),
                                       proposalsPending: pending)
            try MetricsFile.write(metrics.exposition(), to: path)
            outcome.detail += "; metrics \(path)"
        } catch {
            outcome.outcome = .degraded
            outcome.detail += "; metrics file \(path) not written: \(Self.reason(error))"
        }
        return outcome
    }

    /// A failed cycle still tells the monitoring so: result "failed", its duration,
    /// and nothing it did not measure.
    func writeFailureMetrics(_ o: CycleOptions, cycle: Int64, started: ContinuousClock.Instant) {
        var m = CycleMetrics(cycle: cycle, result: "failed", timestampSeconds: endSeconds(o),
                             durationSeconds: secondsSince(started))
        m.proposalsPending = try? store.pendingProposals().count
        try? MetricsFile.write(m.exposition(), to: o.metricsFile ?? MetricsFile.defaultPath(stateDirectory: store.directory))
    }

    private func secondsSince(_ started: ContinuousClock.Instant) -> Double {
        (ContinuousClock.now - started).milliseconds / 1000
    }

    private func endSeconds(_ o: CycleOptions) -> Double { Double(o.wallClock?() ?? o.now) / 1_000_000 }

    static func reason(_ error: any Error) -> String { (error as NSError).localizedDescription }
}

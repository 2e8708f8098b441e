import FeedbackLoop
import StateStore

/// Observe: the lines appended since the last cycle, committed with the log registry
/// and the cycle's start in one transaction. An unreadable log fails the cycle or, for
/// the daemon, degrades the stage: the analysis then runs on what the store holds.
extension CycleRun {
    func observe() async throws -> IngestSummary? {
        try await stage(.observe, Stage.observe.gerund) {
            var progress: (@Sendable (IngestProgress) -> Void)?
            if let tell = o.readProgress { progress = { [cycle] in tell(cycle, $0) } }
            let result: IngestResult
            do {
                result = try await LogIngest.read(path: o.logPath, known: try store.logFiles(), rotatedGlob: o.rotatedGlob,
                                                  validTimes: Timestamp.plausible(at: o.wallClock?() ?? o.now),
                                                  parallelism: o.parallelism, progress: progress)
            } catch let e as LogFileError {
                if o.strictLog { throw CycleError.logUnreadable(e) }
                try begin()
                return StageResult(value: nil, outcome: .degraded, detail: e.description)
            }
            do {
                try store.batch {
                    try begin()
                    try store.commit(result, cycle: cycle, at: o.now)
                }
                touchedFromHour = result.batch.buckets.keys.lazy.map(\.hour).min()
            } catch let c as IngestConflict {
                throw CycleError.conflict(c)
            }
            let s = IngestSummary(result)
            var detail = "\(s.linesRead) new line(s), \(s.ingested) violation(s), \(s.malformed.total) malformed"
            if !s.events.isEmpty { detail += "; " + s.events.map(\.summary).joined(separator: "; ") }
            return StageResult(value: s, detail: detail)
        }
    }

    private func begin() throws {
        cycle = try store.beginCycle(at: o.now)
        begun = true
    }
}

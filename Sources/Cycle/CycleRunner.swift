import FeedbackLoop
import Foundation
import StateStore

/// One feedback cycle: Observe → Analyze → Classify → Learn → Predict → Evolve →
/// Report, each stage in its own file (`Stages/`), run, timed and recorded the same way
/// by `CycleRun.stage`. The cycle's store work is a few transactions: the ingest with
/// the cycle's start, the Controller's answers (when there were new ones), the memory,
/// the forecasts, and one last that records the proposals, the cycle and its report.
public struct CycleRunner: Sendable {
    public let store: StateStore

    public init(store: StateStore) { self.store = store }

    /// Runs a cycle holding the state directory's lock from the registry read to the
    /// last commit: a second cycle — by hand beside the daemon, or two by hand — waits,
    /// then fails with `CycleError.busy` naming the holder; it never reads the same bytes.
    public func run(_ o: CycleOptions) async throws -> CycleReport {
        let lock: CycleLock
        do {
            lock = try await CycleLock.acquire(directory: store.directory, holder: o.lockHolder, wait: o.lockWait,
                                               now: o.wallClock ?? { o.now })
        } catch let busy as CycleLockBusy {
            throw CycleError.busy(busy)
        }
        defer { withExtendedLifetime(lock) {} }
        let run = CycleRun(store: store, options: o)
        do {
            return try await run.execute()
        } catch {
            run.failed(error)
            throw error
        }
    }
}

/// A stage that could not do its work but let the cycle go on.
struct StageDegraded: Error {
    var detail: String
}

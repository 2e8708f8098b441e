import FeedbackLoop
import Foundation
import StateStore
import Testing

/// The remote Architect's ledger alone: reservations against a night's cap, from two
/// stores (two processes) on one database at once, never past the cap.
@Suite struct RemoteLedgerTests {
    let dir = NSTemporaryDirectory() + "cc-ledger-" + UUID().uuidString
    let night = LocalDate("2025-10-08")!

    func plan(_ worst: Double, cap: Double, night: LocalDate? = nil) -> StateStore.RemoteCallPlan {
        .init(night: night ?? self.night, startedAt: 1, host: "api.example.com", model: "gpt-5", capUSD: cap,
              worstCaseUSD: worst, payload: "{}")
    }

    /// Booked below its worst case, a call gives the difference back to the night; a
    /// refused one costs nothing and is kept, not sent; another night has its own cap.
    @Test func bookingGivesBackWhatTheWorstCaseHeld() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try StateStore(directory: dir)
        guard case .reserved(let a, 0) = try store.reserveRemoteCall(plan(0.6, cap: 1)) else { Issue.record("not reserved"); return }
        #expect(try store.reserveRemoteCall(plan(0.6, cap: 1)) == .overCap(spentUSD: 0.6))
        try store.bookRemoteCall(id: a, .init(outcome: "used", reason: nil, promptTokens: 100, completionTokens: 10,
                                              costUSD: 0.1, usageReported: true, finishedAt: 2))
        guard case .reserved(_, let before) = try store.reserveRemoteCall(plan(0.6, cap: 1)) else { Issue.record("not reserved"); return }
        #expect(abs(before - 0.1) < 1e-12)
        let spend = try store.remoteSpend(night: night)
        #expect(spend.calls == 2 && spend.refusedByCap == 1 && abs(spend.spentUSD - 0.7) < 1e-12 && spend.capUSD == 1)
        #expect(try store.remoteCalls(night: night).filter { $0.state == "refused" }.allSatisfy { $0.payload.isEmpty })
        guard case .reserved = try store.reserveRemoteCall(plan(0.9, cap: 1, night: night.adding(days: 1))) else {
            Issue.record("the next night has its own cap"); return
        }
        // A booking is once: a second one for the same id changes nothing.
        try store.bookRemoteCall(id: a, .init(outcome: "used", reason: nil, promptTokens: 0, completionTokens: 0,
                                              costUSD: 0, usageReported: true, finishedAt: 3))
        #expect(abs(try store.remoteSpend(night: night).spentUSD - 0.7) < 1e-12)
    }

    /// The all-time counters only rise: a reservation is not counted as spent until it
    /// is booked (then at its cost, below its worst case); meanwhile it is "unbooked".
    @Test func theAllTimeCostNeverGoesDownWhenACallIsBooked() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try StateStore(directory: dir)
        guard case .reserved(let a, _) = try store.reserveRemoteCall(plan(0.6, cap: 1)) else { Issue.record("not reserved"); return }
        let during = try store.remoteTotals()
        #expect(during.spentUSD == 0 && during.unbookedUSD == 0.6 && during.calls == 1)
        try store.bookRemoteCall(id: a, .init(outcome: "used", reason: nil, promptTokens: 100, completionTokens: 10,
                                              costUSD: 0.1, usageReported: true, finishedAt: 2))
        let after = try store.remoteTotals()
        #expect(after.spentUSD == 0.1 && after.unbookedUSD == 0 && after.spentUSD >= during.spentUSD)
    }

    /// 400 reservations from two stores on eight threads, each worst case random: what
    /// is reserved never passes the cap, and the night is filled as far as it goes.
    @Test func concurrentReservationsNeverPassTheCap() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let stores = [try StateStore(directory: dir), try StateStore(directory: dir)]
        let cap = 1.0
        let granted = await withTaskGroup(of: Int.self) { group in
            for t in 0..<8 {
                group.addTask {
                    var n = 0
                    var rng = SystemRandomNumberGenerator()
                    for _ in 0..<50 {
                        let worst = Double.random(in: 0.001...0.05, using: &rng)
                        if case .reserved? = try? stores[t % 2].reserveRemoteCall(plan(worst, cap: cap)) { n += 1 }
                    }
                    return n
                }
            }
            return await group.reduce(0, +)
        }
        let spend = try stores[0].remoteSpend(night: night)
        #expect(spend.calls == granted && granted > 0)
        #expect(spend.spentUSD <= cap + 1e-9, "reserved \(spend.spentUSD) against a cap of \(cap)")
        #expect(spend.spentUSD > cap - 0.05, "the night was not filled: \(spend.spentUSD)")
        print("ledger: 400 concurrent reservations from 2 stores: \(granted) granted, \(spend.refusedByCap) refused, "
              + "$\(Format.fixed(spend.spentUSD, 4)) reserved of a $\(Format.fixed(cap, 2)) cap")
    }
}

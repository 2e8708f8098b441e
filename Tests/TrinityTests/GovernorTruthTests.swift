import Foundation
import Synchronization
import Logging
import OllamaSimulator
import SimulatorTestKit
import Testing
@testable import Trinity

/// The governor against an Ollama that acts on its own: models expire, other clients
/// load, memory comes and goes. Each test failed on the governor that trusted its own
/// picture.
@Suite(.serialized) struct GovernorTruthTests {
    static let builder = "qwen2.5-coder:7b-instruct-q4_K_M"

    /// Ollama unloads the Builder by itself when its keep_alive ends; meanwhile a hog
    /// leaves 11.6 GB available with 8 GB reserved. The Builder needs 5.4 GB: a load now
    /// would eat the reserve. A governor that still believed it resident granted at once.
    @Test func aSelfExpiredModelIsLoadedAgainOnlyIfItFits() async throws {
        var s = SimulatedOllama.testSettings
        s.keepAliveInCycle = .seconds(1)
        try await Rig.with(memTotal: 25_300_000_000, settings: s, configure: { $0.watchReserveBytes = 8_000_000_000 }) { rig in
            let first = try await rig.governor.lease(.builder, wantedContext: 8192)
            await rig.governor.release(first)
            #expect(await rig.sim.resident().map(\.name) == [Self.builder])
            try await waitUntil { await rig.sim.resident().isEmpty }
            await rig.sim.setHog(bytes: 25_300_000_000 - 4_000_000_000 - 11_600_000_000)
            do throws(Refusal) {
                _ = try await rig.governor.lease(.builder, wantedContext: 8192)
                Issue.record("granted a load into the reserve")
            } catch {
                #expect(error.kind == .reserve, "\(error)")
            }
            #expect(await rig.governor.residentModels().isEmpty)
            #expect(await rig.governor.stats.droppedByOllama == 1)
            #expect(await rig.sim.counters().loads == 1)
            #expect(await rig.sim.violationCount() == 0)
        }
    }

    /// Room is made from what the kernel shows, never by adding a victim's bytes: the
    /// Builder already expired (its memory is already in MemAvailable), so unloading it
    /// frees nothing more, and the 22B does not fit above the reserve.
    @Test func aVictimsMemoryIsNotCreditedByArithmetic() async throws {
        var s = SimulatedOllama.testSettings
        s.keepAliveInCycle = .seconds(1)
        try await Rig.with(memTotal: 30_000_000_000, settings: s, configure: { $0.watchReserveBytes = 8_000_000_000 }) { rig in
            let b = try await rig.governor.lease(.builder, wantedContext: 8192)
            await rig.governor.release(b)
            try await waitUntil { await rig.sim.resident().isEmpty }
            // 30 − 4 (OS) − 5 (hog) = 21 GB available; the 22B at 8k needs 16 GB: 5 GB
            // would be left, inside the 8 GB reserve. Crediting the expired Builder's
            // 5.4 GB again would make it look like 10.4.
            await rig.sim.setHog(bytes: 5_000_000_000)
            do throws(Refusal) {
                _ = try await rig.governor.lease(.architect, wantedContext: 8192)
                Issue.record("granted the 22B into the reserve")
            } catch {
                #expect(error.kind == .reserve, "\(error)")
            }
            #expect(await rig.sim.counters().loads == 1)
            #expect(await rig.sim.violationCount() == 0)
        }
    }

    /// `prepare` (the start-up survey, each cycle's begin) beside a thousand concurrent
    /// leases: decisions are serialised, so no lease sees the roles half-known. (The old
    /// governor refused 174 of 2,300 `unknown_role`; a thousand keeps this test from
    /// starving the other suites running beside it, each lease reading /api/ps.)
    @Test func leasesDuringPrepareNeverSeeAnUnknownRole() async throws {
        try await Rig.with() { rig in
            let warm = try await rig.governor.lease(.controller, wantedContext: 4096)
            await rig.governor.release(warm)
            let refusals = await withTaskGroup(of: String?.self) { group in
                for i in 0..<1_000 {
                    if i % 50 == 0 {
                        group.addTask { (try? await rig.governor.prepare(models: SimulatedOllama.trinity)) == nil ? "prepare failed" : nil }
                    }
                    group.addTask {
                        do throws(Refusal) {
                            let l = try await rig.governor.lease(.controller, wantedContext: 4096)
                            await rig.governor.release(l)
                            return nil
                        } catch {
                            return error.kind.rawValue
                        }
                    }
                }
                var out: [String] = []
                for await r in group { if let r { out.append(r) } }
                return out
            }
            #expect(refusals.isEmpty, "\(refusals.count) refused: \(Set(refusals))")
            #expect(await rig.sim.counters().loads == 1)
        }
    }

    /// `all-minilm` is `all-minilm:latest` to Ollama: one model, loaded once, the
    /// embedder's — not a stranger counted twice.
    @Test func aTaglessNameIsTheTaggedModel() async throws {
        var models = SimulatedOllama.trinity
        models[.embedder] = "all-minilm"
        try await withSimulator(prepare: models) { rig in
            for _ in 0..<2 {
                let l = try await rig.governor.lease(.embedder, wantedContext: 512)
                #expect(l.model == "all-minilm")
                _ = try await rig.client.embed(l, ["one text"])
                await rig.governor.release(l)
            }
            #expect(await rig.sim.loadCount(model: "all-minilm:latest") == 1)
            try await rig.governor.prepare(models: models)
            let governed = await rig.governor.governed()
            #expect(governed.map(\.model.name) == ["all-minilm:latest"])
            #expect(governed.first?.role == .embedder)
            #expect(await rig.governor.stats.adopted == 0)
        }
    }

    /// Ollama's cap on loaded models is the governor's too: it unloads the least recently
    /// used itself, so Ollama never has to evict on its own.
    @Test func theGovernorKeepsBelowOllamasModelCap() async throws {
        var s = SimulatedOllama.testSettings
        s.maxLoadedModels = 2
        try await Rig.with(settings: s, configure: { $0.maxLoadedModels = 2 }) { rig in
            for role in [Role.controller, .embedder, .builder, .controller] {
                let l = try await rig.governor.lease(role, wantedContext: 4096)
                await rig.governor.release(l)
                #expect(await rig.sim.resident().count <= 2)
            }
            let c = await rig.sim.counters()
            #expect(c.evictedByOllama == 0)
            #expect(await rig.governor.stats.evictions == 2)
        }
    }

    /// After an unload the governor waits until Ollama no longer lists the model (the
    /// simulator, like Ollama, drops it a moment after answering).
    @Test func anUnloadIsConfirmedBeforeTheNextLoad() async throws {
        var s = SimulatedOllama.testSettings
        s.budget.trinityBytes = 6_000_000_000  // the Builder (5.4) or the Controller (1.2), never both
        try await Rig.with(settings: s, configure: { $0.unloadDelay = .milliseconds(400) }) { rig in
            let b = try await rig.governor.lease(.builder, wantedContext: 8192)
            await rig.governor.release(b)
            let c = try await rig.governor.lease(.controller, wantedContext: 4096)
            await rig.governor.release(c)
            let peak = await rig.sim.peakResidentBytes()
            #expect(peak <= 6_000_000_000, "both resident at once: \(peak)")
            #expect(await rig.sim.resident().map(\.name) == ["qwen2.5-coder:1.5b-instruct-q4_K_M"])
        }
    }

    /// At the end of a cycle: the Controller and the embedder stay, with a keep_alive
    /// past the next cycle; everything else is unloaded and confirmed gone.
    @Test func aCycleEndGivesTheMemoryBack() async throws {
        try await Rig.with() { rig in
            for role in [Role.controller, .embedder, .builder] {
                let l = try await rig.governor.lease(role, wantedContext: 4096)
                await rig.governor.release(l)
            }
            let parting = await rig.governor.endCycle()
            #expect(parting.contains(.unloaded(Self.builder)), "\(parting)")
            let resident = await rig.sim.resident()
            #expect(resident.map(\.name) == ["all-minilm:latest", "qwen2.5-coder:1.5b-instruct-q4_K_M"])
            for m in resident {
                let left = (m.expiresAt ?? .distantFuture).timeIntervalSinceNow
                #expect(left > 60 * 60, "\(m.name) expires in \(left) s")
            }
        }
    }
}

/// The daemon publishes its governor's view after each decision, for `consciousness
/// memory` in another process: leases appear and go.
@Suite struct GovernorViewTests {
    @Test func eachDecisionIsPublishedWithItsLeases() async throws {
        try await Rig.with() { rig in
            let views = Mutex<[GovernorView]>([])
            await rig.governor.publish { v in views.withLock { $0.append(v) } }
            let l = try await rig.governor.lease(.builder, wantedContext: 4096)
            let leased = views.withLock { $0.last }
            #expect(leased?.models.first { $0.model == GovernorTruthTests.builder }?.leases == 1)
            #expect(leased?.models.first { $0.model == GovernorTruthTests.builder }?.role == .builder)
            await rig.governor.release(l)
            #expect(views.withLock { $0.last }?.models.first { $0.model == GovernorTruthTests.builder }?.leases == 0)
            #expect(views.withLock { $0.last }?.stats.loads == 1)
            // Round trip through the file the daemon writes.
            let path = rig.root + "/governor.json"
            try views.withLock { $0.last }!.write(to: path)
            #expect(GovernorView.read(path) == views.withLock { $0.last })
            #expect(GovernorView.read(path)?.writerRuns == true)
        }
    }
}

/// Polls `condition` every 50 ms for up to 10 s.
func waitUntil(_ condition: () async -> Bool) async throws {
    let end = ContinuousClock.now + .seconds(10)
    while !(await condition()) {
        guard ContinuousClock.now < end else {
            Issue.record("condition not met within 10 s")
            return
        }
        try await Task.sleep(for: .milliseconds(50))
    }
}

/// A load is the governor's step, under its own timeout; the role's request that follows
/// waits only for prompt evaluation. Ollama writes nothing while it loads, so a first-byte
/// deadline that included the load cut off a 22B on a slow disk.
@Suite(.serialized) struct LoadTimeoutTests {
    @Test func aSlowLoadIsNotInTheFirstByteDeadline() async throws {
        var t = SimulatedOllama.testTimeouts
        t.firstByte = .seconds(1)
        var s = SimulatedOllama.testSettings
        s.loadTimeout = .seconds(20)
        // 4.7 GB at 0.5 s a GB: a 2.35 s load, longer than the 1 s first-byte allowance.
        try await Rig.with(loadSecondsPerGB: 0.5, timeouts: t, settings: s) { rig in
            let lease = try await rig.governor.lease(.builder, wantedContext: 4096)
            #expect(lease.loadSeconds >= 2.0, "the governor timed the load: \(lease.loadSeconds) s")
            let c = try await rig.client.chat(lease, [.init(role: "user", content: "hello")])
            #expect(!c.text.isEmpty)
            await rig.governor.release(lease)
        }
    }

    /// A load that takes longer than the load timeout is refused, naming the load.
    @Test func aLoadPastItsTimeoutIsRefused() async throws {
        var s = SimulatedOllama.testSettings
        s.loadTimeout = .seconds(1)
        try await Rig.with(loadSecondsPerGB: 0.5, settings: s) { rig in
            do throws(Refusal) {
                _ = try await rig.governor.lease(.builder, wantedContext: 4096)
                Issue.record("a 2.35 s load passed a 1 s load timeout")
            } catch {
                #expect(error.kind == .ollama && error.reason.contains("loading"), "\(error)")
            }
        }
    }
}

/// A load takes time, and another process allocating meanwhile takes MemAvailable with
/// it: the governor leaves room for the fall it measured.
@Suite struct MemoryTrendTests {
    @Test func aFallingMemAvailableIsProjectedOverTheLoad() {
        var t = MemoryTrend()
        let start = ContinuousClock.now
        t.record(20_000_000_000, at: start)
        t.record(19_500_000_000, at: start + .milliseconds(500))
        t.record(19_000_000_000, at: start + .seconds(1))
        #expect(abs(t.fallPerSecond - 1e9) < 1e6)
        #expect(abs(Double(t.headroom(forSeconds: 2.5)) - 2.5e9) < 1e7)
    }

    @Test func aSteadyOrRisingOneNeedsNoHeadroom() {
        var t = MemoryTrend()
        let start = ContinuousClock.now
        t.record(10_000_000_000, at: start)
        #expect(t.headroom(forSeconds: 10) == 0)  // one reading: no trend
        t.record(12_000_000_000, at: start + .seconds(1))
        #expect(t.headroom(forSeconds: 10) == 0)
        // Readings older than the window are forgotten: a fall long ago says nothing now.
        var old = MemoryTrend()
        old.record(30_000_000_000, at: start)
        old.record(10_000_000_000, at: start + .seconds(6))
        #expect(old.fallPerSecond == 0)
    }
}

import Cycle
import Foundation
import FeedbackLoop
import Foundation
import OllamaSimulator
import SampleLog
import SimulatorTestKit
import Testing
import Trinity
@testable import Workers

@Suite(.serialized) struct TrinityCycleTests {
    /// All three roles (and the embedder) with load times proportional to size, on a
    /// machine where the 22B planner cannot be resident with the others: each model
    /// loads at most once, and the resident set never exceeds the plan's budget.
    @Test func allRolesLoadOnceAndNeverOverTheBudget() async throws {
        try await CycleRig.with(loadSecondsPerGB: 0.1, memTotal: 28_000_000_000) { rig in
            let report = try await rig.cycle()
            #expect(report.degradedStages.isEmpty, "\(report.degradedStages)")
            // Every part a cycle with models fills, encoded as Foundation would.
            #expect(report.json() == (try report.foundationJSON()))
            #expect(report.calls("controller").contains { $0.outcome == .used })
            #expect(report.calls("embedder").contains { $0.outcome == .used })
            #expect(report.calls("builder").contains { $0.outcome == .used })
            #expect(report.proposals.contains { $0.proposal.author == CycleRig.shown(.builder) })
            // The simulator's drafts are built from the prompt: grounded, so they stand, with the template kept.
            #expect(report.proposals.allSatisfy { $0.proposal.template != nil && $0.proposal.checksPassed == DraftGrounding.Check.allCases })
            // The Architect, at the morning report after the cycle: it ranks every pending proposal.
            let utc = TimeZone(identifier: "UTC")!
            let time = ClockTime(hour: 7, minute: 0)
            let day = Night.latestDate(atOrBefore: CycleRig.end + 3_600_000_000, at: time, in: utc)
            let morning = try await MorningReporter(store: rig.store).make(
                Night.ending(on: day, at: time, in: utc), zone: utc, cycleIntervalSeconds: 3600,
                generatedAt: CycleRig.end, origin: .daemon, narrator: rig.workers.narrator())
            let pending = try rig.store.pendingProposals()
            #expect(morning.narrative.author == CycleRig.shown(.architect), "\(morning.narrative)")
            #expect(morning.narrative.ranking.sorted() == pending.map(\.id).sorted())
            // After the night, the person has the memory back: neither the 22B nor the 7B stays.
            let big = [CycleRig.models[.architect]!, CycleRig.models[.builder]!]
            #expect(await rig.sim.resident().allSatisfy { !big.contains($0.name) })
            for (model, n) in await rig.sim.loadCounts() { #expect(n <= 1, "\(model) loaded \(n) times") }
            #expect(await rig.sim.loadCounts().count == 4)
            let budget = await rig.governor.plan()
            #expect(budget.timeShared, "the test machine must be too small for all four at once")
            #expect(await rig.sim.peakResidentBytes() <= budget.effectiveBudget)
            // Each call carries its cost, the lease's context and a load time the first time.
            for c in report.modelCalls {
                #expect(c.numCtx > 0 && c.latencySeconds > 0 && c.contextUse > 0 && c.contextUse <= 1)
            }
            #expect(report.calls("builder").first!.loadSeconds > 0.3)  // 4.7 GB at 0.1 s/GB
        }
    }

    /// Every fault the simulator can inject ends in a completed cycle whose report
    /// names the fallback.
    @Test(arguments: Fault.ollamaTransport)
    func eachFaultIsAFallbackNotAFailure(fault: Fault) async throws {
        var t = SimulatedOllama.testTimeouts
        t.firstByte = .seconds(2)  // a stalled answer falls back within seconds
        try await CycleRig.with(timeouts: t) { rig in
            await rig.sim.inject(fault, count: 1000, path: "/api/chat")
            await rig.sim.inject(fault, count: 1000, path: "/api/embed")
            let report = try await rig.cycle()
            #expect(try rig.store.lastCycle()?.result == .degraded)
            let classify = try #require(report.stage("classify"))
            #expect(classify.outcome == .degraded && classify.detail.contains("rules only"), "\(classify.detail)")
            let learn = try #require(report.stage("learn"))
            #expect(learn.detail.contains("local hashed embedder used"), "\(learn.detail)")
            #expect(report.vectorMemory?.embedder == HashedEmbedder.id && report.vectorMemory!.entries > 0)
            let evolve = try #require(report.stage("evolve"))
            #expect(evolve.outcome == .degraded && evolve.detail.contains("template"), "\(evolve.detail)")
            #expect(report.proposals.allSatisfy { $0.proposal.author == "template" && $0.proposal.authorNote != nil })
            #expect(!report.modelCalls.isEmpty && report.modelCalls.allSatisfy { $0.outcome == .fallback && $0.fallbackReason != nil })
            #expect(report.text().contains("classify degraded"))
            if fault == .midStreamError {  // Ollama's own words, not a "stream cut"
                #expect(report.text().contains("CUDA error: out of memory"), "\(report.text())")
            }
        }
    }

    /// Every way a small model spoils its text, as the simulator produces it: the cycle
    /// completes, each draft is refused for its reason and the template stands — nothing
    /// ungrounded reaches a proposal — and the morning narrative falls back, saying why.
    /// (The narrative is asked for with a JSON schema, which Ollama enforces as a grammar:
    /// no code fence can wrap it, so a fenced narrative is a good one.)
    @Test(arguments: [(Fault.fenced, "format: the answer is wrapped in a code fence", false),
                      (.sloppy, "no_invented_path", true), (.salad, "names_agent", true),
                      (.truncated, "cut at the token limit", true), (.wrongIDs, "cites_pattern|no_invented_function", true)])
    func eachSpoiledAnswerIsRefusedForItsReason(fault: Fault, reason: String, narrativeRefused: Bool) async throws {
        try await CycleRig.with() { rig in
            await rig.sim.inject(fault, count: 1000, path: "/api/chat")
            let report = try await rig.cycle()
            let evolve = try #require(report.stage("evolve"))
            #expect(evolve.outcome == .degraded, "\(evolve.detail)")
            #expect(!report.proposals.isEmpty)
            for r in report.proposals {
                #expect(r.proposal.author == "template" && r.proposal.template == nil)
                let note = r.proposal.authorNote ?? ""
                #expect(reason.split(separator: "|").contains { note.contains($0) }, "\(fault): \(note)")
            }
            #expect(try rig.store.pendingProposals().allSatisfy { $0.proposal.author == "template" })
            let utc = TimeZone(identifier: "UTC")!
            let time = ClockTime(hour: 7, minute: 0)
            let day = Night.latestDate(atOrBefore: CycleRig.end + 3_600_000_000, at: time, in: utc)
            let morning = try await MorningReporter(store: rig.store).make(
                Night.ending(on: day, at: time, in: utc), zone: utc, cycleIntervalSeconds: 3600,
                generatedAt: CycleRig.end, origin: .daemon, narrator: rig.workers.narrator())
            if narrativeRefused {
                #expect(morning.narrative.author == Narrative.templateAuthor, "\(fault): \(morning.narrative)")
                #expect(morning.narrative.note != nil, "\(fault): the fallback must say why")
            } else {
                #expect(morning.narrative.author == CycleRig.shown(.architect), "\(fault): \(morning.narrative)")
            }
        }
    }

    /// Ollama gone altogether: the cycle says so once, and nothing is asked.
    @Test func deadOllamaIsADegradedCycle() async throws {
        try await CycleRig.with() { rig in
            try await rig.sim.stop()
            let report = try await rig.cycle()
            #expect(report.stage("classify")?.outcome == .degraded)
            #expect(report.stage("classify")?.detail.contains("unreachable") == true)
            #expect(report.modelCalls.isEmpty)
            #expect(report.proposals.allSatisfy { $0.proposal.author == "template" })
        }
    }

    /// A machine too small for any model: the governor refuses, and the stages fall back
    /// naming the refusal.
    @Test func governorRefusalIsAFallback() async throws {
        try await CycleRig.with(memTotal: 9_000_000_000) { rig in
            let report = try await rig.cycle()
            let refused = report.modelCalls.filter { $0.fallbackReason?.hasPrefix("governor refused") == true }
            #expect(!refused.isEmpty)
            #expect(report.stage("classify")?.outcome == .degraded)
            #expect(await rig.sim.loadCounts().isEmpty)
        }
    }

    /// A signature goes to the Controller once, ever: a second cycle (and a new store
    /// object on the same file) asks nothing again.
    @Test func classificationsAreCachedBySignature() async throws {
        try await CycleRig.with() { rig in
            let first = try await rig.cycle()
            let asked = first.calls("controller").count
            #expect(asked > 0)
            let second = try await rig.cycle(at: CycleRig.end + 3_600_000_000)
            #expect(second.calls("controller").isEmpty)
            #expect(second.stage("classify")?.detail.contains("answered earlier") == true || second.analysis.unclassifiedSignatures.isEmpty)
            #expect(try rig.store.classifications().count == asked)
        }
    }

    /// Hourly cycles update each pattern's memory entry instead of storing it again.
    @Test func learnUpdatesInsteadOfDuplicating() async throws {
        try await CycleRig.with() { rig in
            var entries: [Int64] = []
            for h in 0..<4 {
                let r = try await rig.cycle(at: CycleRig.end + Int64(h) * 3_600_000_000, models: h % 2 == 0)
                entries.append(r.vectorMemory!.entries)
                // One entry per pattern, however many cycles saw it.
                #expect(try rig.store.memoryEvidence(kind: .pattern).count == r.analysis.patterns.count)
                // The embedder changes between cycles; each cycle's vectors are its embedder's own.
                let index = try rig.store.memoryIndex(embedder: r.vectorMemory!.embedder)
                #expect(index.dimensions == (h % 2 == 0 ? 384 : HashedEmbedder.dimensions))
                #expect(index.count >= r.analysis.patterns.count)
            }
            #expect(entries[3] - entries[1] <= 4)  // only learnings (a trend that turned) are new
        }
    }
}

@Suite struct DecisionLearningTests {
    /// A person's rejection becomes a learning the next proposals for those patterns recall.
    @Test func aRejectionIsRememberedAndRecalled() async throws {
        try await CycleRig.with() { rig in
            let first = try await rig.cycle(models: false)
            let target = try #require(first.proposals.first)
            try rig.store.recordRejection(target.id, user: "ana", at: CycleRig.end, reason: "the planner already has this rule")
            _ = try await rig.cycle(at: CycleRig.end + 3_600_000_000, models: false)
            let learned = try rig.store.memoryEvidence(kind: .learning)["decision_\(target.id)"]
            #expect(learned?["approved"] == 0)
            let index = try rig.store.memoryIndex(embedder: HashedEmbedder.id)
            let q = HashedEmbedder().embed("A person rejected proposal for the \(target.proposal.agent) agent: the planner already has this rule")
            let hits = try rig.store.memoryHits(index.search(q, k: 1, kinds: [.learning]))
            #expect(hits.first?.key == "decision_\(target.id)" && hits.first!.text.contains("already has this rule"))
        }
    }
}

@Suite struct DraftKeepingTests {
    /// A Builder draft is kept through an Ollama outage: the template does not replace it.
    @Test func draftsSurviveAnOutage() async throws {
        try await CycleRig.with() { rig in
            let first = try await rig.cycle()
            // (`CycleRig.shown(.builder)` here crashes swift-frontend 6.3.1's SendNonSendable pass.)
            let builder = try #require(CycleRig.models[.builder]) + ", simulated"
            #expect(first.proposals.allSatisfy { $0.proposal.author == builder })
            try await rig.sim.stop()
            let second = try await rig.cycle(at: CycleRig.end + 3_600_000_000)
            #expect(second.stage("learn")?.outcome == .degraded)  // Ollama is gone
            for r in second.proposals where first.proposals.contains(where: { $0.proposal.agent == r.proposal.agent
                && Set($0.proposal.evidence.map(\.patternID)) == Set(r.proposal.evidence.map(\.patternID)) }) {
                #expect(r.proposal.author == builder, "\(r.proposal.agent) lost its draft")
            }
            #expect(try rig.store.pendingProposals().contains { $0.proposal.author == builder })
            // The outage's cycle searched a hashed index made in memory: the model's vectors stay stored.
            #expect(second.vectorMemory?.embedder == HashedEmbedder.id && second.stage("learn")!.detail.contains("recalled"))
            #expect(try rig.store.memoryIndex(embedder: rig.workers.embedderID!).count >= first.analysis.patterns.count)
            #expect(try rig.store.memoryIndex(embedder: HashedEmbedder.id).count == 0)
        }
    }
}

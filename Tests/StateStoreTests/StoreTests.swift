import Cycle
import FeedbackLoop
import Foundation
import GRDB
import SampleLog
import StateStore
import Testing

func temporaryDirectory() -> String {
    let dir = NSTemporaryDirectory() + "cc-store-" + UUID().uuidString
    try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

let end = Timestamp.parse("2025-10-08T00:00:00Z")!

func sampleLog(_ dir: String, lines: Int = 20_000, seed: UInt64 = 42) throws -> String {
    let path = dir + "/v.jsonl"
    var s = SampleLog(lines: lines, days: 10, end: end)
    s.seed = seed
    s.malformedEvery = 500
    try s.write(to: path)
    return path
}

func options(_ log: String, _ dir: String) -> CycleOptions {
    var o = CycleOptions(logPath: log, now: end)
    o.reportsDirectory = dir + "/reports"
    return o
}

@Suite struct StoreTests {
    @Test func aSecondCycleReadsNothingAndCountsStay() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = try sampleLog(dir)
        let store = try StateStore(directory: dir + "/state")
        #expect(try store.schemaVersion() == 14)
        let first = try await CycleRunner(store: store).run(options(log, dir))
        // Malformed lines, a full ingest: the report encoded as Foundation would.
        #expect(first.json() == (try first.foundationJSON()))
        let totals = try store.totals()
        let second = try await CycleRunner(store: store).run(options(log, dir))
        #expect(first.cycle == 1 && second.cycle == 2)
        #expect(first.ingest!.ingested == totals.violations)
        #expect(second.ingest!.linesRead == 0)
        #expect(try store.totals() == totals)
        #expect(first.analysis == second.analysis)
        #expect(try store.lastCycle()?.result == .completed || store.lastCycle()?.result == .degraded)
    }

    /// The store closes without copying its write-ahead log into the database (the
    /// last milliseconds of every one-shot command); reopened, it holds every commit.
    @Test func aClosedStoreKeepsItsLogAndReopensWhole() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = try sampleLog(dir)
        var store: StateStore? = try StateStore(directory: dir + "/state")
        try store!.commit(try await LogIngest.read(path: log, after: nil))
        let (digest, path) = (try store!.bucketDigest(), store!.databasePath)
        store = nil
        let wal = (try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int) ?? 0
        #expect(wal > 0, "the close copied the log into the database")
        #expect(try StateStore(directory: dir + "/state").bucketDigest() == digest)
    }

    /// A failure after the buckets were written but before the checkpoint moved rolls
    /// both back: the retry counts every line exactly once.
    @Test func aCrashBetweenIngestStepsLosesNothingAndCountsNothingTwice() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = try sampleLog(dir)
        struct Crash: Error {}

        let clean = try StateStore(directory: dir + "/clean")
        try clean.commit(try await LogIngest.read(path: log, after: nil))

        let crashed = try StateStore(directory: dir + "/crashed")
        let first = try await LogIngest.read(path: log, after: nil)
        #expect(throws: Crash.self) { try crashed.commit(first, beforeCheckpoint: { throw Crash() }) }
        #expect(try crashed.checkpoint() == nil)
        #expect(try crashed.totals().violations == 0)
        #expect(try crashed.malformedTotals().isEmpty)

        try crashed.commit(try await LogIngest.read(path: log, after: try crashed.checkpoint()))
        #expect(try crashed.bucketDigest() == clean.bucketDigest())
        #expect(try crashed.malformedTotals().map(\.count) == clean.malformedTotals().map(\.count))
    }

    /// Reading a log in many appended pieces gives the same store as reading it whole.
    @Test func incrementalIngestEqualsOneIngest() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let full = try sampleLog(dir)
        let data = try Data(contentsOf: URL(fileURLWithPath: full))
        let whole = try StateStore(directory: dir + "/whole")
        try whole.commit(try await LogIngest.read(path: full, after: nil))

        let growing = dir + "/growing.jsonl"
        FileManager.default.createFile(atPath: growing, contents: nil)
        let pieces = try StateStore(directory: dir + "/pieces")
        var rng = SplitMix64(seed: 7)
        var at = 0
        while at < data.count {
            let next = min(data.count, at + Int(rng.next() % 200_000))  // cuts lines in the middle
            let h = FileHandle(forWritingAtPath: growing)!
            h.seekToEndOfFile()
            h.write(data[at..<next])
            h.closeFile()
            at = next
            try pieces.commit(try await LogIngest.read(path: growing, after: try pieces.checkpoint()))
        }
        #expect(try pieces.bucketDigest() == whole.bucketDigest())
        #expect(try pieces.checkpoint()?.offset == Int64(data.count))
        #expect(try pieces.malformedTotals().map(\.firstLines) == whole.malformedTotals().map(\.firstLines))
    }

    /// A one-shot command's store (one connection) makes a new store in WAL mode, and
    /// cycles through it and through the daemon's kind (a pool) alternate on one
    /// directory with the same counts as pool cycles alone.
    @Test func oneConnectionAndPoolCyclesAlternateOnOneStore() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let full = try sampleLog(dir)
        let data = try Data(contentsOf: URL(fileURLWithPath: full))
        let growing = dir + "/growing.jsonl"
        FileManager.default.createFile(atPath: growing, contents: nil)
        var reports: [(CycleReport, CycleReport)] = []
        for (k, part) in [0..<data.count / 3, data.count / 3..<data.count * 2 / 3, data.count * 2 / 3..<data.count].enumerated() {
            let h = FileHandle(forWritingAtPath: growing)!
            h.seekToEndOfFile()
            h.write(data[part])
            h.closeFile()
            // The alternating store: one connection on cycles 0 and 2, a pool on cycle 1.
            let mixed = try StateStore(directory: dir + "/mixed", concurrentReads: k == 1)
            let pool = try StateStore(directory: dir + "/pool")
            reports.append((try await CycleRunner(store: mixed).run(options(growing, dir)),
                            try await CycleRunner(store: pool).run(options(growing, dir))))
            if k == 0 {
                let mode = try await DatabaseQueue(path: mixed.databasePath).read { try String.fetchOne($0, sql: "PRAGMA journal_mode") }
                #expect(mode == "wal")
            }
        }
        let mixed = try StateStore(directory: dir + "/mixed", concurrentReads: false)
        let pool = try StateStore(directory: dir + "/pool")
        #expect(try mixed.bucketDigest() == pool.bucketDigest())
        #expect(try mixed.checkpoint()?.offset == Int64(data.count))
        #expect(try mixed.malformedTotals().map(\.firstLines) == pool.malformedTotals().map(\.firstLines))
        for (a, b) in reports {
            #expect(a.analysis.violationsAnalyzed == b.analysis.violationsAnalyzed)
            #expect(a.analysis.patterns.map(\.functionName) == b.analysis.patterns.map(\.functionName))
            #expect(a.proposals.map { [$0.change.rawValue, $0.proposal.agent] } == b.proposals.map { [$0.change.rawValue, $0.proposal.agent] })
        }
    }

    @Test func proposalsAreUpdatedNotDuplicated() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = try sampleLog(dir)
        let store = try StateStore(directory: dir + "/state")
        let first = try await CycleRunner(store: store).run(options(log, dir))
        #expect(!first.proposals.isEmpty)
        #expect(first.proposals.allSatisfy { $0.change == .new })
        // More violations arrive: the same agents' pending proposals get new evidence.
        var more = SampleLog(lines: 5_000, days: 1, end: end)
        more.seed = 99
        let extra = dir + "/extra.jsonl"
        try more.write(to: extra)
        let h = FileHandle(forWritingAtPath: log)!
        h.seekToEndOfFile()
        h.write(try Data(contentsOf: URL(fileURLWithPath: extra)))
        h.closeFile()
        let second = try await CycleRunner(store: store).run(options(log, dir))
        let pending = try store.pendingProposals()
        #expect(Set(pending.map(\.proposal.agent)).count == pending.count)
        #expect(pending.count == Set(first.proposals.map(\.proposal.agent)).union(second.proposals.map(\.proposal.agent)).count)
        #expect(second.proposals.contains { $0.change == .updated })
        #expect(Set(second.proposals.map(\.id)).isSubset(of: Set(pending.map(\.id))))
    }

    @Test func anUnwritableStateDirectoryIsRefusedByName() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/file"
        FileManager.default.createFile(atPath: file, contents: Data("x".utf8))
        #expect { try StateStore(directory: file + "/state") } throws: { e in
            (e as? StateStoreError)?.path == file + "/state"
        }
    }

    @Test func aMissingLogDegradesWhenNotStrict() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try StateStore(directory: dir + "/state")
        var o = options(dir + "/missing.jsonl", dir)
        await #expect(throws: CycleError.self) { try await CycleRunner(store: store).run(o) }
        o.strictLog = false
        let report = try await CycleRunner(store: store).run(o)
        #expect(report.stages.first?.outcome == .degraded)
        #expect(report.stages.first?.detail.contains("missing.jsonl") == true)
        #expect(report.ingest == nil)
    }
}

@Suite struct ForecastStoreTests {
    /// Forecasts are scored once their horizon passes, once only — also across a
    /// restart (a new store on the same file) and a re-run of the same cycle.
    @Test func scoringIsIdempotentAcrossRestarts() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = try sampleLog(dir, lines: 30_000)
        let store = try StateStore(directory: dir + "/state")
        var o = options(log, dir)
        // A cycle a week before the log's end forecasts the week that follows.
        o.now = end - 7 * Timestamp.microsPerDay
        let early = try await CycleRunner(store: store).run(o)
        #expect(!early.predictions.isEmpty)
        #expect(early.forecastAccuracy?.hasHistory == false)
        #expect(early.json().contains("not enough history yet"))

        o.now = end + Timestamp.microsPerHour
        let later = try await CycleRunner(store: store).run(o)
        let acc = try #require(later.forecastAccuracy)
        #expect(acc.scoredThisCycle == early.predictions.count)
        #expect(acc.allTime.forecasts == early.predictions.count)
        #expect(acc.allTime.intervalCoverage != nil && acc.allTime.brier != nil)

        let reopened = try StateStore(directory: dir + "/state")
        let again = try await CycleRunner(store: reopened).run(o)
        #expect(again.forecastAccuracy?.scoredThisCycle == 0)
        #expect(again.forecastAccuracy?.allTime == acc.allTime)
        #expect(try reopened.scoreDueForecasts(nowHour: Timestamp.hour(of: o.now), at: o.now) == 0)
    }
}

@Suite struct VectorMemoryStoreTests {
    /// The same patterns every hour update their entries; a changed text drops the
    /// vector so it is made again; the index holds one embedder's vectors only.
    @Test func rememberUpdatesAndKeepsEmbeddersApart() throws {
        let dir = NSTemporaryDirectory() + "cc-mem-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try StateStore(directory: dir)
        let entries = (0..<5).map { MemoryEntry(kind: .pattern, key: "pattern_\($0)", text: "function \($0)", tags: ["agent:a"]) }
        for cycle in 1...24 {
            var e = entries
            e[0].evidence = ["frequency": Double(cycle)]
            let (added, updated) = try store.remember(e, cycle: Int64(cycle), at: Int64(cycle) * 3_600_000_000)
            #expect(added == (cycle == 1 ? 5 : 0) && updated == (cycle == 1 ? 0 : 1))  // only what changed
        }
        #expect(try store.memoryStats().entries == 5)
        #expect(try store.memoryEvidence(kind: .pattern)["pattern_0"]?["frequency"] == 24)
        // What Predict adds (the model error recall lends) survives the next cycle's Learn.
        try store.annotateMemory(kind: .pattern, ["pattern_0": ["model_error": 0.25]])
        _ = try store.remember(entries, cycle: 25, at: 0)
        #expect(try store.memoryEvidence(kind: .pattern)["pattern_0"] == ["frequency": 24, "model_error": 0.25])
        let h = HashedEmbedder()
        let pending = try store.entriesNeedingVectors(embedder: HashedEmbedder.id, limit: 100)
        try store.storeVectors(pending.map { ($0.id, h.embed($0.text)) }, embedder: HashedEmbedder.id)
        #expect(try store.entriesNeedingVectors(embedder: HashedEmbedder.id, limit: 100).isEmpty)
        #expect(try store.entriesNeedingVectors(embedder: "ollama:x", limit: 100).count == 5)
        var changed = entries
        changed[1].text = "function 1, renamed"
        _ = try store.remember(changed, cycle: 26, at: 0)
        #expect(try store.entriesNeedingVectors(embedder: HashedEmbedder.id, limit: 100).map(\.text) == ["function 1, renamed"])
        let index = try store.memoryIndex(embedder: HashedEmbedder.id)
        #expect(index.count == 4 && index.dimensions == HashedEmbedder.dimensions)
        #expect(try store.memoryIndex(embedder: "ollama:x").count == 0)
        let hits = try store.memoryHits(index.search(h.embed("function 2"), k: 1))
        #expect(hits.first?.key == "pattern_2" && hits.first!.similarity > 0.99)
    }

    /// Tags and evidence come back as stored, in order; a row whose JSON is broken or of
    /// the wrong shape reads as empty rather than failing the cycle, and an object's
    /// members that are not numbers are left out.
    @Test func tagsAndEvidenceReadBackExactlyAndBadJSONReadsAsEmpty() throws {
        let dir = NSTemporaryDirectory() + "cc-mem-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try StateStore(directory: dir)
        let tags = ["z:last", "agent:a/b", "ünïcode \"quoted\"", "a:first"]
        let evidence = ["frequency": 28_815, "trend": -3, "model_error": 0.125, "big": 1e300]
        var entries = [MemoryEntry(kind: .pattern, key: "p", text: "function p", tags: tags)]
        entries[0].evidence = evidence
        for key in ["bad", "null", "array", "strings"] {
            entries.append(MemoryEntry(kind: .pattern, key: key, text: "function \(key)", tags: ["t"]))
        }
        _ = try store.remember(entries, cycle: 1, at: 0)
        try DatabaseQueue(path: store.databasePath).write { db in
            for (key, tags, evidence) in [("bad", "[\"t\"", "{\"frequency\": 1"), ("null", "null", "null"),
                                          ("array", "{\"t\": 1}", "[1, 2]"), ("strings", "[1, \"t\"]", "{\"a\": \"x\", \"b\": 2}")] {
                try db.execute(sql: "UPDATE memory_entries SET tags_json = ?, evidence_json = ? WHERE key = ?",
                               arguments: [tags, evidence, key])
            }
        }
        let read = try store.memoryEvidence(kind: .pattern)
        #expect(read["p"] == evidence)
        #expect(read["bad"] == [:] && read["null"] == [:] && read["array"] == [:])
        #expect(read["strings"] == ["b": 2])
        let texts = Dictionary(uniqueKeysWithValues: try store.memoryTexts().map { ($0.key, $0.tags) })
        #expect(texts["p"] == tags)
        #expect(texts["bad"] == [] && texts["null"] == [] && texts["array"] == [] && texts["strings"] == ["t"])
    }
}

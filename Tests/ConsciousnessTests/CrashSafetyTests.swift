import FeedbackLoop
import Foundation
import SampleLog
import StateStore
import Testing

/// `cycle` killed with SIGKILL at random instants while it ingests a growing log,
/// restarted each time: the store must end up exactly as after one clean run.
@Suite struct CrashSafetyTests {
    @Test func killedAtRandomInstantsTheStoreStillCountsEveryLineOnce() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let full = dir + "/full.jsonl"
        var s = SampleLog(lines: 150_000, days: 10, end: Timestamp.parse("2025-10-08T00:00:00Z")!)
        s.malformedEvery = 1_000
        try s.write(to: full)
        let data = try Data(contentsOf: URL(fileURLWithPath: full))

        let clean = try await Binary.run(["cycle", "--log", full, "--state-dir", dir + "/clean", "--now", "2025-10-08T00:00:00Z"])
        #expect(clean.status == 0)

        let log = dir + "/growing.jsonl"
        FileManager.default.createFile(atPath: log, contents: nil)
        let args = ["cycle", "--log", log, "--state-dir", dir + "/killed", "--now", "2025-10-08T00:00:00Z"]
        // A seed from the clock, printed, or CRASH_SEED to repeat a run.
        let seed = ProcessInfo.processInfo.environment["CRASH_SEED"].flatMap(UInt64.init) ?? UInt64(Date().timeIntervalSince1970)
        print("crash safety: seed \(seed) (CRASH_SEED=\(seed) repeats it)")
        var rng = SplitMix64(seed: seed)
        var kills = 0, midIngest = 0
        for step in 0..<10 {
            // Append the next tenth, cut anywhere (mid-line included).
            let cut = step == 9 ? data.count : data.count * (step + 1) / 10 - Int(rng.next() % 500)
            let h = FileHandle(forWritingAtPath: log)!
            h.seekToEndOfFile()
            h.write(data[Int(h.offsetInFile)..<cut])
            h.closeFile()
            let p = try await Binary.start(args)
            try await Task.sleep(for: .milliseconds(Int(rng.next() % 400)))
            if p.isRunning { kill(p.processIdentifier, SIGKILL); kills += 1 }
            p.waitUntilExit()
            // Killed before this step's bytes were committed: mid-ingest (or before it).
            if (try? StateStore(directory: dir + "/killed").checkpoint()?.offset) != Int64(cut) { midIngest += 1 }
        }
        #expect(midIngest >= 1, "seed \(seed): no kill landed before a commit; the test proved nothing")
        let last = try await Binary.run(args)
        #expect(last.status == 0, "\(last.stderr)")

        let a = try StateStore(directory: dir + "/clean"), b = try StateStore(directory: dir + "/killed")
        #expect(try a.bucketDigest() == b.bucketDigest())
        #expect(try a.checkpoint()?.offset == b.checkpoint()?.offset)
        #expect(try a.malformedTotals().map(\.count) == b.malformedTotals().map(\.count))
        print("crash safety: seed \(seed): \(kills) of 10 runs killed mid-cycle, \(midIngest) before their ingest committed; stores identical")
    }
}

extension Binary {
    static func start(_ args: [String]) async throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        p.environment = ProcessInfo.processInfo.environment.merging(["MODEL_STAGES": "off"]) { $1 }
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }
}

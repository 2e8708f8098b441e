import FeedbackLoop
import Foundation
import SampleLog
import StateStore
import Testing

/// The daemon as a process, outside systemd (its systemd behaviour is the e2e script's).
@Suite(.serialized) struct DaemonProcessTests {
    func daemon(_ log: String, _ state: String, extra: [String: String] = [:]) async throws -> Process {
        try Binary.daemon(state: state, env: ["VIOLATIONS_LOG": log, "CYCLE_INTERVAL": "1h", "MODEL_STAGES": "off"]
            .merging(extra) { _, new in new })
    }

    func waitUntil(_ seconds: Double, _ condition: () throws -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if (try? condition()) == true { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// SIGKILL at ten random instants while the daemon ingests a growing log, a restart
    /// after each: the aggregates end up identical to one clean run's.
    @Test func killedTenTimesTheDaemonLosesAndDoublesNothing() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let full = dir + "/full.jsonl"
        var s = SampleLog(lines: 200_000, days: 10, end: Timestamp.parse("2025-10-08T00:00:00Z")!)
        s.malformedEvery = 2_000
        try s.write(to: full)
        let data = try Data(contentsOf: URL(fileURLWithPath: full))
        let clean = try await Binary.run(["cycle", "--log", full, "--state-dir", dir + "/clean"])
        #expect(clean.status == 0)

        let log = dir + "/growing.jsonl"
        FileManager.default.createFile(atPath: log, contents: nil)
        let seed = ProcessInfo.processInfo.environment["CRASH_SEED"].flatMap(UInt64.init) ?? UInt64(Date().timeIntervalSince1970 * 1000)
        print("daemon kills: seed \(seed) (CRASH_SEED=\(seed) repeats it)")
        var rng = SplitMix64(seed: seed)
        var killedMidWay = 0
        for step in 0..<10 {
            let cut = step == 9 ? data.count : data.count * (step + 1) / 10 - Int(rng.next() % 300)
            let h = FileHandle(forWritingAtPath: log)!
            h.seekToEndOfFile()
            h.write(data[Int(h.offsetInFile)..<cut])
            h.closeFile()
            let p = try await daemon(log, dir + "/killed")
            try await Task.sleep(for: .milliseconds(Int(rng.next() % 600)))
            let store = try? StateStore(directory: dir + "/killed")
            if (try? store?.checkpoint()?.offset) != Int64(cut) { killedMidWay += 1 }
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
        }
        let store = try StateStore(directory: dir + "/killed")
        let before = try store.lastCycle()?.id ?? 0
        let p = try await daemon(log, dir + "/killed")
        // Its own first cycle, completed, with the whole log read.
        let caughtUp = try await waitUntil(60) {
            guard let c = try store.lastCycle(), c.id > before, c.result == .completed else { return false }
            return try store.checkpoint()?.offset == Int64(data.count)
        }
        #expect(caughtUp)
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
        #expect(p.terminationReason == .exit && p.terminationStatus == 0, "SIGTERM must end the daemon with 0")

        let a = try StateStore(directory: dir + "/clean")
        #expect(try a.bucketDigest() == store.bucketDigest())
        #expect(try a.malformedTotals().map(\.count) == store.malformedTotals().map(\.count))
        #expect(killedMidWay >= 1, "seed \(seed): no kill landed before the ingest had caught up; the test proved nothing")
        print("daemon crash safety: seed \(seed): \(killedMidWay) of 10 kills landed before the ingest had caught up; stores identical")
    }

    @Test func aBadConfigurationRefusesToStartNamingTheKey() async throws {
        let r = try await Binary.run(["daemon", "--state-dir", NSTemporaryDirectory() + "cc-never"],
                               env: ["CYCLE_INTERVAL": "often"])
        #expect(r.status == 78)
        #expect(r.stderr.contains("CYCLE_INTERVAL=often is not valid"))
    }

    @Test func anUnwritableStateDirectoryRefusesToStartNamingIt() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        FileManager.default.createFile(atPath: dir + "/file", contents: Data())
        let r = try await Binary.run(["daemon", "--state-dir", dir + "/file/state"])
        #expect(r.status == 73)
        #expect(r.stderr.contains(dir + "/file/state"))
    }

    @Test func aMissingLogIsADegradedCycleNotACrash() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let p = try await daemon(dir + "/absent.jsonl", dir + "/state")
        let store = try StateStore(directory: dir + "/state")
        #expect(try await waitUntil(30) { try store.lastCycle()?.result == .degraded })
        #expect(p.isRunning)
        kill(p.processIdentifier, SIGTERM)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0)
        let status = try await Binary.run(["status", "--state-dir", dir + "/state"])
        #expect(status.stdout.contains("fell back: observe: cannot read violations log \(dir)/absent.jsonl"))
    }
}

import Foundation
import SampleLog
import Testing
@testable import FeedbackLoop

/// Observe's progress callback: cheap, throttled, monotone, and it ends at 100%.
@Suite struct IngestProgressTests {
    final class Recorder: @unchecked Sendable {
        // @unchecked: `seen` is touched only under `lock`.
        private let lock = NSLock()
        private var seen: [IngestProgress] = []
        func add(_ p: IngestProgress) { lock.lock(); seen.append(p); lock.unlock() }
        var all: [IngestProgress] { lock.lock(); defer { lock.unlock() }; return seen }
    }

    @Test(arguments: [1, 2])
    func progressIsMonotoneThrottledAndReachesTheWhole(parallelism: Int) async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/v.jsonl"
        // About 20 MB: two slices when parallel (a slice is at least 1 MiB).
        try SampleLog(lines: 90_000, days: 10, end: Timestamp.parse("2025-10-08T00:00:00Z")!).write(to: path)
        let size = Int64(try FileManager.default.attributesOfItem(atPath: path)[.size] as! Int)
        let r = Recorder()
        let result = try await LogIngest.read(path: path, after: nil, parallelism: parallelism, progress: r.add)
        let seen = r.all
        #expect(seen.count >= 10)
        #expect(seen.count <= 101)
        #expect(zip(seen, seen.dropFirst()).allSatisfy { $0.bytesDone < $1.bytesDone })
        #expect(seen.allSatisfy { $0.bytesTotal == size })
        #expect(seen.last?.bytesDone == size)
        #expect(seen.last?.fraction == 1)
        // At most one report per percent, the last one aside.
        #expect(zip(seen, seen.dropFirst()).dropLast().allSatisfy { $1.bytesDone - $0.bytesDone >= size / 100 })
        #expect(result.batch.bytes == size)
    }

    @Test func onlyTheUnreadPartCounts() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/v.jsonl"
        write(line() + line(), to: path)
        let first = try await LogIngest.read(path: path, after: nil)
        append(line(), to: path)
        let r = Recorder()
        _ = try await LogIngest.read(path: path, after: first.checkpoint, progress: r.add)
        #expect(r.all == [IngestProgress(bytesDone: Int64(line().utf8.count), bytesTotal: Int64(line().utf8.count))])
        #expect(IngestProgress(bytesDone: 102_150_000, bytesTotal: 227_000_000).statusText == "reading 45% of 227 MB")
    }
}

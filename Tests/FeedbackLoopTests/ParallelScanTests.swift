import Foundation
import Testing
@testable import FeedbackLoop
import SampleLog

@Suite struct ParallelScanTests {
    /// Slicing the file across threads must give exactly the aggregate one thread gives.
    @Test func slicesAddUpToTheWhole() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/big.jsonl"
        var s = SampleLog(lines: 120_000, days: 10, end: Timestamp.parse("2025-10-08T00:00:00Z")!)
        s.malformedEvery = 1_000
        try s.write(to: path)
        let one = try await ingest(path, parallelism: 1)
        let four = try await ingest(path, parallelism: 4)
        #expect(one.batch.lines > 100_000)
        #expect(one.batch.lines == four.batch.lines)
        #expect(one.batch.ingested == four.batch.ingested)
        #expect(one.batch.malformed == four.batch.malformed)
        #expect(one.checkpoint == four.checkpoint)
        #expect(digest(one.batch) == digest(four.batch))
    }

    /// Many slices on two threads, each thread taking the next slice as it finishes,
    /// join in the file's order: the aggregate, the malformed lines (with their line
    /// numbers) and the bytes are those of one pass over the whole file.
    @Test func manySlicesTakenInTurnAddUpToTheWhole() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/many.jsonl"
        var s = SampleLog(lines: 30_000, days: 10, end: Timestamp.parse("2025-10-08T00:00:00Z")!)
        s.malformedEvery = 97
        try s.write(to: path)
        let file = try LogFile(path: path)
        let whole = try LogIngest.scan(file, 0..<file.size)
        let slices = try LogIngest.split(file, from: 0, into: 64, minBytes: 16 << 10)
        #expect(slices.count == 64)
        #expect(zip(slices, slices.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound })
        let joined = try await LogIngest.scan(file, slices, threads: 2, validTimes: nil, meter: nil)
        #expect(whole.malformed.total > 250)
        #expect((joined.lines, joined.ingested, joined.bytes) == (whole.lines, whole.ingested, whole.bytes))
        #expect(joined.malformed == whole.malformed)
        #expect(digest(joined) == digest(whole))
    }

    func digest(_ b: IngestBatch) -> [String] {
        b.buckets.map { k, t in
            "\(b.functions[Int(k.function)])|\(b.signatures[Int(k.signature)])|\(k.hour)|\(t.count)|\(t.first)|\(t.last)|\(b.severityNames(t.severityMask))"
        }.sorted()
    }
}

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
        // Each core takes slice after slice: more slices than cores, joined in order,
        // give what one unbroken scan of the file gives.
        let file = try LogFile(path: path)
        #expect(try LogIngest.split(file, from: 0, into: 4 * LogIngest.slicesPerCore).count > 4)
        let whole = try LogIngest.scan(file, 0..<file.size)
        #expect(whole.lines == four.batch.lines)
        #expect(whole.malformed == four.batch.malformed)
        #expect(digest(whole) == digest(four.batch))
    }

    func digest(_ b: IngestBatch) -> [String] {
        b.buckets.map { k, t in
            "\(b.functions[Int(k.function)])|\(b.signatures[Int(k.signature)])|\(k.hour)|\(t.count)|\(t.first)|\(t.last)|\(b.severityNames(t.severityMask))"
        }.sorted()
    }
}

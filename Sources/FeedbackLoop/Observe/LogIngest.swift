#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What one Observe stage read: the aggregate to fold into the store and the
/// checkpoint that goes with it (the two must be committed together).
public struct IngestResult: Sendable {
    public var batch: IngestBatch
    public var checkpoint: LogCheckpoint
    public var resumedFrom: ResumePoint
    /// Bytes left unread at the end: a last line whose newline has not been written yet.
    public var pendingBytes: Int64
}

/// Observe: reads what was appended since the checkpoint, in parallel slices split at
/// line boundaries, through fixed buffers (never the whole file in memory).
public enum LogIngest {
    /// Below this, one slice: splitting costs more than it saves.
    static let minSliceBytes: Int64 = 8 << 20
    static let bufferBytes = 1 << 20

    /// Throws `LogFileError` for a log it cannot read, `CancellationError` when the
    /// task is cancelled (checked at every buffer: a daemon told to stop abandons the
    /// read, and since nothing is committed here, nothing is half-done). `progress`
    /// hears of the bytes scanned, throttled by `IngestMeter`.
    public static func read(path: String, after checkpoint: LogCheckpoint?, parallelism: Int = 2,
                            progress: (@Sendable (IngestProgress) -> Void)? = nil) async throws -> IngestResult {
        let file = try LogFile(path: path)
        let resume = try LogCheckpoint.resumePoint(checkpoint, for: file)
        let slices = try split(file, from: resume.offset, into: max(1, parallelism))
        let meter = progress.map { IngestMeter(total: file.size - resume.offset, report: $0) }
        let batches = try await withThrowingTaskGroup(of: (Int, IngestBatch).self) { group in
            for (i, range) in slices.enumerated() {
                group.addTask { (i, try scan(file, range, meter: meter)) }
            }
            var out = [IngestBatch](repeating: IngestBatch(), count: slices.count)
            for try await (i, b) in group { out[i] = b }
            return out
        }
        meter?.finish()
        var batch = batches[0]
        for b in batches.dropFirst() { batch.append(b) }
        let end = resume.offset + batch.bytes
        let head = try file.headFingerprint()
        let cp = LogCheckpoint(path: path, device: file.device, inode: file.inode, offset: end,
                               lines: resume.lines + batch.lines, headLength: head.length, headHash: head.hash)
        return IngestResult(batch: batch, checkpoint: cp, resumedFrom: resume, pendingBytes: file.size - end)
    }

    /// Cuts [start, size) into up to `parts` ranges that each begin at a line start.
    /// Every range but the last ends just after a newline.
    static func split(_ file: LogFile, from start: Int64, into parts: Int) throws(LogFileError) -> [Range<Int64>] {
        let total = file.size - start
        let count = Int(min(Int64(parts), max(1, total / minSliceBytes)))
        var bounds: [Int64] = [start]
        let probe = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 8)
        defer { probe.deallocate() }
        for k in 1..<max(count, 1) {
            var at = start + total * Int64(k) / Int64(count)
            guard at > bounds.last! else { continue }
            // Move the cut to just after the next newline.
            var found = false
            while !found, at < file.size {
                let n = try file.read(into: probe, at: at)
                if n == 0 { break }
                if let nl = probe[0..<n].firstIndex(of: 0x0A) {
                    at += Int64(nl) + 1
                    found = true
                } else {
                    at += Int64(n)
                }
            }
            if found, at < file.size { bounds.append(at) }
        }
        bounds.append(file.size)
        return zip(bounds, bounds.dropFirst()).map { $0..<$1 }
    }

    /// Scans one range through a reused buffer. A line that outgrows 64 KiB is skipped
    /// up to its newline without being held in memory.
    static func scan(_ file: LogFile, _ range: Range<Int64>, meter: IngestMeter? = nil) throws -> IngestBatch {
        var scanner = LineScanner()
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferBytes, alignment: 16)
        defer { buffer.deallocate() }
        var bufferStart = range.lowerBound  // file offset of buffer[0]
        var filled = 0
        var consumed: Int64 = 0  // bytes of complete lines, from range start
        var skippingLongLine = false
        while bufferStart + Int64(filled) < range.upperBound {
            if Task.isCancelled { throw CancellationError() }
            let want = Int(min(Int64(buffer.count - filled), range.upperBound - bufferStart - Int64(filled)))
            let got = try file.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled..<(filled + want)]),
                                    at: bufferStart + Int64(filled))
            if got == 0 { break }
            filled += got
            meter?.advance(by: Int64(got))
            var lineStart = 0
            let base = buffer.baseAddress!
            while lineStart < filled,
                  let hit = memchr(base + lineStart, 0x0A, filled - lineStart) {
                let nl = base.distance(to: UnsafeMutableRawPointer(hit))
                if skippingLongLine {
                    scanner.consumeOversizedLine()
                    skippingLongLine = false
                } else {
                    scanner.consume(UnsafeRawBufferPointer(rebasing: buffer[lineStart..<nl]))
                }
                lineStart = nl + 1
                consumed = bufferStart + Int64(lineStart) - range.lowerBound
            }
            let rest = filled - lineStart
            if skippingLongLine || rest > LineScanner.maxLineBytes {
                // Too long already: drop what we hold and look for its end.
                skippingLongLine = true
                bufferStart += Int64(filled)
                filled = 0
            } else {
                if lineStart > 0, rest > 0 {
                    (base).copyMemory(from: base + lineStart, byteCount: rest)
                }
                bufferStart += Int64(lineStart)
                filled = rest
            }
        }
        return scanner.batch(bytes: consumed)
    }
}

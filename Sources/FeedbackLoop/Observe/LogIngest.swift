#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What one Observe stage read: the aggregate to fold into the store and the registry
/// entries that go with it (the two must be committed together).
public struct IngestResult: Sendable {
    public var batch: IngestBatch
    /// The canonical path of the live log.
    public var log: String
    /// Registry entries to write: every file read, with its new offset, and every file
    /// retired (gone).
    public var files: [LogCheckpoint]
    /// The entries as they stood when this read was planned: the commit refuses if
    /// another cycle moved any of them meanwhile.
    public var expected: [LogCheckpoint]
    public var events: [LogEvent]
    public var resumedFrom: ResumePoint
    /// Bytes left unread at the end of the live file: a last line whose newline has
    /// not been written yet.
    public var pendingBytes: Int64

    /// The live file's entry after this read (nil: it holds no complete line yet).
    public var checkpoint: LogCheckpoint? { files.first { $0.role == .live && $0.path == log } }
}

/// Observe: reads what was appended since the last cycle — to the live log, and to the
/// rotated files that still hold unread lines — in parallel slices split at line
/// boundaries, through mapped windows of the file (or one reused buffer where it cannot
/// be mapped): never the whole file in memory.
public enum LogIngest {
    /// Below this, one slice: splitting costs more than it saves. An hour's 10,000
    /// lines (~2 MB) are two slices: the task and the second buffer cost tens of µs,
    /// the second core saves ~1 ms of a one-shot Observe (median of 11 A/B runs).
    static let minSliceBytes: Int64 = 1 << 20

    /// A large read is cut into this many slices per core, taken by the cores in turn:
    /// with one slice per core, the read lasts as long as its slowest, and halves of a
    /// 1M-line log ended up to 28 ms apart (uprobes, 2 of 5 cold cycles) while one core
    /// sat idle. The slices' batches are disjoint but for an hour at each cut, so
    /// joining them costs little.
    static let slicesPerCore = 16

    /// Throws `LogFileError` for a log it cannot read, `CancellationError` when the
    /// task is cancelled (checked at every buffer: a daemon told to stop abandons the
    /// read, and since nothing is committed here, nothing is half-done). `known` is the
    /// registry of files read before; `validTimes` bounds the timestamps accepted
    /// (others are malformed, `out_of_range`); `progress` hears of the bytes scanned,
    /// throttled by `IngestMeter`.
    public static func read(path: String, known: [LogCheckpoint], rotatedGlob: String? = nil,
                            validTimes: ClosedRange<Microseconds>? = nil, parallelism: Int = 2,
                            progress: (@Sendable (IngestProgress) -> Void)? = nil) async throws -> IngestResult {
        // A copytruncate in the middle of a read would let the scan run on into the new
        // content under the old file's offsets. The scan checks each file's first line
        // again at its end; a file changed under it is read again (nothing was committed).
        for attempt in 1... {
            do {
                return try await readOnce(path: path, known: known, rotatedGlob: rotatedGlob, validTimes: validTimes,
                                          parallelism: parallelism, progress: progress)
            } catch let e as ChangedWhileRead {
                if attempt == 3 {
                    throw LogFileError(path: e.path, reason: "it was truncated and rewritten while it was read, three times in a row; the next cycle reads it again")
                }
            }
        }
        fatalError("unreachable: the loop returns or throws")
    }

    /// A file whose first line changed while it was scanned.
    struct ChangedWhileRead: Error {
        var path: String
    }

    static func readOnce(path: String, known: [LogCheckpoint], rotatedGlob: String?, validTimes: ClosedRange<Microseconds>?,
                         parallelism: Int, progress: (@Sendable (IngestProgress) -> Void)?) async throws -> IngestResult {
        let canonical = try LogFile.canonicalPath(path)
        let liveFile: LogFile
        do { liveFile = try LogFile(path: canonical) } catch {
            // Name the file as the person spelled it, and where that led.
            throw canonical == path ? error : LogFileError(path: "\(path) (→ \(canonical))", reason: error.reason)
        }
        let live = SeenFile(path: canonical, file: liveFile, fingerprint: try liveFile.fingerprint())
        // Siblings matter only where something was read before: a first read is of the
        // live file alone, as the original tool's.
        let siblings = known.isEmpty ? [] : RotatedSiblings.open(RotatedSiblings.find(livePath: canonical, glob: rotatedGlob), live: liveFile)
        let plan = try LogPlan.make(livePath: canonical, live: live, siblings: siblings, known: known)
        let total = plan.reads.reduce(Int64(0)) { $0 + max(0, $1.seen.file.size - $1.from) }
        let meter = progress.map { IngestMeter(total: total, report: $0) }
        var batch = IngestBatch()
        var files = plan.retired
        var events = plan.events
        var pending: Int64 = 0
        // The live file first, so its malformed-line numbers stay right.
        for read in plan.reads.sorted(by: { $0.isLive && !$1.isLive }) {
            let file = read.seen.file
            let cores = read.isLive ? max(1, parallelism) : 1
            let slices = try split(file, from: read.from, into: read.isLive ? cores * slicesPerCore : 1)
            let b = try await scan(file, slices, cores: cores, validTimes: validTimes, meter: meter)
            guard try file.fingerprint() == read.seen.fingerprint else { throw ChangedWhileRead(path: read.seen.path) }
            var entry = read.entry
            entry.offset += b.bytes
            entry.lines += b.lines
            entry.sizeSeen = file.size
            entry.modifiedSeen = file.modified
            files.append(entry)
            if let e = read.event { events[e].bytesRead += b.bytes }
            if read.isLive { pending = file.size - entry.offset }
            batch.append(b)
        }
        meter?.finish()
        if !plan.reads.contains(where: \.isLive) { pending = liveFile.size }
        return IngestResult(batch: batch, log: canonical, files: files, expected: plan.expected, events: events,
                            resumedFrom: plan.resume, pendingBytes: pending)
    }

    /// One file read before (or none): the registry of a store that only ever read this log.
    public static func read(path: String, after checkpoint: LogCheckpoint?, validTimes: ClosedRange<Microseconds>? = nil,
                            parallelism: Int = 2,
                            progress: (@Sendable (IngestProgress) -> Void)? = nil) async throws -> IngestResult {
        try await read(path: path, known: checkpoint.map { [$0] } ?? [], validTimes: validTimes,
                       parallelism: parallelism, progress: progress)
    }

    /// Scans the slices of one file, `cores` at a time, each core taking the next slice
    /// as it finishes one, and joins their batches in order.
    static func scan(_ file: LogFile, _ slices: [Range<Int64>], cores: Int, validTimes: ClosedRange<Microseconds>?,
                     meter: IngestMeter?) async throws -> IngestBatch {
        let batches = try await withThrowingTaskGroup(of: (Int, IngestBatch).self) { group in
            var next = 0
            func start(_ group: inout ThrowingTaskGroup<(Int, IngestBatch), any Error>) {
                let i = next
                next += 1
                group.addTask { (i, try scan(file, slices[i], validTimes: validTimes, meter: meter)) }
            }
            while next < min(cores, slices.count) { start(&group) }
            var out = [IngestBatch](repeating: IngestBatch(), count: slices.count)
            for try await (i, b) in group {
                out[i] = b
                if next < slices.count { start(&group) }
            }
            return out
        }
        var batch = batches[0]
        for b in batches.dropFirst() { batch.append(b) }
        return batch
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

    /// Scans one range, window by window. A line that outgrows 64 KiB is skipped
    /// up to its newline without being held in memory.
    static func scan(_ file: LogFile, _ range: Range<Int64>, validTimes: ClosedRange<Microseconds>? = nil,
                     meter: IngestMeter? = nil) throws -> IngestBatch {
        var scanner = LineScanner(validTimes: validTimes)
        let consumed = try forEachLine(file, range, meter: meter, into: &scanner)
        return scanner.batch(bytes: consumed)
    }

    /// Hands `consumer` every complete line of `range`; returns the bytes they take
    /// (a last line without its newline is left for the next read). A line that does
    /// not end within a window is longer than any line kept (`LineScanner.maxLineBytes`)
    /// and is skipped to its newline without being held; a line cut by a window's end
    /// is taken again whole from the next window, which starts where it does. (So a
    /// window must hold more than `maxLineBytes`, as both kinds do; the tests' smaller
    /// windows cut only their log's short lines and its over-long ones.)
    static func forEachLine<C: LineConsumer>(_ file: LogFile, _ range: Range<Int64>, meter: IngestMeter? = nil,
                                             windowBytes: Int = LogWindows.mappedBytes, mapped: Bool = true,
                                             into scanner: inout C) throws -> Int64 {
        var windows = LogWindows(file, bytes: windowBytes, mapped: mapped)
        var at = range.lowerBound  // file offset of the next line's start (or of the rest of a skipped line)
        var consumed: Int64 = 0  // bytes of complete lines, from range start
        var skippingLongLine = false
        while at < range.upperBound {
            if Task.isCancelled { throw CancellationError() }
            let window = try windows.window(at: at, count: Int(min(Int64(windows.capacity), range.upperBound - at)))
            let lineStart = try eachLine(window, skipping: &skippingLongLine, meter: meter, into: &scanner)
            try windows.release()
            let atEnd = window.count < windows.capacity || at + Int64(window.count) == range.upperBound
            if lineStart == 0 {
                // No newline in the window: a partial last line, or a line longer than a window.
                if atEnd { break }
                skippingLongLine = true
                at += Int64(window.count)
                meter?.advance(by: Int64(window.count))
                continue
            }
            at += Int64(lineStart)
            consumed = at - range.lowerBound
            if atEnd { break }
        }
        return consumed
    }

    /// Progress is told, and cancellation checked, every this many bytes of lines.
    static let progressBytes = 256 << 10

    /// The window's complete lines to `scanner`; returns where the first line not ended
    /// in it starts (0: no newline at all), having told `meter` of the bytes before it.
    @inline(__always)
    private static func eachLine<C: LineConsumer>(_ window: UnsafeRawBufferPointer, skipping: inout Bool,
                                                  meter: IngestMeter?, into scanner: inout C) throws -> Int {
        guard let base = window.baseAddress else { return 0 }
        var lineStart = 0
        var told = 0
        while lineStart < window.count, let hit = memchr(base + lineStart, 0x0A, window.count - lineStart) {
            let nl = base.distance(to: UnsafeRawPointer(hit))
            if skipping {
                scanner.consumeOversizedLine()
                skipping = false
            } else {
                scanner.consume(UnsafeRawBufferPointer(rebasing: window[lineStart..<nl]))
            }
            lineStart = nl + 1
            if lineStart - told >= progressBytes {
                if Task.isCancelled { throw CancellationError() }
                meter?.advance(by: Int64(lineStart - told))
                told = lineStart
            }
        }
        if lineStart > told { meter?.advance(by: Int64(lineStart - told)) }
        return lineStart
    }
}

/// What the read loop hands lines to: the scanner, or a stage of it (`ScanPhases`).
protocol LineConsumer {
    mutating func consume(_ line: UnsafeRawBufferPointer)
    mutating func consumeOversizedLine()
}

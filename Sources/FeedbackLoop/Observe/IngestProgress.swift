import Foundation

/// How far a read has got: bytes of the unread part scanned so far, of all of it.
public struct IngestProgress: Sendable, Equatable {
    public var bytesDone: Int64
    public var bytesTotal: Int64

    public init(bytesDone: Int64, bytesTotal: Int64) {
        self.bytesDone = bytesDone
        self.bytesTotal = bytesTotal
    }

    /// Below this much unread, a read takes well under a second: no bar, no status.
    public static let worthShowingBytes: Int64 = 32 << 20

    public var fraction: Double { bytesTotal > 0 ? min(1, Double(bytesDone) / Double(bytesTotal)) : 1 }

    /// "reading 45% of 227 MB" (decimal megabytes, as `ls -lh --si` and people say).
    public var statusText: String {
        "reading \(Format.percent(fraction)) of \(Format.fixed(Double(bytesTotal) / 1e6, 0)) MB"
    }
}

/// Collects the slices' progress and tells `report` at most once per percent of the
/// total (so at most about a hundred times a read, whatever its size), always with a
/// larger figure than the time before, and exactly once with the whole.
///
/// The scanners call `advance` once per 1 MiB buffer: one uncontended lock per
/// megabyte, nothing per line.
final class IngestMeter: @unchecked Sendable {
    // @unchecked: `done` and `reported` are read and written only while `lock` is held,
    // and `report` is called under it too, so reports are ordered and never go back.
    private let lock = NSLock()
    private var done: Int64 = 0
    private var reported: Int64 = 0
    private let total: Int64
    private let step: Int64
    private let report: @Sendable (IngestProgress) -> Void

    init(total: Int64, report: @escaping @Sendable (IngestProgress) -> Void) {
        self.total = total
        self.step = max(1, total / 100)
        self.report = report
    }

    func advance(by bytes: Int64) {
        lock.lock()
        defer { lock.unlock() }
        done += bytes
        if done - reported >= step { emit(min(done, total)) }
    }

    /// The end of the read: 100%, once, whatever the last buffer reported.
    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if reported < total { emit(total) }
    }

    private func emit(_ value: Int64) {
        guard value > reported else { return }
        reported = value
        report(IngestProgress(bytesDone: value, bytesTotal: total))
    }
}

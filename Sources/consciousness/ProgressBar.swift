import FeedbackLoop
#if canImport(Glibc)
import Glibc
#endif

/// A progress bar on stderr while `cycle` reads a large unread part of the log —
/// only when stderr is a terminal (a pipe or the journal gets no control characters)
/// and only past `IngestProgress.worthShowingBytes`.
enum ProgressBar {
    static func handler() -> (@Sendable (Int64, IngestProgress) -> Void)? {
        guard isatty(2) == 1 else { return nil }
        return { _, p in
            guard p.bytesTotal > IngestProgress.worthShowingBytes else { return }
            // At 100% the line is cleared, so the report starts on a clean terminal.
            emit(p.bytesDone >= p.bytesTotal ? "\r\u{1B}[K" : "\r" + line(p))
        }
    }

    static func line(_ p: IngestProgress, width: Int = 30) -> String {
        let filled = Int(p.fraction * Double(width))
        let bar = String(repeating: "█", count: filled) + String(repeating: "░", count: width - filled)
        return "reading \(bar) \(Format.percent(p.fraction).rightAligned(4)) of \(Format.fixed(Double(p.bytesTotal) / 1e6, 0)) MB"
    }

    private static func emit(_ s: String) {
        var text = s
        text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    }
}

private extension String {
    func rightAligned(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}

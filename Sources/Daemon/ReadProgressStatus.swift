import FeedbackLoop
import Systemd

/// The daemon's STATUS= while a large first ingest runs: "cycle 1: reading 45% of
/// 227 MB · next 04:00 UTC". Small reads finish before anyone could look.
enum ReadProgressStatus {
    static func handler(_ notifier: Notifier, next: String) -> @Sendable (Int64, IngestProgress) -> Void {
        { cycle, p in
            guard p.bytesTotal > IngestProgress.worthShowingBytes else { return }
            notifier.status("cycle \(cycle): \(p.statusText) · next \(next)")
        }
    }
}

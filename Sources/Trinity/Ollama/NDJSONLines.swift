import Foundation
import NIOCore

/// Splits a byte stream into lines (NDJSON), across buffer boundaries.
struct NDJSONLines {
    private var pending = Data()

    mutating func feed(_ buffer: ByteBuffer) -> [Data] {
        pending.append(contentsOf: buffer.readableBytesView)
        var out: [Data] = []
        while let nl = pending.firstIndex(of: 0x0A) {
            let line = pending[pending.startIndex..<nl]
            if !line.allSatisfy({ $0 == 0x20 || $0 == 0x0D }) { out.append(Data(line)) }
            pending = Data(pending[(nl + 1)...])
        }
        return out
    }

    mutating func finish() -> Data? {
        defer { pending = Data() }
        return pending.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D }) ? nil : pending
    }
}

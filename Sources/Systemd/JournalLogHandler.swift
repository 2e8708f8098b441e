import Logging
#if canImport(Glibc)
import Glibc
#endif

/// A swift-log handler that writes structured entries to journald with
/// `sd_journal_sendv(3)`: `MESSAGE`, `PRIORITY` from the level, `SYSLOG_IDENTIFIER`,
/// `CODE_FILE`/`CODE_LINE`/`CODE_FUNC`, and every metadata key as a field of its own
/// (`cycle` → `CYCLE`), so `journalctl -u consciousness CYCLE=12` and `-p warning` work.
/// (`sd_journal_send` is C-variadic and cannot be called from Swift; the `iovec` form
/// takes any fields, values with newlines included.)
public struct JournalLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    public let label: String
    public let identifier: String

    public init(label: String, identifier: String = "consciousness") {
        self.label = label
        self.identifier = identifier
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { $1 } }
        var fields: [String] = [
            "MESSAGE=\(event.message)",
            "PRIORITY=\(Self.priority(event.level))",
            "SYSLOG_IDENTIFIER=\(identifier)",
            "CODE_FILE=\(event.file)",
            "CODE_LINE=\(event.line)",
            "CODE_FUNC=\(event.function)",
            "LOGGER=\(label)",
        ]
        for (key, value) in merged.sorted(by: { $0.key < $1.key }) {
            guard let name = Self.fieldName(key) else { continue }
            fields.append("\(name)=\(value)")
        }
        Self.send(fields)
    }

    /// One buffer holds every field; the iovecs point into it until the call returns.
    static func send(_ fields: [String]) {
        let total = fields.reduce(0) { $0 + $1.utf8.count }
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(total, 1), alignment: 1)
        defer { storage.deallocate() }
        var iov: [iovec] = []
        iov.reserveCapacity(fields.count)
        var offset = 0
        for f in fields {
            let n = f.utf8.count
            _ = UnsafeMutableRawBufferPointer(rebasing: storage[offset..<(offset + n)]).initializeMemory(as: UInt8.self, from: f.utf8)
            iov.append(iovec(iov_base: storage.baseAddress! + offset, iov_len: n))
            offset += n
        }
        guard case .success(let systemd) = LibSystemd.shared else { return }
        _ = iov.withUnsafeBufferPointer { systemd.journalSendv($0.baseAddress, Int32($0.count)) }
    }

    /// syslog priorities, as journald and `journalctl -p` read them.
    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    /// Journal field names are upper-case ASCII letters, digits and `_`, not starting
    /// with `_` (reserved for trusted fields) or a digit, at most 64 characters.
    static func fieldName(_ key: String) -> String? {
        var out = ""
        for u in key.uppercased().unicodeScalars.prefix(64) {
            switch u {
            case "A"..."Z", "0"..."9", "_": out.unicodeScalars.append(u)
            case "-", ".", " ": out.append("_")
            default: continue
            }
        }
        while out.hasPrefix("_") { out.removeFirst() }
        guard let first = out.unicodeScalars.first, !("0"..."9").contains(first) else { return nil }
        let reserved: Set = ["MESSAGE", "PRIORITY", "SYSLOG_IDENTIFIER", "CODE_FILE", "CODE_LINE", "CODE_FUNC", "LOGGER"]
        return reserved.contains(out) ? "META_" + out : out
    }
}

/// Where log lines go: journald when stderr is the journal's stream (systemd says so
/// in `JOURNAL_STREAM`, "device:inode" of that stream), else readable lines on stderr.
public enum LogDestination {
    public static func stderrIsJournal(environment: [String: String]) -> Bool {
        guard let v = environment["JOURNAL_STREAM"] else { return false }
        let parts = v.split(separator: ":")
        guard parts.count == 2, let dev = UInt64(parts[0]), let ino = UInt64(parts[1]) else { return false }
        var st = stat()
        guard fstat(2, &st) == 0 else { return false }
        return UInt64(st.st_dev) == dev && UInt64(st.st_ino) == ino
    }

    /// Bootstraps swift-log once for the process.
    public static func bootstrap(environment: [String: String], level: Logger.Level = .info) {
        // Standard error is the journal's stream: entries go to it with their fields,
        // through libsystemd — or, if that cannot be opened, as lines on the stream.
        let journal = stderrIsJournal(environment: environment) && (try? LibSystemd.shared.get()) != nil
        LoggingSystem.bootstrap { label in
            var h: any LogHandler = journal ? JournalLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            h.logLevel = level
            return h
        }
    }
}

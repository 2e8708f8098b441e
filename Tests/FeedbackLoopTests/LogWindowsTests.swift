import Foundation
import Testing
@testable import FeedbackLoop

/// The read loop through mapped windows against the same loop through read(2): the same
/// lines whatever the window, and a file truncated under a mapped window read again, not
/// a SIGBUS that kills the process.
@Suite struct LogWindowsTests {
    /// Lines of every kind a window edge can cut: short ones, one of 70 KiB (too long to
    /// keep), one of 300 KiB (longer than the small windows), blank and broken ones, CRLF,
    /// and a last line without its newline.
    static func awkwardLog() -> String {
        var text = ""
        for i in 0..<3_000 {
            switch i % 500 {
            case 7: text += line().dropLast() + String(repeating: " ", count: 70 << 10) + "\n"
            case 9: text += String(repeating: "z", count: 300 << 10) + "\n"
            case 11: text += "\n"
            case 13: text += "{\"timestamp\": \"2025-10-01T21:38:50Z\", \"function\": \n"
            case 17: text += String(line().dropLast()) + "\r\n"
            default: text += line(function: "agent_\(i % 7)", error: "Article \(["I", "II", "III"][i % 3]): case \(i)")
            }
        }
        return text + String(line().dropLast(9))
    }

    static func scan(_ file: LogFile, window: Int, mapped: Bool) throws -> IngestBatch {
        var scanner = LineScanner()
        let consumed = try LogIngest.forEachLine(file, 0..<file.size, windowBytes: window, mapped: mapped, into: &scanner)
        return scanner.batch(bytes: consumed)
    }

    @Test func mappedAndReadWindowsHandTheSameLines() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/v.jsonl"
        write(Self.awkwardLog(), to: path)
        let file = try LogFile(path: path)
        let expected = try Self.scan(file, window: 256 << 10, mapped: false)
        #expect(expected.lines == 3_000)
        #expect(expected.malformed.entries[.lineTooLong]?.count == 12)
        #expect(expected.bytes == file.size - Int64(line().utf8.count - 9))
        for window in [4_096, 10_000, 65_536, 1 << 20, LogWindows.mappedBytes] {
            #expect(try Self.scan(file, window: window, mapped: true) == expected, "mapped window \(window)")
            #expect(try Self.scan(file, window: window, mapped: false) == expected, "read window \(window)")
        }
    }

    /// Truncated to one page while its window is mapped: the pages past the new end
    /// would raise SIGBUS; they read as zeros instead, and the loop says the file
    /// changed under it, which `LogIngest.read` answers by reading again.
    @Test func aFileTruncatedUnderAMappedWindowIsReadAgainNotACrash() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/v.jsonl"
        write(String(repeating: line(), count: 8_000), to: path)
        let file = try LogFile(path: path)
        var scanner = TruncatingScanner(path: path, atLine: 100, toBytes: 4_096)
        #expect(throws: LogIngest.ChangedWhileRead.self) {
            _ = try LogIngest.forEachLine(file, 0..<file.size, into: &scanner)
        }
        #expect(scanner.truncated)
        #expect(scanner.scanner.batch(bytes: 0).lines < 8_000)
        // The process lives on, and the next window maps cleanly.
        let again = try LogFile(path: path)
        #expect(try Self.scan(again, window: LogWindows.mappedBytes, mapped: true).lines == 4_096 / line().utf8.count)
    }

    /// Hands lines on to a scanner, and truncates the file at one of them.
    struct TruncatingScanner: LineConsumer {
        let path: String
        let atLine: Int
        let toBytes: Int64
        var scanner = LineScanner()
        var seen = 0
        var truncated = false

        init(path: String, atLine: Int, toBytes: Int64) {
            self.path = path
            self.atLine = atLine
            self.toBytes = toBytes
        }

        mutating func consume(_ line: UnsafeRawBufferPointer) {
            seen += 1
            if seen == atLine { truncated = truncate(path, off_t(toBytes)) == 0 }
            scanner.consume(line)
        }

        mutating func consumeOversizedLine() { scanner.consumeOversizedLine() }
    }
}

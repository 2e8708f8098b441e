import Foundation
import Testing
@testable import FeedbackLoop

@Suite struct MalformedLineTests {
    @Test func everyMalformedKindIsCountedWithItsLineNumber() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/v.jsonl"
        var text = line()                                                        // 1 ok
        text += "{\"timestamp\": \"2025-10-01T21:38:50Z\", \"function\": \"f\", \"error\": \"x\"\n"  // 2 cut JSON
        text += "{\"timestamp\": \"2025-10-01T21:38:50Z\", \"error\": \"Article I: x\"}\n"          // 3 no function
        text += "{\"timestamp\": \"2025-10-01T21:38:50Z\", \"function\": 17, \"error\": \"x\"}\n"   // 4 wrong type
        text += line("2025-02-30T00:00:00Z")                                     // 5 impossible date
        text += "\n"                                                             // 6 blank
        text += line(function: "caf\u{E9}")                                     // 7 ok, non-ASCII
        text += "[1, 2, 3]\n"                                                    // 8 not an object
        text += line() + line()                                                  // 9, 10 ok
        write(text, to: path)
        // 11: invalid UTF-8 inside a string; 12: a line over 64 KiB; 13 ok.
        let bytes = Array("{\"timestamp\": \"2025-10-01T21:38:50Z\", \"function\": \"f".utf8) + [0xFF]
            + Array("\", \"error\": \"x\"}\n".utf8)
        let h = FileHandle(forWritingAtPath: path)!
        h.seekToEndOfFile()
        h.write(Data(bytes))
        h.write(Data(("{\"timestamp\": \"2025-10-01T21:38:50Z\", \"function\": \"f\", \"error\": \"" + String(repeating: "y", count: 70_000) + "\"}\n").utf8))
        h.write(Data(line().utf8))
        h.closeFile()

        let r = try await ingest(path)
        let m = r.batch.malformed.entries
        #expect(r.batch.lines == 13)
        #expect(r.batch.ingested == 5)
        #expect(r.batch.blank == 1)
        #expect(m[.invalidJSON]?.firstLines == [2, 8])
        #expect(m[.missingField]?.firstLines == [3])
        #expect(m[.wrongType]?.firstLines == [4])
        #expect(m[.badTimestamp]?.firstLines == [5])
        #expect(m[.invalidUTF8]?.firstLines == [11])
        #expect(m[.lineTooLong]?.firstLines == [12])
        #expect(r.batch.malformed.total + Int(r.batch.ingested + r.batch.blank) == Int(r.batch.lines))
        #expect(r.batch.functions.contains("caf\u{E9}"))
    }

    /// A-badinput at scale: 50,000 lines, one in a hundred malformed in one of six ways,
    /// spread so both scan slices and both parse paths (plain and escaped) meet them;
    /// every good line and every reason is counted exactly.
    @Test func onePercentMalformedOfSixKindsIsCountedExactly() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/badinput.jsonl"
        let t = "2025-10-01T21:38:50.570336+00:00"
        let kinds: [(MalformedReason, [UInt8])] = [
            (.invalidJSON, Array("{\"timestamp\": \"\(t)\", \"function\": \"f\", \"error\": \"x\"".utf8)),
            (.missingField, Array("{\"timestamp\": \"\(t)\", \"error\": \"Article I: x\"}".utf8)),
            (.wrongType, Array("{\"timestamp\": \"\(t)\", \"function\": 17, \"error\": \"x\"}".utf8)),
            (.badTimestamp, Array("{\"timestamp\": \"2025-02-30T00:00:00Z\", \"function\": \"f\", \"error\": \"x\"}".utf8)),
            (.invalidUTF8, Array("{\"timestamp\": \"\(t)\", \"function\": \"f".utf8) + [0xC3, 0x28] + Array("\", \"error\": \"x\"}".utf8)),
            (.lineTooLong, Array(("{\"timestamp\": \"\(t)\", \"function\": \"f\", \"error\": \"" + String(repeating: "y", count: 70_000) + "\"}").utf8)),
        ]
        var bytes: [UInt8] = []
        var expected: [MalformedReason: Int] = [:]
        var good = 0
        for n in 1...50_000 {
            if n % 100 == 0 {
                let (reason, text) = kinds[(n / 100) % kinds.count]
                bytes += text
                expected[reason, default: 0] += 1
            } else {
                // Good lines: plain, with an escape, with non-ASCII, with CRLF.
                switch n % 7 {
                case 0: bytes += Array(line(t, function: "caf\u{E9}", error: "Article V: \(n) files").utf8.dropLast())
                case 1: bytes += Array("{\"timestamp\": \"\(t)\", \"function\": \"esc\\\"aped\", \"error\": \"x \(n)\"}".utf8)
                case 2: bytes += Array(line(t).utf8.dropLast()) + [0x0D]
                default: bytes += Array(line(t, error: "Article III violated: src/m_\(n % 300).py").utf8.dropLast())
                }
                good += 1
            }
            bytes.append(0x0A)
        }
        FileManager.default.createFile(atPath: path, contents: Data(bytes))
        for parallelism in [1, 2] {
            let r = try await ingest(path, parallelism: parallelism)
            #expect(r.batch.lines == 50_000)
            #expect(r.batch.ingested == Int64(good))
            #expect(r.batch.blank == 0)
            #expect(r.batch.malformed.entries.mapValues(\.count) == expected)
            #expect(Set(expected.keys).count == 6)
            #expect(r.batch.functions.contains("esc\"aped") && r.batch.functions.contains("caf\u{E9}"))
        }
    }

    /// The tally is coded by the reasons' names: the same text Foundation writes for the
    /// dictionary keyed by the enum, read back whole; a name no reason has is refused.
    @Test func theTallyIsCodedByTheReasonsNames() throws {
        var tally = MalformedTally()
        tally.record(.invalidJSON, line: 3)
        tally.record(.invalidUTF8, line: 9)
        tally.record(.invalidJSON, line: 12)
        let byEnum = try Self.sortedJSON(["entries": tally.entries])
        #expect(try Self.sortedJSON(tally) == byEnum)
        #expect(try StoredJSON.encode(tally) == byEnum)
        #expect(byEnum.contains("\"invalid_utf8\":{\"count\":1,\"firstLines\":[9]}"))
        #expect(try JSONDecoder().decode(MalformedTally.self, from: Data(byEnum.utf8)) == tally)
        let unknown = Data(#"{"entries":{"no_such_reason":{"count":1,"firstLines":[1]}}}"#.utf8)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(MalformedTally.self, from: unknown) }
    }

    private static func sortedJSON(_ value: some Encodable) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return String(decoding: try e.encode(value), as: UTF8.self)
    }

    @Test func escapesAreDecoded() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/v.jsonl"
        write("{\"timestamp\":\"2025-10-01T21:38:50Z\",\"function\":\"create_\\u0070lanner_agent\",\"error\":\"Article II: \\\"quoted\\\"\\n\",\"extra\":{\"a\":[1,2.5e3,null,true]}}\n", to: path)
        let r = try await ingest(path)
        #expect(r.batch.ingested == 1)
        #expect(r.batch.functions == ["create_planner_agent"])
        #expect(r.batch.signatures == ["Article II: \"quoted\"\n"])
    }

    @Test func aLineLongerThanTheBufferIsSkippedNotHeld() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/v.jsonl"
        write(line() + String(repeating: "z", count: 3 << 20) + "\n" + line(), to: path)
        let r = try await ingest(path)
        #expect(r.batch.ingested == 2)
        #expect(r.batch.malformed.entries[.lineTooLong]?.firstLines == [2])
    }
}

@Suite struct IncrementalReadTests {
    @Test func aPartialLastLineWaitsForItsNewline() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/v.jsonl"
        let full = line()
        write(full + String(full.dropLast(20)), to: path)
        let first = try await ingest(path)
        #expect(first.batch.ingested == 1)
        #expect(first.pendingBytes == Int64(full.utf8.count - 20))
        append(String(full.suffix(20)) + line(), to: path)
        let second = try await ingest(path, after: first.checkpoint)
        #expect(second.resumedFrom == .resume(offset: Int64(full.utf8.count), lines: 1))
        #expect(second.batch.ingested == 2)
        #expect(second.batch.malformed.total == 0)
        let third = try await ingest(path, after: second.checkpoint)
        #expect(third.batch.lines == 0)
    }

    @Test func rotationTruncationAndReplacementRestartFromTheTop() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/v.jsonl"
        write(line() + line() + line(), to: path)
        let first = try await ingest(path)
        #expect(first.batch.ingested == 3)

        // Rotation: the old file moves away, a new one (new inode) takes the name.
        try FileManager.default.moveItem(atPath: path, toPath: path + ".1")
        write(line(function: "g"), to: path)
        let rotated = try await ingest(path, after: first.checkpoint)
        #expect(rotated.resumedFrom == .restart(.rotated))
        #expect(rotated.batch.functions == ["g"])

        // Truncation in place (copytruncate with no copy kept): same inode, smaller
        // than the offset. The unread tail is reported lost, never silently.
        try Data().write(to: URL(fileURLWithPath: path))
        let h = FileHandle(forWritingAtPath: path)!
        h.write(Data(line(function: "h").utf8).prefix(10))
        h.closeFile()
        let truncated = try await ingest(path, after: rotated.checkpoint)
        #expect(truncated.resumedFrom == .restart(.truncated))
        #expect(truncated.events.map(\.kind) == [.lost])

        // Rewritten in place with other content, at least as long: the first line
        // differs, so it is a new file at the same inode.
        let w = FileHandle(forWritingAtPath: path)!
        w.truncateFile(atOffset: 0)
        w.write(Data((line(function: "k") + line(function: "k")).utf8))
        w.closeFile()
        let rewritten = try await ingest(path, after: rotated.checkpoint)
        #expect(rewritten.resumedFrom == .restart(.truncated))
        #expect(rewritten.batch.ingested == 2)

        // Shrunk under the same first line (an edit): taken as read, never recounted.
        let e = FileHandle(forWritingAtPath: path)!
        e.truncateFile(atOffset: UInt64(line(function: "k").utf8.count))
        e.closeFile()
        let edited = try await ingest(path, after: rewritten.checkpoint)
        #expect(edited.resumedFrom == .restart(.replaced))
        #expect(edited.events.map(\.kind) == [.replaced])
        #expect(edited.batch.lines == 0)
    }

    @Test func aMissingLogIsATypedError() async {
        await #expect(throws: LogFileError.self) { try await ingest("/nonexistent/v.jsonl") }
    }
}

import Foundation
import Testing
@testable import FeedbackLoop

/// The store's registry, in memory: what `StateStore.commit` does with a read's entries.
private struct Registry {
    var files: [LogCheckpoint] = []
    private var nextID: Int64 = 1

    mutating func cycle(_ path: String, now: Microseconds = Timestamp.parse("2026-01-01T00:00:00Z")!) async throws -> IngestResult {
        let r = try await LogIngest.read(path: path, known: files, validTimes: Timestamp.plausible(at: now), parallelism: 1)
        for var f in r.files {
            if f.role == .live {
                for i in files.indices where files[i].role == .live && files[i].path == f.path && files[i].id != f.id {
                    files[i].role = .rotated
                }
            }
            if let i = files.firstIndex(where: { $0.id != nil && $0.id == f.id }) {
                files[i] = f
            } else {
                f.id = nextID
                nextID += 1
                files.append(f)
            }
        }
        return r
    }
}

private func lines(_ n: Int, _ function: String) -> String {
    (0..<n).map { i in line("2025-10-01T21:\(10 + i % 40):50Z", function: function) }.joined()
}

private func move(_ a: String, _ b: String) throws { try FileManager.default.moveItem(atPath: a, toPath: b) }

@Suite struct LogRotationTests {
    let dir = temporaryDirectory()
    var log: String { dir + "/v.jsonl" }

    @Test func twoRotationsBetweenCyclesReadEveryGenerationOnce() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var r = Registry()
        write(lines(3, "g1"), to: log)
        #expect(try await r.cycle(log).batch.ingested == 3)
        append(lines(2, "g1"), to: log)             // the unread tail of the first file
        try move(log, log + ".1")
        write(lines(4, "g2"), to: log)
        try await Task.sleep(for: .milliseconds(20))  // distinct modification times
        try move(log + ".1", log + ".2")
        try move(log, log + ".1")
        write(lines(1, "g3"), to: log)
        let read = try await r.cycle(log)
        #expect(read.batch.ingested == 2 + 4 + 1)
        #expect(read.resumedFrom == .restart(.rotated))
        #expect(read.events.map(\.kind) == [.rotated, .rotated])
        #expect(try await r.cycle(log).batch.lines == 0)
    }

    @Test func copytruncateWithTheCopyKeptLosesNothing() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var r = Registry()
        write(lines(3, "a"), to: log)
        _ = try await r.cycle(log)
        append(lines(2, "a"), to: log)
        try FileManager.default.copyItem(atPath: log, toPath: log + ".1")
        let h = FileHandle(forWritingAtPath: log)!  // truncate in place: same inode
        h.truncateFile(atOffset: 0)
        h.closeFile()
        append(lines(1, "b"), to: log)
        let read = try await r.cycle(log)
        #expect(read.batch.ingested == 3)
        #expect(read.resumedFrom == .restart(.truncated))
        #expect(read.events.count == 1)
        #expect(read.events.first?.kind == .copytruncate)
        #expect(read.events.first?.bytesRead == Int64(lines(2, "a").utf8.count))
    }

    @Test func copytruncateWithoutACopyIsReportedLost() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var r = Registry()
        write(lines(3, "a"), to: log)
        _ = try await r.cycle(log)
        append(lines(2, "a"), to: log)
        let h = FileHandle(forWritingAtPath: log)!
        h.truncateFile(atOffset: 0)
        h.closeFile()
        append(lines(1, "b"), to: log)
        let read = try await r.cycle(log)
        #expect(read.batch.ingested == 1)
        #expect(read.events.map(\.kind) == [.lost])
        #expect(read.events.first?.head.contains("\"a\"") == true)
    }

    @Test func aWriterStillOnTheRotatedFileIsFollowed() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var r = Registry()
        write(lines(3, "a"), to: log)
        _ = try await r.cycle(log)
        try move(log, log + ".1")
        write(lines(1, "b"), to: log)
        #expect(try await r.cycle(log).batch.ingested == 1)
        append(lines(2, "a"), to: log + ".1")  // a writer that has not reopened yet
        let late = try await r.cycle(log)
        #expect(late.batch.ingested == 2)
        #expect(late.events.isEmpty)
    }

    @Test func spellingsCopiesAndNewInodesResume() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var r = Registry()
        write(lines(5, "a"), to: log)
        _ = try await r.cycle(log)
        try FileManager.default.createSymbolicLink(atPath: dir + "/link", withDestinationPath: log)
        for spelling in [dir + "/link", dir + "/./v.jsonl", dir + "/../" + (dir as NSString).lastPathComponent + "/v.jsonl"] {
            #expect(try await r.cycle(spelling).batch.lines == 0)
        }
        // cp + mv: a new inode with the same content, then one more line.
        try FileManager.default.copyItem(atPath: log, toPath: dir + "/t")
        append(lines(1, "b"), to: dir + "/t")
        try FileManager.default.removeItem(atPath: log)
        try move(dir + "/t", log)
        let after = try await r.cycle(log)
        #expect(after.resumedFrom == .resume(offset: Int64(lines(5, "a").utf8.count), lines: 5))
        #expect(after.batch.ingested == 1)
        #expect(after.events.isEmpty)
    }

    @Test func rotatedHistoryIsNotReadOnAFirstCycle() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var r = Registry()
        write(lines(7, "old"), to: log + ".1")
        write(lines(2, "a"), to: log)
        let first = try await r.cycle(log)
        #expect(first.batch.ingested == 2)
        #expect(first.resumedFrom == .restart(.firstRead))
        #expect(try await r.cycle(log).batch.lines == 0)
    }

    @Test func aFileRestoredAfterItWasLostResumes() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var r = Registry()
        write(lines(3, "a"), to: log)
        _ = try await r.cycle(log)
        try move(log, dir + "/away")
        write(lines(1, "b"), to: log)
        #expect(try await r.cycle(log).events.map(\.kind) == [.lost])
        append(lines(2, "a"), to: dir + "/away")
        try move(dir + "/away", log + ".1")
        let restored = try await r.cycle(log)
        #expect(restored.batch.ingested == 2)  // the two after the offset, not all five
    }

    @Test func implausibleTimestampsAreMalformed() async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        write(line("1970-01-01T00:00:00Z") + line("9999-12-31T00:00:00Z") + line("2026-01-03T00:00:00Z")
              + line("2000-01-01T00:00:00Z") + line("2026-01-01T23:00:00Z"), to: log)
        let now = Timestamp.parse("2026-01-01T00:00:00Z")!
        let r = try await LogIngest.read(path: log, known: [], validTimes: Timestamp.plausible(at: now), parallelism: 1)
        #expect(r.batch.ingested == 2)
        #expect(r.batch.malformed.entries[.outOfRange]?.count == 3)
        #expect(r.batch.malformed.entries[.outOfRange]?.firstLines == [1, 2, 3])
    }

    @Test(arguments: ["fifo", "socket", "directory", "device"])
    func onlyRegularFilesAreRead(kind: String) async throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = dir + "/" + kind
        switch kind {
        case "fifo": #expect(mkfifo(path, 0o600) == 0)
        case "socket":
            let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(fd) }
            var a = sockaddr_un()
            a.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &a.sun_path) { p in _ = path.utf8CString.withUnsafeBytes { p.copyMemory(from: $0) } }
            let bound = withUnsafePointer(to: &a) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
            #expect(bound == 0)
        case "directory": try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        default: try FileManager.default.createSymbolicLink(atPath: path, withDestinationPath: "/dev/zero")
        }
        let clock = ContinuousClock()
        let start = clock.now
        do {
            _ = try await LogIngest.read(path: path, known: [])
            Issue.record("a \(kind) was read as a log")
        } catch let e as LogFileError {
            let words = ["fifo": "FIFO", "socket": "socket", "directory": "directory", "device": "character device"][kind]!
            #expect(e.reason.contains(words), "\(e)")
        }
        #expect(clock.now - start < .seconds(1))
    }
}

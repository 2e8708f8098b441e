import Cycle
import FeedbackLoop
import Foundation
import StateStore
import Testing

/// One writer at a time on a state directory, and a registry that cannot be moved twice.
@Suite struct SingleWriterTests {
    @Test func aSecondCycleWaitsThenNamesTheHolder() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let held = try await CycleLock.acquire(directory: dir, holder: "consciousness daemon", wait: .zero, now: { end })
        let clock = ContinuousClock()
        let start = clock.now
        do {
            _ = try await CycleLock.acquire(directory: dir, holder: "consciousness cycle", wait: .milliseconds(300), now: { end })
            Issue.record("the lock was taken twice")
        } catch let busy as CycleLockBusy {
            #expect(busy.holder.contains("PID \(getpid()) (consciousness daemon) since 2025-10-08T00:00:00"), "\(busy.holder)")
            #expect(clock.now - start >= .milliseconds(300))
        }
        withExtendedLifetime(held) {}
    }

    @Test func theLockIsFreeOnceItsHolderIsGone() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var first: CycleLock? = try await CycleLock.acquire(directory: dir, holder: "a", wait: .zero, now: { end })
        #expect(first != nil)
        first = nil
        _ = try await CycleLock.acquire(directory: dir, holder: "b", wait: .zero, now: { end })
    }

    /// A cycle that holds the lock makes a concurrent one fail busy, not double-count.
    @Test func concurrentCyclesCountEveryLineOnce() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = try sampleLog(dir, lines: 30_000)
        let store = try StateStore(directory: dir + "/state")
        var results: [Result<CycleReport, any Error>] = []
        await withTaskGroup(of: Result<CycleReport, any Error>.self) { group in
            for _ in 0..<4 {
                group.addTask {
                    var o = options(log, dir)
                    o.lockWait = .seconds(60)
                    do { return .success(try await CycleRunner(store: store).run(o)) } catch { return .failure(error) }
                }
            }
            for await r in group { results.append(r) }
        }
        let reports = try results.map { try $0.get() }
        #expect(reports.map { $0.ingest!.ingested }.reduce(0, +) == (try store.totals().violations))
        #expect(reports.filter { $0.ingest!.ingested > 0 }.count == 1)
    }

    /// Two reads of the same bytes (a bypassed lock): the second commit is refused and
    /// the counts stay those of one read.
    @Test func theRegistryIsComparedInsideTheCommit() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = try sampleLog(dir, lines: 2_000)
        let store = try StateStore(directory: dir + "/state")
        let a = try await LogIngest.read(path: log, known: try store.logFiles())
        let b = try await LogIngest.read(path: log, known: try store.logFiles())
        try store.commit(a)
        let once = try store.totals()
        #expect(throws: IngestConflict.self) { try store.commit(b) }
        #expect(try store.totals() == once)

        FileHandle(forWritingAtPath: log)!.seekToEndAndWrite("{\"timestamp\": \"2025-10-07T00:00:00Z\", \"function\": \"f\", \"error\": \"Article I: x\"}\n")
        let c = try await LogIngest.read(path: log, known: try store.logFiles())
        let d = try await LogIngest.read(path: log, known: try store.logFiles())
        try store.commit(c)
        #expect(throws: IngestConflict.self) { try store.commit(d) }
        #expect(try store.totals().violations == once.violations + 1)
    }

    @Test func anEmptyDatabaseFileIsRefusedNotRecreated() throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(FileManager.default.createFile(atPath: dir + "/consciousness.sqlite", contents: Data()))
        #expect { _ = try StateStore(directory: dir) } throws: { e in
            "\(e)".contains("empty (0 bytes)")
        }
        #expect(try FileManager.default.attributesOfItem(atPath: dir + "/consciousness.sqlite")[.size] as? Int == 0)
    }
}

private extension FileHandle {
    func seekToEndAndWrite(_ text: String) {
        seekToEndOfFile()
        write(Data(text.utf8))
        closeFile()
    }
}

/// A cycle's store work is a few transactions, whatever its stages do.
@Suite struct CycleTransactionTests {
    @Test func anHourlyCycleCommitsInAtMostFiveWriteTransactions() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = try sampleLog(dir, lines: 5_000)
        let store = try StateStore(directory: dir + "/state")
        _ = try await CycleRunner(store: store).run(options(log, dir))
        let before = store.writeTransactionCount
        var o = options(log, dir)
        o.now += Timestamp.microsPerHour
        o.recordWithCycle = ["next_cycle_us": "\(o.now + Timestamp.microsPerHour)"]
        let hourly = try await CycleRunner(store: store).run(o)
        let writes = store.writeTransactionCount - before
        #expect(writes <= 5, "\(writes) write transactions")
        #expect(try store.meta("next_cycle_us") == "\(o.now + Timestamp.microsPerHour)")
        #expect(try store.lastCycle()?.id == hourly.cycle)
    }
}

/// An unwritable reports directory degrades the Report stage; the cycle is recorded.
@Suite struct ReportStageTests {
    @Test func anUnwritableReportsDirectoryDegradesTheStageNotTheCycle() async throws {
        let dir = temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let log = try sampleLog(dir, lines: 2_000)
        #expect(FileManager.default.createFile(atPath: dir + "/not-a-directory", contents: Data("x".utf8)))
        let store = try StateStore(directory: dir + "/state")
        var o = options(log, dir)
        o.reportsDirectory = dir + "/not-a-directory/reports"
        let report = try await CycleRunner(store: store).run(o)
        let stage = try #require(report.stages.first { $0.stage == .report })
        #expect(stage.outcome == .degraded)
        #expect(stage.detail.contains("Markdown report not written"), "\(stage.detail)")
        #expect(try store.lastCycle()?.result == .degraded)
        #expect(try store.lastCycle()?.id == report.cycle)
        #expect(report.ingest?.ingested ?? 0 > 0)
    }
}

import Foundation
import GRDB
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Exactly-once ingestion, against the specification: one cycle at a time per state
/// directory (an flock on DIR/cycle.lock), a log known by its file (device, inode and
/// the fingerprint of its first line) and not by how its path is spelled, rotations
/// drained, copytruncate detected, losses reported in `log_events`, and non-regular files
/// refused. Every test compares the stored per-function counts with those of a clean run
/// (a fresh state directory, one `cycle`) over the same lines.
@Suite(.serialized) final class ExactlyOnceTests {
    let dir = EO.makeDirectory()

    /// Each test's directory (logs up to 45 MB) goes with it; EXACTLY_ONCE_KEEP=1 keeps them.
    deinit {
        if ProcessInfo.processInfo.environment["EXACTLY_ONCE_KEEP"] == nil {
            try? FileManager.default.removeItem(atPath: dir)
        }
    }

    // MARK: (a) concurrent cycles

    /// Ten pairs of cycles started together on one state directory while the log grows
    /// (cut anywhere, mid-line included): the second of each pair waits for the first.
    @Test func concurrentPairsOfCyclesCountEachLineOnce() throws {
        let data = try EO.sample(dir + "/sample.jsonl", lines: 5_000)
        let log = dir + "/v.jsonl"
        EO.write(Data(), to: log)
        var written = 0
        for step in 0..<10 {
            let cut = step == 9 ? data.count : data.count * (step + 1) / 10 - Int.random(in: 0..<300)
            EO.append(data[written..<cut], to: log)
            written = cut
            let a = try EO.start(EO.cycle(log, dir + "/s")), b = try EO.start(EO.cycle(log, dir + "/s"))
            let ra = a.wait(), rb = b.wait()
            #expect(ra.status == 0 && rb.status == 0,
                    "pair \(step): exits \(ra.status) and \(rb.status) (both must wait for the lock and complete): \(ra.stderr) \(rb.stderr)")
        }
        EO.expectSame(try EO.counts(dir + "/s"), try EO.clean([log], in: dir), "10 concurrent pairs")
        EO.expectSame(try EO.malformed(dir + "/s"), try EO.malformed(dir + "/clean-state"), "malformed, 10 concurrent pairs")
    }

    /// A cycle that cannot take the lock within --wait exits 75 naming the holder: its PID.
    /// The holder is a real cycle, stopped (SIGSTOP) while it holds the lock.
    @Test func aBusyStateDirectoryExits75NamingTheHolder() throws {
        let data = try EO.sample(dir + "/big.jsonl", lines: 100_000)
        let log = dir + "/v.jsonl"
        EO.write(data, to: log)
        let holder = try EO.start(EO.cycle(log, dir + "/s"))
        defer { holder.kill() }
        let lock = dir + "/s/cycle.lock"
        var stopped = false
        let deadline = Date().addingTimeInterval(120)
        while holder.isRunning, Date() < deadline {
            if EO.isLocked(lock) {
                kill(holder.pid, SIGSTOP)
                if EO.isLocked(lock) { stopped = true; break }
                kill(holder.pid, SIGCONT)
            }
            usleep(1_000)
        }
        guard stopped else {
            Issue.record("never caught the first cycle holding \(lock) (it ended with \(holder.wait().status)): cannot test the busy exit")
            return
        }
        let busy = try EO.run(EO.cycle(log, dir + "/s") + ["--wait", "1"], timeout: 30)
        kill(holder.pid, SIGCONT)
        #expect(busy.status == 75, "a second cycle while the lock is held: exit \(busy.status), 75 wanted; stderr: \(busy.stderr)")
        #expect(busy.seconds >= 0.9 && busy.seconds < 10, "--wait 1 took \(busy.seconds) s")
        #expect(busy.stderr.contains(String(holder.pid)) && busy.stderr.contains("cycle"),
                "the busy message must name the holder: its PID \(holder.pid) and command: \(busy.stderr)")
        let r = holder.wait()
        #expect(r.status == 0, "the stopped holder, continued: exit \(r.status): \(r.stderr)")
        EO.expectSame(try EO.counts(dir + "/s"), try EO.clean([log], in: dir), "after a busy exit")
    }

    // MARK: (b) cycles beside a running daemon

    /// Twenty cycles by hand while a daemon (CYCLE_INTERVAL=1s) runs on the same state
    /// directory and the log grows: each waits for the other's lock.
    @Test func twentyCyclesBesideARunningDaemonCountEachLineOnce() throws {
        let data = try EO.sample(dir + "/sample.jsonl", lines: 5_000)
        let log = dir + "/v.jsonl"
        EO.write(Data(), to: log)
        let daemon = try EO.daemon(log: log, state: dir + "/s", output: dir + "/daemon.out")
        defer { daemon.kill() }
        var written = 0
        for step in 0..<20 {
            let cut = step == 19 ? data.count : data.count * (step + 1) / 20 - Int.random(in: 0..<200)
            EO.append(data[written..<cut], to: log)
            written = cut
            let r = try EO.run(EO.cycle(log, dir + "/s"))
            #expect(r.status == 0, "cycle \(step) beside the daemon: exit \(r.status): \(r.stderr)")
            #expect(daemon.isRunning, "the daemon died during cycle \(step): \(EO.tail(dir + "/daemon.out"))")
            usleep(useconds_t.random(in: 0..<400_000))
        }
        let stop = daemon.terminate(timeout: 60)
        #expect(stop.status == 0 && stop.reason == .exit,
                "the daemon on SIGTERM: \(stop.reason == .exit ? "exit" : "signal") \(stop.status): \(EO.tail(dir + "/daemon.out"))")
        let last = try EO.run(EO.cycle(log, dir + "/s"))
        #expect(last.status == 0, "\(last.stderr)")
        EO.expectSame(try EO.counts(dir + "/s"), try EO.clean([log], in: dir), "20 cycles beside a daemon")
    }

    // MARK: (c)–(e) one file, several names or inodes

    /// The same file as `logs/v.jsonl` (relative), `./v.jsonl` (from its directory), its
    /// absolute path and a symlink: one file, read once.
    @Test func fourSpellingsOfOnePathAreOneLog() throws {
        let lines = EO.lines(try EO.sample(dir + "/sample.jsonl", lines: 5_000))
        try #require(lines.count > 4_600, "the sample has \(lines.count) lines")
        try FileManager.default.createDirectory(atPath: dir + "/logs", withIntermediateDirectories: true)
        let log = dir + "/logs/v.jsonl"
        try FileManager.default.createSymbolicLink(atPath: dir + "/link.jsonl", withDestinationPath: "logs/v.jsonl")
        let spellings: [(String, String, String)] = [
            ("relative", "logs/v.jsonl", dir), ("./relative", "./v.jsonl", dir + "/logs"),
            ("absolute", log, dir), ("symlink", dir + "/link.jsonl", dir),
        ]
        EO.write(Data(), to: log)
        for (i, (name, path, cwd)) in spellings.enumerated() {
            EO.append(EO.join(lines[(lines.count * i / 4)..<(lines.count * (i + 1) / 4)]), to: log)
            let r = try EO.run(EO.cycle(path, dir + "/s"), cwd: cwd)
            #expect(r.status == 0, "\(name) (\(path) from \(cwd)): exit \(r.status): \(r.stderr)")
            EO.expectSame(try EO.counts(dir + "/s"), try EO.clean([log], in: dir, name: "clean-\(i)"),
                          "after the \(name) spelling")
        }
        for (name, path, cwd) in spellings.reversed() {  // nothing new: nothing may be added
            let r = try EO.run(EO.cycle(path, dir + "/s"), cwd: cwd)
            #expect(r.status == 0, "\(name) again: exit \(r.status): \(r.stderr)")
        }
        EO.expectSame(try EO.counts(dir + "/s"), try EO.clean([log], in: dir), "four spellings, each twice")
        let events = try EO.events(dir + "/s")
        #expect(events.isEmpty, "one file under four names is neither rotated nor replaced nor lost: \(events)")
    }

    /// `cp v t && mv t v`: a new inode with the same content, an unread tail included.
    @Test func copyAndMoveOverTheLogResumesWithoutRecounting() throws {
        let lines = EO.lines(try EO.sample(dir + "/sample.jsonl", lines: 5_000))
        try #require(lines.count > 4_600, "the sample has \(lines.count) lines")
        let log = dir + "/v.jsonl"
        EO.write(EO.join(lines[0..<2_000]), to: log)
        #expect(try EO.run(EO.cycle(log, dir + "/s")).status == 0)
        try EO.cpmv(log, dir)                                    // nothing unread
        #expect(try EO.run(EO.cycle(log, dir + "/s")).status == 0)
        EO.expectSame(try EO.counts(dir + "/s"), try EO.clean([log], in: dir, name: "clean-1"), "cp+mv, nothing unread")
        EO.append(EO.join(lines[2_000..<3_500]), to: log)
        try EO.cpmv(log, dir)                                    // an unread tail, copied with the rest
        #expect(try EO.run(EO.cycle(log, dir + "/s")).status == 0)
        EO.append(EO.join(lines[3_500...]), to: log)
        try EO.cpmv(log, dir)
        try EO.cpmv(log, dir)                                    // twice between two cycles
        #expect(try EO.run(EO.cycle(log, dir + "/s")).status == 0)
        #expect(try EO.run(EO.cycle(log, dir + "/s")).status == 0)
        EO.expectSame(try EO.counts(dir + "/s"), try EO.clean([log], in: dir), "cp+mv three times")
        let lost = try EO.events(dir + "/s").filter { $0.kind == "lost" }
        #expect(lost.isEmpty, "cp+mv loses nothing, yet: \(lost)")
    }

    /// `sed -i '$a LINE' v`: a new inode, the same first line, one line more.
    @Test func sedInPlaceAppendingALineCountsOnlyThatLine() throws {
        let lines = EO.lines(try EO.sample(dir + "/sample.jsonl", lines: 5_000))
        try #require(lines.count > 4_600, "the sample has \(lines.count) lines")
        let log = dir + "/v.jsonl"
        EO.write(EO.join(lines[0..<3_000]), to: log)
        #expect(try EO.run(EO.cycle(log, dir + "/s")).status == 0)
        try EO.sedAppend(EO.line(function: "sed_appended_first"), to: log)
        #expect(try EO.run(EO.cycle(log, dir + "/s")).status == 0)
        EO.expectSame(try EO.counts(dir + "/s"), try EO.clean([log], in: dir, name: "clean-1"), "sed -i, one line appended")
        EO.append(EO.join(lines[3_000...]), to: log)            // an unread tail
        try EO.sedAppend(EO.line(function: "sed_appended_second"), to: log)
        #expect(try EO.run(EO.cycle(log, dir + "/s")).status == 0)
        #expect(try EO.run(EO.cycle(log, dir + "/s")).status == 0)
        EO.expectSame(try EO.counts(dir + "/s"), try EO.clean([log], in: dir), "sed -i twice, a tail between")
        let lost = try EO.events(dir + "/s").filter { $0.kind == "lost" }
        #expect(lost.isEmpty, "sed -i loses nothing, yet: \(lost)")
    }

    // MARK: (f)–(g) rotation by rename

    /// N lines, a cycle, M more, `mv v v.1` (or logrotate's dateext `v-YYYYMMDD`), a new v
    /// with K lines, a cycle: N + M + K.
    @Test(arguments: [".1", "-20261202"])
    func aRenameRotationDrainsTheUnreadTailFirst(suffix: String) throws {
        let lines = EO.lines(try EO.sample(dir + "/sample.jsonl", lines: 5_000))
        try #require(lines.count > 4_600, "the sample has \(lines.count) lines")
        let log = dir + "/v.jsonl"
        EO.write(EO.join(lines[0..<2_000]), to: log)                     // N
        #expect(try EO.run(EO.cycle(log, dir + "/s")).status == 0)
        EO.append(EO.join(lines[2_000..<3_500]), to: log)               // M, unread
        try FileManager.default.moveItem(atPath: log, toPath: log + suffix)
        EO.write(EO.join(lines[3_500...]), to: log)                 // K
        let r = try EO.run(EO.cycle(log, dir + "/s"))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try EO.run(EO.cycle(log, dir + "/s")).status == 0)
        let want = try EO.clean([log + suffix, log], in: dir)
        #expect(want.values.reduce(0, +) == Int64(lines.count), "the clean run must hold all \(lines.count) lines")
        EO.expectSame(try EO.counts(dir + "/s"), want, "rename rotation to v.jsonl\(suffix) with an unread tail (N + M + K)")
        let events = try EO.events(dir + "/s")
        #expect(events.contains { $0.kind == "rotated" }, "a drained rotation is a 'rotated' event: \(events)")
        #expect(!events.contains { $0.kind == "lost" }, "nothing was lost: \(events)")
    }

    /// Two rotations between two cycles: A (with an unread tail) ends up as v.jsonl.2, B —
    /// never seen by any cycle — as v.jsonl.1, C is live. A's tail, all of B and C are read.
    @Test func twoRotationsBetweenCyclesReadTheGenerationInBetween() throws {
        let lines = EO.lines(try EO.sample(dir + "/sample.jsonl", lines: 5_000))
        try #require(lines.count > 4_600, "the sample has \(lines.count) lines")
        let log = dir + "/v.jsonl"
        EO.write(EO.join(lines[0..<1_500]), to: log)                           // A
        #expect(try EO.run(EO.cycle(log, dir + "/s")).status == 0)
        EO.append(EO.join(lines[1_500..<2_500]), to: log)                      // A's tail, unread
        try FileManager.default.moveItem(atPath: log, toPath: log + ".1")
        EO.write(EO.join(lines[2_500..<3_500]), to: log)                       // B
        try FileManager.default.moveItem(atPath: log + ".1", toPath: log + ".2")
        try FileManager.default.moveItem(atPath: log, toPath: log + ".1")
        EO.write(EO.join(lines[3_500...]), to: log)                            // C
        #expect(try EO.run(EO.cycle(log, dir + "/s")).status == 0)
        #expect(try EO.run(EO.cycle(log, dir + "/s")).status == 0)
        EO.expectSame(try EO.counts(dir + "/s"), try EO.clean([log + ".2", log + ".1", log], in: dir),
                      "two rotations between cycles (A's tail + B + C)")
        let lost = try EO.events(dir + "/s").filter { $0.kind == "lost" }
        #expect(lost.isEmpty, "nothing was lost: \(lost)")
    }

    /// The new log is still empty when a cycle looks (no first line to fingerprint yet);
    /// then it is written to and rotated before the next cycle. That file (B) is the one
    /// the last cycle saw at the path: it must be read, from its start, from v.jsonl.1.
    @Test func aFileSeenEmptyThenFilledAndRotatedIsRead() throws {
        let lines = EO.lines(try EO.sample(dir + "/sample.jsonl", lines: 5_000))
        try #require(lines.count > 4_600, "the sample has \(lines.count) lines")
        let log = dir + "/v.jsonl"
        EO.write(EO.join(lines[0..<1_500]), to: log)                           // A
        #expect(try EO.run(EO.cycle(log, dir + "/s")).status == 0)
        try FileManager.default.moveItem(atPath: log, toPath: log + ".1")
        EO.write(Data(), to: log)                                              // B, empty for now
        #expect(try EO.run(EO.cycle(log, dir + "/s")).status == 0)             // A drained; B seen empty
        EO.append(EO.join(lines[1_500..<3_000]), to: log)                      // B written to
        try FileManager.default.moveItem(atPath: log + ".1", toPath: log + ".2")
        try FileManager.default.moveItem(atPath: log, toPath: log + ".1")      // B rotated
        EO.write(EO.join(lines[3_000...]), to: log)                            // C
        #expect(try EO.run(EO.cycle(log, dir + "/s")).status == 0)
        #expect(try EO.run(EO.cycle(log, dir + "/s")).status == 0)
        EO.expectSame(try EO.counts(dir + "/s"), try EO.clean([log + ".2", log + ".1", log], in: dir),
                      "a file seen empty, then written to and rotated (A + B + C; events: \(try EO.events(dir + "/s")))")
    }

    /// The log renamed and a new one created while a cycle reads it (and a few late lines
    /// appended to the renamed file, as a writer does before it reopens): the next cycles
    /// read the rest of the old file, then the new one.
    @Test func aRotationInTheMiddleOfACycleLosesAndDoublesNothing() throws {
        let big = try EO.sample(dir + "/big.jsonl", lines: 200_000)
        let more = EO.lines(try EO.sample(dir + "/more.jsonl", lines: 4_000, seed: 7))
        let log = dir + "/v.jsonl"
        // A first cycle over the start of it, so that the file is known when it is rotated away.
        let cut = big[..<(big.count / 200)].lastIndex(of: UInt8(ascii: "\n"))! + 1
        EO.write(big[..<cut], to: log)
        #expect(try EO.run(EO.cycle(log, dir + "/s")).status == 0)
        EO.append(big[cut...], to: log)
        let first = try EO.start(EO.cycle(log, dir + "/s"))
        defer { first.kill() }
        let deadline = Date().addingTimeInterval(60)
        while first.isRunning, !EO.isLocked(dir + "/s/cycle.lock"), Date() < deadline { usleep(1_000) }
        usleep(useconds_t.random(in: 0..<200_000))
        let midway = first.isRunning
        // The new file is made aside and renamed in, after a hard link keeps the old one as
        // .1: the path never goes missing. (Rename-then-create leaves a moment with no log,
        // in which a cycle opening it exits 66 "missing log": not what this test is about.)
        EO.write(EO.join(more[1_000...]), to: log + ".new")
        #expect(link(log, log + ".1") == 0)
        #expect(rename(log + ".new", log) == 0)
        EO.append(EO.join(more[..<1_000]), to: log + ".1")                 // late lines to the old file
        let r1 = first.wait()
        #expect(r1.status == 0, "the cycle rotated under: exit \(r1.status): \(r1.stderr)")
        let r2 = try EO.run(EO.cycle(log, dir + "/s")), r3 = try EO.run(EO.cycle(log, dir + "/s"))
        #expect(r2.status == 0 && r3.status == 0, "\(r2.stderr) \(r3.stderr)")
        EO.expectSame(try EO.counts(dir + "/s"), try EO.clean([log + ".1", log], in: dir),
                      "rotation \(midway ? "in the middle of" : "after (the cycle was too quick)") a cycle")
        let lost = try EO.events(dir + "/s").filter { $0.kind == "lost" }
        #expect(lost.isEmpty, "nothing was lost: \(lost)")
        print("rotation mid-cycle: \(midway ? "the rename landed while the first cycle ran" : "the first cycle had ended before the rename")")
    }

    // MARK: (h) copytruncate, and losses reported

    /// copytruncate with the copy kept as v.1: drained from the old offset, nothing lost —
    /// whether the truncated file has grown past the old offset (a changed first line is
    /// the only sign) or not (size below the offset).
    @Test(arguments: [100, 2_500])
    func copytruncateWithTheCopyKeptLosesNothing(newLines: Int) throws {
        let lines = EO.lines(try EO.sample(dir + "/sample.jsonl", lines: 5_000))
        try #require(lines.count > 4_600, "the sample has \(lines.count) lines")
        let log = dir + "/v.jsonl"
        EO.write(EO.join(lines[0..<1_000]), to: log)
        #expect(try EO.run(EO.cycle(log, dir + "/s")).status == 0)
        EO.append(EO.join(lines[1_000..<2_000]), to: log)                // unread when copied
        try FileManager.default.copyItem(atPath: log, toPath: log + ".1")
        #expect(truncate(log, 0) == 0)
        EO.append(EO.join(lines[2_000..<(2_000 + newLines)]), to: log)
        let r = try EO.run(EO.cycle(log, dir + "/s") + ["--json"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try EO.run(EO.cycle(log, dir + "/s")).status == 0)
        EO.expectSame(try EO.counts(dir + "/s"), try EO.clean([log + ".1", log], in: dir),
                      "copytruncate, copy kept, \(newLines) new lines")
        let events = try EO.events(dir + "/s")
        #expect(events.contains { $0.kind == "copytruncate" }, "a detected copytruncate is an event: \(events)")
        #expect(!events.contains { $0.kind == "lost" }, "nothing was lost: \(events)")
        #expect(r.stdout.lowercased().contains("copytruncate"), "the cycle's report names the copytruncate: \(r.stdout.prefix(2_000))")
    }

    /// copytruncate with no copy to be found: the unread tail is lost, and said to be —
    /// a 'lost' event whose head names the file, and the report.
    @Test func copytruncateWithTheCopyDeletedReportsTheLoss() throws {
        let lines = EO.lines(try EO.sample(dir + "/sample.jsonl", lines: 5_000))
        try #require(lines.count > 4_600, "the sample has \(lines.count) lines")
        let log = dir + "/v.jsonl"
        EO.write(EO.join(lines[0..<2_000]), to: log)
        #expect(try EO.run(EO.cycle(log, dir + "/s")).status == 0)
        EO.append(EO.join(lines[2_000..<3_000]), to: log)                // unread, about to be lost
        try FileManager.default.copyItem(atPath: log, toPath: log + ".1")
        #expect(truncate(log, 0) == 0)
        try FileManager.default.removeItem(atPath: log + ".1")
        EO.append(EO.join(lines[3_000...]), to: log)
        let r = try EO.run(EO.cycle(log, dir + "/s") + ["--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let said = (r.stdout + r.stderr).lowercased()
        #expect(said.contains("copytruncate") || said.contains("lost"), "the cycle must say so: \(r.stdout.prefix(2_000)) \(r.stderr)")
        EO.write(EO.join(lines[0..<2_000] + lines[3_000...]), to: dir + "/kept.jsonl")
        EO.expectSame(try EO.counts(dir + "/s"), try EO.clean([dir + "/kept.jsonl"], in: dir),
                      "copytruncate, copy deleted: the first and third parts, not the lost second")
        try EO.expectLostEvent(dir + "/s", firstLine: lines[0])
    }

    /// Rotation with the old file deleted at once (rotate 0): its unread tail is reported lost.
    @Test func aRotatedFileDeletedAtOnceIsReportedLost() throws {
        let lines = EO.lines(try EO.sample(dir + "/sample.jsonl", lines: 5_000))
        try #require(lines.count > 4_600, "the sample has \(lines.count) lines")
        let log = dir + "/v.jsonl"
        EO.write(EO.join(lines[0..<2_000]), to: log)
        #expect(try EO.run(EO.cycle(log, dir + "/s")).status == 0)
        EO.append(EO.join(lines[2_000..<3_000]), to: log)
        try FileManager.default.removeItem(atPath: log)
        EO.write(EO.join(lines[3_000...]), to: log)
        let r = try EO.run(EO.cycle(log, dir + "/s"))
        #expect(r.status == 0, "\(r.stderr)")
        #expect((r.stdout + r.stderr).lowercased().contains("lost"), "the text report must say so: \(r.stdout.prefix(3_000))")
        EO.write(EO.join(lines[0..<2_000] + lines[3_000...]), to: dir + "/kept.jsonl")
        EO.expectSame(try EO.counts(dir + "/s"), try EO.clean([dir + "/kept.jsonl"], in: dir),
                      "rotate 0: the first and third parts, not the lost second")
        try EO.expectLostEvent(dir + "/s", firstLine: lines[0])
    }

    /// A rotated file read in full and then deleted (shifted out of NAME.N) frees its
    /// inode number, which the file system gives to the next new file — here the next
    /// live log. That file is new (another first line), not the old one truncated in
    /// place: nothing was lost, and no 'lost' or 'copytruncate' may be reported.
    @Test func aRecycledInodeIsNotTakenForATruncation() throws {
        let lines = EO.lines(try EO.sample(dir + "/sample.jsonl", lines: 5_000))
        try #require(lines.count > 4_600, "the sample has \(lines.count) lines")
        let log = dir + "/v.jsonl"
        EO.write(EO.join(lines[0..<1_500]), to: log)                           // A
        #expect(try EO.run(EO.cycle(log, dir + "/s")).status == 0)
        try FileManager.default.moveItem(atPath: log, toPath: log + ".1")
        EO.write(EO.join(lines[1_500..<3_000]), to: log)                       // B
        #expect(try EO.run(EO.cycle(log, dir + "/s")).status == 0)             // A drained (nothing left), B read
        let freed = EO.inode(log + ".1")
        try FileManager.default.removeItem(atPath: log + ".1")                  // A gone, read in full
        try FileManager.default.moveItem(atPath: log, toPath: log + ".1")      // B rotated, read in full
        // C, the new live file, on A's inode number if the file system gives it back.
        var spare: [String] = []
        var recycled = false
        for i in 0..<64 {
            let f = dir + "/new-\(i)"
            EO.write(Data(), to: f)
            if EO.inode(f) == freed { try FileManager.default.moveItem(atPath: f, toPath: log); recycled = true; break }
            spare.append(f)
        }
        for f in spare { try? FileManager.default.removeItem(atPath: f) }
        guard recycled else {
            print("recycled inode: the file system did not give inode \(freed) back; nothing tested")
            return
        }
        EO.append(EO.join(lines[3_000...]), to: log)                            // C
        let r = try EO.run(EO.cycle(log, dir + "/s"))
        #expect(r.status == 0, "\(r.stderr)")
        EO.write(EO.join(lines[0..<1_500]), to: dir + "/a.jsonl")              // A, as it was
        EO.expectSame(try EO.counts(dir + "/s"), try EO.clean([dir + "/a.jsonl", log + ".1", log], in: dir),
                      "a new log on a recycled inode (A + B + C)")
        let wrong = try EO.events(dir + "/s").filter { $0.kind == "lost" || $0.kind == "copytruncate" }
        #expect(wrong.isEmpty, "file A was read in full before it was deleted and C is a new file on A's old inode \(freed); yet: \(wrong)")
    }

    /// Timestamps before 2000 or more than a day ahead are malformed (out_of_range), not counted.
    @Test func implausibleTimestampsAreMalformedOutOfRange() throws {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        func line(_ at: String) -> String {
            "{\"timestamp\": \"\(at)\", \"violation_type\": \"constitutional\", \"function\": \"dated\", \"error\": \"Article IV violated: x\", \"severity\": \"high\"}\n"
        }
        let log = dir + "/v.jsonl"
        EO.write(Data((line("1999-12-31T23:59:59.000000Z") + line(f.string(from: Date().addingTimeInterval(-3_600)))
                       + line(f.string(from: Date().addingTimeInterval(12 * 3_600)))
                       + line(f.string(from: Date().addingTimeInterval(2 * 86_400)))).utf8), to: log)
        let r = try EO.run(EO.cycle(log, dir + "/s"))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try EO.counts(dir + "/s") == ["dated": 2], "an hour ago and 12 h ahead count; 1999 and 2 days ahead do not")
        let malformed = try EO.malformed(dir + "/s")
        #expect(malformed["out_of_range"] == 2, "malformed: \(malformed)")
    }

    // MARK: (i) non-regular files

    /// A FIFO, a symlink to /dev/zero, a Unix socket and a directory as --log: refused
    /// (exit 66) within a second, naming the kind — never opened and waited on or read forever.
    @Test func nonRegularFilesAreRefusedAtOnceNamingTheKind() throws {
        let baseline = try EO.run(EO.cycle(dir + "/absent.jsonl", dir + "/s"), timeout: 30)
        #expect(baseline.status == 66, "a missing log: exit \(baseline.status)")
        let fifo = dir + "/fifo.jsonl"
        #expect(mkfifo(fifo, 0o644) == 0)
        let zero = dir + "/zero.jsonl"
        try FileManager.default.createSymbolicLink(atPath: zero, withDestinationPath: "/dev/zero")
        let sock = dir + "/sock.jsonl"
        let fd = try EO.unixSocket(at: sock)
        defer { close(fd) }
        let sub = dir + "/subdir.jsonl"
        try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: true)
        let cases: [(String, String, [String])] = [
            ("FIFO", fifo, ["fifo", "pipe"]), ("/dev/zero", zero, ["character device"]),
            ("socket", sock, ["socket"]), ("directory", sub, ["directory"]),
        ]
        // A second wall-clock from start to refusal, or the start-up time of a plain refusal
        // plus half a second when the machine is that slow.
        let limit = max(1.0, baseline.seconds + 0.5)
        for (kind, path, words) in cases {
            let r = try EO.run(EO.cycle(path, dir + "/s"), timeout: 10)
            #expect(r.status == 66, "\(kind) as --log: exit \(r.status)\(r.timedOut ? " (killed after 10 s: it hung)" : ""), 66 wanted; stderr: \(r.stderr)")
            #expect(r.seconds < limit, "\(kind) as --log: refused after \(String(format: "%.2f", r.seconds)) s (limit \(String(format: "%.2f", limit)) s; a missing log takes \(String(format: "%.2f", baseline.seconds)) s)")
            let err = r.stderr.lowercased()
            #expect(words.contains { err.contains($0) }, "\(kind) as --log: stderr must name the kind (\(words)): \(r.stderr)")
        }
    }
}

/// The helpers of ExactlyOnceTests.
enum EO {
    static func makeDirectory() -> String {
        let dir = NSTemporaryDirectory() + "cc-eo-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func cycle(_ log: String, _ state: String) -> [String] {
        ["cycle", "--log", log, "--state-dir", state, "--no-models"]
    }

    static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var e = ProcessInfo.processInfo.environment
        for k in ["STATE_DIRECTORY", "VIOLATIONS_LOG", "NOTIFY_SOCKET", "WATCHDOG_USEC", "WATCHDOG_PID",
                  "JOURNAL_STREAM", "CONSCIOUSNESS_CONFIG"] { e[k] = nil }
        e["MODEL_STAGES"] = "off"
        for (k, v) in extra { e[k] = v }
        return e
    }

    struct Result: CustomStringConvertible {
        var status: Int32
        var reason: Process.TerminationReason
        var stdout: String
        var stderr: String
        var seconds: Double
        var timedOut: Bool
        var description: String { "exit \(status) after \(seconds) s: \(stderr)" }
    }

    /// A child with its output in files (no pipe to fill up), waited for with a deadline.
    final class Child {
        let process = Process()
        let out: String, err: String
        let started = Date()

        init(_ args: [String], cwd: String?, env: [String: String], output: String? = nil) throws {
            let base = NSTemporaryDirectory() + "cc-eo-out-" + UUID().uuidString
            out = output ?? base + ".out"
            err = output ?? base + ".err"
            _ = FileManager.default.createFile(atPath: out, contents: nil)
            if err != out { _ = FileManager.default.createFile(atPath: err, contents: nil) }
            process.executableURL = URL(fileURLWithPath: Binary.path)
            process.arguments = args
            if let cwd { process.currentDirectoryURL = URL(fileURLWithPath: cwd) }
            process.environment = env
            process.standardOutput = FileHandle(forWritingAtPath: out)
            process.standardError = err == out ? process.standardOutput : FileHandle(forWritingAtPath: err)
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }

        var pid: Int32 { process.processIdentifier }
        var isRunning: Bool { process.isRunning }

        func wait(timeout: Double = 300) -> Result {
            let deadline = started.addingTimeInterval(timeout)
            while process.isRunning, Date() < deadline { usleep(2_000) }
            let timedOut = process.isRunning
            if timedOut { EO.send(pid, SIGKILL) }
            process.waitUntilExit()
            let seconds = Date().timeIntervalSince(started)
            let o = (try? String(contentsOfFile: out, encoding: .utf8)) ?? ""
            let e = (try? String(contentsOfFile: err, encoding: .utf8)) ?? ""
            if out.hasPrefix(NSTemporaryDirectory() + "cc-eo-out-") {
                try? FileManager.default.removeItem(atPath: out)
                try? FileManager.default.removeItem(atPath: err)
            }
            return Result(status: process.terminationStatus, reason: process.terminationReason,
                          stdout: o, stderr: e, seconds: seconds, timedOut: timedOut)
        }

        /// SIGTERM, then SIGKILL after `timeout`.
        func terminate(timeout: Double) -> Result {
            if process.isRunning { EO.send(pid, SIGCONT); EO.send(pid, SIGTERM) }
            let deadline = Date().addingTimeInterval(timeout)
            while process.isRunning, Date() < deadline { usleep(10_000) }
            return wait(timeout: 0)
        }

        /// For defers: gone whatever happened.
        func kill() {
            if process.isRunning { EO.send(pid, SIGKILL); EO.send(pid, SIGCONT) }
            process.waitUntilExit()
        }
    }

    /// kill(2), under a name no method shadows.
    static func send(_ pid: Int32, _ sig: Int32) { _ = kill(pid, sig) }

    static func start(_ args: [String], cwd: String? = nil, env: [String: String] = [:]) throws -> Child {
        try Child(args, cwd: cwd, env: environment(env))
    }

    static func run(_ args: [String], cwd: String? = nil, env: [String: String] = [:], timeout: Double = 300) throws -> Result {
        try start(args, cwd: cwd, env: env).wait(timeout: timeout)
    }

    static func daemon(log: String, state: String, output: String) throws -> Child {
        try Child(["daemon", "--state-dir", state], cwd: nil,
                  env: environment(["VIOLATIONS_LOG": log, "CYCLE_INTERVAL": "1s", "RUN_AT_START": "true"]),
                  output: output)
    }

    // MARK: logs

    /// `consciousness sample` (ending now), its bytes.
    static func sample(_ path: String, lines: Int, seed: Int = 42) throws -> Data {
        let r = try run(["sample", "--output", path, "--lines", "\(lines)", "--days", "14", "--seed", "\(seed)"])
        #expect(r.status == 0, "sample: \(r.stderr)")
        return try Data(contentsOf: URL(fileURLWithPath: path))
    }

    /// Lines, each with its newline.
    static func lines(_ data: Data) -> [Data] {
        var out: [Data] = []
        var start = data.startIndex
        while let nl = data[start...].firstIndex(of: UInt8(ascii: "\n")) {
            out.append(data[start...nl])
            start = nl + 1
        }
        if start < data.endIndex { out.append(data[start...]) }
        return out
    }

    static func join<C: Collection>(_ lines: C) -> Data where C.Element == Data {
        lines.reduce(into: Data()) { $0.append($1) }
    }

    static func write(_ data: Data, to path: String) {
        _ = FileManager.default.createFile(atPath: path, contents: data)
    }

    static func append(_ data: Data, to path: String) {
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        let h = FileHandle(forWritingAtPath: path)!
        h.seekToEndOfFile()
        h.write(data)
        h.closeFile()
    }

    /// One valid line, timestamped an hour ago.
    static func line(function: String) -> String {
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let at = f.string(from: Date().addingTimeInterval(-3_600))
        return "{\"timestamp\": \"\(at)\", \"violation_type\": \"constitutional\", \"function\": \"\(function)\", "
            + "\"error\": \"Article IV violated: appended by sed\", \"severity\": \"high\"}"
    }

    /// `cp v t && mv t v`, with the real tools.
    static func cpmv(_ log: String, _ dir: String) throws {
        let r = try tool("/bin/sh", ["-c", "cp \"$1\" \"$2/t\" && mv \"$2/t\" \"$1\"", "sh", log, dir])
        #expect(r == 0, "cp && mv exited \(r)")
    }

    /// `sed -i '$a LINE' v`: a new file renamed over the old.
    static func sedAppend(_ line: String, to log: String) throws {
        let r = try tool("/bin/sed", ["-i", "$a " + line, log])
        #expect(r == 0, "sed -i exited \(r)")
    }

    static func tool(_ path: String, _ args: [String]) throws -> Int32 {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: path)
        p.arguments = args
        try p.run()
        p.waitUntilExit()
        return p.terminationStatus
    }

    /// True when someone holds an flock on `path` (probed without waiting, released at once).
    static func isLocked(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return false
        }
        return errno == EWOULDBLOCK
    }

    static func unixSocket(at path: String) throws -> Int32 {
        #if os(Linux)
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let fd = socket(AF_UNIX, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        precondition(bytes.count < MemoryLayout.size(ofValue: addr.sun_path), "socket path too long: \(path)")
        withUnsafeMutableBytes(of: &addr.sun_path) { buf in
            for (i, b) in bytes.enumerated() { buf[i] = b }
            buf[bytes.count] = 0
        }
        let rc = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        #expect(rc == 0, "bind \(path): errno \(errno)")
        return fd
    }

    static func inode(_ path: String) -> UInt64 {
        var st = stat()
        return stat(path, &st) == 0 ? UInt64(st.st_ino) : 0
    }

    static func tail(_ path: String, _ n: Int = 1_500) -> String {
        let s = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
        return String(s.suffix(n))
    }

    // MARK: the store

    static func database(_ state: String) throws -> DatabaseQueue {
        var c = Configuration()
        c.readonly = true
        return try DatabaseQueue(path: state + "/consciousness.sqlite", configuration: c)
    }

    /// Stored violations per function.
    static func counts(_ state: String) throws -> [String: Int64] {
        try database(state).read { db in
            var out: [String: Int64] = [:]
            for r in try Row.fetchAll(db, sql: """
                SELECT f.name, SUM(b.count) FROM buckets b JOIN functions f ON f.id = b.function_id GROUP BY f.name
                """) { out[r[0]] = r[1] }
            return out
        }
    }

    static func malformed(_ state: String) throws -> [String: Int64] {
        try database(state).read { db in
            var out: [String: Int64] = [:]
            for r in try Row.fetchAll(db, sql: "SELECT reason, count FROM malformed") { out[r[0]] = r[1] }
            return out
        }
    }

    struct LogEvent: CustomStringConvertible {
        var kind: String, path: String, detail: String, bytesRead: Int64?, bytesLost: Int64?, head: String
        var description: String {
            "\(kind) \(path) read \(bytesRead.map(String.init) ?? "nil") lost \(bytesLost.map(String.init) ?? "nil"): \(detail) [head \(head.prefix(60))]"
        }
    }

    static func events(_ state: String) throws -> [LogEvent] {
        try database(state).read { db in
            try Row.fetchAll(db, sql: "SELECT kind, path, detail, bytes_read, bytes_lost, head FROM log_events ORDER BY id").map {
                LogEvent(kind: $0["kind"] ?? "", path: $0["path"] ?? "", detail: $0["detail"] ?? "",
                         bytesRead: $0["bytes_read"], bytesLost: $0["bytes_lost"], head: $0["head"] ?? "")
            }
        }
    }

    /// The counts of one clean run: the files concatenated into a fresh log, one cycle
    /// with a fresh state directory (DIR/NAME-state).
    static func clean(_ files: [String], in dir: String, name: String = "clean") throws -> [String: Int64] {
        var all = Data()
        for f in files { all.append(try Data(contentsOf: URL(fileURLWithPath: f))) }
        let log = dir + "/\(name).jsonl", state = dir + "/\(name)-state"
        try? FileManager.default.removeItem(atPath: state)
        write(all, to: log)
        let r = try run(cycle(log, state))
        #expect(r.status == 0, "the clean run: \(r.stderr)")
        return try counts(state)
    }

    /// Fails with every differing function and the totals.
    static func expectSame(_ stored: [String: Int64], _ clean: [String: Int64], _ what: String,
                           sourceLocation: SourceLocation = #_sourceLocation) {
        guard stored != clean else { return }
        let s = stored.values.reduce(0, +), c = clean.values.reduce(0, +)
        var text = "\(what): stored \(s), a clean run \(c) (\(s - c > 0 ? "+" : "")\(s - c)); per function:"
        for name in Set(stored.keys).union(clean.keys).sorted() where stored[name] != clean[name] {
            let a = stored[name] ?? 0, b = clean[name] ?? 0
            text += "\n   \(name): stored \(a), clean \(b) (\(a - b > 0 ? "+" : "")\(a - b))"
        }
        Issue.record(Comment(rawValue: text), sourceLocation: sourceLocation)
    }

    /// A 'lost' event whose head is the start of the lost file's first line.
    static func expectLostEvent(_ state: String, firstLine: Data, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let first = String(decoding: firstLine, as: UTF8.self).trimmingCharacters(in: .newlines)
        let events = try events(state)
        let lost = events.filter { $0.kind == "lost" }
        #expect(!lost.isEmpty, "a 'lost' event was due: \(events)", sourceLocation: sourceLocation)
        #expect(lost.contains { !$0.head.isEmpty && $0.head.utf8.count <= 256 && first.hasPrefix($0.head) },
                "the 'lost' event's head must be the first ≤256 bytes of the lost file's first line (\(first.prefix(80))…): \(lost)",
                sourceLocation: sourceLocation)
    }
}

/// A file opened for this cycle, with its fingerprint (nil: no complete first line).
struct SeenFile {
    let path: String
    let file: LogFile
    let fingerprint: LogFingerprint?
}

/// One file to read this cycle, from `from` to its size at open.
struct PlannedRead {
    var seen: SeenFile
    /// The registry entry as it will be written; its offset and lines move after the scan.
    var entry: LogCheckpoint
    /// The event this read drains for (its bytes are credited there).
    var event: Int?
    var isLive: Bool
    var from: Int64 { entry.offset }
}

/// Which files a cycle reads and from where, decided from the registry of files read
/// before and what lies at the log's path and beside it now — as log shippers decide
/// (Filebeat's registry, Vector's fingerprinted `file` source, fluent-bit's `tail`):
/// a file is known by its fingerprint, wherever and under whatever inode it lies; a
/// rotated file is read to its end before the new one; a truncation is detected and
/// the copy drained, or the loss reported.
struct LogPlan {
    var reads: [PlannedRead] = []
    var events: [LogEvent] = []
    /// Entries whose role changes without a read (a file gone).
    var retired: [LogCheckpoint] = []
    var resume = ResumePoint.restart(.firstRead)
    /// Registry entries as they were when planned: the commit checks that no other
    /// cycle moved them meanwhile.
    var expected: [LogCheckpoint] = []

    private var used = Set<Int>()      // indices into `known`
    private var claimed = Set<Int>()   // indices into `siblings`

    static func make(livePath: String, live: SeenFile, siblings: [SeenFile], known: [LogCheckpoint]) throws(LogFileError) -> LogPlan {
        var p = LogPlan()
        try p.planLive(livePath, live, siblings, known)
        p.planRotated(siblings, known, livePath: livePath)
        return p
    }

    // MARK: the live file

    private mutating func planLive(_ livePath: String, _ live: SeenFile, _ siblings: [SeenFile], _ known: [LogCheckpoint]) throws(LogFileError) {
        let previous = known.indices.first { known[$0].role == .live && known[$0].path == livePath }
        if let fp = live.fingerprint, let i = bestMatch(fp, for: live.file, previous: previous, known) {
            try resumeLive(live, known[i], index: i)
        } else if let i = previous, known[i].isFile(live.file) {
            // The file that was live here, same inode, another first line: truncated in
            // place and written again. (Only that one: a rotated file's inode seen
            // again is a deleted file's number reused, not a truncation.)
            used.insert(i)
            resume = .restart(.truncated)
            drain(known[i], siblings, kind: .copytruncate,
                  detail: "\(livePath) was truncated in place at byte \(known[i].offset) of \(known[i].sizeSeen) and written again")
            readNew(live, livePath)
        } else {
            resume = known.isEmpty ? .restart(.firstRead) : previous == nil ? .restart(.newPath) : .restart(.rotated)
            readNew(live, livePath)
        }
        if let previous, !used.contains(previous) {
            // The file that was live here last time is not the one there now: rotated.
            used.insert(previous)
            if case .resume = resume {} else { resume = .restart(.rotated) }
            drain(known[previous], siblings, kind: .rotated,
                  detail: "\(livePath) is a new file; the old one was read up to byte \(known[previous].offset)")
        }
    }

    /// The registry entry a fingerprint names: the same inode first, then the file last
    /// live at this path, then the one read furthest.
    private func bestMatch(_ fp: LogFingerprint, for file: LogFile, previous: Int?, _ known: [LogCheckpoint]) -> Int? {
        // Gone files match too: a file restored from elsewhere resumes, never recounts.
        let matches = known.indices.filter { !used.contains($0) && known[$0].fingerprint == fp }
        return matches.first { known[$0].isFile(file) } ?? matches.first { $0 == previous }
            ?? matches.max { known[$0].offset < known[$1].offset }
    }

    private mutating func resumeLive(_ live: SeenFile, _ e: LogCheckpoint, index: Int) throws(LogFileError) {
        used.insert(index)
        expected.append(e)
        var entry = e
        entry.path = live.path
        entry.role = .live
        if live.file.size < e.offset {
            // Shrunk under the same first line: edited in place. Its content is taken
            // as read (counting it again would double it); what is appended is read.
            let end = try live.file.lineEnd(atOrBefore: live.file.size)
            events.append(LogEvent(kind: .replaced, path: live.path,
                                   detail: "\(live.path) shrank from \(e.offset) to \(live.file.size) bytes under the same first line (edited in place?); its content is taken as read",
                                   head: e.fingerprint.head))
            entry.offset = end
            resume = .restart(.replaced)
        } else if e.offset > 0, !e.isFile(live.file), try live.file.byte(at: e.offset - 1) != 0x0A {
            // Same first line, new inode, but no line ends where reading stopped: the
            // file was rewritten with other content before that point.
            let start = try live.file.lineStart(atOrAfter: e.offset)
            events.append(LogEvent(kind: .replaced, path: live.path,
                                   detail: "\(live.path) was rewritten: byte \(e.offset) is no longer a line start; reading resumes at the next line (\(start))",
                                   head: e.fingerprint.head))
            entry.offset = start
            resume = .restart(.replaced)
        } else {
            resume = .resume(offset: e.offset, lines: e.lines)
        }
        entry.device = live.file.device
        entry.inode = live.file.inode
        reads.append(PlannedRead(seen: live, entry: entry, event: nil, isLive: true))
    }

    private mutating func readNew(_ live: SeenFile, _ path: String) {
        guard let fp = live.fingerprint else { return }  // nothing complete to read yet
        let entry = LogCheckpoint(fingerprint: fp, path: path, device: live.file.device, inode: live.file.inode,
                                  offset: 0, lines: 0, sizeSeen: 0, modifiedSeen: 0, role: .live)
        reads.append(PlannedRead(seen: live, entry: entry, event: nil, isLive: true))
    }

    // MARK: rotated files

    static func directory(_ path: String) -> Substring {
        path.lastIndex(of: "/").map { path[..<$0] } ?? ""
    }

    /// Reads the rest of a former live file from where it lies now, or reports it lost.
    private mutating func drain(_ e: LogCheckpoint, _ siblings: [SeenFile], kind: LogEvent.Kind, detail: String) {
        expected.append(e)
        let candidates = siblings.indices.filter { !claimed.contains($0) && siblings[$0].fingerprint == e.fingerprint }
        let found = candidates.first { e.isFile(siblings[$0].file) } ?? candidates.max { siblings[$0].file.size < siblings[$1].file.size }
        guard let s = found, siblings[s].file.size >= e.offset else {
            var gone = e
            gone.role = .gone
            retired.append(gone)
            events.append(LogEvent(kind: .lost, path: e.path,
                                   detail: "\(detail), and is not found beside it (NAME.1, NAME-*, ROTATED_GLOB): whatever was written to it after byte \(e.offset) is lost",
                                   head: e.fingerprint.head))
            return
        }
        claimed.insert(s)
        let f = siblings[s]
        var entry = e
        entry.path = f.path
        entry.device = f.file.device
        entry.inode = f.file.inode
        entry.role = .rotated
        events.append(LogEvent(kind: kind, path: f.path, detail: detail, head: e.fingerprint.head))
        reads.append(PlannedRead(seen: f, entry: entry, event: events.count - 1, isLive: false))
    }

    /// Siblings not claimed yet: a known rotated file that grew (a writer still on the
    /// old descriptor) is read on; an unknown one written since the live file was last
    /// read is a generation rotated away between two cycles, read in full. Older unknown
    /// files are history from before this store watched, as the original tool ignored.
    private mutating func planRotated(_ siblings: [SeenFile], _ known: [LogCheckpoint], livePath: String) {
        // The newest change this store has seen to any file of this log: a file changed
        // after it, and never read from, holds lines no cycle has seen. (Not the live
        // entry's alone: the live file may have been seen empty, and never registered.)
        let directory = Self.directory(livePath)
        let lastLook = known.filter { Self.directory($0.path) == directory }.map(\.modifiedSeen).max()
        for (s, f) in siblings.enumerated() where !claimed.contains(s) {
            guard let fp = f.fingerprint, !reads.contains(where: { $0.entry.fingerprint == fp }) else { continue }
            if let i = known.indices.first(where: { !used.contains($0) && known[$0].fingerprint == fp }) {
                used.insert(i)
                claimed.insert(s)
                guard f.file.size > known[i].offset else { continue }
                expected.append(known[i])
                var entry = known[i]
                entry.path = f.path
                entry.device = f.file.device
                entry.inode = f.file.inode
                entry.role = .rotated
                reads.append(PlannedRead(seen: f, entry: entry, event: nil, isLive: false))
            } else if let lastLook, f.file.modified > lastLook {
                claimed.insert(s)
                events.append(LogEvent(kind: .rotated, path: f.path,
                                       detail: "a generation written and rotated since the last cycle, read in full",
                                       head: fp.head))
                let entry = LogCheckpoint(fingerprint: fp, path: f.path, device: f.file.device, inode: f.file.inode,
                                          offset: 0, lines: 0, sizeSeen: 0, modifiedSeen: 0, role: .rotated)
                reads.append(PlannedRead(seen: f, entry: entry, event: events.count - 1, isLive: false))
            }
        }
    }
}

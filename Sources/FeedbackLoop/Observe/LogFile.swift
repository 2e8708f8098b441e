#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Why the log could not be read. Carries the path and the OS's own words.
public struct LogFileError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var reason: String
    public var description: String { "cannot read violations log \(path): \(reason)" }

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    init(_ path: String, errno e: Int32) {
        self.path = path
        self.reason = String(cString: strerror(e))
    }
}

/// An open violations log: its identity (device, inode), its size and modification
/// time when opened, and positioned reads. Closed when the last reference goes.
public final class LogFile: Sendable {
    public let path: String
    public let device: UInt64
    public let inode: UInt64
    /// Size at open. A cycle reads up to here and no further, so a writer appending
    /// meanwhile leaves its lines, complete or not, for the next cycle.
    public let size: Int64
    /// Last modification, microseconds since the epoch (the file system's clock).
    public let modified: Int64
    let fd: Int32

    /// Opens a regular file for reading. O_NONBLOCK because open(2) on a FIFO blocks
    /// until a writer appears — for ever, uninterruptibly by SIGTERM — before any
    /// check could run; with it the open returns at once and fstat tells the kind.
    public init(path: String) throws(LogFileError) {
        // A socket cannot be opened at all (ENXIO): name its kind from stat(2) first.
        var pre = stat()
        if stat(path, &pre) == 0, (pre.st_mode & S_IFMT) != S_IFREG { throw Self.notRegular(path, pre.st_mode) }
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else { throw LogFileError(path, errno: errno) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let e = errno
            close(fd)
            throw LogFileError(path, errno: e)
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw Self.notRegular(path, st.st_mode)
        }
        self.path = path
        self.fd = fd
        self.device = UInt64(st.st_dev)
        self.inode = UInt64(st.st_ino)
        self.size = Int64(st.st_size)
        self.modified = Int64(st.st_mtim.tv_sec) * 1_000_000 + Int64(st.st_mtim.tv_nsec) / 1000
    }

    deinit { close(fd) }

    static func notRegular(_ path: String, _ mode: mode_t) -> LogFileError {
        LogFileError(path: path, reason: "it is \(kind(mode)), not a regular file; a violations log must be a file the agents append to")
    }

    static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: "a FIFO (named pipe)"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        case S_IFDIR: "a directory"
        case S_IFLNK: "a symbolic link"
        default: "not a regular file"
        }
    }

    /// The path with every symbolic link, `.` and `..` resolved: the one spelling of a
    /// file, whatever the configuration or the command line called it.
    public static func canonicalPath(_ path: String) throws(LogFileError) -> String {
        guard let resolved = realpath(path, nil) else { throw LogFileError(path, errno: errno) }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// Reads up to `count` bytes at `offset` into `buffer`; fewer only at end of file.
    func read(into buffer: UnsafeMutableRawBufferPointer, at offset: Int64) throws(LogFileError) -> Int {
        var done = 0
        while done < buffer.count {
            let n = pread(fd, buffer.baseAddress! + done, buffer.count - done, off_t(offset) + off_t(done))
            if n == 0 { break }
            if n < 0 {
                if errno == EINTR { continue }
                throw LogFileError(path, errno: errno)
            }
            done += n
        }
        return done
    }

    /// The byte at `offset`, nil past the end.
    func byte(at offset: Int64) throws(LogFileError) -> UInt8? {
        var b: UInt8 = 0
        let n = try withUnsafeMutableBytes(of: &b) { p throws(LogFileError) in try read(into: p, at: offset) }
        return n == 1 ? b : nil
    }

    /// The file's fingerprint: its first line (up to 4 KiB), nil while the file holds
    /// no complete first line — a file with nothing read from it needs no identity.
    public func fingerprint() throws(LogFileError) -> LogFingerprint? {
        let want = LogFingerprint.maxBytes
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: want, alignment: 8)
        defer { buffer.deallocate() }
        let got = try read(into: buffer, at: 0)
        let n: Int
        if let nl = buffer[0..<got].firstIndex(of: 0x0A) { n = nl } else if got == want { n = want } else { return nil }
        let head = UnsafeRawBufferPointer(rebasing: buffer[0..<n])
        return LogFingerprint(length: n, hash: LogFingerprint.hash(head), head: Self.printable(head))
    }

    /// The first bytes of a line as text a report can show.
    static func printable(_ bytes: UnsafeRawBufferPointer) -> String {
        String(decoding: bytes.prefix(LogFingerprint.shownBytes), as: UTF8.self)
    }
}

extension LogFile {
    /// Just past the last newline at or before `limit` (0 if none): where the complete
    /// lines end.
    func lineEnd(atOrBefore limit: Int64) throws(LogFileError) -> Int64 {
        let chunk = 64 << 10
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 8)
        defer { buffer.deallocate() }
        var end = limit
        while end > 0 {
            let start = max(0, end - Int64(chunk))
            let n = try read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<Int(end - start)]), at: start)
            if let nl = buffer[0..<n].lastIndex(of: 0x0A) { return start + Int64(nl) + 1 }
            end = start
        }
        return 0
    }

    /// `offset` if a line starts there, else just past the next newline (the size if none).
    func lineStart(atOrAfter offset: Int64) throws(LogFileError) -> Int64 {
        if offset == 0 { return offset }
        if try byte(at: offset - 1) == 0x0A { return offset }
        let chunk = 64 << 10
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 8)
        defer { buffer.deallocate() }
        var at = offset
        while at < size {
            let n = try read(into: buffer, at: at)
            if n == 0 { break }
            if let nl = buffer[0..<n].firstIndex(of: 0x0A) { return min(size, at + Int64(nl) + 1) }
            at += Int64(n)
        }
        return size
    }
}

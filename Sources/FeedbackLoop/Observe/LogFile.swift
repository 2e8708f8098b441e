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

/// An open violations log: its identity (device, inode), its size when opened, and
/// positioned reads. Closed when the last reference goes.
public final class LogFile: Sendable {
    public let path: String
    public let device: UInt64
    public let inode: UInt64
    /// Size at open. A cycle reads up to here and no further, so a writer appending
    /// meanwhile leaves its lines, complete or not, for the next cycle.
    public let size: Int64
    let fd: Int32

    public init(path: String) throws(LogFileError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw LogFileError(path, errno: errno) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let e = errno
            close(fd)
            throw LogFileError(path, errno: e)
        }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            close(fd)
            throw LogFileError(path, errno: EISDIR)
        }
        self.path = path
        self.fd = fd
        self.device = UInt64(st.st_dev)
        self.inode = UInt64(st.st_ino)
        self.size = Int64(st.st_size)
    }

    deinit { close(fd) }

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

    /// The first line's length and hash (up to 4 KiB), the fingerprint that tells a
    /// file replaced in place (same inode, new content) from one that grew.
    public func headFingerprint(length: Int? = nil) throws(LogFileError) -> (length: Int, hash: UInt64) {
        let want = length ?? 4096
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: max(want, 1), alignment: 8)
        defer { buffer.deallocate() }
        let got = try read(into: buffer, at: 0)
        var n = got
        if length == nil, let nl = buffer[0..<got].firstIndex(of: 0x0A) { n = nl }
        if let length, got < length { return (got, 0) }
        return (n, ByteInterner.hash(UnsafeRawBufferPointer(rebasing: buffer[0..<n])))
    }
}

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import CLogWindow

/// A log's bytes a window at a time, for the read loop: mapped where the kernel allows,
/// so the scanner reads them where the page cache holds them; read(2) into a buffer
/// only where it does not (a file system without mmap, no address space). The copy
/// read(2) makes was most of a cold scan's system time: 227 MB found line by line in
/// 104–161 ms through a 256 KiB buffer, 38–39 ms through 4 MiB mapped windows (one
/// thread, page cache, the same memchr loop in C).
///
/// A window past a truncation would raise SIGBUS; `CLogWindow` turns that into zeros
/// and a mark, and `release()` into `ChangedWhileRead`, so the read is thrown away and
/// done again — as when a file's first line changes under the scan.
struct LogWindows: ~Copyable {
    /// Mapped windows: 8 MiB keeps a slice's mapped pages (resident while mapped) small
    /// and its mmap/munmap pairs few (~14 per slice of a 227 MB cold read).
    static let mappedBytes = 8 << 20
    /// The read(2) fallback's buffer.
    static let readBytes = 256 << 10

    let file: LogFile
    private(set) var capacity: Int
    private var mapping = cc_log_window()
    private var isMapped = false
    private var buffer: UnsafeMutableRawBufferPointer?

    /// `mapped: false` reads `bytes` at a time with read(2) from the start (the tests
    /// hold the two ways to the same lines).
    init(_ file: LogFile, bytes: Int = Self.mappedBytes, mapped: Bool = true) {
        self.file = file
        self.capacity = bytes
        if !mapped { buffer = .allocate(byteCount: bytes, alignment: 16) }
    }

    deinit {
        // A window still mapped here was left by a throw between `window` and `release`.
        var left = mapping
        if isMapped { _ = cc_log_window_unmap(&left) }
        buffer?.deallocate()
    }

    /// The bytes of `[offset, offset + count)`, `count` at most `capacity`; fewer only at
    /// the end of the file. Valid until `release()`, which must come before the next call.
    mutating func window(at offset: Int64, count: Int) throws(LogFileError) -> UnsafeRawBufferPointer {
        precondition(!isMapped && count <= capacity)
        if buffer == nil {
            if cc_log_window_map(file.fd, offset, count, &mapping) == 0 {
                isMapped = true
                return UnsafeRawBufferPointer(start: mapping.bytes, count: mapping.length)
            }
            // No mapping (the reason is the file system's): read(2) from here on.
            capacity = Self.readBytes
            buffer = .allocate(byteCount: capacity, alignment: 16)
        }
        let into = UnsafeMutableRawBufferPointer(rebasing: buffer![0..<min(count, capacity)])
        return UnsafeRawBufferPointer(rebasing: into[0..<(try file.read(into: into, at: offset))])
    }

    /// Done with the window. Throws when the file shrank under it: its bytes from the
    /// lost page on were zeros, and what was made of them must be thrown away.
    mutating func release() throws(LogIngest.ChangedWhileRead) {
        guard isMapped else { return }
        isMapped = false
        if cc_log_window_unmap(&mapping) != 0 { throw LogIngest.ChangedWhileRead(path: file.path) }
    }
}

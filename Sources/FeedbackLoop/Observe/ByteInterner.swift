/// Maps byte strings to dense integer ids without allocating on a hit. A log of a
/// million lines names a dozen functions and a few dozen signatures; building a Swift
/// String per field per line is what made a naive scanner slow (see DESIGN.md), so the
/// scanner hashes the bytes in place and allocates only the first time it sees a value.
///
/// Open addressing with linear probing over a power-of-two table; the keys' bytes live
/// end to end in one buffer (no array per key to retain and release on each compare),
/// and the table stores (hash, id) so most probes compare one integer.
struct ByteInterner {
    private var bytes: [UInt8] = []
    /// Key `id` is `bytes[ends[id - 1] ..< ends[id]]` (from 0 for the first).
    private var ends: [Int] = []
    private var slots: [Slot]
    private var mask: Int

    private struct Slot {
        var hash: UInt64 = 0
        var id: Int32 = -1
    }

    init(capacity: Int = 64) {
        var size = 16
        while size < capacity * 2 { size <<= 1 }
        slots = Array(repeating: Slot(), count: size)
        mask = size - 1
    }

    var count: Int { ends.count }

    private func range(_ id: Int) -> Range<Int> { (id == 0 ? 0 : ends[id - 1])..<ends[id] }

    func string(_ id: Int32) -> String { String(decoding: bytes[range(Int(id))], as: UTF8.self) }

    /// The id of `key`, added if new. A `hint` (the id the same field had on the line
    /// before, or −1) is checked first: a field repeated line after line is compared,
    /// not hashed.
    @inline(__always)
    mutating func intern(_ key: UnsafeRawBufferPointer, hint: Int32 = -1) -> Int32 {
        if hint >= 0, bytes.withUnsafeBytes({ Self.equal($0, range(Int(hint)), key) }) { return hint }
        let h = Self.hash(key)
        let (slot, found) = probe(key, h)
        if let found { return found }
        let id = Int32(ends.count)
        bytes.append(contentsOf: key)
        ends.append(bytes.count)
        slots[slot] = Slot(hash: h, id: id)
        if ends.count * 2 > slots.count { grow() }
        return id
    }

    /// The slot holding `key`, or the empty slot where it would go.
    @inline(__always)
    private func probe(_ key: UnsafeRawBufferPointer, _ h: UInt64) -> (Int, Int32?) {
        slots.withUnsafeBufferPointer { slots in
            bytes.withUnsafeBytes { stored in
                var i = Int(truncatingIfNeeded: h) & mask
                while true {
                    let slot = slots[i]
                    if slot.id < 0 { return (i, nil) }
                    if slot.hash == h, Self.equal(stored, range(Int(slot.id)), key) { return (i, slot.id) }
                    i = (i + 1) & mask
                }
            }
        }
    }

    private mutating func grow() {
        let size = slots.count * 2
        var fresh = Array(repeating: Slot(), count: size)
        let m = size - 1
        for slot in slots where slot.id >= 0 {
            var i = Int(truncatingIfNeeded: slot.hash) & m
            while fresh[i].id >= 0 { i = (i + 1) & m }
            fresh[i] = slot
        }
        slots = fresh
        mask = m
    }

    @inline(__always)
    private static func equal(_ stored: UnsafeRawBufferPointer, _ r: Range<Int>, _ key: UnsafeRawBufferPointer) -> Bool {
        guard r.count == key.count else { return false }
        guard let a = stored.baseAddress, let b = key.baseAddress, r.count > 0 else { return true }
        return Bytes.equal(a + r.lowerBound, b, r.count)
    }

    /// Eight bytes a step, each word folded in by a multiply–xorshift, the last one to
    /// eight bytes read as one word ending at the key's end (no byte loop), then a
    /// murmur finalizer so linear probing on the low bits spreads well. Not for
    /// adversaries: a hostile log can only make its own lookups slower, never wrong.
    /// Not stored anywhere: it may change between versions (`LogFingerprint.hash`, which
    /// is stored, has its own).
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        let n = bytes.count
        var h: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64(n)
        if let base = bytes.baseAddress, n > 0 {
            var i = 0
            while i + 8 < n {
                h = (h ^ base.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xBF58_476D_1CE4_E5B9
                h ^= h >> 31
                i += 8
            }
            h = (h ^ Bytes.tail(base, from: i, to: n)) &* 0x94D0_49BB_1331_11EB
        }
        h ^= h >> 33
        h &*= 0xff51_afd7_ed55_8ccd
        h ^= h >> 33
        return h
    }
}

/// Short byte strings read and compared a word at a time, inline: the scanner's keys
/// are 4 to 100 bytes, where a call to `memcmp` costs more than the compare.
enum Bytes {
    /// Bytes `from..<to` (one to eight of them) as one word, without reading outside
    /// `base[0..<to]`: the word ending at `to`, shifted; when `to` is under eight (and
    /// `from` is 0, as the callers' word loops leave it), two overlapping halves or single
    /// bytes. Equal words mean equal bytes only for the same `to − from` and, below
    /// eight, the same `to`.
    @inline(__always)
    static func tail(_ base: UnsafeRawPointer, from: Int, to n: Int) -> UInt64 {
        let r = n - from
        if n >= 8 { return base.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) >> UInt64(8 * (8 - r)) }
        if n >= 4 {
            return UInt64(base.loadUnaligned(as: UInt32.self))
                | UInt64(base.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)) << 32
        }
        var w: UInt64 = 0
        for k in 0..<n { w |= UInt64(base.load(fromByteOffset: k, as: UInt8.self)) << UInt64(8 * k) }
        return w
    }

    /// Whether `a[0..<n]` equals `b[0..<n]`.
    @inline(__always)
    static func equal(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ n: Int) -> Bool {
        var i = 0
        while i + 8 < n {
            if a.loadUnaligned(fromByteOffset: i, as: UInt64.self) != b.loadUnaligned(fromByteOffset: i, as: UInt64.self) {
                return false
            }
            i += 8
        }
        return tail(a, from: i, to: n) == tail(b, from: i, to: n)
    }
}

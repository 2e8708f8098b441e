/// The scanner's buckets: (function, signature, hour) → totals, in an open-addressing
/// table keyed by the three ids, hashed by a multiply and a shift (the standard
/// library's Dictionary seeds SipHash per lookup, a third of the cost of a line here).
/// Lines come in time order, so most land in the bucket the line before did: that one
/// is checked first.
struct BucketIndex {
    private var keys: [BucketKey] = []
    private var totals: [BucketTotals] = []
    private var slots: [Int32]
    private var mask: Int
    private var last = -1

    init() {
        slots = Array(repeating: -1, count: 1024)
        mask = 1023
    }

    var count: Int { keys.count }

    @inline(__always)
    mutating func add(_ key: BucketKey, _ t: BucketTotals) {
        if last >= 0, keys[last] == key { return totals[last].add(t) }
        var i = Self.hash(key) & mask
        while true {
            let at = Int(slots[i])
            if at < 0 { break }
            if keys[at] == key {
                totals[at].add(t)
                last = at
                return
            }
            i = (i + 1) & mask
        }
        last = keys.count
        slots[i] = Int32(last)
        keys.append(key)
        totals.append(t)
        if keys.count * 2 > slots.count { grow() }
    }

    @inline(__always)
    private static func hash(_ k: BucketKey) -> Int {
        let a = UInt64(UInt32(bitPattern: k.function)) << 32 | UInt64(UInt32(bitPattern: k.signature))
        var h = (a ^ UInt64(UInt32(bitPattern: k.hour)) &* 0x9E37_79B9_7F4A_7C15) &* 0xBF58_476D_1CE4_E5B9
        h ^= h >> 31
        return Int(truncatingIfNeeded: h)
    }

    private mutating func grow() {
        let size = slots.count * 2
        slots = Array(repeating: -1, count: size)
        mask = size - 1
        for (at, key) in keys.enumerated() {
            var i = Self.hash(key) & mask
            while slots[i] >= 0 { i = (i + 1) & mask }
            slots[i] = Int32(at)
        }
    }

    func dictionary() -> [BucketKey: BucketTotals] {
        var d = [BucketKey: BucketTotals](minimumCapacity: keys.count)
        for (k, t) in zip(keys, totals) { d[k] = t }
        return d
    }
}

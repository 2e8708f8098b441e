/// One (function, error signature, hour) bucket. Ids index the batch's name tables.
public struct BucketKey: Hashable, Sendable {
    public var function: Int32
    public var signature: Int32
    public var hour: Int32

    public init(function: Int32, signature: Int32, hour: Int32) {
        self.function = function
        self.signature = signature
        self.hour = hour
    }

    public func hash(into h: inout Hasher) {
        h.combine(UInt64(UInt32(bitPattern: function)) << 32 | UInt64(UInt32(bitPattern: signature)))
        h.combine(hour)
    }
}

/// What a bucket knows: how many violations, the exact first and last instants, and
/// which severities occurred (bit i = severity id i; ids past 62 share bit 63).
public struct BucketTotals: Sendable, Equatable {
    public var count: Int64
    public var first: Microseconds
    public var last: Microseconds
    public var severityMask: UInt64

    public init(count: Int64, first: Microseconds, last: Microseconds, severityMask: UInt64) {
        self.count = count
        self.first = first
        self.last = last
        self.severityMask = severityMask
    }

    public mutating func add(_ o: BucketTotals) {
        count += o.count
        first = min(first, o.first)
        last = max(last, o.last)
        severityMask |= o.severityMask
    }

    static func severityBit(_ id: Int32) -> UInt64 { 1 << UInt64(min(id, 63)) }
}

/// The aggregate of a run of log lines: everything the store needs to fold them in.
/// Names travel as tables of strings so batches from different scanners (and the
/// store's own ids) can be reconciled by name.
public struct IngestBatch: Sendable, Equatable {
    public var functions: [String] = []
    public var signatures: [String] = []
    public var signatureArticles: [ArticleSet] = []
    public var severities: [String] = []
    public var buckets: [BucketKey: BucketTotals] = [:]
    public var malformed = MalformedTally()
    /// Complete lines consumed: ingested + malformed + blank.
    public var lines: Int64 = 0
    public var ingested: Int64 = 0
    public var blank: Int64 = 0
    /// Bytes of complete lines consumed; a trailing partial line is not counted.
    public var bytes: Int64 = 0

    public init() {}

    /// Appends a batch that covers the bytes right after this one.
    public mutating func append(_ next: IngestBatch) {
        let f = Self.remap(next.functions, into: &functions)
        let s = Self.remap(next.signatures, into: &signatures)
        for (i, id) in s.enumerated() where Int(id) == signatureArticles.count {
            signatureArticles.append(next.signatureArticles[i])
        }
        let v = Self.remap(next.severities, into: &severities)
        for (key, totals) in next.buckets {
            var t = totals
            t.severityMask = Self.remapMask(totals.severityMask, v)
            let k = BucketKey(function: f[Int(key.function)], signature: s[Int(key.signature)], hour: key.hour)
            if buckets[k] != nil { buckets[k]!.add(t) } else { buckets[k] = t }
        }
        malformed.append(next.malformed, lineOffset: lines)
        lines += next.lines
        ingested += next.ingested
        blank += next.blank
        bytes += next.bytes
    }

    /// For each name of `names`, its id in `table`, adding the ones `table` lacks.
    static func remap(_ names: [String], into table: inout [String]) -> [Int32] {
        var index = Dictionary(uniqueKeysWithValues: table.enumerated().map { ($1, Int32($0)) })
        return names.map { name in
            if let id = index[name] { return id }
            let id = Int32(table.count)
            table.append(name)
            index[name] = id
            return id
        }
    }

    static func remapMask(_ mask: UInt64, _ ids: [Int32]) -> UInt64 {
        var out: UInt64 = 0
        for bit in 0..<min(64, ids.count) where mask & (1 << UInt64(bit)) != 0 {
            out |= BucketTotals.severityBit(ids[bit])
        }
        if mask & (1 << 63) != 0 { out |= 1 << 63 }
        return out
    }

    /// Severity names a mask stands for.
    public func severityNames(_ mask: UInt64) -> [String] {
        severities.indices.filter { $0 < 64 && mask & BucketTotals.severityBit(Int32($0)) != 0 }.map { severities[$0] }
    }
}

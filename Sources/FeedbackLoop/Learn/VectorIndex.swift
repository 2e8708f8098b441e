/// Vectors of one embedder in one contiguous matrix, with a posting list per tag:
/// a search filters by tags, then takes the top k by cosine in a single pass. It is
/// rebuilt from the store each cycle (hundreds of entries in practice; the benchmark
/// measures 100,000).
public struct VectorIndex: Sendable {
    public let embedder: String
    public let dimensions: Int
    private(set) var ids: [Int64] = []
    private var matrix: [Float] = []
    private var postings: [String: [Int]] = [:]
    private var kinds: [MemoryEntry.Kind] = []
    private var keys: [String] = []
    private var rowOf: [String: Int] = [:]

    public init(embedder: String, dimensions: Int) {
        self.embedder = embedder
        self.dimensions = dimensions
    }

    public var count: Int { ids.count }

    /// Adds a unit vector; one of another length is not this embedder's and is refused.
    @discardableResult
    public mutating func add(id: Int64, kind: MemoryEntry.Kind, key: String, tags: [String], vector: [Float]) -> Bool {
        guard vector.count == dimensions else { return false }
        let row = ids.count
        ids.append(id)
        kinds.append(kind)
        keys.append(key)
        rowOf[key] = row
        matrix.append(contentsOf: vector)
        for t in Set(tags) { postings[t, default: []].append(row) }
        return true
    }

    /// The vector held for `key` (keys are unique within a kind, and the memory's keys
    /// carry their kind's prefix).
    public func vector(forKey key: String) -> [Float]? {
        guard let row = rowOf[key] else { return nil }
        return Array(matrix[(row * dimensions)..<((row + 1) * dimensions)])
    }

    public struct Match: Sendable, Equatable {
        public var id: Int64
        public var kind: MemoryEntry.Kind
        public var key: String
        public var similarity: Float
    }

    /// The `k` entries most similar to `query` that carry every tag in `tags`, are of
    /// one of `kinds` (all when empty) and are not `excluding`, best first.
    public func search(_ query: [Float], k: Int, tags: [String] = [], kinds wanted: Set<MemoryEntry.Kind> = [],
                       excluding: Set<String> = []) -> [Match] {
        guard query.count == dimensions, k > 0, !ids.isEmpty else { return [] }
        var best = TopK(k)
        matrix.withUnsafeBufferPointer { m in
            query.withUnsafeBufferPointer { q in
                func consider(_ row: Int) {
                    if !wanted.isEmpty, !wanted.contains(kinds[row]) { return }
                    if !excluding.isEmpty, excluding.contains(keys[row]) { return }
                    let v = UnsafeBufferPointer(rebasing: m[(row * dimensions)..<((row + 1) * dimensions)])
                    best.offer(row, Vector.dot(v, q))
                }
                if let rows = candidates(tags) {
                    for row in rows { consider(row) }
                } else {
                    for row in 0..<ids.count { consider(row) }
                }
            }
        }
        return best.sorted().map { Match(id: ids[$0.row], kind: kinds[$0.row], key: keys[$0.row], similarity: $0.score) }
    }

    /// Rows carrying every tag (the shortest posting list filtered by the rest); nil
    /// when no tag is asked for.
    private func candidates(_ tags: [String]) -> [Int]? {
        guard !tags.isEmpty else { return nil }
        let lists = tags.map { postings[$0] ?? [] }.sorted { $0.count < $1.count }
        guard let first = lists.first, !first.isEmpty else { return [] }
        let others = lists.dropFirst().map(Set.init)
        return first.filter { row in others.allSatisfy { $0.contains(row) } }
    }
}

/// The k best (row, score) pairs seen, kept in a small array: k is 5 or so, so an
/// insertion into a sorted array beats a heap.
struct TopK {
    let k: Int
    private var items: [(row: Int, score: Float)] = []

    init(_ k: Int) {
        self.k = k
        items.reserveCapacity(k + 1)
    }

    mutating func offer(_ row: Int, _ score: Float) {
        if items.count == k, let last = items.last, score <= last.score { return }
        let i = items.firstIndex { score > $0.score } ?? items.count
        items.insert((row, score), at: i)
        if items.count > k { items.removeLast() }
    }

    func sorted() -> [(row: Int, score: Float)] { items }
}

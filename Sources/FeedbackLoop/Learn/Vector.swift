/// Unit vectors for cosine similarity: stored normalised, so the cosine of two is
/// their dot product, and a search is one multiply-add pass over the matrix.
public enum Vector {
    /// The vector scaled to length 1; nil for a zero or non-finite vector, which has
    /// no direction to compare.
    public static func normalized(_ v: [Float]) -> [Float]? {
        var sum: Float = 0
        for x in v { sum += x * x }
        guard sum.isFinite, sum > 0 else { return nil }
        let inv = 1 / sum.squareRoot()
        return v.map { $0 * inv }
    }

    public static func dot(_ a: UnsafeBufferPointer<Float>, _ b: UnsafeBufferPointer<Float>) -> Float {
        // Four independent accumulators let the compiler vectorise without reassociating
        // one long dependency chain.
        var s0: Float = 0, s1: Float = 0, s2: Float = 0, s3: Float = 0
        let n = min(a.count, b.count)
        var i = 0
        while i + 4 <= n {
            s0 += a[i] * b[i]
            s1 += a[i + 1] * b[i + 1]
            s2 += a[i + 2] * b[i + 2]
            s3 += a[i + 3] * b[i + 3]
            i += 4
        }
        while i < n {
            s0 += a[i] * b[i]
            i += 1
        }
        return (s0 + s1) + (s2 + s3)
    }

    /// Little-endian Float32 bytes, the stored form.
    public static func bytes(_ v: [Float]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(v.count * 4)
        for x in v {
            let b = x.bitPattern.littleEndian
            out.append(UInt8(truncatingIfNeeded: b))
            out.append(UInt8(truncatingIfNeeded: b >> 8))
            out.append(UInt8(truncatingIfNeeded: b >> 16))
            out.append(UInt8(truncatingIfNeeded: b >> 24))
        }
        return out
    }

    public static func floats<C: Collection>(_ bytes: C) -> [Float] where C.Element == UInt8 {
        bytes.withContiguousStorageIfAvailable { floats(UnsafeRawBufferPointer($0)) }
            ?? Array(bytes).withUnsafeBytes { floats($0) }
    }

    /// Four bytes at a time: the generic form, unspecialised across modules, went a
    /// byte at a time through the iterator's witness (~0.2 ms of a one-shot `cycle`
    /// for the vectors the Learn stage reads, `perf`).
    public static func floats(_ bytes: UnsafeRawBufferPointer) -> [Float] {
        let n = bytes.count / 4
        return [Float](unsafeUninitializedCapacity: n) { out, count in
            for i in 0..<n {
                out[i] = Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: i * 4, as: UInt32.self)))
            }
            count = n
        }
    }
}

import SampleLog
import Testing
@testable import FeedbackLoop

/// The word-at-a-time pieces under the scanner — the quote index, the short-key
/// compare and hash, the interner's hint — each against the plain definition it
/// stands in for, at every length and offset where a word boundary could go wrong.
@Suite struct ScanPrimitivesTests {
    /// Lines of 0 to 300 bytes (every tail length, 64-byte blocks and their edges),
    /// quotes at random places, now and then a byte that makes the line not plain —
    /// through the index the scanner uses (SSE2 on x86-64) and the portable one.
    @Test(arguments: [false, true])
    func theQuoteIndexHasExactlyTheLinesQuotesAndKnowsAPlainLine(portable: Bool) {
        var random = SplitMix64(seed: 7)
        let alphabet = Array(#"ab :,{}"0123456789"#.utf8)
        let index = QuoteIndex(capacity: 4096)
        var plainSeen = 0, otherSeen = 0
        for length in 0...300 {
            for round in 0..<4 {
                var bytes = (0..<length).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
                if round == 3, length > 0 {
                    bytes[Int(random.next() % UInt64(length))] = [0x5C, 0x01, 0x1F, 0x80, 0xFF, 0x7F][Int(random.next() % 6)]
                }
                let plain = bytes.allSatisfy { $0 >= 0x20 && $0 < 0x80 && $0 != 0x5C }
                bytes.withUnsafeBytes { p in
                    let words = portable ? index.indexPlainPortable(p) : index.indexPlain(p)
                    #expect((words != nil) == plain, "length \(length), round \(round)")
                    guard let words else { otherSeen += 1; return }
                    plainSeen += 1
                    #expect(words == (length + 63) / 64)
                    var found: [Int] = []
                    for k in 0..<words {
                        var m = index.bits[k]
                        while m != 0 {
                            found.append(k * 64 + m.trailingZeroBitCount)
                            m &= m - 1
                        }
                    }
                    #expect(found == bytes.indices.filter { bytes[$0] == 0x22 }, "length \(length)")
                }
            }
        }
        // Rounds 0–2 and the empty line are plain; round 3 is not unless its byte was 0x7F.
        #expect(plainSeen > 904 && otherSeen > 200 && plainSeen + otherSeen == 301 * 4)
    }

    @Test func aLineLongerThanTheIndexIsNotIndexed() {
        let index = QuoteIndex(capacity: 64)
        let bytes = [UInt8](repeating: 0x61, count: 65)
        #expect(bytes.withUnsafeBytes { index.indexPlain($0) } == nil)
        #expect(bytes.withUnsafeBytes { index.indexPlainPortable($0) } == nil)
    }

    /// Every length to 40, a difference at every position: equal exactly when the
    /// bytes are.
    @Test func theWordCompareAgreesWithByteEquality() {
        for length in 0...40 {
            let a = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            a.withUnsafeBytes { pa in
                #expect(Bytes.equal(pa.baseAddress ?? UnsafeRawPointer(bitPattern: 8)!, pa.baseAddress ?? UnsafeRawPointer(bitPattern: 8)!, length))
            }
            for at in 0..<length {
                var b = a
                b[at] ^= 0x01
                let same = a.withUnsafeBytes { pa in b.withUnsafeBytes { pb in Bytes.equal(pa.baseAddress!, pb.baseAddress!, length) } }
                #expect(!same, "length \(length), byte \(at)")
            }
        }
    }

    /// Keys that differ in one byte, in their last bytes, or only in length (a
    /// trailing zero byte) get different ids; asked again, the same ones — with the
    /// right hint, a wrong one, or none.
    @Test func theInternerTellsApartKeysTheTailWordCouldConfuse() {
        var keys: [[UInt8]] = []
        for length in 0...24 {
            let base = (0..<length).map { UInt8(0x61 + $0 % 26) }
            keys.append(base)
            if length > 0 {
                var last = base
                last[length - 1] = 0x7A
                keys.append(last)
                var first = base
                first[0] = 0x30
                keys.append(first)
            }
            keys.append(base + [0])
        }
        let distinct = Array(Set(keys))
        var interner = ByteInterner(capacity: 4)
        let ids = distinct.map { k in k.withUnsafeBytes { interner.intern($0) } }
        #expect(Set(ids).count == distinct.count)
        for (k, id) in zip(distinct, ids) {
            for hint in [Int32(-1), id, (id + 1) % Int32(distinct.count), 0] {
                #expect(k.withUnsafeBytes { interner.intern($0, hint: hint) } == id)
            }
            #expect(interner.string(id) == String(decoding: k, as: UTF8.self))
        }
        #expect(interner.count == distinct.count)
    }

    /// The first line's hash is stored in the registry: a new version that hashed
    /// differently would take every known log for a new file. These are the values
    /// the registry has held since the fingerprint was introduced.
    @Test func theFingerprintHashNeverChanges() {
        let cases: [(String, UInt64)] = [
            (#"{"timestamp": "2025-10-01T21:38:50.570336+00:00", "function": "f"}"#, 0xe584_908b_022f_140c),
            ("", 0xbfbb_698c_122e_35dc),
            ("abc", 0x6f87_7489_9f46_cc01),
        ]
        for (text, expected) in cases {
            #expect(Array(text.utf8).withUnsafeBytes { LogFingerprint.hash($0) } == expected, "\(text)")
        }
    }
}

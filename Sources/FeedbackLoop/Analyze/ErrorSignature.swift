/// An error signature is a violation's text with what varies between otherwise
/// identical violations taken out, so `… 14565 files missing …` and
/// `… 14572 files missing …` group together. Rules, applied word by word (a word is a
/// run of bytes between spaces; punctuation at its ends is kept):
///
/// - a word with a `/` in it is a path: `<path>`;
/// - a word of 8+ characters mixing letters and 3+ digits, or a UUID, is an id: `<id>`;
/// - otherwise each run of digits — with `.` or `,` inside, as in `0.0` or `1,204` — is `#`.
///
/// Roman numerals are letters and survive, so the article stays readable in the
/// signature. Works into a caller-owned buffer so the scanner allocates nothing per line.
public enum ErrorSignature {
    public static func normalize(_ text: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        out.removeAll(keepingCapacity: true)
        let n = text.count
        var i = 0
        while i < n {
            if text[i] == 0x20 {
                out.append(0x20)
                i += 1
                continue
            }
            var end = i
            while end < n, text[end] != 0x20 { end += 1 }
            normalizeWord(UnsafeRawBufferPointer(rebasing: text[i..<end]), into: &out)
            i = end
        }
    }

    public static func normalize(_ s: String) -> String {
        var s = s
        var out: [UInt8] = []
        s.withUTF8 { normalize(UnsafeRawBufferPointer($0), into: &out) }
        return String(decoding: out, as: UTF8.self)
    }

    private static func normalizeWord(_ w: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        // Keep leading and trailing punctuation (`(`, `,`, `.`, `:`) around the core.
        var lo = 0, hi = w.count
        while lo < hi, isEdgePunctuation(w[lo]) { lo += 1 }
        while hi > lo, isEdgePunctuation(w[hi - 1]) { hi -= 1 }
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: w[0..<lo]))
        let core = UnsafeRawBufferPointer(rebasing: w[lo..<hi])
        if core.contains(0x2F) {
            out.append(contentsOf: pathToken)
        } else if looksLikeID(core) {
            out.append(contentsOf: idToken)
        } else {
            collapseNumbers(core, into: &out)
        }
        out.append(contentsOf: UnsafeRawBufferPointer(rebasing: w[hi..<w.count]))
    }

    private static let pathToken: [UInt8] = Array("<path>".utf8)
    private static let idToken: [UInt8] = Array("<id>".utf8)

    private static func isEdgePunctuation(_ b: UInt8) -> Bool {
        switch b {
        case 0x28, 0x29, 0x5B, 0x5D, 0x2C, 0x2E, 0x3A, 0x3B, 0x22, 0x27, 0x21, 0x3F: return true
        default: return false
        }
    }

    private static func looksLikeID(_ w: UnsafeRawBufferPointer) -> Bool {
        guard w.count >= 8 else { return false }
        var digits = 0, letters = 0
        for b in w {
            if isDigit(b) { digits += 1 } else if isLetter(b) { letters += 1 }
            else if b != 0x2D && b != 0x5F { return false }  // only - and _ inside ids
        }
        return digits >= 3 && (letters > 0 || w.contains(0x2D) || w.contains(0x5F))
    }

    private static func collapseNumbers(_ w: UnsafeRawBufferPointer, into out: inout [UInt8]) {
        var i = 0
        let n = w.count
        while i < n {
            if isDigit(w[i]) {
                var j = i + 1
                while j < n, isDigit(w[j]) || ((w[j] == 0x2E || w[j] == 0x2C) && j + 1 < n && isDigit(w[j + 1])) {
                    j += 1
                }
                out.append(0x23)  // '#'
                i = j
            } else {
                out.append(w[i])
                i += 1
            }
        }
    }
}

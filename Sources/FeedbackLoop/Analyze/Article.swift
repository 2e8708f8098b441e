/// The constitution's articles, I to VII, as a bit set so a signature's articles cost
/// one byte and unions are an OR.
public struct ArticleSet: OptionSet, Hashable, Sendable, Codable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    static let numerals = ["I", "II", "III", "IV", "V", "VI", "VII"]

    public static func article(_ number: Int) -> ArticleSet {
        precondition((1...7).contains(number))
        return ArticleSet(rawValue: 1 << UInt8(number - 1))
    }

    /// `["Article I", "Article V"]`, in article order.
    public var names: [String] {
        (0..<7).compactMap { contains(ArticleSet(rawValue: 1 << UInt8($0))) ? "Article \(Self.numerals[$0])" : nil }
    }

    /// Finds every `Article <roman numeral>` in a violation's text. The original tool
    /// took whatever preceded the first colon, so `Article V violated: Spec coverage…`
    /// became the article "Article V violated"; here the numeral alone counts, and only
    /// I…VII exist. Word boundaries matter: `Article VIIIa` or `Particle V` are not
    /// articles.
    public static func parse(_ text: UnsafeRawBufferPointer) -> ArticleSet {
        var found = ArticleSet()
        let word: [UInt8] = Array("Article".utf8)
        let n = text.count
        var i = 0
        while i + word.count + 2 <= n {
            if text[i] == 0x41, matches(text, at: i, word), i == 0 || !isLetter(text[i - 1]) {
                var j = i + word.count
                guard j < n, text[j] == 0x20 else { i += 1; continue }
                j += 1
                let start = j
                while j < n, text[j] == 0x49 || text[j] == 0x56 || text[j] == 0x58 { j += 1 }  // I V X
                if j > start, j == n || !isAlnum(text[j]),
                   let number = romanValue(text, start, j), (1...7).contains(number) {
                    found.insert(.article(number))
                }
                i = j
            } else {
                i += 1
            }
        }
        return found
    }

    public static func parse(_ s: String) -> ArticleSet {
        var s = s
        return s.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }

    private static func matches(_ t: UnsafeRawBufferPointer, at i: Int, _ w: [UInt8]) -> Bool {
        for k in 0..<w.count where t[i + k] != w[k] { return false }
        return true
    }

    private static func romanValue(_ t: UnsafeRawBufferPointer, _ from: Int, _ to: Int) -> Int? {
        let s = String(decoding: UnsafeRawBufferPointer(rebasing: t[from..<to]), as: UTF8.self)
        return numerals.firstIndex(of: s).map { $0 + 1 }
    }
}

@inline(__always) func isLetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }
@inline(__always) func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
@inline(__always) func isAlnum(_ b: UInt8) -> Bool { isLetter(b) || isDigit(b) }

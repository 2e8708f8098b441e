import Foundation

/// The JSON form: the stored one (`morning_reports.json`) and the one
/// `report --morning --json` prints — snake-case keys, as the cycle reports.
extension MorningReport {
    public func json() -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        e.keyEncodingStrategy = .convertToSnakeCase
        e.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        // Encoding plain value types to JSON cannot fail; a failure would be a bug here.
        return String(decoding: try! e.encode(self), as: UTF8.self) + "\n"
    }

    public static func decode(json: String) throws -> MorningReport {
        let d = JSONDecoder()
        d.keyDecodingStrategy = .convertFromSnakeCase
        d.nonConformingFloatDecodingStrategy = .convertFromString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
        return try d.decode(MorningReport.self, from: Data(json.utf8))
    }
}

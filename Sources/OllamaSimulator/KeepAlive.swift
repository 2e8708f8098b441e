import Foundation

/// Ollama's `keep_alive`, decoded as api/types.go does it.
/// Zero unloads right after the request; a negative value keeps the model loaded forever.
///
/// Ollama: api/types.go `Duration.UnmarshalJSON` — a JSON number is seconds (negative means
/// forever, `math.MaxInt64`); a JSON string goes through Go's `time.ParseDuration` (negative
/// means forever); any other JSON type is refused with "Unsupported type: '<go type>'".
/// The error text reaches the client unchanged: server/routes.go GenerateHandler answers
/// `c.ShouldBindJSON` errors with 400 `{"error": err.Error()}`.
struct KeepAlive: Sendable, Equatable, Decodable {
    /// Negative means forever.
    let seconds: Double

    /// Ollama's default when a request does not say (envconfig/config.go `KeepAlive`, 5 m).
    static let standard = KeepAlive(seconds: 300)

    init(seconds: Double) {
        self.seconds = seconds
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        switch try container.decode(JSONValue.self) {
        case .number(let number):
            // time.Duration(t * float64(time.Second)): whole nanoseconds.
            seconds = number < 0 ? -1 : GoDuration.wholeNanoseconds(number)
        case .string(let text):
            let parsed: Double
            do {
                parsed = try GoDuration.parse(text)
            } catch {
                throw HTTPError(.badRequest, error.message)
            }
            seconds = parsed < 0 ? -1 : parsed
        case .null:
            self = .standard
        case .bool:
            throw HTTPError(.badRequest, "Unsupported type: 'bool'")
        case .array:
            throw HTTPError(.badRequest, "Unsupported type: '[]interface {}'")
        case .object:
            throw HTTPError(.badRequest, "Unsupported type: 'map[string]interface {}'")
        }
    }

    var unloadsImmediately: Bool { seconds == 0 }

    var isForever: Bool { seconds < 0 }

    /// The same keep_alive stretched or shrunk by `factor` (`SimulatorConfiguration.keepAliveScale`):
    /// zero stays zero and forever stays forever.
    func scaled(by factor: Double) -> KeepAlive {
        guard seconds > 0, factor.isFinite, factor > 0, factor != 1 else { return self }
        return KeepAlive(seconds: seconds * factor)
    }

    func expiry(from now: Date) -> Date? {
        seconds < 0 ? nil : now.addingTimeInterval(seconds)
    }
}

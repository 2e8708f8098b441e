/// The simulated timings of one generation. Nothing sleeps for them (except real loads);
/// they are computed so clients' throughput and latency arithmetic has realistic input.
extension GenerationMetrics {
    /// What a request reports when the model was already resident: Ollama still spends a
    /// little time scheduling it.
    static let residentLoadDuration: Int64 = 250_000
    /// Template rendering, sampling setup and the like, on top of the phases below.
    static let fixedOverhead: Int64 = 500_000
    /// Prompt processing runs this many times faster than generation.
    static let promptSpeedup = 10.0

    init(load: Duration?, promptTokens: Int, evalTokens: Int, tokensPerSecond: Double) {
        let speed = tokensPerSecond.isFinite && tokensPerSecond > 0 ? tokensPerSecond : 500
        let loadNanos = load.map(\.nanoseconds) ?? Self.residentLoadDuration
        let promptNanos = Self.nanoseconds(seconds: Double(promptTokens) / (speed * Self.promptSpeedup))
        let evalNanos = Self.nanoseconds(seconds: Double(evalTokens) / speed)
        self.init(
            totalDuration: loadNanos + promptNanos + evalNanos + Self.fixedOverhead,
            loadDuration: loadNanos,
            promptEvalCount: promptTokens,
            promptEvalDuration: promptNanos,
            evalCount: evalTokens,
            evalDuration: evalNanos)
    }

    static func nanoseconds(seconds: Double) -> Int64 {
        guard seconds.isFinite, seconds > 0 else { return 0 }
        return Int64(min(seconds, 1e9) * 1e9)
    }
}

extension Duration {
    var nanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

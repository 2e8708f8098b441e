/// `Duration` as the numbers timeouts, metrics and reports are written in — the one
/// conversion every module uses (the Ollama simulator, a standalone fixture that
/// depends on none of the project's code, keeps its own nanoseconds).
extension Duration {
    public var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
    public var milliseconds: Double { Double(components.seconds) * 1e3 + Double(components.attoseconds) / 1e15 }
    public var microseconds: Double { Double(components.seconds) * 1e6 + Double(components.attoseconds) / 1e12 }
    public var nanoseconds: Int64 { components.seconds * 1_000_000_000 + components.attoseconds / 1_000_000_000 }
}

/// Stage timings as the reports write them. (Trinity has the same for its own
/// figures; the pure pipeline does not depend on the model client for one line.)
extension Duration {
    var milliseconds: Double {
        Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15
    }
}

/// Text padded with spaces to a width in characters, for the plain-text reports'
/// columns. Never cut: a longer text is left as it is. Foundation's `padding(toLength:)`
/// goes through NSString, whose first use in a process was ~0.3 ms of a one-shot `cycle`.
extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }

    func rightPadded(_ width: Int) -> String { count >= width ? self : self + String(repeating: " ", count: width - count) }
}

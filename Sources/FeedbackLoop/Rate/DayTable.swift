/// An hourly series folded into days counted back from its last hour (day 0 is the
/// last 24 hours), each with its exposure: the share of its hours after the pattern was
/// first seen and not left out (a burst's hours). Days line up with weekdays: day k and
/// day k + 7 are the same weekday at the same hours, whatever hour the series ends on.
struct DayTable: Equatable {
    var counts: [Double]
    var exposure: [Double]

    /// `excludeLast`: hours at the end left out of the table (a burst being judged on
    /// its own), as hours never observed.
    init(hourly: [Int64], excludeLast: Int = 0) {
        let first = hourly.firstIndex { $0 > 0 } ?? hourly.count
        let end = hourly.count
        let observedEnd = max(first, end - excludeLast)
        var counts: [Double] = [], exposure: [Double] = []
        var dayEnd = end
        while dayEnd > first {
            let dayStart = dayEnd - 24
            var n: Int64 = 0, hours = 0
            for h in max(dayStart, first)..<max(max(dayStart, first), min(dayEnd, observedEnd)) {
                n += hourly[h]
                hours += 1
            }
            counts.append(Double(n))
            exposure.append(Double(hours) / 24)
            dayEnd = dayStart
        }
        self.counts = counts
        self.exposure = exposure
    }

    var days: Int { counts.count }
    var total: Double { counts.reduce(0, +) }
    var exposedDays: Double { exposure.reduce(0, +) }
}

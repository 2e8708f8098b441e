/// Violations per hour of the night's top patterns as an SVG line chart, written by
/// hand: axes, local hour labels, one polyline per pattern, a legend. Every piece of
/// text from the data goes through `XMLText.escape`.
public enum NightChart {
    static let width = 800.0, height = 360.0
    static let left = 56.0, right = 230.0, top = 40.0, bottom = 48.0
    /// Distinguishable for the common colour-vision deficiencies (Okabe–Ito).
    static let colours = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00"]

    public static func svg(_ r: MorningReport) -> String {
        let series = r.chartedPatterns
        let hours = max(r.hourLabels.count, 1)
        let seen = r.observedHours
        let peak = max(series.flatMap { $0.hourly.prefix(seen) }.max() ?? 0, 1)
        let yMax = niceCeiling(peak)
        let plotW = width - left - right, plotH = height - top - bottom
        // The legend's column as wide as its longest entry: names are never cut.
        let legendWidth = 16 + 26 + Double(series.map { legend($0).count }.max() ?? 0) * charWidth + 12
        let canvasWidth = left + plotW + max(right, legendWidth)
        func x(_ i: Int) -> Double { left + (hours > 1 ? plotW * Double(i) / Double(hours - 1) : plotW / 2) }
        func y(_ v: Int64) -> Double { top + plotH * (1 - Double(v) / Double(yMax)) }

        var out = [
            ##"<?xml version="1.0" encoding="UTF-8"?>"##,
            ##"<svg xmlns="http://www.w3.org/2000/svg" width="\##(n(canvasWidth))" height="\##(n(height))" viewBox="0 0 \##(n(canvasWidth)) \##(n(height))" role="img" font-family="sans-serif" font-size="12">"##,
            "<title>\(XMLText.escape("Violations per hour, night of \(r.night.date) (\(r.night.timeZone))"))</title>",
            ##"<rect width="100%" height="100%" fill="#ffffff"/>"##,
            "<text x=\"\(n(left))\" y=\"22\" font-size=\"14\" font-weight=\"bold\">\(XMLText.escape("Violations per hour — night of \(r.night.date)" + (r.inProgress ? " (in progress)" : "")))</text>",
        ]
        // Axes and horizontal grid, four steps of the rounded maximum.
        out.append(##"<g stroke="#333333" stroke-width="1">"##)
        out.append("<line x1=\"\(n(left))\" y1=\"\(n(top))\" x2=\"\(n(left))\" y2=\"\(n(top + plotH))\"/>")
        out.append("<line x1=\"\(n(left))\" y1=\"\(n(top + plotH))\" x2=\"\(n(left + plotW))\" y2=\"\(n(top + plotH))\"/>")
        out.append("</g>")
        out.append(##"<g fill="#333333" text-anchor="end">"##)
        for k in 0...4 {
            let v = yMax * Int64(k) / 4
            out.append("<line x1=\"\(n(left))\" y1=\"\(n(y(v)))\" x2=\"\(n(left + plotW))\" y2=\"\(n(y(v)))\" stroke=\"#dddddd\"/>")
            out.append("<text x=\"\(n(left - 6))\" y=\"\(n(y(v) + 4))\">\(v)</text>")
        }
        out.append("</g>")
        // Hour labels: every hour when few, every third otherwise.
        out.append(##"<g fill="#333333" text-anchor="middle">"##)
        let every = hours > 12 ? 3 : 1
        for (i, label) in r.hourLabels.enumerated() where i % every == 0 {
            out.append("<text x=\"\(n(x(i)))\" y=\"\(n(top + plotH + 18))\">\(XMLText.escape(label))</text>")
        }
        out.append("<text x=\"\(n(left + plotW / 2))\" y=\"\(n(height - 8))\">\(XMLText.escape("local time (\(r.night.timeZone))"))</text>")
        out.append("</g>")
        out.append("<text x=\"14\" y=\"\(n(top + plotH / 2))\" transform=\"rotate(-90 14 \(n(top + plotH / 2)))\" text-anchor=\"middle\" fill=\"#333333\">violations per hour</text>")
        if seen < hours {
            // A night in progress: the hours not yet come are shaded, and no line enters them.
            let from = x(max(seen - 1, 0))
            out.append("<rect x=\"\(n(from))\" y=\"\(n(top))\" width=\"\(n(left + plotW - from))\" height=\"\(n(plotH))\" fill=\"#f2f2f2\"/>")
            out.append("<text x=\"\(n((from + left + plotW) / 2))\" y=\"\(n(top + 16))\" text-anchor=\"middle\" fill=\"#666666\">not yet</text>")
        }
        for (k, p) in series.enumerated() {
            let points = p.hourly.prefix(seen).enumerated().map { "\(n(x($0.offset))),\(n(y($0.element)))" }.joined(separator: " ")
            // The full name as a tooltip: the legend may cut it.
            out.append("<polyline fill=\"none\" stroke=\"\(colours[k])\" stroke-width=\"2\" points=\"\(points)\"><title>\(XMLText.escape(p.function))</title></polyline>")
        }
        if series.isEmpty {
            out.append("<text x=\"\(n(left + plotW / 2))\" y=\"\(n(top + plotH / 2))\" text-anchor=\"middle\" fill=\"#666666\">no violations in the night</text>")
        }
        // Legend, right of the plot.
        for (k, p) in series.enumerated() {
            let ly = top + 10 + Double(k) * 22
            let lx = left + plotW + 16
            out.append("<line x1=\"\(n(lx))\" y1=\"\(n(ly))\" x2=\"\(n(lx + 20))\" y2=\"\(n(ly))\" stroke=\"\(colours[k])\" stroke-width=\"3\"/>")
            out.append("<text x=\"\(n(lx + 26))\" y=\"\(n(ly + 4))\">\(XMLText.escape(legend(p)))</text>")
        }
        out.append("</svg>")
        return out.joined(separator: "\n") + "\n"
    }

    /// The full name and the night's count; the picture widens to hold it.
    static func legend(_ p: MorningReport.NightPattern) -> String { "\(p.function) (\(Format.group(p.nightCount)))" }

    /// A generous average advance of a 12 px sans-serif character (digits and lower
    /// case are narrower), so the widest legend still fits.
    static let charWidth = 7.5

    /// The smallest of 4, 8, 20 × 10ⁿ at or above `v`: quarters of it are whole,
    /// round numbers a person reads at a glance.
    static func niceCeiling(_ v: Int64) -> Int64 {
        var base: Int64 = 1
        while true {
            for m: Int64 in [4, 8, 20] where m * base >= v { return m * base }
            base *= 10
        }
    }

    static func n(_ v: Double) -> String { Format.fixed(v, 1) }
}

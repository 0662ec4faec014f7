// SVGChartRenderer: draws a ChartPayload as a standalone SVG, so reports show the chart
// without a browser or JavaScript. Reads the same Chart.js configuration the recommender
// wrote (via ChartSpec), so the two agree.
//
// Output: bars as `<rect class="bar">`, line and scatter points as `<circle class="point">`,
// pie and doughnut slices as `<path class="slice">`; every text escaped; `role="img"` with an
// aria-label and a `<title>`. Returns nil for `none` or a config with nothing to draw.

import Foundation

public struct SVGChartRenderer: Sendable {
    public var width: Double = 720
    public var height: Double = 420

    public init() {}

    public func render(_ chart: ChartPayload) -> String? {
        guard let spec = ChartSpec(payload: chart), !spec.series.isEmpty else { return nil }
        var body = SVGWriter()
        let layout: Bool
        switch spec.kind {
        case .pie, .doughnut: layout = drawRadial(spec, &body)
        case .scatter: layout = drawScatter(spec, &body)
        case .horizontalBar: layout = drawHorizontalBars(spec, &body)
        case .none: return nil
        default: layout = drawVertical(spec, &body)
        }
        guard layout else { return nil }
        let label = spec.title.isEmpty ? "Chart" : spec.title
        var svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart chart-\(spec.kind.rawValue)\""
        svg += " viewBox=\"0 0 \(SVGWriter.num(width)) \(SVGWriter.num(height))\""
        svg += " width=\"\(SVGWriter.num(width))\" height=\"\(SVGWriter.num(height))\""
        svg += " role=\"img\" aria-label=\"\(Markup.xmlEscape(label))\""
        svg += " font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif\" font-size=\"11\">\n"
        svg += "<title>\(Markup.xmlEscape(label))</title>\n"
        if !chart.reason.isEmpty { svg += "<desc>\(Markup.xmlEscape(chart.reason))</desc>\n" }
        svg += "<rect class=\"background\" x=\"0\" y=\"0\" width=\"\(SVGWriter.num(width))\" height=\"\(SVGWriter.num(height))\" fill=\"#ffffff\"/>\n"
        if !spec.title.isEmpty {
            svg += "<text class=\"chart-title\" x=\"\(SVGWriter.num(width / 2))\" y=\"22\" text-anchor=\"middle\" font-size=\"14\" font-weight=\"600\" fill=\"#222222\">\(Markup.xmlEscape(Markup.truncateLabel(spec.title, 90)))</text>\n"
        }
        svg += body.markup
        svg += "</svg>\n"
        return svg
    }

    // MARK: Shared pieces

    let titleSpace: Double = 36
    let legendRow: Double = 18

    /// Legend rows under the plot for multi-series charts; returns the height used.
    func legendHeight(_ spec: ChartSpec) -> Double {
        spec.series.count > 1 ? legendRows(spec.series.map(\.name)).count.asDouble * legendRow + 8 : 0
    }

    func legendRows(_ names: [String]) -> [[(Int, String)]] {
        var rows: [[(Int, String)]] = [[]]
        var x = 0.0
        for (i, name) in names.enumerated() {
            let text = Markup.truncateLabel(name, 28)
            let w = 18 + Markup.textWidth(text) + 16
            if x + w > width - 40 && !rows[rows.count - 1].isEmpty { rows.append([]); x = 0 }
            rows[rows.count - 1].append((i, text))
            x += w
        }
        return rows
    }

    func drawLegend(_ spec: ChartSpec, top: Double, _ out: inout SVGWriter) {
        guard spec.series.count > 1 else { return }
        var y = top
        out.raw("<g class=\"legend\">\n")
        for row in legendRows(spec.series.map(\.name)) {
            let total = row.reduce(0.0) { $0 + 18 + Markup.textWidth($1.1) + 16 }
            var x = (width - total) / 2
            for (i, text) in row {
                out.element("rect", ["class": "legend-swatch", "x": SVGWriter.num(x), "y": SVGWriter.num(y - 9),
                                     "width": "12", "height": "12", "fill": spec.series[i].color])
                out.element("text", ["x": SVGWriter.num(x + 17), "y": SVGWriter.num(y + 1), "fill": "#333333"], content: text)
                x += 18 + Markup.textWidth(text) + 16
            }
            y += legendRow
        }
        out.raw("</g>\n")
    }

    func axisTitle(_ text: String?, x: Double, y: Double, rotate: Bool, _ out: inout SVGWriter) {
        guard let text, !text.isEmpty else { return }
        let t = Markup.truncateLabel(humanizeTitle(text), 60)
        if rotate {
            out.element("text", ["class": "axis-title", "x": SVGWriter.num(x), "y": SVGWriter.num(y), "text-anchor": "middle",
                                 "transform": "rotate(-90 \(SVGWriter.num(x)) \(SVGWriter.num(y)))", "fill": "#444444",
                                 "font-size": "12"], content: t)
        } else {
            out.element("text", ["class": "axis-title", "x": SVGWriter.num(x), "y": SVGWriter.num(y), "text-anchor": "middle",
                                 "fill": "#444444", "font-size": "12"], content: t)
        }
    }

    func humanizeTitle(_ s: String) -> String { s.contains("_") ? Wording.humanize(s) : s }

    func valueRange(_ spec: ChartSpec, zero: Bool) -> (Double, Double) {
        var lo = Double.infinity, hi = -Double.infinity
        if spec.kind == .stackedBar {
            for i in spec.labels.indices {
                var pos = 0.0, neg = 0.0
                for s in spec.series { if let v = s.values[safe: i] ?? nil { if v >= 0 { pos += v } else { neg += v } } }
                lo = min(lo, neg); hi = max(hi, pos)
            }
        } else {
            for s in spec.series { for case let v? in s.values { lo = min(lo, v); hi = max(hi, v) } }
        }
        if lo > hi { lo = 0; hi = 1 }
        if zero { lo = min(lo, 0); hi = max(hi, 0) }
        return (lo, hi)
    }

    // MARK: Vertical bars, lines, areas

    func drawVertical(_ spec: ChartSpec, _ out: inout SVGWriter) -> Bool {
        let n = spec.labels.count
        guard n > 0 else { return false }
        let isLine = spec.kind == .line || spec.kind == .area
        let (lo, hi) = valueRange(spec, zero: !isLine || spec.kind == .area)
        let scale = NiceScale(minValue: lo, maxValue: hi)
        let tickLabels = scale.ticks.map { ReadableNumber.tick($0, step: scale.step) }
        let left = 30 + (tickLabels.map { Markup.textWidth($0) }.max() ?? 20) + 10
        let right = 20.0
        let plotW = width - left - right
        let band = plotW / Double(n)
        // Every k-th label when they would collide; rotate when still too wide.
        let longest = spec.labels.map { Markup.textWidth(Markup.truncateLabel($0, 18)) }.max() ?? 0
        let every = max(1, Int(ceil(14 / band)))
        let rotate = longest > band * Double(every) - 4
        let labelSpace = rotate ? min(110, longest * 0.77 + 14) : 22
        let legendH = legendHeight(spec)
        let bottom = labelSpace + 22 + legendH
        let top = titleSpace
        let plotH = height - top - bottom
        guard plotH > 40, plotW > 40 else { return false }
        func y(_ v: Double) -> Double { top + plotH * (1 - scale.fraction(v)) }

        drawValueGrid(scale, labels: tickLabels, x0: left, x1: left + plotW, y: y, &out)
        // Category labels.
        out.raw("<g class=\"category-labels\">\n")
        for (i, label) in spec.labels.enumerated() where i % every == 0 {
            let cx = left + band * (Double(i) + 0.5)
            let text = Markup.truncateLabel(label, 18)
            let ly = top + plotH + 14
            if rotate {
                out.element("text", ["x": SVGWriter.num(cx), "y": SVGWriter.num(ly), "text-anchor": "end", "fill": "#333333",
                                     "transform": "rotate(-40 \(SVGWriter.num(cx)) \(SVGWriter.num(ly)))"],
                            content: text, children: SVGWriter.tooltip(label))
            } else {
                out.element("text", ["x": SVGWriter.num(cx), "y": SVGWriter.num(ly), "text-anchor": "middle", "fill": "#333333"],
                            content: text, children: SVGWriter.tooltip(label))
            }
        }
        out.raw("</g>\n")
        axisTitle(spec.valueTitle, x: 14, y: top + plotH / 2, rotate: true, &out)
        axisTitle(spec.categoryTitle, x: left + plotW / 2, y: top + plotH + labelSpace + 16, rotate: false, &out)

        if isLine {
            drawLines(spec, band: band, left: left, y: y, baseline: y(max(scale.lower, min(0, scale.upper))), &out)
        } else {
            drawBars(spec, band: band, left: left, y: y, &out)
        }
        drawLegend(spec, top: height - legendH + 8, &out)
        return true
    }

    func drawValueGrid(_ scale: NiceScale, labels: [String], x0: Double, x1: Double, y: (Double) -> Double,
                               _ out: inout SVGWriter) {
        out.raw("<g class=\"y-axis\">\n")
        for (tick, label) in zip(scale.ticks, labels) {
            let ty = y(tick)
            out.element("line", ["x1": SVGWriter.num(x0), "x2": SVGWriter.num(x1), "y1": SVGWriter.num(ty), "y2": SVGWriter.num(ty),
                                 "stroke": tick == 0 ? "#888888" : "#e3e3e3", "stroke-width": "1"])
            out.element("text", ["class": "tick", "x": SVGWriter.num(x0 - 6), "y": SVGWriter.num(ty + 4), "text-anchor": "end",
                                 "fill": "#555555"], content: label)
        }
        out.raw("</g>\n")
    }

    func drawBars(_ spec: ChartSpec, band: Double, left: Double, y: (Double) -> Double, _ out: inout SVGWriter) {
        let k = spec.kind == .stackedBar ? 1 : max(1, spec.series.count)
        let groupW = band * 0.75
        let barW = groupW / Double(k)
        out.raw("<g class=\"bars\">\n")
        var posStack = [Double](repeating: 0, count: spec.labels.count)
        var negStack = posStack
        for (si, s) in spec.series.enumerated() {
            for (i, value) in s.values.enumerated() where i < spec.labels.count {
                guard let v = value else { continue }
                let x = left + band * Double(i) + (band - groupW) / 2 + (spec.kind == .stackedBar ? 0 : barW * Double(si))
                var base = 0.0
                if spec.kind == .stackedBar {
                    if v >= 0 { base = posStack[i]; posStack[i] += v } else { base = negStack[i]; negStack[i] += v }
                }
                let y0 = y(base), y1 = y(base + v)
                let color = s.colors?[safe: i] ?? s.color
                out.element("rect", ["class": "bar", "x": SVGWriter.num(x), "y": SVGWriter.num(min(y0, y1)),
                                     "width": SVGWriter.num(max(1, barW - 1)), "height": SVGWriter.num(abs(y1 - y0)),
                                     "fill": color],
                            children: SVGWriter.tooltip(tooltipText(spec, series: s, label: spec.labels[i], value: v)))
            }
        }
        out.raw("</g>\n")
    }

    func tooltipText(_ spec: ChartSpec, series: ChartSeries, label: String, value: Double) -> String {
        spec.series.count > 1 ? "\(label) – \(series.name): \(ReadableNumber.human(value))" : "\(label): \(ReadableNumber.human(value))"
    }

    func drawLines(_ spec: ChartSpec, band: Double, left: Double, y: (Double) -> Double, baseline: Double,
                           _ out: inout SVGWriter) {
        out.raw("<g class=\"lines\">\n")
        for s in spec.series {
            // Break the line at gaps, like Chart.js does for null values.
            var segments: [[(Double, Double)]] = [[]]
            for (i, value) in s.values.enumerated() where i < spec.labels.count {
                if let v = value { segments[segments.count - 1].append((left + band * (Double(i) + 0.5), y(v))) }
                else if !segments[segments.count - 1].isEmpty { segments.append([]) }
            }
            for seg in segments where !seg.isEmpty {
                let d = seg.enumerated().map { ($0 == 0 ? "M" : "L") + SVGWriter.num($1.0) + " " + SVGWriter.num($1.1) }
                    .joined(separator: " ")
                if spec.kind == .area {
                    let fill = d + " L\(SVGWriter.num(seg.last!.0)) \(SVGWriter.num(baseline)) L\(SVGWriter.num(seg[0].0)) \(SVGWriter.num(baseline)) Z"
                    out.element("path", ["class": "area", "d": fill, "fill": s.color, "fill-opacity": "0.25", "stroke": "none"])
                }
                out.element("path", ["class": "line", "d": d, "fill": "none", "stroke": s.color, "stroke-width": "2"])
            }
            for (i, value) in s.values.enumerated() where i < spec.labels.count {
                guard let v = value else { continue }
                out.element("circle", ["class": "point", "cx": SVGWriter.num(left + band * (Double(i) + 0.5)),
                                       "cy": SVGWriter.num(y(v)), "r": "3", "fill": s.color],
                            children: SVGWriter.tooltip(tooltipText(spec, series: s, label: spec.labels[i], value: v)))
            }
        }
        out.raw("</g>\n")
    }
}

extension Array {
    fileprivate subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}

extension Int {
    fileprivate var asDouble: Double { Double(self) }
}

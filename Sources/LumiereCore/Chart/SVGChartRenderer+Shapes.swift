// SVGChartRenderer, continued: horizontal bars, scatter plots, pies and doughnuts.
// (Vertical bars, lines and areas, and the shared axis/legend pieces, are in
// SVGChartRenderer.swift.)

import Foundation

extension SVGChartRenderer {
    // MARK: Horizontal bars

    func drawHorizontalBars(_ spec: ChartSpec, _ out: inout SVGWriter) -> Bool {
        let n = spec.labels.count
        guard n > 0 else { return false }
        let (lo, hi) = valueRange(spec, zero: true)
        let scale = NiceScale(minValue: lo, maxValue: hi)
        let tickLabels = scale.ticks.map { ReadableNumber.tick($0, step: scale.step) }
        let labels = spec.labels.map { Markup.truncateLabel($0, 24) }
        let left = min(200, (labels.map { Markup.textWidth($0) }.max() ?? 20) + 16) + (spec.categoryTitle == nil ? 0 : 20)
        let right = 20 + (tickLabels.last.map { Markup.textWidth($0) / 2 } ?? 0)
        let legendH = legendHeight(spec)
        let top = titleSpace, bottom = 44 + legendH
        let plotW = width - left - right, plotH = height - top - bottom
        guard plotW > 40, plotH > 20 else { return false }
        let band = plotH / Double(n)
        func x(_ v: Double) -> Double { left + plotW * scale.fraction(v) }

        out.raw("<g class=\"x-axis\">\n")
        for (tick, label) in zip(scale.ticks, tickLabels) {
            let tx = x(tick)
            out.element("line", ["x1": SVGWriter.num(tx), "x2": SVGWriter.num(tx), "y1": SVGWriter.num(top), "y2": SVGWriter.num(top + plotH),
                                 "stroke": tick == 0 ? "#888888" : "#e3e3e3", "stroke-width": "1"])
            out.element("text", ["class": "tick", "x": SVGWriter.num(tx), "y": SVGWriter.num(top + plotH + 14), "text-anchor": "middle",
                                 "fill": "#555555"], content: label)
        }
        out.raw("</g>\n<g class=\"category-labels\">\n")
        let fontSize = band < 12 ? max(7, band - 2) : 11
        for (i, label) in labels.enumerated() {
            out.element("text", ["x": SVGWriter.num(left - 6), "y": SVGWriter.num(top + band * (Double(i) + 0.5) + fontSize / 3),
                                 "text-anchor": "end", "fill": "#333333", "font-size": SVGWriter.num(fontSize)],
                        content: label, children: SVGWriter.tooltip(spec.labels[i]))
        }
        out.raw("</g>\n")
        axisTitle(spec.valueTitle, x: left + plotW / 2, y: top + plotH + 34, rotate: false, &out)
        axisTitle(spec.categoryTitle, x: 14, y: top + plotH / 2, rotate: true, &out)

        let k = max(1, spec.series.count)
        let groupH = band * 0.75, barH = groupH / Double(k)
        out.raw("<g class=\"bars\">\n")
        for (si, s) in spec.series.enumerated() {
            for (i, value) in s.values.enumerated() where i < n {
                guard let v = value else { continue }
                let x0 = x(0), x1 = x(v)
                out.element("rect", ["class": "bar", "x": SVGWriter.num(min(x0, x1)),
                                     "y": SVGWriter.num(top + band * Double(i) + (band - groupH) / 2 + barH * Double(si)),
                                     "width": SVGWriter.num(abs(x1 - x0)), "height": SVGWriter.num(max(1, barH - 1)),
                                     "fill": s.colors?[safe: i] ?? s.color],
                            children: SVGWriter.tooltip(tooltipText(spec, series: s, label: spec.labels[i], value: v)))
            }
        }
        out.raw("</g>\n")
        drawLegend(spec, top: height - legendH + 8, &out)
        return true
    }

    // MARK: Scatter

    func drawScatter(_ spec: ChartSpec, _ out: inout SVGWriter) -> Bool {
        let points = spec.series.flatMap(\.points)
        guard !points.isEmpty else { return false }
        // Pad the data range by 5% so points at the extremes are not cut by the plot edge.
        func padded(_ values: [Double]) -> NiceScale {
            let lo = values.min()!, hi = values.max()!, pad = (hi - lo) * 0.05
            return NiceScale(minValue: lo >= 0 && lo - pad < 0 ? 0 : lo - pad, maxValue: hi + pad)
        }
        let xs = padded(points.map(\.x)), ys = padded(points.map(\.y))
        let yLabels = ys.ticks.map { ReadableNumber.tick($0, step: ys.step) }
        let xLabels = xs.ticks.map { ReadableNumber.tick($0, step: xs.step) }
        let left = 30 + (yLabels.map { Markup.textWidth($0) }.max() ?? 20) + 10
        let legendH = legendHeight(spec)
        let top = titleSpace, bottom = 50 + legendH, right = 24.0
        let plotW = width - left - right, plotH = height - top - bottom
        guard plotW > 40, plotH > 40 else { return false }
        func px(_ v: Double) -> Double { left + plotW * xs.fraction(v) }
        func py(_ v: Double) -> Double { top + plotH * (1 - ys.fraction(v)) }
        drawValueGrid(ys, labels: yLabels, x0: left, x1: left + plotW, y: py, &out)
        out.raw("<g class=\"x-axis\">\n")
        for (tick, label) in zip(xs.ticks, xLabels) {
            out.element("line", ["x1": SVGWriter.num(px(tick)), "x2": SVGWriter.num(px(tick)), "y1": SVGWriter.num(top),
                                 "y2": SVGWriter.num(top + plotH), "stroke": "#eeeeee", "stroke-width": "1"])
            out.element("text", ["class": "tick", "x": SVGWriter.num(px(tick)), "y": SVGWriter.num(top + plotH + 14),
                                 "text-anchor": "middle", "fill": "#555555"], content: label)
        }
        out.raw("</g>\n")
        axisTitle(spec.valueTitle, x: 14, y: top + plotH / 2, rotate: true, &out)
        axisTitle(spec.categoryTitle, x: left + plotW / 2, y: top + plotH + 36, rotate: false, &out)
        out.raw("<g class=\"points\">\n")
        for s in spec.series {
            for p in s.points {
                out.element("circle", ["class": "point", "cx": SVGWriter.num(px(p.x)), "cy": SVGWriter.num(py(p.y)), "r": "4",
                                       "fill": s.color, "fill-opacity": "0.75"],
                            children: SVGWriter.tooltip("(\(ReadableNumber.human(p.x)), \(ReadableNumber.human(p.y)))"))
            }
        }
        out.raw("</g>\n")
        drawLegend(spec, top: height - legendH + 8, &out)
        return true
    }

    // MARK: Pie and doughnut

    func drawRadial(_ spec: ChartSpec, _ out: inout SVGWriter) -> Bool {
        guard let s = spec.series.first else { return false }
        let parts = s.values.enumerated().compactMap { i, v -> (Int, Double)? in
            guard let v, v > 0, i < spec.labels.count else { return nil }
            return (i, v)
        }
        let total = parts.reduce(0) { $0 + $1.1 }
        guard total > 0 else { return false }
        let legendW = min(260, (spec.labels.map { Markup.textWidth(Markup.truncateLabel($0, 24)) }.max() ?? 40) + 90)
        let r = min((width - legendW - 40) / 2, (height - titleSpace - 20) / 2)
        // Centre the pie and its legend together.
        let legendText = parts.map { Markup.textWidth(Markup.truncateLabel(spec.labels[$0.0], 24)) + 60 }.max() ?? 60
        let blockWidth = 2 * r + 30 + 18 + legendText
        let cx = max(20, (width - blockWidth) / 2) + r, cy = titleSpace + 10 + r
        let inner = spec.kind == .doughnut ? r * 0.55 : 0
        out.raw("<g class=\"slices\">\n")
        var angle = -Double.pi / 2
        for (i, v) in parts {
            let sweep = v / total * 2 * Double.pi
            let color = s.colors?[safe: i] ?? ChartPalette.color(i)
            let tip = SVGWriter.tooltip("\(spec.labels[i]): \(ReadableNumber.human(v)) (\(ReadableNumber.percent(v / total)))")
            out.element("path", ["class": "slice", "d": arcPath(cx: cx, cy: cy, r: r, inner: inner, start: angle, sweep: sweep),
                                 "fill": color, "stroke": "#ffffff", "stroke-width": "1", "fill-rule": "evenodd"], children: tip)
            angle += sweep
        }
        out.raw("</g>\n<g class=\"legend\">\n")
        let lx = cx + r + 30
        var ly = max(titleSpace + 20, cy - Double(parts.count) * 9)
        for (i, v) in parts {
            out.element("rect", ["class": "legend-swatch", "x": SVGWriter.num(lx), "y": SVGWriter.num(ly - 10), "width": "12",
                                 "height": "12", "fill": s.colors?[safe: i] ?? ChartPalette.color(i)])
            out.element("text", ["x": SVGWriter.num(lx + 18), "y": SVGWriter.num(ly), "fill": "#333333"],
                        content: "\(Markup.truncateLabel(spec.labels[i], 24))  \(ReadableNumber.percent(v / total))")
            ly += 18
        }
        out.raw("</g>\n")
        return true
    }

    /// A slice from `start` through `sweep` radians; a full turn is drawn as two half arcs
    /// because an SVG arc whose end equals its start draws nothing.
    func arcPath(cx: Double, cy: Double, r: Double, inner: Double, start: Double, sweep: Double) -> String {
        func pt(_ radius: Double, _ a: Double) -> String { SVGWriter.num(cx + radius * cos(a)) + " " + SVGWriter.num(cy + radius * sin(a)) }
        let n = SVGWriter.num
        if sweep >= 2 * Double.pi - 1e-9 {
            var d = "M\(pt(r, start)) A\(n(r)) \(n(r)) 0 1 1 \(pt(r, start + .pi)) A\(n(r)) \(n(r)) 0 1 1 \(pt(r, start)) Z"
            if inner > 0 {
                d += " M\(pt(inner, start)) A\(n(inner)) \(n(inner)) 0 1 0 \(pt(inner, start + .pi)) A\(n(inner)) \(n(inner)) 0 1 0 \(pt(inner, start)) Z"
            }
            return d
        }
        let large = sweep > Double.pi ? 1 : 0
        let end = start + sweep
        if inner > 0 {
            return "M\(pt(r, start)) A\(n(r)) \(n(r)) 0 \(large) 1 \(pt(r, end)) L\(pt(inner, end)) A\(n(inner)) \(n(inner)) 0 \(large) 0 \(pt(inner, start)) Z"
        }
        return "M\(n(cx)) \(n(cy)) L\(pt(r, start)) A\(n(r)) \(n(r)) 0 \(large) 1 \(pt(r, end)) Z"
    }
}

extension Array {
    /// The element at `index`, or nil past the end (colour lists may be shorter than data).
    fileprivate subscript(safe index: Int) -> Element? { indices.contains(index) ? self[index] : nil }
}

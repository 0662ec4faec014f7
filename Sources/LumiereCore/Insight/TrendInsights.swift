// Insights for a measure over time (direction, change first→last, largest period move,
// peak and low, running totals) and for two measures against each other (Pearson's r).

import Foundation

extension InsightContext {
    func trend() -> Insights {
        guard let label = shape.labelIndices.first, let m = shape.primaryMeasure else { return distribution() }
        var points = rows.compactMap { row -> (String, Double, SQLValue)? in
            row[m].doubleValue.map { (Wording.displayLabel(row[label]), $0, row[label]) }
        }
        // Periods split by a group (month × region): describe the combined total per period;
        // the dispatcher only sends additive measures here, so summing is meaningful.
        let split = shape.labelIndices.count >= 2 ? shape.labelIndices[1] : nil
        if split != nil {
            var sums: [String: (Double, SQLValue)] = [:], order: [String] = []
            for p in points {
                if sums[p.0] == nil { order.append(p.0); sums[p.0] = (0, p.2) }
                sums[p.0]!.0 += p.1
            }
            points = order.map { ($0, sums[$0]!.0, sums[$0]!.1) }
        }
        // ISO dates and year numbers sort chronologically; month names keep the query's order.
        if let order = ResultShape.chronologicalOrder(points.map(\.2)) { points = order.map { points[$0] } }
        let measure = measurePhrase(m)
        let n = points.count
        guard n >= 2 else { return n == 1 ? singleRow() : distribution() }
        let first = points[0], last = points[n - 1]
        let running = intent == .cumulative || ResultShape.isRunning(name: name(m))
        var findings: [String] = []
        let steps = (1..<n).map { (from: points[$0 - 1], to: points[$0], delta: points[$0].1 - points[$0 - 1].1) }

        let summary: String
        if running {
            summary = "\(Wording.capitalizeFirst(measure)) reached \(fmt(last.1)) by \(last.0), over \(n) periods from \(first.0)."
        } else if n == 2 {
            // Two points are a change, not a trend.
            summary = "\(Wording.capitalizeFirst(measure)) went from \(fmt(first.1)) in \(first.0) to \(fmt(last.1)) in \(last.0)\(changeText(first.1, last.1))."
        } else if let peak = points.max(by: { $0.1 < $1.1 }), let low = points.min(by: { $0.1 < $1.1 }),
                  peak.1 > low.1, abs(last.1 - first.1) < (peak.1 - low.1) * 0.1 {
            // A small net change after big swings: "rose 3%" alone would hide the swings.
            let extreme = abs(peak.1 - first.1) >= abs(low.1 - first.1) ? "peaking at \(fmt(peak.1)) in \(peak.0)" : "dipping to \(fmt(low.1)) in \(low.0)"
            summary = "\(Wording.capitalizeFirst(measure)) ended close to where it started — \(fmt(last.1)) in \(last.0) against \(fmt(first.1)) in \(first.0)\(changeText(first.1, last.1)) — after \(extreme)."
        } else {
            let verb = last.1 > first.1 ? "rose" : last.1 < first.1 ? "fell" : "ended where it started"
            let pct = first.1 > 0 && last.1 >= 0 && last.1 != first.1 ? " \(ReadableNumber.percent(abs(last.1 - first.1) / first.1))" : ""
            summary = "\(Wording.capitalizeFirst(measure)) \(verb)\(pct) from \(fmt(first.1)) in \(first.0) to \(fmt(last.1)) in \(last.0) over \(n) periods."
        }
        if n >= 3 {
            if !running {
                let ups = steps.filter { $0.delta > 0 }.count, downs = steps.filter { $0.delta < 0 }.count
                if ups == steps.count { findings.append("It rose in every one of the \(steps.count) steps between periods.") }
                else if downs == steps.count { findings.append("It fell in every one of the \(steps.count) steps between periods.") }
                else { findings.append("It rose in \(ups) and fell in \(downs) of the \(steps.count) steps between periods.") }
                let peak = points.enumerated().max { a, b in a.element.1 != b.element.1 ? a.element.1 < b.element.1 : a.offset > b.offset }!.element
                let low = points.enumerated().min { a, b in a.element.1 != b.element.1 ? a.element.1 < b.element.1 : a.offset < b.offset }!.element
                if peak.1 != low.1 {
                    findings.append("The peak was \(peak.0) at \(fmt(peak.1)); the low was \(low.0) at \(fmt(low.1)).")
                }
            }
            let biggest = steps.enumerated().max { a, b in
                abs(a.element.delta) != abs(b.element.delta) ? abs(a.element.delta) < abs(b.element.delta) : a.offset > b.offset
            }!.element
            if biggest.delta != 0 {
                let sign = biggest.delta > 0 ? "+" : "-"
                if running {
                    // A percentage of a running total mostly measures how early the period is.
                    findings.append("The largest addition came in \(biggest.to.0): \(sign)\(fmt(abs(biggest.delta))).")
                } else {
                    findings.append("The largest move was from \(biggest.from.0) to \(biggest.to.0): \(sign)\(fmt(abs(biggest.delta)))\(changeText(biggest.from.1, biggest.to.1)).")
                }
            }
            if n == 3 { findings.append("With only 3 periods, treat the direction as tentative.") }
        }
        if let med = InsightStats.median(points.map(\.1)), !running {
            findings.append(contentsOf: outlierFindings(points.map { ($0.0, $0.1) }, measure: measure, median: med))
        }
        if let split {
            findings.insert("Figures combine all \(Wording.pluralize(Wording.humanize(name(split)))) in each period.", at: 0)
            if let mover = biggestGroupChange(label: label, group: split, measure: m, first: first.0, last: last.0) {
                findings.append(mover)
            }
        }
        var recs: [String] = []
        if let other = otherGroupings(excluding: [name(label)]).first {
            recs.append("Ask \"\(measurePhrase(m, dropTotal: true)) by \(Wording.humanize(other)) in \(last.0)\" to see what drives the latest period.")
        }
        if n >= 3 && !running {
            recs.append("Ask \"cumulative \(measurePhrase(m, dropTotal: true)) over time\" to see the running total.")
        }
        return Insights(summary: summary, findings: findings, recommendations: recs)
    }

    /// The group whose value changed most between the first and last period.
    private func biggestGroupChange(label: Int, group: Int, measure: Int, first: String, last: String) -> String? {
        var start: [String: Double] = [:], end: [String: Double] = [:], order: [String] = []
        for row in rows {
            guard let v = row[measure].doubleValue else { continue }
            let period = Wording.displayLabel(row[label]), g = Wording.displayLabel(row[group])
            if period == first { start[g, default: 0] += v; if !order.contains(g) { order.append(g) } }
            if period == last { end[g, default: 0] += v; if !order.contains(g) { order.append(g) } }
        }
        let changes = order.map { ($0, (end[$0] ?? 0) - (start[$0] ?? 0)) }
        guard let top = changes.enumerated().max(by: { a, b in
            abs(a.element.1) != abs(b.element.1) ? abs(a.element.1) < abs(b.element.1) : a.offset > b.offset
        })?.element, top.1 != 0 else { return nil }
        let sign = top.1 > 0 ? "+" : "-"
        return "\(top.0) changed most from \(first) to \(last): \(sign)\(fmt(abs(top.1)))."
    }

    /// " (+35.2%)" when a percentage change is meaningful (a positive base), else "".
    private func changeText(_ from: Double, _ to: Double) -> String {
        guard from > 0, to >= 0 else { return "" }
        return " (\(ReadableNumber.signedPercent((to - from) / from)))"
    }

    func correlation() -> Insights {
        let measures = shape.measureIndices
        guard measures.count >= 2 else { return distribution() }
        let (xi, yi) = (measures[0], measures[1])
        let pairs = rows.compactMap { row -> (Double, Double)? in
            guard let x = row[xi].doubleValue, let y = row[yi].doubleValue else { return nil }
            return (x, y)
        }
        let xName = measurePhrase(xi), yName = measurePhrase(yi)
        guard pairs.count >= 3 else {
            return Insights(summary: "Only \(pairs.count) rows have both \(xName) and \(yName): too few to say how they relate.",
                            findings: [], recommendations: [])
        }
        guard let r = InsightStats.pearson(pairs.map(\.0), pairs.map(\.1)) else {
            return Insights(summary: "One of \(xName) and \(yName) does not vary, so there is no relationship to measure.",
                            findings: [], recommendations: [])
        }
        let strength = abs(r) >= 0.7 ? "strong" : abs(r) >= 0.4 ? "moderate" : abs(r) >= 0.2 ? "weak" : nil
        let rText = ReadableNumber.fixed(r, decimals: 2)
        let summary: String
        if let strength {
            summary = "\(Wording.capitalizeFirst(yName)) and \(xName) show a \(strength) \(r > 0 ? "positive" : "negative") relationship (r = \(rText) over \(pairs.count) rows)."
        } else {
            summary = "\(Wording.capitalizeFirst(yName)) and \(xName) show no clear linear relationship (r = \(rText) over \(pairs.count) rows)."
        }
        var findings: [String] = []
        if strength != nil {
            findings.append(r > 0 ? "Rows with higher \(xName) tend to have higher \(yName)." : "Rows with higher \(xName) tend to have lower \(yName).")
        }
        if pairs.count < 8 { findings.append("With only \(pairs.count) rows, the relationship is tentative.") }
        findings.append("A correlation alone does not show that one causes the other.")
        var recs: [String] = []
        if let group = otherGroupings(excluding: []).first {
            recs.append("Ask \"average \(yName) and \(xName) by \(Wording.humanize(group))\" to see whether groups explain the pattern.")
        }
        return Insights(summary: summary, findings: findings, recommendations: recs)
    }
}

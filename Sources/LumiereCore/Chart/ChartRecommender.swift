// ChartRecommender: picks a chart for a query result from its shape (label and measure
// columns, time buckets, sign of values) and the analyst's intent, and emits a Chart.js
// configuration. Pure and deterministic: the same result always gives the same JSON.
//
// Inputs: a QueryResult, the question and interpretation (for the title), the intent, and
// optionally a kind the user forced. Output: ChartPayload(type, reason, config); `none` with
// a reason when no chart helps (no rows, a single value, a wide listing, no numbers).

import Foundation

public struct ChartRecommender: Sendable {
    /// Most categories a bar chart shows before the rest go into "Other".
    public var maxCategories: Int
    /// Most slices a pie or doughnut shows; more are hard to compare by angle.
    public var maxSlices: Int = 8
    /// Most series in a grouped, stacked or multi-line chart.
    public var maxSeries: Int = 8
    /// Most points in a line, area or scatter chart.
    public var maxPoints: Int = 1000

    public init(maxCategories: Int = 12) {
        self.maxCategories = max(2, maxCategories)
    }

    public func recommend(result: QueryResult, question: String?, interpretation: String?,
                          intent: QueryIntent?, forced: ChartKind? = nil) -> ChartPayload {
        let result = result.sanitizedForAnalysis()
        let shape = ResultShape(result)
        let context = Context(result: result, shape: shape, intent: intent,
                              title: Self.title(question: question, interpretation: interpretation, shape: shape))
        var prefix = ""
        if let forced {
            if forced == .none { return ChartPayload(type: "none", reason: "No chart was requested.", config: nil) }
            switch build(forced, context) {
            case .success(let spec):
                return payload(spec, reason: "Drawn as a \(Self.name(forced)) chart as requested.")
            case .failure(let why):
                prefix = "A \(Self.name(forced)) chart was requested, but \(why.text). "
            }
        }
        let (kind, reason) = choose(context)
        guard kind != .none else {
            return ChartPayload(type: "none", reason: prefix + reason, config: nil)
        }
        switch build(kind, context) {
        case .success(let spec):
            return payload(spec, reason: prefix + reason)
        case .failure(let why):
            return ChartPayload(type: "none", reason: prefix + "No chart: \(why.text).", config: nil)
        }
    }

    // MARK: Choosing

    struct Context {
        let result: QueryResult
        let shape: ResultShape
        let intent: QueryIntent?
        let title: String
        var rows: [[SQLValue]] { result.rows }
    }

    /// The kind the data and intent call for, and a one-sentence reason.
    func choose(_ c: Context) -> (ChartKind, String) {
        let shape = c.shape
        let labels = shape.labelIndices
        let measures = shape.measureIndices
        let rowCount = c.rows.count
        if rowCount == 0 { return (.none, "The query returned no rows, so there is nothing to draw.") }
        if measures.isEmpty { return (.none, "The result has no numeric column to plot; it reads best as a table.") }
        if labels.isEmpty {
            if measures.count >= 2 && rowCount >= 3 {
                return (.scatter, "Two numeric columns: a scatter plot shows how they move together.")
            }
            return (.none, rowCount == 1
                ? "The answer is a single row of numbers, best read as they are."
                : "The result has no label column to put on an axis; it reads best as a table.")
        }
        if rowCount == 1 {
            let label = Wording.displayLabel(c.rows[0][labels[0]])
            return (.none, "Only one row (\(label)): a chart of a single category adds nothing to the number itself.")
        }
        if c.intent == .correlation && measures.count >= 2 {
            return (.scatter, "The question relates two measures; a scatter plot shows whether they move together.")
        }
        // Rows as they are (several text columns, or very wide) read best as a table; one
        // grouping with several measures (count, total, average) still gets a chart.
        if (c.intent == .listing && c.result.columns.count > 3) || labels.count >= 3 || c.result.columns.count > 8 {
            return (.none, "A listing of \(c.result.columns.count) columns is best read as a table.")
        }
        let measureName = Wording.humanize(c.result.columns[shape.primaryMeasure ?? measures[0]].name)
        if labels.count >= 2 {
            if shape.isTemporalFirstLabel {
                return (.line, "Time buckets split by a second grouping: one line per group shows each trend.")
            }
            if c.intent == .share {
                return (.stackedBar, "Two groupings and a share: stacked bars show each part within its whole.")
            }
            return (.groupedBar, "Two groupings: bars grouped side by side compare \(measureName) across both.")
        }
        let measureColumn = c.result.columns[shape.primaryMeasure ?? measures[0]].name
        // "Top 3 months by sales" is a ranking: bars in rank order, not a line through time.
        if (shape.isTemporalFirstLabel && c.intent != .ranking) || c.intent == .trend || c.intent == .cumulative {
            if c.intent == .cumulative || ResultShape.isRunning(name: measureColumn) {
                return (.area, "A running total over time: the filled area shows how it accumulates.")
            }
            return (.line, "Values over time: a line shows the trend from one period to the next.")
        }
        let pieOK = pieProblem(c) == nil
        if c.intent == .share {
            if pieOK && rowCount <= maxSlices {
                return (.pie, "Shares of a whole with \(rowCount) parts: a pie shows each part's slice.")
            }
            return (horizontal(c) ? .horizontalBar : .bar,
                    "Shares of \(rowCount) parts: bars compare them more precisely than a pie.")
        }
        if c.intent == .comparison && pieOK && rowCount <= 4 {
            return (.pie, "A comparison of \(rowCount) groups that together make a whole: a pie shows each group's share of \(measureName).")
        }
        if horizontal(c) {
            return (.horizontalBar, "\(rowCount) categories with long or many labels: horizontal bars keep the labels readable.")
        }
        if c.intent == .ranking {
            return (.bar, "A ranking: bars in rank order compare \(measureName) at a glance.")
        }
        return (.bar, "Categories against one measure: bars compare \(measureName) at a glance.")
    }

    private func horizontal(_ c: Context) -> Bool {
        guard let label = c.shape.labelIndices.first else { return false }
        let longest = c.rows.map { Wording.displayLabel($0[label]).count }.max() ?? 0
        return longest > 14 || c.rows.count > 10
    }

    /// Why a pie would mislead, or nil when it is fine: the measure must add up to a whole.
    private func pieProblem(_ c: Context) -> Why? {
        guard let m = c.shape.primaryMeasure, !c.shape.labelIndices.isEmpty else { return .init("there is no label and measure to slice") }
        let name = c.result.columns[m].name
        if c.result.truncated {
            return .init("the result was cut short, so its slices would not add up to the whole")
        }
        if !ResultShape.isAdditive(name: name) {
            return .init("\(Wording.humanize(name)) is not a quantity that adds up to a whole")
        }
        let values = c.rows.compactMap { $0[m].doubleValue }
        if values.contains(where: { $0 < 0 }) { return .init("some values are negative, so they cannot be slices of a whole") }
        if !values.contains(where: { $0 > 0 }) { return .init("all values are zero or missing") }
        return nil
    }

    // MARK: Building

    struct Why: Error {
        let text: String
        init(_ text: String) { self.text = text }
    }

    func build(_ kind: ChartKind, _ c: Context) -> Result<BuiltSpec, Why> {
        let shape = c.shape
        let labels = shape.labelIndices
        let measures = shape.measureIndices
        guard !c.rows.isEmpty else { return .failure(.init("the result has no rows")) }
        switch kind {
        case .none:
            return .failure(.init("no chart was wanted"))
        case .scatter:
            guard measures.count >= 2 else { return .failure(.init("a scatter plot needs two numeric columns")) }
            let (xi, yi) = (measures[0], measures[1])
            let all = c.rows.compactMap { row -> ChartPoint? in
                guard let x = row[xi].doubleValue, let y = row[yi].doubleValue else { return nil }
                return ChartPoint(x: x, y: y)
            }
            let points = Array(all.prefix(maxPoints))
            guard points.count >= 2 else { return .failure(.init("fewer than two rows have both values")) }
            let xName = c.result.columns[xi].name, yName = c.result.columns[yi].name
            let series = ChartSeries(name: "\(yName) vs \(xName)", points: points, color: ChartPalette.color(0))
            let notes = all.count > maxPoints ? ["Only the first \(ReadableNumber.human(Double(maxPoints))) of \(ReadableNumber.human(Double(all.count))) points are shown."] : []
            return .success(BuiltSpec(spec: ChartSpec(kind: .scatter, title: c.title, series: [series],
                                                      categoryTitle: xName, valueTitle: yName), notes: notes))
        default:
            break
        }
        guard let label = labels.first, let measure = shape.primaryMeasure else {
            return .failure(.init("it needs a label column and a numeric column"))
        }
        if kind.isRadial {
            if let problem = pieProblem(c) { return .failure(problem) }
            return .success(categorical(kind, c, label: label, measures: [measure], cap: maxSlices, sort: true))
        }
        if kind == .line || kind == .area {
            guard c.rows.count >= 2 else { return .failure(.init("a line needs at least two points")) }
            if labels.count >= 2 { return .success(pivot(kind, c, rowLabel: label, seriesLabel: labels[1], measure: measure)) }
            var built = categorical(kind, c, label: label, measures: [measure], cap: nil, sort: false)
            if built.spec.labels.count > maxPoints {
                // Keeps configs and SVGs small; a line of thousands of points is unreadable anyway.
                built.notes.append("Only the first \(ReadableNumber.human(Double(maxPoints))) of \(ReadableNumber.human(Double(built.spec.labels.count))) points are shown.")
                built.spec.labels = Array(built.spec.labels.prefix(maxPoints))
                built.spec.series = built.spec.series.map { s in var s = s; s.values = Array(s.values.prefix(maxPoints)); return s }
            }
            return .success(built)
        }
        // The bar family.
        if (kind == .groupedBar || kind == .stackedBar) && labels.count >= 2 {
            return .success(pivot(kind, c, rowLabel: label, seriesLabel: labels[1], measure: measure))
        }
        var chosen = [measure]
        if kind == .groupedBar || kind == .stackedBar {
            // One grouping and several measures: one series per measure.
            chosen = measures.prefix(maxSeries).map { $0 }
        }
        let temporal = shape.isTemporalFirstLabel
        let sortByValue = !temporal && c.intent != .ranking && chosen.count == 1
        return .success(categorical(kind, c, label: label, measures: chosen, cap: temporal ? nil : maxCategories,
                                    sort: sortByValue))
    }

    struct BuiltSpec {
        var spec: ChartSpec
        var notes: [String] = []
    }

    /// One label column against one or more measures, sorted by the first measure when asked,
    /// capped to `cap` categories with an "Other" bucket when the measure adds up.
    private func categorical(_ kind: ChartKind, _ c: Context, label: Int, measures: [Int], cap: Int?, sort: Bool) -> BuiltSpec {
        var source = c.rows
        if (kind == .line || kind == .area), c.shape.isTemporalFirstLabel,
           let order = ResultShape.chronologicalOrder(source.map { $0[label] }) {
            source = order.map { source[$0] }
        }
        var rows = source.map { row in (label: Wording.displayLabel(row[label]), values: measures.map { row[$0].doubleValue }) }
        if kind.isRadial { rows = rows.filter { ($0.values[0] ?? 0) > 0 } }
        if sort {
            // Stable: ties keep the query's order.
            rows = rows.enumerated().sorted { a, b in
                let va = a.element.values[0] ?? -.infinity, vb = b.element.values[0] ?? -.infinity
                return va != vb ? va > vb : a.offset < b.offset
            }.map(\.element)
        }
        var notes: [String] = []
        var otherIndex: Int?
        if let cap, rows.count > cap {
            let additive = measures.allSatisfy { ResultShape.isAdditive(name: c.result.columns[$0].name) }
                && !rows.contains { $0.values.contains { ($0 ?? 0) < 0 } }
            let total = rows.count
            if additive {
                let kept = Array(rows.prefix(cap - 1)), rest = rows.dropFirst(cap - 1)
                let sums = measures.indices.map { j in rest.reduce(0.0) { $0 + ($1.values[j] ?? 0) } }
                rows = kept + [(label: "Other", values: sums)]
                otherIndex = rows.count - 1
                notes.append("The smallest \(rest.count) of \(total) categories are summed as \"Other\".")
            } else {
                rows = Array(rows.prefix(cap))
                notes.append("Only the first \(cap) of \(total) categories are shown.")
            }
        }
        let series = measures.enumerated().map { j, m -> ChartSeries in
            var s = ChartSeries(name: c.result.columns[m].name, values: rows.map { $0.values[j] },
                                color: ChartPalette.color(j))
            if kind.isRadial {
                s.colors = rows.indices.map { $0 == otherIndex ? ChartPalette.other : ChartPalette.color($0) }
            } else if let otherIndex, measures.count == 1 {
                s.colors = rows.indices.map { $0 == otherIndex ? ChartPalette.other : ChartPalette.color(0) }
            }
            return s
        }
        let valueTitle = measures.count == 1 ? c.result.columns[measures[0]].name : nil
        let spec = ChartSpec(kind: kind, title: c.title, labels: rows.map(\.label), series: series,
                             categoryTitle: c.result.columns[label].name, valueTitle: valueTitle)
        return BuiltSpec(spec: spec, notes: notes)
    }

    /// Two groupings and a measure: rows of the first grouping, one series per value of the
    /// second (largest totals first, the rest folded into "Other" when additive).
    private func pivot(_ kind: ChartKind, _ c: Context, rowLabel: Int, seriesLabel: Int, measure: Int) -> BuiltSpec {
        var rowKeys: [String] = [], seriesKeys: [String] = []
        var cells: [String: [String: Double]] = [:]
        var seriesTotals: [String: Double] = [:]
        var source = c.rows
        if c.shape.isTemporalFirstLabel, let order = ResultShape.chronologicalOrder(source.map { $0[rowLabel] }) {
            source = order.map { source[$0] }
        }
        for row in source {
            let r = Wording.displayLabel(row[rowLabel]), s = Wording.displayLabel(row[seriesLabel])
            if cells[r] == nil { rowKeys.append(r); cells[r] = [:] }
            if seriesTotals[s] == nil { seriesKeys.append(s); seriesTotals[s] = 0 }
            if let v = row[measure].doubleValue {
                cells[r]![s, default: 0] += v
                seriesTotals[s]! += abs(v)
            }
        }
        var notes: [String] = []
        let measureName = c.result.columns[measure].name
        let additive = ResultShape.isAdditive(name: measureName)
        var ordered = seriesKeys.enumerated().sorted { a, b in
            let ta = seriesTotals[a.element]!, tb = seriesTotals[b.element]!
            return ta != tb ? ta > tb : a.offset < b.offset
        }.map(\.element)
        var folded: [String] = []
        if ordered.count > maxSeries {
            folded = Array(ordered.dropFirst(additive ? maxSeries - 1 : maxSeries))
            ordered = Array(ordered.prefix(additive ? maxSeries - 1 : maxSeries))
            notes.append(additive
                ? "\(folded.count) smaller groups of \(c.result.columns[seriesLabel].name) are summed as \"Other\"."
                : "Only the largest \(maxSeries) groups of \(c.result.columns[seriesLabel].name) are shown.")
        }
        if rowKeys.count > maxCategories && kind != .line && kind != .area {
            notes.append("Only the first \(maxCategories) of \(rowKeys.count) \(c.result.columns[rowLabel].name) values are shown.")
            rowKeys = Array(rowKeys.prefix(maxCategories))
        }
        var series = ordered.enumerated().map { i, key in
            ChartSeries(name: key, values: rowKeys.map { cells[$0]?[key] }, color: ChartPalette.color(i))
        }
        if additive && !folded.isEmpty {
            let values = rowKeys.map { r in folded.reduce(0.0) { $0 + (cells[r]?[$1] ?? 0) } }
            series.append(ChartSeries(name: "Other", values: values, color: ChartPalette.other))
        }
        let spec = ChartSpec(kind: kind, title: c.title, labels: rowKeys, series: series,
                             categoryTitle: c.result.columns[rowLabel].name, valueTitle: measureName)
        return BuiltSpec(spec: spec, notes: notes)
    }

    private func payload(_ built: BuiltSpec, reason: String) -> ChartPayload {
        let notes = built.notes.isEmpty ? "" : " " + built.notes.joined(separator: " ")
        return ChartPayload(type: built.spec.kind.rawValue, reason: reason + notes, config: built.spec.chartJSConfig())
    }

    static func name(_ kind: ChartKind) -> String {
        switch kind {
        case .horizontalBar: return "horizontal bar"
        case .groupedBar: return "grouped bar"
        case .stackedBar: return "stacked bar"
        default: return kind.rawValue
        }
    }

    static func title(question: String?, interpretation: String?, shape: ResultShape) -> String {
        for candidate in [interpretation, question] {
            if let t = candidate?.trimmingCharacters(in: .whitespacesAndNewlines), !t.isEmpty {
                return t.count > 120 ? String(t.prefix(119)) + "…" : t
            }
        }
        let measure = shape.primaryMeasure.map { Wording.humanize(shape.columns[$0].name) } ?? "Result"
        if let label = shape.labelIndices.first { return "\(measure) by \(Wording.humanize(shape.columns[label].name))" }
        return measure
    }
}

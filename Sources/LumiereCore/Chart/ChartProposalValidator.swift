// ChartProposalValidator: checks a chart proposed by an untrusted author (an LLM's Chart.js
// configuration) against the result rows it claims to draw, and rebuilds it in Lumiere's
// own form, so nothing but validated numbers and cleaned text reaches a document or report.
//
// Inputs: the proposed kind (a ChartKind raw value), its Chart.js `config`, the model's
// reason, the query result and the question. Output: a ChartPayload built by ChartSpec
// (our palette, our options) or a ChartRejection saying what did not match.
// Rules: the kind is known and matches config.type; the result has 1...maxRows rows;
// non-scatter charts have one label per row, each equal to a cell of that row (one column
// for all), and 1...8 datasets whose data has one value per row, each equal (within 0.5%,
// so rounding passes) to the same numeric column of the rows; pie and doughnut have one
// dataset of non-negative values; scatter has one dataset of {x, y} points, one per row,
// matching two numeric columns. Pivoted configs (one series per value of a second label
// column) are rejected: the builtin recommender draws those.

public struct ChartRejection: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
    public var description: String { reason }
}

public enum ChartProposalValidator {
    /// Results with more rows than this are not offered to an LLM for charting.
    public static let maxRows = 50
    static let maxDatasets = 8

    public static func validate(type: String, config: JSONValue?, reason: String?, result: QueryResult,
                                question: String?) -> Result<ChartPayload, ChartRejection> {
        let result = result.sanitizedForAnalysis()
        guard let kind = ChartKind(rawValue: type) else {
            return .failure(ChartRejection("unknown chart type \"\(UntrustedText.clean(type, maxLength: 40))\" (known: \(ChartKind.allCases.map(\.rawValue).joined(separator: ", ")))"))
        }
        let why = UntrustedText.clean(reason ?? "", maxLength: 300)
        if kind == .none {
            return .success(ChartPayload(type: "none", reason: why.isEmpty ? "The LLM advised against a chart." : why, config: nil))
        }
        guard let config, case .object = config else { return .failure(ChartRejection("the chart has no Chart.js config object")) }
        guard config["type"]?.stringValue == kind.chartJSType else {
            return .failure(ChartRejection("config.type must be \"\(kind.chartJSType ?? "")\" for a \(kind.rawValue) chart"))
        }
        let rows = result.rows
        guard !rows.isEmpty else { return .failure(ChartRejection("the result has no rows to draw")) }
        guard rows.count <= maxRows else { return .failure(ChartRejection("the result has more than \(maxRows) rows")) }
        guard let datasets = config["data"]?["datasets"]?.arrayValue, (1...maxDatasets).contains(datasets.count) else {
            return .failure(ChartRejection("config.data.datasets must hold 1 to \(maxDatasets) datasets"))
        }
        let numeric = result.columns.indices.filter { j in rows.contains { $0[j].doubleValue != nil } }
        let titleText = config["options"]?["plugins"]?["title"]?["text"]?.stringValue.map { UntrustedText.clean($0, maxLength: 200) }
        let title = titleText.flatMap { $0.isEmpty ? nil : $0 } ?? UntrustedText.clean(question ?? "", maxLength: 200)

        if kind == .scatter {
            guard datasets.count == 1, let points = datasets[0]["data"]?.arrayValue, points.count == rows.count else {
                return .failure(ChartRejection("a scatter chart needs one dataset with one {x, y} point per row (\(rows.count))"))
            }
            let xs = points.map { $0["x"]?.doubleValue }, ys = points.map { $0["y"]?.doubleValue }
            guard let xi = numeric.first(where: { matches(xs, column: $0, rows) }),
                  let yi = numeric.first(where: { $0 != xi && matches(ys, column: $0, rows) }) else {
                return .failure(ChartRejection("the scatter points do not match two numeric columns of the result"))
            }
            let pts = rows.compactMap { row -> ChartPoint? in
                guard let x = row[xi].doubleValue, let y = row[yi].doubleValue else { return nil }
                return ChartPoint(x: x, y: y)
            }
            let (xName, yName) = (result.columns[xi].name, result.columns[yi].name)
            let series = ChartSeries(name: seriesName(datasets[0], fallback: "\(yName) vs \(xName)"), points: pts,
                                     color: ChartPalette.color(0))
            let spec = ChartSpec(kind: .scatter, title: title, series: [series], categoryTitle: xName, valueTitle: yName)
            return .success(payload(spec, why))
        }

        guard let labels = config["data"]?["labels"]?.arrayValue, labels.count == rows.count else {
            return .failure(ChartRejection("config.data.labels must hold one label per row (\(rows.count))"))
        }
        guard let li = result.columns.indices.first(where: { j in
            labels.indices.allSatisfy { labelMatches(labels[$0], rows[$0][j]) }
        }) else {
            return .failure(ChartRejection("the labels are not the values of one column of the result, row by row"))
        }
        if kind.isRadial && datasets.count != 1 {
            return .failure(ChartRejection("a \(kind.rawValue) chart has exactly one dataset"))
        }
        var series: [ChartSeries] = []
        var used: [Int] = []
        for (k, ds) in datasets.enumerated() {
            guard let data = ds["data"]?.arrayValue, data.count == rows.count else {
                return .failure(ChartRejection("dataset \(k + 1) must hold one value per row (\(rows.count))"))
            }
            var values: [Double?] = []
            for v in data {
                switch v {
                case .number(let d) where d.isFinite: values.append(d)
                case .null: values.append(nil)
                default: return .failure(ChartRejection("dataset \(k + 1) holds something that is not a number"))
                }
            }
            guard let mi = numeric.first(where: { $0 != li && matches(values, column: $0, rows) }) else {
                return .failure(ChartRejection("dataset \(k + 1)'s values are not a numeric column of the result"))
            }
            if kind.isRadial && rows.contains(where: { ($0[mi].doubleValue ?? 0) < 0 }) {
                return .failure(ChartRejection("a \(kind.rawValue) chart cannot show negative values"))
            }
            used.append(mi)
            var s = ChartSeries(name: seriesName(ds, fallback: result.columns[mi].name),
                                values: rows.map { $0[mi].doubleValue }, color: ChartPalette.color(k))
            if kind.isRadial { s.colors = rows.indices.map(ChartPalette.color) }
            series.append(s)
        }
        let spec = ChartSpec(kind: kind, title: title, labels: rows.map { Wording.displayLabel($0[li]) }, series: series,
                             categoryTitle: result.columns[li].name,
                             valueTitle: used.count == 1 ? result.columns[used[0]].name : nil)
        return .success(payload(spec, why))
    }

    private static func payload(_ spec: ChartSpec, _ why: String) -> ChartPayload {
        ChartPayload(type: spec.kind.rawValue, reason: why.isEmpty ? "Chart chosen by the LLM." : "Chosen by the LLM: \(why)",
                     config: spec.chartJSConfig())
    }

    private static func seriesName(_ ds: JSONValue, fallback: String) -> String {
        let name = UntrustedText.clean(ds["label"]?.stringValue ?? "", maxLength: 80)
        return name.isEmpty ? fallback : name
    }

    /// Every proposed value equals column `j` row by row (nil matches a null or non-number).
    private static func matches(_ values: [Double?], column j: Int, _ rows: [[SQLValue]]) -> Bool {
        values.indices.allSatisfy { i in
            switch (values[i], rows[i][j].doubleValue) {
            case (nil, nil): return true
            case (let a?, let b?): return close(a, b)
            default: return false
            }
        }
    }

    static func close(_ a: Double, _ b: Double) -> Bool {
        abs(a - b) <= 1e-9 + 0.005 * max(abs(a), abs(b))
    }

    private static func labelMatches(_ label: JSONValue, _ cell: SQLValue) -> Bool {
        switch label {
        case .string(let s):
            return s == Wording.displayLabel(cell) || s == cell.description
                || (cell.doubleValue != nil && Double(s).map { close($0, cell.doubleValue!) } == true)
        case .number(let d):
            return cell.doubleValue.map { close(d, $0) } ?? false
        default:
            return false
        }
    }
}

// ResultShape: what a query result looks like to a chart or an insight — which columns are
// labels (text, dates, year numbers), which are measures (numbers), and which measure to
// lead with. Pure inspection of the rows; no SQL parsing.

import Foundation

/// Namespace for the small wording helpers charts and insights share (kept out of the
/// module's top level, which other components share too).
enum Wording {}

struct ResultShape {
    enum Role: Equatable { case label, temporal, measure, empty }

    let columns: [ResultColumn]
    let roles: [Role]

    init(_ result: QueryResult) {
        columns = result.columns
        var roles: [Role] = []
        for (index, column) in result.columns.enumerated() {
            let values = result.rows.lazy.compactMap { $0.indices.contains(index) ? $0[index] : nil }
            roles.append(Self.role(of: column, values: Array(values.prefix(200))))
        }
        // A leading integer column named like a period ("year", "month") is an axis, not a
        // measure — but only when another number is left to plot.
        if let first = roles.first, first == .measure, roles.dropFirst().contains(.measure),
           Self.isPeriodName(result.columns[0].name) {
            roles[0] = .temporal
        }
        self.roles = roles
    }

    /// Label columns, the first time-bucket column first: "sales by region and month" is
    /// read as months on the axis with one series per region.
    var labelIndices: [Int] {
        let labels = roles.indices.filter { roles[$0] == .label || roles[$0] == .temporal }
        guard let time = labels.first(where: { roles[$0] == .temporal }) else { return labels }
        return [time] + labels.filter { $0 != time }
    }
    var measureIndices: [Int] { roles.indices.filter { roles[$0] == .measure } }
    /// The first label column, when it holds time buckets.
    var isTemporalFirstLabel: Bool { labelIndices.first.map { roles[$0] == .temporal } ?? false }

    /// The measure to chart or describe first: a total or sum if there is one, else the first
    /// additive measure, else the first measure.
    var primaryMeasure: Int? {
        let measures = measureIndices
        let leading = ["total", "sum", "revenue", "amount"]
        if let i = measures.first(where: { idx in
            let name = columns[idx].name.lowercased()
            return leading.contains { name.contains($0) } && Self.isAdditive(name: columns[idx].name)
        }) { return i }
        return measures.first { Self.isAdditive(name: columns[$0].name) } ?? measures.first
    }

    // MARK: Classification

    static func role(of column: ResultColumn, values: [SQLValue]) -> Role {
        let present = values.filter { !$0.isNull }
        guard !present.isEmpty else {
            let declared = column.type.uppercased()
            return declared == "INTEGER" || declared == "REAL" ? .empty : .label
        }
        if present.allSatisfy({ $0.doubleValue != nil }) { return .measure }
        let texts = present.compactMap(\.textValue)
        if texts.count == present.count, texts.allSatisfy(isTemporalText) { return .temporal }
        if isPeriodName(column.name) { return .temporal }
        return .label
    }

    /// Words that name a measure that cannot be summed into a whole (no shares, no pie, no
    /// "Other" bucket): averages, extremes, rates and unit prices.
    static func isAdditive(name: String) -> Bool {
        let tokens = nameTokens(name)
        let nonAdditive: Set<String> = ["avg", "average", "mean", "median", "min", "max", "minimum", "maximum",
                                        "range",
                                        "rate", "ratio", "price", "std", "stddev", "variance", "per", "change",
                                        "growth", "cumulative", "running", "distinct"]
        return tokens.allSatisfy { !nonAdditive.contains($0) }
    }

    static func isAverage(name: String) -> Bool {
        let tokens = nameTokens(name)
        return tokens.contains { ["avg", "average", "mean", "median"].contains($0) }
    }

    static func isRunning(name: String) -> Bool {
        nameTokens(name).contains { $0 == "cumulative" || $0 == "running" }
    }

    static func isPeriodName(_ name: String) -> Bool {
        let periods: Set<String> = ["year", "yr", "month", "week", "day", "date", "quarter", "hour", "period",
                                    "time", "yearmonth", "ym"]
        return nameTokens(name).contains { periods.contains($0) }
    }

    /// "total_sales" / "TotalSales" / "avg sales" → ["total", "sales"] etc.
    static func nameTokens(_ name: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        var previousLower = false
        for ch in name {
            if ch.isLetter || ch.isNumber {
                if ch.isUppercase && previousLower { tokens.append(current.lowercased()); current = "" }
                current.append(ch)
                previousLower = ch.isLowercase
            } else {
                if !current.isEmpty { tokens.append(current.lowercased()) }
                current = ""
                previousLower = false
            }
        }
        if !current.isEmpty { tokens.append(current.lowercased()) }
        return tokens
    }

    private static let monthNames: Set<String> = [
        "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
        "november", "december", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    ]

    /// Date-like bucket labels: 2024, 2024-03, 2024-03-05, 2024-03-05 10:00, 2024-W09, 2024-Q1, "March".
    static func isTemporalText(_ text: String) -> Bool {
        let s = text.trimmingCharacters(in: .whitespaces)
        if monthNames.contains(s.lowercased()) { return true }
        let chars = Array(s.utf8)
        func digits(_ range: Range<Int>) -> Bool {
            range.upperBound <= chars.count && range.allSatisfy { chars[$0] >= 48 && chars[$0] <= 57 }
        }
        guard chars.count >= 4, digits(0..<4) else { return false }
        if chars.count == 4 { return true }
        guard chars[4] == UInt8(ascii: "-") else { return false }
        if chars.count == 7, chars[5] == UInt8(ascii: "Q") || chars[5] == UInt8(ascii: "q") {
            return (49...52).contains(chars[6])
        }
        if chars.count == 8, chars[5] == UInt8(ascii: "W") { return digits(6..<8) }
        if chars.count == 7 { return digits(5..<7) }
        if chars.count >= 10, digits(5..<7), chars[7] == UInt8(ascii: "-"), digits(8..<10) {
            return chars.count == 10
                || ((chars[10] == UInt8(ascii: " ") || chars[10] == UInt8(ascii: "T")) && digits(11..<13))
        }
        return false
    }
}

extension ResultShape {
    /// Positions of `keys` in time order when they sort as time (ISO dates, year numbers —
    /// text order is time order for those); nil when they do not (month names), so callers
    /// keep the query's order. Stable: equal keys keep their relative order.
    static func chronologicalOrder(_ keys: [SQLValue]) -> [Int]? {
        let sortable = keys.allSatisfy { key in
            switch key {
            case .integer: return true
            case .text(let t): return ResultShape.isTemporalText(t) && t.first?.isNumber == true
            default: return false
            }
        }
        guard sortable else { return nil }
        return keys.indices.sorted { a, b in
            let ka = keys[a], kb = keys[b]
            if let da = ka.doubleValue, let db = kb.doubleValue, da != db { return da < db }
            if let ta = ka.textValue, let tb = kb.textValue, ta != tb { return ta < tb }
            if (ka.doubleValue == nil) != (kb.doubleValue == nil) { return ka.doubleValue != nil }
            return a < b
        }
    }
}

extension Wording {
    /// A label for display: NULL becomes "(blank)" so it is visible rather than empty.
    static func displayLabel(_ value: SQLValue) -> String {
        value.isNull ? "(blank)" : value.description
    }
}

extension Wording {
    /// "total_sales" → "total sales"; "TotalSales" → "total sales". For axis titles and prose.
    static func humanize(_ name: String) -> String {
        let tokens = ResultShape.nameTokens(name)
        guard !tokens.isEmpty else { return name }
        let mapped = tokens.map { t -> String in
            switch t {
            case "avg": return "average"
            case "cnt", "num": return "number of"
            case "qty": return "quantity"
            case "pct": return "percent"
            default: return t
            }
        }
        return mapped.joined(separator: " ")
    }
}

extension QueryResult {
    /// The result with every row exactly as wide as the columns and non-finite reals
    /// (SQLite can produce ±Inf; NaN arrives as NULL) turned into NULL. Charts and insights
    /// read this form so they never index past a short row, and a chart config never holds
    /// a number JSONEncoder refuses to encode.
    func sanitizedForAnalysis() -> QueryResult {
        let width = columns.count
        let clean = rows.allSatisfy { row in
            row.count == width && !row.contains { if case .real(let d) = $0 { return !d.isFinite } else { return false } }
        }
        if clean { return self }
        var copy = self
        copy.rows = rows.map { row in
            (0..<width).map { i in
                guard i < row.count else { return .null }
                if case .real(let d) = row[i], !d.isFinite { return .null }
                return row[i]
            }
        }
        return copy
    }
}

// InsightGenerator: deterministic written insights about a query result — a one-sentence
// summary, findings that the rows support, and suggested follow-up questions.
//
// Inputs: the result rows, the source's column profile (for NULL counts and follow-up
// suggestions), the question and intent. Output: Insights. Never fails: an empty or odd
// result gets a plain description. Rules that keep claims honest:
//   - no leader/laggard with one row, no shares for averages, negative values or truncated
//     results, no trend direction from fewer than 3 periods, no outliers from fewer than 5
//     values or when the median absolute deviation is zero, correlation is never causation.

import Foundation

public struct InsightGenerator: Sendable {
    public init() {}

    public func generate(result: QueryResult, schema: SourceSchema?, question: String?,
                         interpretation: String?, intent: QueryIntent?) -> Insights {
        let result = result.sanitizedForAnalysis()
        let c = InsightContext(result: result, schema: schema, intent: intent)
        var insights: Insights
        let shape = c.shape
        if result.rows.isEmpty {
            insights = Insights(summary: "The query returned no rows.", findings: [],
                                recommendations: c.emptyResultRecommendations())
        } else if shape.measureIndices.isEmpty {
            insights = c.textOnly()
        } else if shape.labelIndices.isEmpty {
            insights = result.rows.count == 1 ? c.singleRow()
                : shape.measureIndices.count >= 2 ? c.correlation() : c.distribution()
        } else if result.rows.count == 1 {
            insights = c.singleRow()
        } else if intent == .correlation && shape.measureIndices.count >= 2 {
            insights = c.correlation()
        } else if intent == .listing || shape.labelIndices.count >= 3 || result.columns.count > 8 {
            insights = c.distribution()
        } else if shape.labelIndices.count >= 2 && !(shape.isTemporalFirstLabel && c.isAdditivePrimary) {
            insights = c.twoGroupings()
        } else if intent == .ranking {
            insights = c.categories()
        } else if shape.isTemporalFirstLabel || intent == .trend || intent == .cumulative {
            insights = c.trend()
        } else {
            insights = c.categories()
        }
        if result.truncated {
            insights.findings.append("The result was cut at \(ReadableNumber.human(Double(result.rowCount))) rows, so these figures describe only the rows shown.")
        }
        insights.findings.append(contentsOf: c.sourceNullFindings())
        if insights.recommendations.isEmpty { insights.recommendations = [c.fallbackRecommendation()] }
        insights.recommendations = Array(insights.recommendations.prefix(3))
        return insights
    }
}

/// Everything the insight rules share about one result.
struct InsightContext {
    let result: QueryResult
    let schema: SourceSchema?
    let intent: QueryIntent?
    let shape: ResultShape

    init(result: QueryResult, schema: SourceSchema?, intent: QueryIntent?) {
        self.result = result
        self.schema = schema
        self.intent = intent
        self.shape = ResultShape(result)
    }

    var rows: [[SQLValue]] { result.rows }
    var isAdditivePrimary: Bool { shape.primaryMeasure.map { ResultShape.isAdditive(name: name($0)) } ?? false }
    func name(_ column: Int) -> String { result.columns[column].name }
    func fmt(_ v: Double) -> String { ReadableNumber.human(v) }

    /// A measure's name for prose, without a leading "total" where the sentence already
    /// implies it ("monthly sales", not "monthly total sales").
    func measurePhrase(_ column: Int, dropTotal: Bool = false) -> String {
        let h = Wording.humanize(name(column))
        if dropTotal {
            for prefix in ["total ", "sum of ", "sum "] where h.hasPrefix(prefix) && h.count > prefix.count {
                return String(h.dropFirst(prefix.count))
            }
        }
        return h
    }

    /// Shares need a whole: an additive measure, no negatives, a complete result — and not
    /// a ranking, whose rows are usually a top-N subset of the whole.
    func sharesMakeSense(_ column: Int, values: [Double]) -> Bool {
        ResultShape.isAdditive(name: name(column)) && !result.truncated && intent != .ranking
            && !values.contains { $0 < 0 } && values.reduce(0, +) > 0
    }

    // MARK: Source profile

    /// Text columns of the source other than `excluding`, fewest distinct values first —
    /// good candidates for "break it down by ..." follow-ups.
    func otherGroupings(excluding: Set<String>) -> [String] {
        guard let schema else { return [] }
        let lowered = Set(excluding.map { $0.lowercased() })
        return schema.columns.filter { col in
            col.type == .text && !lowered.contains(col.name.lowercased()) && col.distinctCount >= 2 && col.distinctCount <= 50
        }
        .enumerated().sorted { a, b in
            a.element.distinctCount != b.element.distinctCount ? a.element.distinctCount < b.element.distinctCount : a.offset < b.offset
        }.map(\.element.name)
    }

    var hasTimeColumn: Bool {
        schema?.columns.contains { $0.type.isTemporal } ?? false
    }

    /// Source columns this result is about: same name as a result column, or named inside it
    /// ("Sales" inside "total_sales").
    func sourceColumnsUsed() -> [ColumnProfile] {
        guard let schema else { return [] }
        let resultTokens = result.columns.map { Set(ResultShape.nameTokens($0.name)) }
        return schema.columns.filter { col in
            let tokens = Set(ResultShape.nameTokens(col.name))
            return !tokens.isEmpty && resultTokens.contains { tokens.isSubset(of: $0) }
        }
    }

    /// "Sales is empty in 2 of 15 source rows" for columns the result draws on.
    func sourceNullFindings() -> [String] {
        guard let schema, schema.rowCount > 0 else { return [] }
        return sourceColumnsUsed().filter { $0.nullCount > 0 }.prefix(2).map { col in
            let what = col.type.isNumeric ? "sums and averages leave those rows out" : "those rows have no \(col.name) to group by"
            return "\(col.name) is empty in \(ReadableNumber.human(Double(col.nullCount))) of \(ReadableNumber.human(Double(schema.rowCount))) source rows; \(what)."
        }
    }

    /// A follow-up for results the specific rules had nothing to suggest for.
    func fallbackRecommendation() -> String {
        let label = shape.labelIndices.first.map { name($0) }
        let measure = shape.primaryMeasure.map { measurePhrase($0, dropTotal: true) }
        let grouping = otherGroupings(excluding: Set(label.map { [$0] } ?? [])).first
        switch (measure, label, grouping) {
        case let (m?, _, g?): return "Ask \"\(m) by \(Wording.humanize(g))\" to see how it splits."
        case let (m?, l?, nil): return "Ask \"top 10 \(Wording.pluralize(Wording.humanize(l))) by \(m)\" to focus on the largest."
        case let (nil, l?, _): return "Ask \"number of rows by \(Wording.humanize(l))\" to see how often each value occurs."
        default: return "Ask for a total by one column, such as \"count of rows by category\", to compare groups."
        }
    }

    func emptyResultRecommendations() -> [String] {
        if let first = otherGroupings(excluding: []).first {
            return ["Ask \"list the distinct values of \(first)\" to check the values the question filters on."]
        }
        return ["Ask \"show 10 rows\" to check which values the data holds."]
    }

    // MARK: Simple shapes

    func textOnly() -> Insights {
        let n = rows.count
        var findings: [String] = []
        if let label = shape.labelIndices.first {
            let distinct = Set(rows.map { $0[label] }).count
            if distinct < n { findings.append("\(name(label)) has \(distinct) distinct values across \(n) rows.") }
        }
        return Insights(summary: "The query returned \(ReadableNumber.human(Double(n))) \(n == 1 ? "row" : "rows") with no numeric column to compare.",
                        findings: findings, recommendations: [])
    }

    /// One row: report its values; with a label, it is the answer to a "which" question.
    func singleRow() -> Insights {
        let row = rows[0]
        let measures = shape.measureIndices
        let parts = measures.compactMap { m -> String? in
            guard let v = row[m].doubleValue else { return nil }
            return "\(measurePhrase(m)) \(fmt(v))"
        }
        var recommendations: [String] = []
        let summary: String
        if let label = shape.labelIndices.first {
            let who = Wording.displayLabel(row[label])
            let first = parts.first ?? "no value"
            let rest = parts.dropFirst()
            let extra = rest.isEmpty ? "" : " (\(rest.joined(separator: ", ")))"
            summary = intent == .ranking
                ? "\(who) comes out on top, with \(first)\(extra)."
                : "\(who): \(first)\(extra)."
            if let m = shape.primaryMeasure {
                recommendations.append("Ask \"\(measurePhrase(m)) by \(Wording.humanize(name(label)))\" to see how far \(who) is ahead of the rest.")
            }
            if hasTimeColumn, let m = shape.primaryMeasure {
                recommendations.append("Ask \"monthly \(measurePhrase(m, dropTotal: true)) for \(who)\" to see whether its lead is recent.")
            }
        } else {
            let nulls = measures.filter { row[$0].isNull }.map { name($0) }
            let stated = measures.compactMap { m in row[m].doubleValue.map { "\(measurePhrase(m)) is \(fmt($0))" } }
            summary = stated.isEmpty ? "The result is empty (NULL)." : Wording.capitalizeFirst(Wording.listJoin(stated)) + "."
            if !nulls.isEmpty && !parts.isEmpty { return Insights(summary: summary, findings: ["\(nulls.joined(separator: ", ")) is NULL: no rows had a value."], recommendations: []) }
            if let group = otherGroupings(excluding: []).first, let m = shape.primaryMeasure {
                recommendations.append("Ask \"\(measurePhrase(m)) by \(Wording.humanize(group))\" to see how it splits.")
            }
        }
        return Insights(summary: summary, findings: [], recommendations: recommendations)
    }

    /// Many rows, read as a list: range, median and outliers of the main measure.
    func distribution() -> Insights {
        guard let m = shape.primaryMeasure else { return textOnly() }
        let label = shape.labelIndices.first
        let pairs = rows.compactMap { row -> (String, Double)? in
            guard let v = row[m].doubleValue else { return nil }
            return (label.map { Wording.displayLabel(row[$0]) } ?? "", v)
        }
        let n = rows.count
        let measure = measurePhrase(m)
        guard let lo = pairs.min(by: { $0.1 < $1.1 }), let hi = pairs.max(by: { $0.1 < $1.1 }),
              let med = InsightStats.median(pairs.map(\.1)) else {
            return Insights(summary: "The query returned \(n) rows; \(measure) has no values.", findings: [], recommendations: [])
        }
        var findings: [String] = []
        let at: ((String, Double)) -> String = { label == nil || $0.0.isEmpty ? "" : " (\($0.0))" }
        findings.append("Values of \(measure) range from \(fmt(lo.1))\(at(lo)) to \(fmt(hi.1))\(at(hi)), with a median of \(fmt(med)).")
        findings.append(contentsOf: outlierFindings(pairs, measure: measure, median: med))
        let missing = n - pairs.count
        if missing > 0 { findings.append("\(missing) of \(n) rows have no \(measure).") }
        return Insights(summary: "The query returned \(ReadableNumber.human(Double(n))) rows; values of \(measure) run from \(fmt(lo.1)) to \(fmt(hi.1)).",
                        findings: findings, recommendations: [])
    }

    func outlierFindings(_ pairs: [(String, Double)], measure: String, median: Double) -> [String] {
        InsightStats.robustOutliers(pairs.map(\.1)).prefix(3).map { hit in
            let (label, v) = pairs[hit.index]
            let subject = label.isEmpty ? "One value" : label
            return "\(subject) stands out with \(measure) of \(fmt(v)), far \(hit.z > 0 ? "above" : "below") the median of \(fmt(median))."
        }
    }
}

extension Wording {
    static func capitalizeFirst(_ s: String) -> String {
        guard let first = s.first else { return s }
        return first.uppercased() + s.dropFirst()
    }
}

extension Wording {
    /// "region" → "regions", "category" → "categories", "customer type" → "customer types".
    static func pluralize(_ noun: String) -> String {
        let lower = noun.lowercased()
        if lower.hasSuffix("y"), let before = lower.dropLast().last, !"aeiou".contains(before) { return String(noun.dropLast()) + "ies" }
        if ["s", "x", "z", "ch", "sh"].contains(where: { lower.hasSuffix($0) }) { return noun + "es" }
        return noun + "s"
    }
}

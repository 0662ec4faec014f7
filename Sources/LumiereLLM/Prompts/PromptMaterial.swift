// PromptMaterial: the data-bearing parts of prompts — the schema description, result columns
// and rows — written under the privacy setting `llm.share`, with a count of what they
// contain so the result can record exactly what left the machine.
//
// Rules: every column name and value is written as a JSON string literal (quotes, newlines
// and control characters escaped), so text from a CSV can never break out of its place in
// the prompt; values are cut to `maxValueLength` characters. Under `schema`, only names,
// types, counts and the ranges of numeric, date and boolean columns are written — never a
// text value (a text column's min/max would be a cell). `sample` adds up to
// `samplesPerColumn` distinct values per text column; `full` also allows result rows.
// The source's glossary follows the columns, as quoted literals like everything else.

import Foundation
import LumiereCore

public struct PromptMaterial: Sendable, Equatable {
    public var text: String
    /// Column names described.
    public var columns: [String]
    /// Data values written (range bounds, sample values, cells).
    public var values: Int
    /// Result rows written.
    public var rows: Int

    public static let maxValueLength = 40
    public static let samplesPerColumn = 5
    /// Result rows sent at most (share = full).
    public static let maxRows = ChartProposalValidator.maxRows

    /// A value as a JSON string literal, cut to `maxValueLength` characters.
    public static func quote(_ value: String, maxLength: Int = maxValueLength) -> String {
        let cut = value.count > maxLength ? String(value.prefix(maxLength)) + "…" : value
        let data = (try? JSONEncoder().encode(cut)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    /// Column names are never cut: the model must be able to write them.
    static func name(_ name: String) -> String { quote(name, maxLength: .max) }

    /// The source's columns, one line each.
    public static func schema(_ schema: SourceSchema, share: LLMShare) -> PromptMaterial {
        var lines: [String] = []
        var values = 0
        for c in schema.columns {
            var line = "- \(name(c.name)) \(c.type.rawValue)"
            var facts: [String] = []
            facts.append(c.distinctIsEstimate ? "about \(c.distinctCount) distinct values" : "\(c.distinctCount) distinct values")
            if c.nullCount > 0 { facts.append("\(c.nullCount) empty") }
            if c.type != .text, let lo = c.min, let hi = c.max {
                facts.append("from \(literal(lo)) to \(literal(hi))")
                values += 2
            }
            if c.type == .boolean { facts.append("stored as 0/1") }
            if c.type == .date { facts.append("stored as text YYYY-MM-DD") }
            if c.type == .datetime { facts.append("stored as text YYYY-MM-DD HH:MM:SS") }
            if share != .schema && c.type == .text {
                let known = schema.valueIndex.values[c.name] ?? c.samples
                let picked = Array(known.prefix(samplesPerColumn))
                if !picked.isEmpty {
                    facts.append("for example " + picked.map { quote($0) }.joined(separator: ", "))
                    values += picked.count
                }
            }
            line += ": " + facts.joined(separator: "; ")
            lines.append(line)
        }
        // The owner's glossary: their words for columns and values. Under share = schema a
        // value term names its column only, since the value is a cell of the data.
        let terms = schema.glossary.filter { $0.isUsable(in: schema) }
        if !terms.isEmpty {
            lines.append("Glossary (the data owner's words; read them as given):")
            for t in terms {
                if let value = t.value {
                    if share == .schema {
                        lines.append("- \(quote(t.term)) means a filter on \(name(t.column)) (value not shared)")
                    } else {
                        lines.append("- \(quote(t.term)) means \(name(t.column)) = \(quote(value))")
                        values += 1
                    }
                } else {
                    lines.append("- \(quote(t.term)) means the column \(name(t.column))")
                }
            }
        }
        return PromptMaterial(text: lines.joined(separator: "\n"), columns: schema.columns.map(\.name), values: values, rows: 0)
    }

    /// A result's columns as `"name" TYPE` lines.
    public static func columns(_ result: QueryResult) -> String {
        result.columns.map { "- \(name($0.name)) \($0.type)" }.joined(separator: "\n")
    }

    /// Up to `maxRows` result rows as a JSON array of arrays (numbers as numbers, text quoted
    /// and cut). Only for share = full.
    public static func rows(_ result: QueryResult, maxRows: Int = maxRows) -> PromptMaterial {
        let rows = result.rows.prefix(maxRows)
        let lines = rows.map { row in "[" + row.map(literal).joined(separator: ", ") + "]" }
        return PromptMaterial(text: "[\n" + lines.joined(separator: ",\n") + "\n]", columns: result.columns.map(\.name),
                              values: rows.reduce(0) { $0 + $1.count }, rows: rows.count)
    }

    static func literal(_ v: SQLValue) -> String {
        switch v {
        case .null: return "null"
        case .integer(let i): return String(i)
        case .real(let d): return d.isFinite ? String(d) : "null"
        case .text(let s): return quote(s)
        }
    }
}

// TextRenderer: a result document for a terminal — warnings, interpretation, the engine
// when an LLM wrote the SQL, SQL, an aligned table (first 50 rows), insights,
// clarification candidates, follow-up suggestions.

import Foundation

import LumiereCore

enum TextRenderer {
    static func render(_ doc: ResultDocument, maxRows: Int = 50) -> String {
        var out: [String] = []
        for w in doc.warnings ?? [] { out.append("warning: \(w)") }
        if let i = doc.interpretation { out.append("Interpretation: \(i)") }
        if doc.engine == "llm", let model = doc.llm?.model { out.append("Engine: LLM (\(model))") }
        if let sql = doc.sql { out.append("SQL: \(sql)") }
        if let candidates = doc.candidates, !candidates.isEmpty {
            out.append("The question is ambiguous. Candidates (rerun with --choose K):")
            for c in candidates { out.append("  \(c.choice). \(c.interpretation)\n     \(c.sql)") }
        }
        if let columns = doc.columns, let rows = doc.rows {
            out.append("")
            out.append(table(columns.map(\.name), rows.prefix(maxRows).map { $0.map(cell) }))
            var footer = "(\(doc.rowCount ?? rows.count) row\(rows.count == 1 ? "" : "s")"
            if rows.count > maxRows { footer += ", first \(maxRows) shown" }
            if doc.truncated == true { footer += ", truncated by sql.max_rows" }
            out.append(footer + ")")
        }
        if let insights = doc.insights {
            out.append("")
            out.append(insights.summary)
            for f in insights.findings { out.append("  • \(f)") }
            if !insights.recommendations.isEmpty {
                out.append("Next questions:")
                for r in insights.recommendations { out.append("  → \(r)") }
            }
        }
        if let suggestions = doc.suggestions, !suggestions.isEmpty {
            out.append("")
            out.append("Follow-up questions:")
            for q in suggestions { out.append("  ? \(q)") }
        }
        return out.joined(separator: "\n")
    }

    static func cell(_ v: SQLValue) -> String {
        switch v {
        case .null: return "NULL"
        case .real(let d):
            let r = (d * 100).rounded() / 100
            return r == r.rounded() && abs(r) < 1e15 ? String(Int64(r)) : String(r)
        default: return v.description
        }
    }

    static func table(_ header: [String], _ rows: [[String]]) -> String {
        let clipped = rows.map { $0.map { $0.count > 40 ? String($0.prefix(39)) + "…" : $0 } }
        var widths = header.map(\.count)
        for r in clipped { for (i, c) in r.enumerated() where i < widths.count { widths[i] = max(widths[i], c.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingTrailing()
        }
        var lines = [line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
        lines += clipped.map(line)
        return lines.joined(separator: "\n")
    }
}

extension String {
    func trimmingTrailing() -> String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}

// ManagementRenderer: management result documents for a terminal — tables of sources and
// queries, a source's columns, a preview window, a query's history entry. The `data`
// payload is read back into the ManagementData models; `--json` prints the document
// itself instead.

import Foundation
import LumiereCore

enum ManagementRenderer {
    static func data(_ doc: ResultDocument) -> ManagementData {
        doc.data?.decoded(as: ManagementData.self) ?? ManagementData()
    }

    static func day(_ iso: String) -> String { String(iso.prefix(19)).replacingOccurrences(of: "T", with: " ") }

    static func sourceList(_ doc: ResultDocument) -> String {
        let sources = data(doc).sources ?? []
        if sources.isEmpty { return "No sources yet: drop a CSV into the inbox or run `lumiere sources add FILE`." }
        let rows = sources.map { s in
            [s.name, String(s.version), String(s.rowCount), String(s.columnCount), day(s.updatedAt),
             s.description.count > 40 ? String(s.description.prefix(39)) + "…" : s.description]
        }
        return TextRenderer.table(["NAME", "VERSION", "ROWS", "COLUMNS", "UPDATED", "DESCRIPTION"], rows)
    }

    static func sourceDetail(_ doc: ResultDocument) -> String {
        guard let s = data(doc).source else { return "" }
        var out = [
            "Source:      \(s.name) (id \(s.id))",
            "Version:     \(s.version) of \(s.versions.map(String.init).joined(separator: ", "))",
            "Rows:        \(s.rowCount)",
            "File:        \(s.fileName) (\(s.sizeBytes) bytes, sha256 \(s.sha256.prefix(16))…)",
            "Created:     \(day(s.createdAt))",
            "Updated:     \(day(s.updatedAt))",
        ]
        if !s.description.isEmpty { out.append("Description: \(s.description)") }
        if let encoding = s.encoding {
            // JSON Lines and workbooks have no delimiter to show.
            out.append(s.format == "jsonl" ? "Encoding:    \(encoding), JSON Lines"
                : s.format == "xlsx" ? "Encoding:    \(encoding), Excel workbook"
                : "Encoding:    \(encoding), delimiter \(s.delimiter.map { $0 == "\t" ? "tab" : "\"\($0)\"" } ?? "?")")
        }
        if let columns = s.columns, !columns.isEmpty {
            out.append("")
            out.append(TextRenderer.table(["COLUMN", "TYPE", "NULLS", "DISTINCT", "MIN", "MAX"], columns.map { c in
                [c.name, c.type.rawValue, String(c.nullCount), (c.distinctIsEstimate ? "~" : "") + String(c.distinctCount),
                 c.min.map(TextRenderer.cell) ?? "", c.max.map(TextRenderer.cell) ?? ""]
            }))
        }
        if let terms = s.glossary, !terms.isEmpty {
            out.append("")
            out.append(glossaryTable(terms))
        }
        for w in s.warnings ?? [] { out.append("warning: \(w)") }
        return out.joined(separator: "\n")
    }

    /// A source's glossary after glossary_add / glossary_delete, or for `glossary list`.
    static func glossary(_ doc: ResultDocument) -> String {
        guard let s = data(doc).source else { return "" }
        let terms = s.glossary ?? []
        if terms.isEmpty { return "\(s.name) has no glossary terms: add one with `lumiere sources glossary add \(s.name) TERM COLUMN`." }
        return glossaryTable(terms)
    }

    static func glossaryTable(_ terms: [GlossaryInfo]) -> String {
        TextRenderer.table(["TERM", "MEANS", "IN USE"], terms.map { t in
            [t.term, t.value.map { "\(t.column) = \(quoteLiteral($0))" } ?? t.column,
             t.inUse ? "yes" : "no (the newest version has no such column)"]
        })
    }

    static func preview(_ doc: ResultDocument) -> String {
        let window = data(doc).preview
        let rows = doc.rows ?? []
        let header = TextRenderer.table((doc.columns ?? []).map(\.name), rows.map { $0.map(TextRenderer.cell) })
        guard let window else { return header }
        let range = rows.isEmpty ? "no rows" : "rows \(window.offset + 1)–\(window.offset + rows.count)"
        return header + "\n(\(range) of \(window.totalRows))"
    }

    static func queryList(_ doc: ResultDocument) -> String {
        let queries = data(doc).queries ?? []
        if queries.isEmpty { return "No queries in the history." }
        let rows = queries.map { q in
            [String(q.id), q.status, q.sourceName.map { "\($0)@\(q.sourceVersion.map(String.init) ?? "?")" } ?? "",
             q.rowCount.map(String.init) ?? "", day(q.createdAt),
             (q.rerunOf.map { "(rerun of \($0)) " } ?? "") + (q.question ?? q.sql ?? "")]
        }
        return TextRenderer.table(["ID", "STATUS", "SOURCE", "ROWS", "CREATED", "QUESTION"], rows)
    }

    static func queryDetail(_ doc: ResultDocument) -> String {
        guard let q = data(doc).query else { return "" }
        var out = ["Query:       \(q.id) (\(q.action), \(q.status))"]
        if let source = q.sourceName { out.append("Source:      \(source), version \(q.sourceVersion.map(String.init) ?? "?")") }
        if let engine = q.engine { out.append("Engine:      \(engine)") }
        if let c = q.confidence { out.append("Confidence:  \(c)") }
        if let r = q.rerunOf { out.append("Rerun of:    \(r)") }
        out.append("Created:     \(day(q.createdAt))")
        if let f = q.finishedAt { out.append("Finished:    \(day(f))") }
        if let code = q.errorCode { out.append("Error:       \(code)\(q.document?.error.map { ": \($0.message)" } ?? "")") }
        if let question = q.question { out.append("Question:    \(question)") }
        if let document = q.document {
            if !document.timingsMs.isEmpty {
                let timings = document.timingsMs.keys.sorted().map { "\($0) \(String(format: "%.1f", document.timingsMs[$0]!)) ms" }
                out.append("Timings:     \(timings.joined(separator: ", "))")
            }
            if let chart = document.chart { out.append("Chart:       \(chart.type)") }
            let body = TextRenderer.render(document)
            if !body.isEmpty { out.append(""); out.append(body) }
        }
        return out.joined(separator: "\n")
    }

    /// rerun / chart / insight: the answer, with the chart's kind and reason first.
    static func answer(_ doc: ResultDocument) -> String {
        var out: [String] = []
        if let id = doc.queryID {
            let d = data(doc)
            out.append(d.rerunOf.map { "Query \(id) (rerun of \($0))" } ?? "Query \(id)")
        }
        if let chart = doc.chart { out.append("Chart: \(chart.type) — \(chart.reason)") }
        for w in doc.warnings ?? [] { out.append("warning: \(w)") }
        out.append(TextRenderer.render(doc))
        return out.joined(separator: "\n")
    }
}

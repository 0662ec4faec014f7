// HTMLReport: one result document as a self-contained HTML page for people — question,
// interpretation, status, chart (inline SVG), insights, result table, follow-up questions, SQL, errors or
// clarification candidates, and provenance in small print.
//
// Self-contained: inline CSS, no scripts, no network; a Content-Security-Policy forbids
// scripts and remote loads so even a hostile value that slipped past escaping could not
// run. Every piece of text from the document is escaped. `svg` is trusted markup from
// SVGChartRenderer (which escapes its own text) and is inlined as is.

import Foundation

public enum HTMLReport {
    /// Most result rows shown in the table; the JSON result keeps them all.
    public static let maxTableRows = 200

    public static func render(_ document: ResultDocument, svg: String?) -> String {
        var page = HTMLBuilder()
        let heading = document.question ?? actionTitle(document)
        page.raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
        page.raw("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
        page.raw("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n")
        page.raw("<meta name=\"generator\" content=\"Lumiere\">\n")
        page.raw("<title>\(esc(Markup.truncateLabel(heading, 100))) — Lumiere</title>\n")
        page.raw("<style>\n\(ReportStyle.css)\n</style>\n</head>\n<body>\n<main class=\"report\">\n")

        header(document, heading: heading, &page)
        if let error = document.error { errorBlock(error, &page) }
        if let standing = document.standing { page.raw(standingSection(standing)) }  // StandingReport.swift
        if let candidates = document.candidates, !candidates.isEmpty { candidatesBlock(candidates, &page) }
        if let warnings = document.warnings, !warnings.isEmpty {
            page.raw("<section class=\"warnings\"><h2>Warnings</h2><ul>\n")
            for w in warnings { page.raw("<li>\(esc(w))</li>\n") }
            page.raw("</ul></section>\n")
        }
        chartBlock(document.chart, svg: svg, &page)
        if let insights = document.insights { insightsBlock(insights, &page) }
        tableBlock(document, &page)
        if let suggestions = document.suggestions, !suggestions.isEmpty {
            page.raw("<section class=\"suggestions\"><h2>Follow-up questions</h2><ul>\n")
            for q in suggestions { page.raw("<li>\(esc(q))</li>\n") }
            page.raw("</ul></section>\n")
        }
        if let data = document.data { dataBlock(data, &page) }
        if let sql = document.sql, !sql.isEmpty {
            page.raw("<section class=\"sql\"><h2>SQL</h2><pre><code>\(esc(sql))</code></pre></section>\n")
        }
        footer(document, &page)
        page.raw("</main>\n</body>\n</html>\n")
        return page.html
    }

    // MARK: Blocks

    private static func header(_ d: ResultDocument, heading: String, _ page: inout HTMLBuilder) {
        let statusText: String
        switch d.status {
        case .succeeded: statusText = "Answered"
        case .failed: statusText = "Failed"
        case .needsClarification: statusText = "Needs clarification"
        }
        page.raw("<header class=\"top\"><p class=\"brand\">Lumiere report</p>")
        page.raw("<span class=\"status status-\(d.status.rawValue)\">\(statusText)</span></header>\n")
        page.raw("<h1 class=\"question\">\(esc(heading))</h1>\n")
        if let interpretation = d.interpretation, !interpretation.isEmpty {
            var line = "<p class=\"interpretation\">Understood as: \(esc(interpretation))"
            if let confidence = d.confidence, confidence.isFinite {
                line += " <span class=\"confidence\">(confidence \(Int((confidence * 100).rounded()))%)</span>"
            }
            page.raw(line + "</p>\n")
        }
    }

    private static func errorBlock(_ error: ErrorPayload, _ page: inout HTMLBuilder) {
        page.raw("<section class=\"error\" role=\"alert\"><h2>Error</h2>\n")
        page.raw("<p><code>\(esc(error.code))</code> \(esc(error.message))</p>\n")
        if let hint = error.hint, !hint.isEmpty { page.raw("<p class=\"hint\"><strong>Hint:</strong> \(esc(hint))</p>\n") }
        if error.transient == true { page.raw("<p class=\"note\">This failure may be temporary; the request can be retried.</p>\n") }
        page.raw("</section>\n")
    }

    private static func candidatesBlock(_ candidates: [Candidate], _ page: inout HTMLBuilder) {
        page.raw("<section class=\"candidates\"><h2>Which did you mean?</h2>\n<ol>\n")
        for c in candidates.sorted(by: { $0.choice < $1.choice }) {
            page.raw("<li value=\"\(c.choice)\"><p>\(esc(c.interpretation))</p><pre><code>\(esc(c.sql))</code></pre></li>\n")
        }
        page.raw("</ol>\n<p class=\"note\">Send the same question again with <code>\"choice\": N</code> to pick one.</p></section>\n")
    }

    private static func chartBlock(_ chart: ChartPayload?, svg: String?, _ page: inout HTMLBuilder) {
        guard let chart else { return }
        page.raw("<section class=\"chart\"><h2>Chart</h2>\n")
        if let svg, svg.hasPrefix("<svg") {
            page.raw("<figure>\n\(svg)<figcaption>\(esc(chart.reason))</figcaption></figure>\n")
        } else if chart.type == ChartKind.none.rawValue || chart.config == nil {
            page.raw("<p class=\"note\">No chart: \(esc(chart.reason))</p>\n")
        } else {
            page.raw("<p class=\"note\">The \(esc(chart.type.replacingOccurrences(of: "_", with: " "))) chart could not be drawn here; its Chart.js configuration is in the JSON result.</p>\n")
        }
        page.raw("</section>\n")
    }

    private static func insightsBlock(_ insights: Insights, _ page: inout HTMLBuilder) {
        page.raw("<section class=\"insights\"><h2>Insights</h2>\n<p class=\"summary\">\(esc(insights.summary))</p>\n")
        if !insights.findings.isEmpty {
            page.raw("<h3>Findings</h3><ul class=\"findings\">\n")
            for f in insights.findings { page.raw("<li>\(esc(f))</li>\n") }
            page.raw("</ul>\n")
        }
        if !insights.recommendations.isEmpty {
            page.raw("<h3>Next questions</h3><ul class=\"recommendations\">\n")
            for r in insights.recommendations { page.raw("<li>\(esc(r))</li>\n") }
            page.raw("</ul>\n")
        }
        page.raw("</section>\n")
    }

    private static func tableBlock(_ d: ResultDocument, _ page: inout HTMLBuilder) {
        guard let columns = d.columns, !columns.isEmpty else { return }
        let rows = d.rows ?? []
        page.raw("<section class=\"result\"><h2>Result</h2>\n<div class=\"table-wrap\"><table>\n<thead><tr>")
        for c in columns { page.raw("<th scope=\"col\">\(esc(c.name))<small>\(esc(c.type))</small></th>") }
        page.raw("</tr></thead>\n<tbody>\n")
        for row in rows.prefix(maxTableRows) {
            page.raw("<tr>")
            for i in columns.indices {
                let cell = i < row.count ? row[i] : .null
                switch cell {
                case .null: page.raw("<td class=\"null\">NULL</td>")
                case .integer, .real:
                    let v = cell.doubleValue ?? 0
                    page.raw("<td class=\"num\" title=\"\(esc(cell.description))\">\(esc(ReadableNumber.human(v)))</td>")
                case .text(let s): page.raw("<td>\(esc(s))</td>")
                }
            }
            page.raw("</tr>\n")
        }
        page.raw("</tbody></table></div>\n")
        let total = d.rowCount ?? rows.count
        var notes: [String] = []
        if rows.isEmpty { notes.append("The query returned no rows.") }
        else if rows.count > maxTableRows {
            notes.append("Showing the first \(ReadableNumber.human(Double(maxTableRows))) of \(ReadableNumber.human(Double(rows.count))) rows; the JSON result has them all.")
        } else {
            notes.append("\(ReadableNumber.human(Double(total))) \(total == 1 ? "row" : "rows").")
        }
        if d.truncated == true { notes.append("The query's row limit cut the result short.") }
        page.raw("<p class=\"note\">\(esc(notes.joined(separator: " ")))</p></section>\n")
    }

    /// Management actions (source lists, previews) carry free-form JSON: shown pretty-printed.
    private static func dataBlock(_ data: JSONValue, _ page: inout HTMLBuilder) {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let bytes = try? encoder.encode(data) else { return }
        page.raw("<section class=\"data\"><h2>Details</h2><pre><code>\(esc(String(decoding: bytes, as: UTF8.self)))</code></pre></section>\n")
    }

    private static func footer(_ d: ResultDocument, _ page: inout HTMLBuilder) {
        var items: [(String, String)] = []
        if let s = d.source { items.append(("Source", "\(s.name) (version \(s.version), \(ReadableNumber.human(Double(s.rowCount))) rows)")) }
        if let id = d.jobID { items.append(("Job", String(id))) }
        if let id = d.queryID { items.append(("Query", String(id))) }
        if let file = d.request.file { items.append(("Request", file)) }
        if let e = d.engines {
            items.append(("Engines", ["SQL: \(e.sql)", e.chart.map { "chart: \($0)" }, e.insights.map { "insights: \($0)" }]
                .compactMap { $0 }.joined(separator: ", ")))
        } else if let e = d.engine { items.append(("Engine", e)) }
        if !d.timingsMs.isEmpty {
            let text = d.timingsMs.keys.sorted().map { "\($0) \(ReadableNumber.fixed(d.timingsMs[$0] ?? 0, decimals: 1)) ms" }
            items.append(("Timings", text.joined(separator: ", ")))
        }
        if let p = d.provenance {
            var parts = ["\(p.engine) \(p.engineVersion)", "config \(p.configDigest)"]
            if let m = p.model { parts.append("model \(m)") }
            if let sha = p.sourceSHA256 { parts.append("source sha256 \(sha)") }
            items.append(("Provenance", parts.joined(separator: ", ")))
        }
        items.append(("Created", d.createdAt))
        page.raw("<footer><dl>\n")
        for (k, v) in items { page.raw("<dt>\(esc(k))</dt><dd>\(esc(v))</dd>\n") }
        page.raw("</dl></footer>\n")
    }

    private static func actionTitle(_ d: ResultDocument) -> String {
        "Lumiere \(d.request.action) result"
    }

    private static func esc(_ s: String) -> String { Markup.xmlEscape(s) }
}

/// Accumulates the page.
fileprivate struct HTMLBuilder {
    private(set) var html = ""
    mutating func raw(_ s: String) { html += s }
}

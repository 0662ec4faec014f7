// The "What changed" section of a standing question's HTML report: the diff of the
// `standing` block in words — counts, then each changed row's measures (old → new, with
// the absolute and relative change), added and removed rows — or why there is no diff.
// Every value is escaped; long lists are cut at `maxItems` (the JSON has them all).

import Foundation

extension HTMLReport {
    static let maxStandingItems = 50

    static func standingSection(_ standing: StandingInfo) -> String {
        func esc(_ s: String) -> String { Markup.xmlEscape(s) }
        func value(_ v: SQLValue) -> String {
            switch v {
            case .null: "NULL"
            case .integer, .real: ReadableNumber.human(v.doubleValue ?? 0)
            case .text(let s): s
            }
        }
        func signed(_ d: Double) -> String { (d > 0 ? "+" : d < 0 ? "−" : "±") + ReadableNumber.human(abs(d)) }
        var html = "<section class=\"standing\"><h2>What changed"
        if let previous = standing.previousVersion {
            html += " since version \(previous)"
        }
        html += "</h2>\n"
        guard let diff = standing.diff else {
            html += "<p class=\"note\">\(esc(standing.diffReason ?? "nothing to compare with"))</p></section>\n"
            return html
        }
        html += "<p class=\"summary\">Version \(standing.sourceVersion): \(diff.added.count) added, \(diff.removed.count) removed, "
            + "\(diff.changed.count) changed, \(diff.unchanged) unchanged.</p>\n"
        var items: [String] = []
        for change in diff.changed {
            let key = change.key.map(value).joined(separator: " · ")
            let measures = change.measures.filter { $0.absolute != 0 }.map { m -> String in
                var text = "\(m.column) \(value(m.old)) → \(value(m.new))"
                if let a = m.absolute {
                    text += " (\(signed(a))"
                    if let r = m.relative { text += ", " + (r >= 0 ? "+" : "−") + String(format: "%.1f%%", abs(r) * 100) }
                    text += ")"
                }
                return text
            }
            items.append("<li class=\"changed\">\(esc(key.isEmpty ? "(all rows)" : key)): \(esc(measures.joined(separator: "; ")))</li>")
        }
        for row in diff.added { items.append("<li class=\"added\">added: \(esc(row.map(value).joined(separator: " · ")))</li>") }
        for row in diff.removed { items.append("<li class=\"removed\">removed: \(esc(row.map(value).joined(separator: " · ")))</li>") }
        if !items.isEmpty {
            html += "<ul>\n" + items.prefix(maxStandingItems).joined(separator: "\n") + "\n</ul>\n"
        }
        var notes: [String] = []
        if items.count > maxStandingItems { notes.append("Showing \(maxStandingItems) of \(items.count) changes; the JSON result has them all.") }
        if diff.truncated { notes.append("A row limit cut an answer short: rows past it were not compared.") }
        if !notes.isEmpty { html += "<p class=\"note\">\(esc(notes.joined(separator: " ")))</p>\n" }
        return html + "</section>\n"
    }
}

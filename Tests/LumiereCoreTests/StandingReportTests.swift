// The HTML report of a standing question's rerun: the "What changed" section says the
// counts and each change in words, escapes every value, explains a missing diff, and is
// absent from reports of ordinary questions.

import Foundation
import Testing
@testable import LumiereCore

@Suite("Standing question reports")
struct StandingReportTests {
    func document(_ standing: StandingInfo?) -> ResultDocument {
        var d = ResultDocument(status: .succeeded, request: RequestInfo(file: "watch-1-v2-5.json", id: nil, action: "standing"),
                               createdAt: "2026-01-01T00:00:00Z")
        d.question = "total sales by region"
        d.standing = standing
        return d
    }

    @Test func changesInWords() {
        let previous = DiffTable(columns: ["Region", "total"], rows: [[.text("North"), .integer(100)], [.text("East"), .integer(10)],
                                                                      [.text("Zero"), .integer(0)]])
        let current = DiffTable(columns: ["Region", "total"], rows: [[.text("North"), .integer(150)], [.text("<b>West</b>"), .integer(5)],
                                                                     [.text("Zero"), .integer(7)]])
        let standing = StandingInfo(subscriptionID: 1, sourceVersion: 2, sourceID: 5, previousVersion: 1,
                                    outcome: ResultDiffer.diff(previous: previous, current: current))
        let html = HTMLReport.render(document(standing), svg: nil)
        #expect(html.contains("<section class=\"standing\"><h2>What changed since version 1</h2>\n"))
        #expect(html.contains("<p class=\"summary\">Version 2: 1 added, 1 removed, 2 changed, 0 unchanged.</p>"))
        #expect(html.contains("<li class=\"changed\">North: total 100 → 150 (+50, +50.0%)</li>"))
        #expect(html.contains("<li class=\"changed\">Zero: total 0 → 7 (+7)</li>"), "no relative change from 0")
        #expect(html.contains("<li class=\"added\">added: &lt;b&gt;West&lt;/b&gt; · 5</li>"))
        #expect(html.contains("<li class=\"removed\">removed: East · 10</li>"))
        #expect(!html.contains("<b>West"))
    }

    @Test func firstRunSaysWhy() {
        let standing = StandingInfo(subscriptionID: 1, sourceVersion: 1, sourceID: 4, previousVersion: nil,
                                    outcome: ResultDiffer.diff(previous: nil, current: DiffTable(columns: [], rows: [])))
        let html = HTMLReport.render(document(standing), svg: nil)
        #expect(html.contains("<section class=\"standing\"><h2>What changed</h2>\n<p class=\"note\">first run: there is no earlier answer to compare with</p></section>"))
    }

    @Test func longListsAreCutAndOrdinaryReportsHaveNoSection() {
        let rows = (0..<80).map { [SQLValue.text("k\($0)"), .integer(Int64($0))] }
        let standing = StandingInfo(subscriptionID: 1, sourceVersion: 2, sourceID: 5, previousVersion: 1,
                                    outcome: ResultDiffer.diff(previous: DiffTable(columns: ["k", "v"], rows: []),
                                                               current: DiffTable(columns: ["k", "v"], rows: rows, truncated: true)))
        let html = HTMLReport.render(document(standing), svg: nil)
        #expect(html.components(separatedBy: "<li class=\"added\">").count - 1 == HTMLReport.maxStandingItems)
        #expect(html.contains("Showing 50 of 80 changes; the JSON result has them all. A row limit cut an answer short"))
        #expect(!HTMLReport.render(document(nil), svg: nil).contains("class=\"standing\""))
    }
}

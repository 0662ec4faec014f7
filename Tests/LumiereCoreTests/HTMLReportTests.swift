// The HTML report: self-contained (no scripts, no remote resources), every value escaped,
// and the right blocks for succeeded, failed and needs_clarification documents.

import Foundation
import Testing
@testable import LumiereCore

@Suite("HTML report")
struct HTMLReportTests {
    static func succeeded(_ result: QueryResult = ChartSamples.byRegion, question: String = "What were the total sales by region?") -> ResultDocument {
        var d = ResultDocument(status: .succeeded, request: RequestInfo(file: "q1.json", id: "q1", action: "ask"),
                               createdAt: "2026-11-25T11:00:00Z")
        d.question = question
        d.interpretation = "Total Sales per Region"
        d.confidence = 0.92
        d.sql = "SELECT \"Region\", SUM(\"Sales\") AS total_sales FROM data GROUP BY 1 ORDER BY 2 DESC"
        d.source = SourceRef(id: 1, name: "test_sales_data", version: 1, rowCount: 15)
        d.setResult(result)
        d.chart = ChartRecommender().recommend(result: result, question: question, interpretation: d.interpretation, intent: .grouped)
        d.insights = InsightGenerator().generate(result: result, schema: ChartSamples.schema, question: question,
                                                 interpretation: d.interpretation, intent: .grouped)
        d.timingsMs = ["sql": 1.25, "execute": 0.5]
        d.provenance = Provenance(sourceSHA256: "abc123", sourceVersion: 1, engine: "builtin", engineVersion: "1", configDigest: "cfg")
        return d
    }

    static func render(_ d: ResultDocument) -> String {
        HTMLReport.render(d, svg: d.chart.flatMap { SVGChartRenderer().render($0) })
    }

    @Test func succeededReportHasEveryBlock() {
        let html = Self.render(Self.succeeded())
        #expect(html.hasPrefix("<!DOCTYPE html>"))
        #expect(html.contains("<h1 class=\"question\">What were the total sales by region?</h1>"))
        #expect(html.contains("Understood as: Total Sales per Region"))
        #expect(html.contains("(confidence 92%)"))
        #expect(html.contains("status-succeeded"))
        #expect(html.contains("<svg"))
        #expect(html.components(separatedBy: "class=\"bar\"").count - 1 == 4)
        #expect(html.contains("South leads with 5,224 (51.2% of the total)"))
        #expect(html.contains("<pre><code>SELECT &quot;Region&quot;, SUM(&quot;Sales&quot;)"))
        #expect(html.contains("<td class=\"num\" title=\"5224\">5,224</td>"))
        #expect(html.contains("execute 0.5 ms, sql 1.3 ms") || html.contains("execute 0.5 ms, sql 1.2 ms"))
        #expect(html.contains("test_sales_data (version 1, 15 rows)"))
    }

    @Test func isSelfContained() {
        let html = Self.render(Self.succeeded())
        #expect(!html.contains("<script"))
        #expect(!html.contains("src="))
        #expect(!html.contains("href="))
        #expect(!html.contains("@import"))
        // The only URL is the SVG namespace, which is a name, not a fetch.
        let urls = html.components(separatedBy: "http").count - 1
        #expect(urls == html.components(separatedBy: "http-equiv").count - 1 + html.components(separatedBy: "http://www.w3.org/2000/svg").count - 1)
        #expect(html.contains("Content-Security-Policy"))
    }

    @Test func everythingIsEscaped() {
        let hostile = ChartSamples.hostile
        let result = ChartSamples.result([(hostile, "TEXT"), ("total_sales", "REAL")],
                                    [[.text(hostile), .real(3)], [.text("b"), .real(1)]])
        var d = Self.succeeded(result, question: hostile)
        d.interpretation = hostile
        d.sql = "SELECT '\(hostile)'"
        d.warnings = [hostile]
        d.source?.name = hostile
        let html = Self.render(d)
        #expect(!html.contains("<script"))
        #expect(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quotes&quot;"))
    }

    @Test func failedReportShowsTheError() {
        var d = ResultDocument(status: .succeeded, request: RequestInfo(file: nil, id: nil, action: "ask"), createdAt: "t")
        d.question = "How many unicorns <b>?"
        d.fail(LumiereError(.unsupportedQuestion, "No column matches \"unicorns\".", hint: "Try asking about Sales, Region or Product."))
        let html = Self.render(d)
        #expect(html.contains("status-failed"))
        #expect(html.contains("role=\"alert\""))
        #expect(html.contains("<code>unsupported_question</code> No column matches &quot;unicorns&quot;."))
        #expect(html.contains("Try asking about Sales, Region or Product."))
        #expect(html.contains("How many unicorns &lt;b&gt;?"))
        #expect(!html.contains("<table"))
    }

    @Test func clarificationListsCandidates() {
        var d = ResultDocument(status: .needsClarification, request: RequestInfo(file: nil, id: nil, action: "ask"), createdAt: "t")
        d.question = "best region"
        d.candidates = [Candidate(choice: 2, interpretation: "Region with most sales count", sql: "SELECT 2"),
                        Candidate(choice: 1, interpretation: "Region with highest total <sales>", sql: "SELECT 1")]
        let html = Self.render(d)
        #expect(html.contains("Which did you mean?"))
        let first = html.range(of: "value=\"1\"")!, second = html.range(of: "value=\"2\"")!
        #expect(first.lowerBound < second.lowerBound)
        #expect(html.contains("Region with highest total &lt;sales&gt;"))
    }

    @Test func followUpSuggestionsAreListedEscapedAndGoWhenTheAnswerFails() {
        var d = Self.succeeded()
        d.suggestions = ["total Sales by Category", "top 3 <b>Region</b> by total Sales"]
        let html = Self.render(d)
        #expect(html.contains("<section class=\"suggestions\"><h2>Follow-up questions</h2><ul>\n<li>total Sales by Category</li>\n<li>top 3 &lt;b&gt;Region&lt;/b&gt; by total Sales</li>\n</ul></section>"))
        // An empty list draws no section; a failed document has no suggestions to draw.
        d.suggestions = []
        #expect(!Self.render(d).contains("Follow-up questions"))
        d.suggestions = ["total Sales by Category"]
        d.fail(LumiereError(.sqlTimeout, "the query ran too long", hint: "narrow it"))
        #expect(d.suggestions == nil)
        #expect(!Self.render(d).contains("Follow-up questions"))
    }

    @Test func longResultsAreCutInTheTable() {
        let result = ChartSamples.manyCategories(HTMLReport.maxTableRows + 50)
        var d = Self.succeeded(result)
        d.truncated = true
        let html = Self.render(d)
        #expect(html.components(separatedBy: "<tr>").count - 1 == HTMLReport.maxTableRows + 1)
        #expect(html.contains("Showing the first 200 of 250 rows"))
        #expect(html.contains("row limit cut the result short"))
    }

    @Test func chartlessResultExplainsWhy() {
        let html = Self.render(Self.succeeded(ChartSamples.bestProduct, question: "Which product had the best performance?"))
        #expect(!html.contains("<svg"))
        #expect(html.contains("No chart: Only one row (Tool C)"))
    }
}

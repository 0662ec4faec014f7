// Reports in a real browser: the page loads offline, the inline SVG survives parsing with
// the expected number of bars, no console errors or CSP refusals, hostile values stay text,
// and a screenshot can be taken.

import Foundation
import LumiereCore
import Testing

@Suite("Report in Chromium", .serialized,
       .enabled(if: Browser.chromium != nil, "Chromium not found (apt-get install chromium, or set LUMIERE_CHROMIUM)"))
struct ReportBrowserTests {
    func writeReport(_ d: ResultDocument, to dir: URL) throws -> URL {
        let svg = d.chart.flatMap { SVGChartRenderer().render($0) }
        let file = dir.appendingPathComponent("report.html")
        try HTMLReport.render(d, svg: svg).write(to: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test func reportLoadsWithItsChart() throws {
        try withTemporaryDirectory { dir in
            let d = Fixtures.document(Fixtures.byRegion, question: "What were the total sales by region?", intent: .grouped)
            let run = try Browser.load(try writeReport(d, to: dir), in: dir)
            #expect(!run.timedOut)
            #expect(run.dom.contains("What were the total sales by region?"))
            #expect(run.dom.contains("<svg"))
            #expect(occurrences(of: "class=\"bar\"", in: run.dom) == 4)
            #expect(run.dom.contains("South leads with 5,224 (51.2% of the total)"))
            #expect(run.consoleErrors.isEmpty, "console: \(run.consoleErrors)")
        }
    }

    @Test func lineReportHasItsPoints() throws {
        try withTemporaryDirectory { dir in
            let d = Fixtures.document(Fixtures.monthly, question: "Monthly sales", intent: .trend)
            let run = try Browser.load(try writeReport(d, to: dir), in: dir)
            #expect(occurrences(of: "class=\"point\"", in: run.dom) == 4)
            #expect(run.consoleErrors.isEmpty, "console: \(run.consoleErrors)")
        }
    }

    @Test func hostileValuesStayText() throws {
        try withTemporaryDirectory { dir in
            var d = Fixtures.document(Fixtures.hostile, question: "<script>document.title='pwned'</script>", intent: .grouped)
            d.interpretation = "<img src=x onerror=\"document.title='pwned'\">"
            let run = try Browser.load(try writeReport(d, to: dir), in: dir)
            #expect(run.dom.contains("<title>&lt;script&gt;document.title='pwned'&lt;/script&gt; — Lumiere</title>"))
            #expect(!run.dom.contains("<img"))
            #expect(!run.dom.contains("<script"))
            #expect(run.consoleErrors.isEmpty, "console: \(run.consoleErrors)")
        }
    }

    @Test func consoleErrorsAreDetected() throws {
        // Guards the guard: a page that throws must show up in consoleErrors.
        try withTemporaryDirectory { dir in
            let file = dir.appendingPathComponent("boom.html")
            try "<!DOCTYPE html><p>x</p><script>throw new Error('boom')</script>".write(to: file, atomically: true, encoding: .utf8)
            let run = try Browser.load(file, in: dir)
            #expect(run.consoleErrors.contains { $0.contains("boom") }, "stderr: \(run.stderr.suffix(2000))")
        }
    }

    @Test func screenshotOfAReport() throws {
        try withTemporaryDirectory { dir in
            let d = Fixtures.document(Fixtures.byRegion, question: "What were the total sales by region?", intent: .grouped)
            let png = dir.appendingPathComponent("report.png")
            let run = try Browser.load(try writeReport(d, to: dir), in: dir, screenshot: png)
            #expect(!run.timedOut)
            let data = try Data(contentsOf: png)
            #expect(data.count > 10_000)
            #expect(data.prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))
        }
    }
}

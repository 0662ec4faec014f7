// Every chart kind's configuration loaded into the real Chart.js (Debian's libjs-chart.js)
// in headless Chromium: the chart must construct without error and parse the expected
// number of data elements. One page holds all kinds so Chromium starts once.

import Foundation
import LumiereCore
import Testing

@Suite("Chart.js configurations in Chromium", .serialized,
       .enabled(if: Browser.chromium != nil, "Chromium not found (apt-get install chromium, or set LUMIERE_CHROMIUM)"),
       .enabled(if: Browser.chartJS != nil, "Chart.js not found (apt-get install libjs-chart.js, or set LUMIERE_CHARTJS)"))
struct ChartJSBrowserTests {
    /// JSON that is safe inside a <script> element: "</" cannot close it.
    func scriptJSON(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(value), as: UTF8.self)
        return json.replacingOccurrences(of: "</", with: "<\\/").replacingOccurrences(of: "<!--", with: "<\\!--")
    }

    func page(configs: [String: JSONValue], chartJS: String) throws -> String {
        """
        <!DOCTYPE html><html><head><meta charset="utf-8"><title>charts</title>
        <script>\(chartJS)</script></head><body><ul id="results"></ul>
        <script>
        const configs = \(try scriptJSON(configs));
        const results = document.getElementById('results');
        for (const name of Object.keys(configs).sort()) {
          const li = document.createElement('li');
          try {
            const box = document.createElement('div');
            box.style.width = '600px'; box.style.height = '360px';
            const canvas = document.createElement('canvas');
            box.appendChild(canvas); document.body.appendChild(box);
            const chart = new Chart(canvas.getContext('2d'), configs[name]);
            let n = 0;
            chart.data.datasets.forEach((d, i) => { n += chart.getDatasetMeta(i).data.length; });
            li.textContent = `kind=${name} status=ok type=${chart.config.type} axis=${chart.options.indexAxis} points=${n}`;
          } catch (e) {
            li.textContent = `kind=${name} status=error ${e && e.message}`;
          }
          results.appendChild(li);
        }
        const done = document.createElement('p'); done.id = 'done'; done.textContent = 'all charts done';
        document.body.appendChild(done);
        </script></body></html>
        """
    }

    @Test func everyKindConstructsInChartJS() throws {
        let chartJS = try String(contentsOfFile: try #require(Browser.chartJS), encoding: .utf8)
        var configs: [String: JSONValue] = [:]
        for (kind, result, _) in Fixtures.kinds {
            let chart = ChartRecommender().recommend(result: result, question: "q", interpretation: nil, intent: nil, forced: kind)
            #expect(chart.type == kind.rawValue)
            guard let config = chart.config else { Issue.record("\(kind.rawValue) has no config"); continue }
            configs[kind.rawValue] = config
        }
        let hostile = ChartRecommender().recommend(result: Fixtures.hostile, question: "</script><b>x", interpretation: nil, intent: .grouped)
        configs["hostile"] = hostile.config

        try withTemporaryDirectory { dir in
            let file = dir.appendingPathComponent("charts.html")
            try page(configs: configs, chartJS: chartJS).write(to: file, atomically: true, encoding: .utf8)
            let run = try Browser.load(file, in: dir)
            #expect(!run.timedOut)
            #expect(run.dom.contains("all charts done"), "stderr: \(run.stderr.suffix(2000))")
            for (kind, _, elements) in Fixtures.kinds {
                let axis = kind == .horizontalBar ? "y" : "x"
                let type = kind.chartJSType!
                let line = (kind == .pie || kind == .doughnut || kind == .scatter || kind == .line || kind == .area)
                    ? "kind=\(kind.rawValue) status=ok type=\(type) axis="
                    : "kind=\(kind.rawValue) status=ok type=\(type) axis=\(axis) points=\(elements)"
                #expect(run.dom.contains(line), "\(kind.rawValue): \(excerpt(run.dom, around: "kind=\(kind.rawValue) "))")
                #expect(run.dom.contains("points=\(elements)</li>") && run.dom.contains("kind=\(kind.rawValue) status=ok"))
                let mine = excerpt(run.dom, around: "kind=\(kind.rawValue) ")
                #expect(mine.hasSuffix("points=\(elements)"), "\(kind.rawValue): \(mine)")
            }
            #expect(run.dom.contains("kind=hostile status=ok type=bar"))
            // A label that tried to close the script and run its own would have renamed the page.
            #expect(run.dom.contains("<title>charts</title>"))
            #expect(run.consoleErrors.isEmpty, "console: \(run.consoleErrors)")
        }
    }

    @Test func awkwardConfigsConstructInChartJS() throws {
        let chartJS = try String(contentsOfFile: try #require(Browser.chartJS), encoding: .utf8)
        var many: [[SQLValue]] = []
        for i in 1...20 { many.append([.text("Item \(i)"), .integer(Int64(100 - i))]) }
        var long: [[SQLValue]] = []
        for i in 0..<1500 { long.append([.text("t\(i)"), .real(Double(i % 97))]) }
        let cases: [(name: String, result: QueryResult, intent: QueryIntent?, forced: ChartKind?, points: Int)] = [
            ("other_bucket", Fixtures.result([("Item", "TEXT"), ("total", "INTEGER")], many), .grouped, nil, 12),
            ("null_values", Fixtures.result([("Region", "TEXT"), ("total", "REAL")],
                                            [[.text("a"), .real(1)], [.text("b"), .null], [.null, .real(3)]]), .grouped, .bar, 3),
            ("negative_stack", Fixtures.result([("Region", "TEXT"), ("Kind", "TEXT"), ("profit", "REAL")],
                                               [[.text("a"), .text("x"), .real(-5)], [.text("a"), .text("y"), .real(8)],
                                                [.text("b"), .text("x"), .real(3)], [.text("b"), .text("y"), .real(-2)]]), .share, .stackedBar, 4),
            ("month_by_region", Fixtures.result([("month", "TEXT"), ("Region", "TEXT"), ("total", "REAL")],
                                                [[.text("2024-02"), .text("N"), .real(1)], [.text("2024-01"), .text("N"), .real(2)],
                                                 [.text("2024-01"), .text("S"), .real(3)], [.text("2024-02"), .text("S"), .real(4)]]), .trend, nil, 4),
            ("long_line", Fixtures.result([("t", "TEXT"), ("v", "REAL")], long), .trend, nil, 1000),
        ]
        var configs: [String: JSONValue] = [:]
        for c in cases {
            let chart = ChartRecommender().recommend(result: c.result, question: c.name, interpretation: nil, intent: c.intent, forced: c.forced)
            guard let config = chart.config else { Issue.record("\(c.name): no config (\(chart.reason))"); continue }
            configs[c.name] = config
        }
        try withTemporaryDirectory { dir in
            let file = dir.appendingPathComponent("awkward.html")
            try page(configs: configs, chartJS: chartJS).write(to: file, atomically: true, encoding: .utf8)
            let run = try Browser.load(file, in: dir)
            #expect(run.dom.contains("all charts done"), "stderr: \(run.stderr.suffix(2000))")
            for c in cases {
                let mine = excerpt(run.dom, around: "kind=\(c.name) ")
                #expect(mine.contains("status=ok") && mine.hasSuffix("points=\(c.points)"), "\(c.name): \(mine)")
            }
            #expect(run.consoleErrors.isEmpty, "console: \(run.consoleErrors)")
        }
    }

    /// The text of the `<li>` that starts with `marker`.
    func excerpt(_ dom: String, around marker: String) -> String {
        guard let start = dom.range(of: marker) else { return "(missing)" }
        let rest = dom[start.lowerBound...]
        let end = rest.range(of: "</li>")?.lowerBound ?? rest.endIndex
        return String(rest[..<end])
    }
}

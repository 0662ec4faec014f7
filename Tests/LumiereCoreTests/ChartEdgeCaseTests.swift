// Charts and insights on awkward results: infinities, short rows, rankings of months,
// periods split by a group, out-of-order periods and very long series.

import Foundation
import Testing
@testable import LumiereCore

@Suite("Chart and insight edge cases")
struct ChartEdgeCaseTests {
    let rec = ChartRecommender()
    let gen = InsightGenerator()

    @Test func infinitiesBecomeGapsAndStillEncode() throws {
        let result = ChartSamples.result([("Region", "TEXT"), ("total", "REAL")],
                                    [[.text("a"), .real(.infinity)], [.text("b"), .real(2)], [.text("c"), .real(-.infinity)]])
        let chart = rec.recommend(result: result, question: "q", interpretation: nil, intent: .grouped)
        #expect(chart.type == "bar")
        _ = try JSONEncoder().encode(chart)   // JSONEncoder throws on non-finite numbers
        #expect(SVGChartRenderer().render(chart) != nil)
        let insights = gen.generate(result: result, schema: nil, question: nil, interpretation: nil, intent: .grouped)
        #expect(!([insights.summary] + insights.findings).contains { $0.contains("∞") || $0.contains("nan") })
    }

    @Test func shortRowsDoNotCrash() {
        let result = QueryResult(columns: [ResultColumn(name: "Region", type: "TEXT"), ResultColumn(name: "n", type: "INTEGER")],
                                 rows: [[.text("a"), .integer(1)], [.text("b")], []])
        let chart = rec.recommend(result: result, question: nil, interpretation: nil, intent: .grouped)
        #expect(chart.type == "bar")
        _ = gen.generate(result: result, schema: nil, question: nil, interpretation: nil, intent: .grouped)
    }

    @Test func rankingOfMonthsIsNotATrend() throws {
        let result = ChartSamples.result([("month", "TEXT"), ("total_sales", "REAL")],
                                    [[.text("2024-02"), .real(3511)], [.text("2024-03"), .real(2904)], [.text("2024-04"), .real(1920)]])
        let chart = rec.recommend(result: result, question: nil, interpretation: nil, intent: .ranking)
        #expect(chart.type == "bar")
        #expect(chart.config?.at("data", "labels") == ["2024-02", "2024-03", "2024-04"])
        let i = gen.generate(result: result, schema: nil, question: nil, interpretation: nil, intent: .ranking)
        #expect(i.findings.contains("2024-02 has the highest total sales (3,511)."))
        // A top-N list is a subset: a share "of the total" would be a share of the shown rows only.
        #expect(!([i.summary] + i.findings).contains { $0.contains("%") })
        #expect(!([i.summary] + i.findings).contains { $0.contains("rose") || $0.contains("fell") })
    }

    @Test func periodsSplitByAGroup() throws {
        let result = ChartSamples.result([("month", "TEXT"), ("Region", "TEXT"), ("total_sales", "REAL")], [
            [.text("2024-01"), .text("North"), .real(300)], [.text("2024-01"), .text("South"), .real(1200)],
            [.text("2024-02"), .text("North"), .real(336)], [.text("2024-02"), .text("South"), .real(2800)],
            [.text("2024-03"), .text("North"), .real(600)], [.text("2024-03"), .text("South"), .real(504)],
        ])
        let chart = rec.recommend(result: result, question: nil, interpretation: nil, intent: .trend)
        #expect(chart.type == "line")
        #expect(chart.config?.at("data", "datasets")?.arrayValue?.count == 2)
        let i = gen.generate(result: result, schema: nil, question: nil, interpretation: nil, intent: .trend)
        #expect(i.summary == "Total sales fell 26.4% from 1,500 in 2024-01 to 1,104 in 2024-03 over 3 periods.")
        #expect(i.findings.first == "Figures combine all regions in each period.")
        #expect(i.findings.contains("South changed most from 2024-01 to 2024-03: -696."))
    }

    @Test func linesRunInTimeOrder() throws {
        let shuffled = ChartSamples.result([("month", "TEXT"), ("total_sales", "REAL")], ChartSamples.monthly.rows.reversed())
        let chart = rec.recommend(result: shuffled, question: nil, interpretation: nil, intent: .trend)
        #expect(chart.config?.at("data", "labels") == ["2024-01", "2024-02", "2024-03", "2024-04"])
        #expect(chart.config?.at("data", "datasets", 0, "data") == [1860, 3511, 2904, 1920])
    }

    @Test func veryLongSeriesAreCapped() throws {
        var days: [[SQLValue]] = []
        for i in 0..<1500 { days.append([.text("t\(i)"), .integer(Int64(i))]) }
        let result = ChartSamples.result([("day", "TEXT"), ("n", "INTEGER")], days)
        let chart = rec.recommend(result: result, question: nil, interpretation: nil, intent: .trend)
        #expect(chart.type == "line")
        #expect(chart.config?.at("data", "labels")?.arrayValue?.count == 1000)
        #expect(chart.reason.contains("first 1,000 of 1,500 points"))
        let svg = try #require(SVGChartRenderer().render(chart))
        #expect(svg.utf8.count < 600_000)
    }

    @Test func monthNamesKeepTheQueryOrder() {
        let result = ChartSamples.result([("month", "TEXT"), ("n", "INTEGER")],
                                    [[.text("January"), .integer(1)], [.text("February"), .integer(5)], [.text("March"), .integer(9)]])
        let chart = rec.recommend(result: result, question: nil, interpretation: nil, intent: nil)
        #expect(chart.type == "line")
        #expect(chart.config?.at("data", "labels") == ["January", "February", "March"])
        let i = gen.generate(result: result, schema: nil, question: nil, interpretation: nil, intent: nil)
        #expect(i.summary.hasPrefix("N rose 800.0% from 1 in January to 9 in March"))
    }
}

@Suite("Chart edge cases, continued")
struct ChartEdgeCaseMoreTests {
    @Test func timeColumnGoesOnTheAxisWhereverItIs() throws {
        let result = ChartSamples.result([("Region", "TEXT"), ("month", "TEXT"), ("total_sales", "REAL")], [
            [.text("North"), .text("2024-01"), .real(300)], [.text("South"), .text("2024-01"), .real(1200)],
            [.text("North"), .text("2024-02"), .real(336)], [.text("South"), .text("2024-02"), .real(2800)],
        ])
        let chart = ChartRecommender().recommend(result: result, question: nil, interpretation: nil, intent: .grouped2)
        #expect(chart.type == "line")
        #expect(chart.config?.at("data", "labels") == ["2024-01", "2024-02"])
        #expect(chart.config?.at("data", "datasets", 0, "label") == "South")
        let i = InsightGenerator().generate(result: result, schema: nil, question: nil, interpretation: nil, intent: .grouped2)
        #expect(i.summary.hasPrefix("Total sales went from 1,500 in 2024-01 to 3,136 in 2024-02"), "\(i.summary)")
    }

    @Test func truncatedResultsGetNoPie() {
        var result = ChartSamples.byRegion
        result.truncated = true
        let chart = ChartRecommender().recommend(result: result, question: nil, interpretation: nil, intent: .share, forced: .pie)
        #expect(chart.type == "bar")
        #expect(chart.reason.contains("cut short"))
    }
}

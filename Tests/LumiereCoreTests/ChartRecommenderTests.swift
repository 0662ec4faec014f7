// Chart recommendation: which kind each result shape and intent gets, the structure of the
// Chart.js configuration, capping into "Other", forced kinds and determinism.

import Foundation
import Testing
@testable import LumiereCore

@Suite("Chart recommendation")
struct ChartRecommenderTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let result: QueryResult
        let intent: QueryIntent?
        let expected: ChartKind
        var testDescription: String { "\(name) → \(expected.rawValue)" }
    }

    static let cases: [Case] = [
        Case(name: "sales by region", result: ChartSamples.byRegion, intent: .grouped, expected: .bar),
        Case(name: "best product (one row)", result: ChartSamples.bestProduct, intent: .ranking, expected: .none),
        Case(name: "retail vs wholesale", result: ChartSamples.retailVsWholesale, intent: .comparison, expected: .pie),
        Case(name: "monthly sales", result: ChartSamples.monthly, intent: .trend, expected: .line),
        Case(name: "monthly sales, no intent", result: ChartSamples.monthly, intent: nil, expected: .line),
        Case(name: "running total", result: ChartSamples.cumulative, intent: .cumulative, expected: .area),
        Case(name: "share of region", result: ChartSamples.byRegion, intent: .share, expected: .pie),
        Case(name: "region × category", result: ChartSamples.byRegionAndCategory, intent: .grouped2, expected: .groupedBar),
        Case(name: "region × category share", result: ChartSamples.byRegionAndCategory, intent: .share, expected: .stackedBar),
        Case(name: "price vs quantity", result: ChartSamples.priceVsQuantity, intent: .correlation, expected: .scatter),
        Case(name: "two numbers, no intent", result: ChartSamples.priceVsQuantity, intent: nil, expected: .scatter),
        Case(name: "single value", result: ChartSamples.totalOnly, intent: .single, expected: .none),
        Case(name: "wide listing", result: ChartSamples.wideListing, intent: .listing, expected: .none),
        Case(name: "wide listing, no intent", result: ChartSamples.wideListing, intent: nil, expected: .none),
        Case(name: "one grouping, five measures",
             result: ChartSamples.result([("Customer_Type", "TEXT"), ("sale_count", "INTEGER"), ("total_sales", "REAL"),
                                          ("avg_sales", "REAL"), ("min_sales", "REAL"), ("max_sales", "REAL")],
                                         [[.text("Retail"), .integer(11), .real(4845), .real(440.45), .real(250), .real(720)],
                                          [.text("Wholesale"), .integer(4), .real(5350), .real(1337.5), .real(900), .real(2300)]]),
             intent: .grouped, expected: .bar),
        Case(name: "no rows", result: ChartSamples.result([("Region", "TEXT"), ("n", "INTEGER")], []), intent: .grouped, expected: .none),
        Case(name: "text only", result: ChartSamples.result([("Region", "TEXT")], [[.text("a")], [.text("b")]]), intent: .listing, expected: .none),
        Case(name: "many categories", result: ChartSamples.manyCategories(20), intent: .grouped, expected: .horizontalBar),
        Case(name: "share of many parts", result: ChartSamples.manyCategories(9), intent: .share, expected: .bar),
        Case(name: "share of an average", result: ChartSamples.result([("Region", "TEXT"), ("avg_sales", "REAL")],
                                                                  [[.text("a"), .real(2)], [.text("b"), .real(3)]]),
             intent: .share, expected: .bar),
        Case(name: "share with negatives", result: ChartSamples.result([("Region", "TEXT"), ("profit", "REAL")],
                                                                   [[.text("a"), .real(-2)], [.text("b"), .real(3)]]),
             intent: .share, expected: .bar),
        Case(name: "long labels", result: ChartSamples.result([("Product", "TEXT"), ("n", "INTEGER")],
                                                          [[.text("An extremely long product name"), .integer(2)], [.text("b"), .integer(3)]]),
             intent: .grouped, expected: .horizontalBar),
        Case(name: "integer years", result: ChartSamples.result([("year", "INTEGER"), ("total", "REAL")],
                                                            [[.integer(2022), .real(1)], [.integer(2023), .real(2)], [.integer(2024), .real(4)]]),
             intent: .grouped, expected: .line),
        Case(name: "top 3 ranking", result: ChartSamples.result([("Product", "TEXT"), ("total_sales", "REAL")],
                                                            [[.text("Tool C"), .real(4460)], [.text("Gadget B"), .real(3410)], [.text("Widget A"), .real(2325)]]),
             intent: .ranking, expected: .bar),
    ]

    @Test(arguments: cases)
    func recommendsKindForShape(_ c: Case) throws {
        let chart = ChartRecommender().recommend(result: c.result, question: "q", interpretation: nil, intent: c.intent)
        #expect(chart.type == c.expected.rawValue, "reason: \(chart.reason)")
        #expect(!chart.reason.isEmpty)
        if c.expected == .none {
            #expect(chart.config == nil)
        } else {
            try checkStructure(chart, rows: c.result.rowCount)
        }
    }

    /// Chart.js structure: a known type, labels and data of matching lengths, titles.
    func checkStructure(_ chart: ChartPayload, rows: Int) throws {
        let config = try #require(chart.config)
        let type = try #require(config["type"]?.stringValue)
        #expect(["bar", "line", "pie", "doughnut", "scatter"].contains(type))
        let datasets = try #require(config.at("data", "datasets")?.arrayValue)
        #expect(!datasets.isEmpty)
        #expect(config.at("options", "plugins", "title", "text")?.stringValue?.isEmpty == false)
        if type == "scatter" {
            for ds in datasets {
                let points = try #require(ds["data"]?.arrayValue)
                #expect(points.allSatisfy { $0["x"]?.doubleValue != nil && $0["y"]?.doubleValue != nil })
            }
        } else {
            let labels = try #require(config.at("data", "labels")?.arrayValue)
            #expect(!labels.isEmpty && labels.count <= rows)
            for ds in datasets {
                #expect(ds["data"]?.arrayValue?.count == labels.count)
                #expect(ds["label"]?.stringValue != nil)
            }
        }
    }

    @Test func regionBarIsSortedWithAxisTitles() throws {
        let chart = ChartRecommender().recommend(result: ChartSamples.byRegion, question: "What were the total sales by region?",
                                                 interpretation: "Total Sales per Region", intent: .grouped)
        let config = try #require(chart.config)
        #expect(config.at("data", "labels") == ["South", "West", "East", "North"])
        #expect(config.at("data", "datasets", 0, "data") == [5224, 1805, 1680, 1486])
        #expect(config.at("options", "scales", "x", "title", "text") == "Region")
        #expect(config.at("options", "scales", "y", "title", "text") == "total_sales")
        #expect(config.at("options", "scales", "y", "beginAtZero") == true)
        #expect(config.at("options", "plugins", "title", "text") == "Total Sales per Region")
    }

    @Test func pieOfRetailVsWholesaleUsesTheTotalNotTheAverage() throws {
        let chart = ChartRecommender().recommend(result: ChartSamples.retailVsWholesale, question: nil, interpretation: nil, intent: .comparison)
        let config = try #require(chart.config)
        #expect(config["type"] == "pie")
        #expect(config.at("data", "datasets", 0, "label") == "total_sales")
        #expect(config.at("data", "datasets", 0, "backgroundColor")?.arrayValue?.count == 2)
    }

    @Test func variantsAreChartJSOptions() throws {
        let rec = ChartRecommender()
        let h = try #require(rec.recommend(result: ChartSamples.byRegion, question: nil, interpretation: nil, intent: nil, forced: .horizontalBar).config)
        #expect(h["type"] == "bar")
        #expect(h.at("options", "indexAxis") == "y")
        #expect(h.at("options", "scales", "x", "title", "text") == "total_sales")
        let s = try #require(rec.recommend(result: ChartSamples.byRegionAndCategory, question: nil, interpretation: nil, intent: nil, forced: .stackedBar).config)
        #expect(s.at("options", "scales", "x", "stacked") == true)
        #expect(s.at("options", "scales", "y", "stacked") == true)
        #expect(s.at("data", "datasets")?.arrayValue?.count == 2)
        let a = try #require(rec.recommend(result: ChartSamples.cumulative, question: nil, interpretation: nil, intent: .cumulative).config)
        #expect(a["type"] == "line")
        #expect(a.at("data", "datasets", 0, "fill") == "origin")
    }

    @Test func pivotKeepsEveryCell() throws {
        let chart = ChartRecommender().recommend(result: ChartSamples.byRegionAndCategory, question: nil, interpretation: nil, intent: .grouped2)
        let config = try #require(chart.config)
        #expect(config.at("data", "labels") == ["East", "North", "South", "West"])
        // Series are ordered by total: Electronics (5,735) before Hardware (4,460).
        #expect(config.at("data", "datasets", 0, "label") == "Electronics")
        #expect(config.at("data", "datasets", 0, "data") == [1320, 886, 2204, 1325])
        #expect(config.at("data", "datasets", 1, "data") == [360, 600, 3020, 480])
    }

    @Test func manyAdditiveCategoriesGetAnOtherBucket() throws {
        let result = ChartSamples.manyCategories(20)
        let chart = ChartRecommender(maxCategories: 12).recommend(result: result, question: nil, interpretation: nil, intent: .grouped)
        let config = try #require(chart.config)
        let labels = try #require(config.at("data", "labels")?.arrayValue)
        #expect(labels.count == 12)
        #expect(labels.last == "Other")
        let data = try #require(config.at("data", "datasets", 0, "data")?.arrayValue).compactMap(\.doubleValue)
        let expectedTotal: Double = 10 * 20 * 21 / 2
        let expectedOther: Double = 10 * 9 * 10 / 2   // the nine smallest: 10, 20, ... 90
        #expect(data.reduce(0, +) == expectedTotal)
        #expect(data.last == expectedOther)
        #expect(chart.reason.contains("\"Other\""))
        #expect(config.at("data", "datasets", 0, "backgroundColor", 11) == "#999999")
    }

    @Test func manyAveragesAreCutNotSummed() throws {
        let chart = ChartRecommender(maxCategories: 12).recommend(result: ChartSamples.manyCategories(20, measure: "avg_price"),
                                                                   question: nil, interpretation: nil, intent: .grouped)
        let labels = try #require(chart.config?.at("data", "labels")?.arrayValue)
        #expect(labels.count == 12)
        #expect(!labels.contains("Other"))
        #expect(chart.reason.contains("first 12 of 20"))
    }

    @Test func pieWithTooManySlicesFoldsIntoOther() throws {
        let chart = ChartRecommender().recommend(result: ChartSamples.manyCategories(11), question: nil, interpretation: nil,
                                                 intent: .share, forced: .pie)
        #expect(chart.type == "pie")
        let labels = try #require(chart.config?.at("data", "labels")?.arrayValue)
        #expect(labels.count == 8)
        #expect(labels.last == "Other")
    }

    @Test func forcedKindIsHonouredWhenPossible() {
        let chart = ChartRecommender().recommend(result: ChartSamples.byRegion, question: nil, interpretation: nil, intent: .grouped, forced: .doughnut)
        #expect(chart.type == "doughnut")
        #expect(chart.reason.contains("requested"))
    }

    @Test func forcedKindThatMisleadsIsExplained() {
        let averages = ChartSamples.result([("Region", "TEXT"), ("avg_sales", "REAL")], [[.text("a"), .real(2)], [.text("b"), .real(3)]])
        let chart = ChartRecommender().recommend(result: averages, question: nil, interpretation: nil, intent: .grouped, forced: .pie)
        #expect(chart.type == "bar")
        #expect(chart.reason.contains("A pie chart was requested, but"))
        #expect(chart.reason.contains("average sales"))
        let scatter = ChartRecommender().recommend(result: ChartSamples.byRegion, question: nil, interpretation: nil, intent: nil, forced: .scatter)
        #expect(scatter.type == "bar")
        #expect(scatter.reason.contains("two numeric columns"))
    }

    @Test func userChartTypeSpellings() {
        #expect(ChartKind(userValue: "horizontal_bar") == .horizontalBar)
        #expect(ChartKind(userValue: "Horizontal Bar") == .horizontalBar)
        #expect(ChartKind(userValue: "donut") == .doughnut)
        #expect(ChartKind(userValue: "PIE") == .pie)
        #expect(ChartKind(userValue: "sparkline") == nil)
    }

    @Test func outputIsDeterministic() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        for result in [ChartSamples.byRegion, ChartSamples.byRegionAndCategory, ChartSamples.priceVsQuantity, ChartSamples.manyCategories(30)] {
            let a = ChartRecommender().recommend(result: result, question: "q", interpretation: nil, intent: nil)
            let b = ChartRecommender().recommend(result: result, question: "q", interpretation: nil, intent: nil)
            #expect(try encoder.encode(a) == encoder.encode(b))
        }
    }

    @Test func nullLabelsAreVisible() throws {
        let result = ChartSamples.result([("Region", "TEXT"), ("total", "INTEGER")], [[.text("a"), .integer(3)], [.null, .integer(2)]])
        let chart = ChartRecommender().recommend(result: result, question: nil, interpretation: nil, intent: .grouped)
        #expect(chart.config?.at("data", "labels") == ["a", "(blank)"])
    }
}

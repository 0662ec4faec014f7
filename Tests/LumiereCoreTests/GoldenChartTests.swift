// Golden files for the three sample questions: the chart payload and insights exactly as
// result documents carry them. A diff here is a visible change in what users get; rerun
// with LUMIERE_UPDATE_GOLDEN=1 to accept it and review the JSON in the commit.

import Foundation
import Testing
@testable import LumiereCore

@Suite("Golden charts and insights")
struct GoldenChartTests {
    struct Answer: Codable, Equatable {
        var chart: ChartPayload
        var insights: Insights
    }

    static let samples: [(String, QueryResult, String, String, QueryIntent)] = [
        ("q1_sales_by_region", ChartSamples.byRegion, "What were the total sales by region?", "Total Sales per Region", .grouped),
        ("q2_best_product", ChartSamples.bestProduct, "Which product had the best performance?", "Product with the highest total Sales", .ranking),
        ("q3_retail_vs_wholesale", ChartSamples.retailVsWholesale, "How do retail vs wholesale sales compare?",
         "Count, total and average Sales per Customer_Type", .comparison),
        ("monthly_sales", ChartSamples.monthly, "Monthly sales", "Total Sales per month", .trend),
    ]

    @Test(arguments: samples.map(\.0))
    func matchesGolden(_ name: String) throws {
        let (_, result, question, interpretation, intent) = try #require(Self.samples.first { $0.0 == name })
        let answer = Answer(
            chart: ChartRecommender().recommend(result: result, question: question, interpretation: interpretation, intent: intent),
            insights: InsightGenerator().generate(result: result, schema: ChartSamples.schema, question: question,
                                                  interpretation: interpretation, intent: intent))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let actual = try encoder.encode(answer) + Data("\n".utf8)

        if ProcessInfo.processInfo.environment["LUMIERE_UPDATE_GOLDEN"] == "1" {
            // Write into the source tree, not the copied bundle.
            let source = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
                .appendingPathComponent("Fixtures/charts/\(name).json")
            try actual.write(to: source)
            return
        }
        let url = try #require(Bundle.module.url(forResource: name, withExtension: "json", subdirectory: "Fixtures/charts"),
                               "missing golden file; run with LUMIERE_UPDATE_GOLDEN=1")
        let expected = try Data(contentsOf: url)
        #expect(String(decoding: actual, as: UTF8.self) == String(decoding: expected, as: UTF8.self))
    }
}

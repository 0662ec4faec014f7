// Insights: the three sample answers, trends, honesty rules (no shares for averages, no
// trend from two points, no leader from one row), outliers, NULLs and determinism.

import Testing
@testable import LumiereCore

@Suite("Insights")
struct InsightGeneratorTests {
    func generate(_ result: QueryResult, _ intent: QueryIntent?, schema: SourceSchema? = ChartSamples.schema) -> Insights {
        InsightGenerator().generate(result: result, schema: schema, question: nil, interpretation: nil, intent: intent)
    }

    func all(_ i: Insights) -> [String] { [i.summary] + i.findings + i.recommendations }

    @Test func salesByRegion() {
        let i = generate(ChartSamples.byRegion, .grouped)
        #expect(i.summary.contains("South leads with 5,224 (51.2% of the total)"), "\(i.summary)")
        #expect(i.summary.contains("10,195"))
        #expect(i.findings.contains("South leads with 5,224 (51.2% of the total), more than the other 3 combined."))
        #expect(i.findings.contains("North is lowest with 1,486 (14.6%)."))
        #expect(i.findings.contains("The top 2 of 4 regions make 68.9% of the total."))
        #expect(i.findings.contains("The highest value, 5,224 (South), is 3.5× the lowest, 1,486 (North)."))
        #expect(i.summary == "Of 10,195 in total sales across 4 regions, South leads with 5,224 (51.2% of the total).")
        #expect(i.recommendations.contains("Ask \"monthly sales for South\" to see whether its lead is recent."))
        #expect(i.recommendations.contains { $0.contains("for North") })
        #expect((1...3).contains(i.recommendations.count))
    }

    @Test func bestProductMakesNoComparativeClaims() {
        let i = generate(ChartSamples.bestProduct, .ranking)
        #expect(i.summary == "Tool C comes out on top, with total sales 4,460 (average sales 892).")
        // One row: nothing to rank it against, so no leader, share or spread.
        #expect(!all(i).contains { $0.contains("%") || $0.contains("leads") || $0.contains("×") })
        #expect(i.recommendations.first == "Ask \"total sales by product\" to see how far Tool C is ahead of the rest.")
    }

    @Test func retailVersusWholesale() {
        let i = generate(ChartSamples.retailVsWholesale, .comparison)
        #expect(i.summary.contains("Wholesale leads with 5,350 (52.5% of the total)"), "\(i.summary)")
        #expect(i.findings.contains("Wholesale has 3.0× Retail's average sales (1,337.5 vs 440.45)."))
        #expect(i.findings.contains("Retail has 2.8× Wholesale's sale count (11 vs 4)."))
        #expect(i.findings.contains("Wholesale has 1.1× Retail's total sales (5,350 vs 4,845)."))
        // Averages never get a share of a whole.
        #expect(!all(i).contains { $0.contains("average") && $0.contains("of the total") })
        #expect(i.recommendations.contains { $0.contains("by region for Wholesale and Retail") || $0.contains("by category") })
    }

    @Test func averagesGetNoShares() {
        let result = ChartSamples.result([("Region", "TEXT"), ("avg_sales", "REAL")],
                                    [[.text("South"), .real(870.67)], [.text("West"), .real(601.67)], [.text("East"), .real(560)]])
        let i = generate(result, .grouped)
        #expect(i.summary == "South has the highest average sales of the 3 regions, at 870.67.")
        #expect(!all(i).contains { $0.contains("%") })
        #expect(i.findings.contains("East is lowest with 560."))
    }

    @Test func negativeValuesGetNoShares() {
        let result = ChartSamples.result([("Region", "TEXT"), ("profit", "REAL")],
                                    [[.text("a"), .real(-20)], [.text("b"), .real(50)], [.text("c"), .real(10)]])
        let i = generate(result, .grouped)
        #expect(!all(i).contains { $0.contains("% of the total") })
        #expect(i.findings.contains("b has the highest profit (50)."))
        #expect(!i.findings.contains { $0.contains("the lowest") })
    }

    @Test func monthlyTrend() {
        let i = generate(ChartSamples.monthly, .trend)
        // +3.2% net after a swing of 1,651: the summary must not read as steady growth.
        #expect(i.summary == "Total sales ended close to where it started — 1,920 in 2024-04 against 1,860 in 2024-01 (+3.2%) — after peaking at 3,511 in 2024-02.")
        #expect(i.findings.contains("It rose in 1 and fell in 2 of the 3 steps between periods."))
        #expect(i.findings.contains("The peak was 2024-02 at 3,511; the low was 2024-01 at 1,860."))
        #expect(i.findings.contains("The largest move was from 2024-01 to 2024-02: +1,651 (+88.8%)."))
    }

    @Test func evenSplitsAreNotConcentrated() {
        let result = ChartSamples.result([("Region", "TEXT"), ("total", "INTEGER")],
                                         [[.text("a"), .integer(26)], [.text("b"), .integer(25)], [.text("c"), .integer(25)], [.text("d"), .integer(24)]])
        let i = generate(result, .grouped)
        #expect(!i.findings.contains { $0.hasPrefix("The top") })
        #expect(i.findings.contains("a leads with 26 (26.0% of the total)."))
    }

    @Test func steadyGrowth() {
        let result = ChartSamples.result([("year", "INTEGER"), ("revenue", "REAL")],
                                    [[.integer(2021), .real(100)], [.integer(2022), .real(120)], [.integer(2023), .real(150)], [.integer(2024), .real(200)]])
        let i = generate(result, nil)
        #expect(i.summary == "Revenue rose 100.0% from 100 in 2021 to 200 in 2024 over 4 periods.")
        #expect(i.findings.contains("It rose in every one of the 3 steps between periods."))
    }

    @Test func countMixShowsFewerLargerSales() {
        let i = generate(ChartSamples.retailVsWholesale, .comparison)
        #expect(i.findings.contains("Wholesale makes 52.5% of total sales from 26.7% of sale count (fewer, larger items)."))
    }

    @Test func trendIsSortedChronologically() {
        let shuffled = ChartSamples.result([("month", "TEXT"), ("total_sales", "REAL")],
                                      ChartSamples.monthly.rows.reversed())
        #expect(generate(shuffled, .trend).summary == generate(ChartSamples.monthly, .trend).summary)
    }

    @Test func twoPointsAreAChangeNotATrend() {
        let result = ChartSamples.result([("year", "TEXT"), ("total", "REAL")], [[.text("2023"), .real(100)], [.text("2024"), .real(150)]])
        let i = generate(result, .trend)
        #expect(i.summary == "Total went from 100 in 2023 to 150 in 2024 (+50.0%).")
        #expect(!all(i).contains { $0.contains("rose in") || $0.contains("peak") || $0.contains("largest move") })
    }

    @Test func runningTotals() {
        let i = generate(ChartSamples.cumulative, .cumulative)
        #expect(i.summary == "Running total reached 10,195 by 2024-04, over 4 periods from 2024-01.")
        #expect(i.findings.contains("The largest addition came in 2024-02: +3,511."))
        #expect(!all(i).contains { $0.contains("rose in") })
    }

    @Test func outliersNeedARobustSpread() {
        var rows: [[SQLValue]] = (1...9).map { [.text("P\($0)"), .integer(100 + Int64($0))] }
        rows.append([.text("Huge"), .integer(9000)])
        let i = generate(ChartSamples.result([("Product", "TEXT"), ("units", "INTEGER")], rows), .grouped)
        #expect(i.findings.contains { $0.hasPrefix("Huge stands out with units of 9,000, far above the median of 105.5") })
        // Identical values: the MAD is zero, so no outlier claim at all.
        let flat: [[SQLValue]] = (1...6).map { [.text("P\($0)"), .integer(5)] } + [[.text("Odd"), .integer(6)]]
        let j = generate(ChartSamples.result([("Product", "TEXT"), ("units", "INTEGER")], flat), .grouped)
        #expect(!j.findings.contains { $0.contains("stands out") })
    }

    @Test func nullsAreReported() {
        let result = ChartSamples.result([("Region", "TEXT"), ("total_sales", "REAL")],
                                    [[.text("South"), .real(80)], [.null, .real(20)]])
        var schema = ChartSamples.schema
        schema.columns[3].nullCount = 1
        schema.columns[2].nullCount = 2
        let i = generate(result, .grouped, schema: schema)
        #expect(i.findings.contains("Rows with no Region appear as \"(blank)\", with total sales 20 (20.0% of the total)."))
        #expect(i.findings.contains("Sales is empty in 2 of 15 source rows; sums and averages leave those rows out."))
        #expect(i.findings.contains("Region is empty in 1 of 15 source rows; those rows have no Region to group by."))
    }

    @Test func truncatedResultsGetNoShares() {
        var result = ChartSamples.byRegion
        result.truncated = true
        let i = generate(result, .grouped)
        #expect(!all(i).contains { $0.contains("% of the total") })
        #expect(i.findings.last?.contains("cut at 4 rows") == true)
    }

    @Test func singleValueAndEmptyResults() {
        let single = generate(ChartSamples.totalOnly, .single)
        #expect(single.summary == "Total sales is 10,195.")
        #expect(single.findings.isEmpty)
        let empty = generate(ChartSamples.result([("Region", "TEXT"), ("n", "INTEGER")], []), .grouped)
        #expect(empty.summary == "The query returned no rows.")
        #expect(empty.findings.isEmpty)
        #expect(!empty.recommendations.isEmpty)
    }

    @Test func correlation() {
        let i = generate(ChartSamples.priceVsQuantity, .correlation)
        #expect(i.summary.hasPrefix("Quantity and price show a"), "\(i.summary)")
        #expect(i.summary.contains("r = -"))
        #expect(i.findings.contains("A correlation alone does not show that one causes the other."))
    }

    @Test func twoGroupings() {
        let i = generate(ChartSamples.byRegionAndCategory, .grouped2)
        #expect(i.summary == "Across 4 regions and 2 categories, the largest total sales is South / Hardware with 3,020 (29.6% of the total).")
        #expect(i.findings.contains("By region, South leads with 5,224 (51.2% of the total)."))
        #expect(i.findings.contains("By category, Electronics leads with 5,735 (56.3% of the total)."))
    }

    @Test func deterministic() {
        for (r, intent) in [(ChartSamples.byRegion, QueryIntent.grouped), (ChartSamples.retailVsWholesale, .comparison), (ChartSamples.monthly, .trend)] {
            #expect(generate(r, intent) == generate(r, intent))
        }
    }
}

@Suite("Number formatting")
struct NumberFormatTests {
    @Test(arguments: [
        (5224.0, "5,224"), (440.454545, "440.45"), (1337.5, "1,337.5"), (1_234_567.8, "1,234,568"),
        (0.012345, "0.0123"), (-1500.0, "-1,500"), (0.0, "0"), (999.999, "1,000"), (12.0, "12"), (-0.5, "-0.5"),
    ])
    func human(_ value: Double, _ text: String) {
        #expect(ReadableNumber.human(value) == text)
    }

    @Test func percentsRatiosAndTicks() {
        #expect(ReadableNumber.percent(5224.0 / 10195) == "51.2%")
        #expect(ReadableNumber.signedPercent(-0.1) == "-10.0%")
        #expect(ReadableNumber.signedPercent(0.352) == "+35.2%")
        #expect(ReadableNumber.ratio(1337.5 / (4845.0 / 11)) == "3.0×")
        #expect(ReadableNumber.tick(6000, step: 1000) == "6,000")
        #expect(ReadableNumber.tick(0.4, step: 0.2) == "0.4")
        #expect(ReadableNumber.tick(0.05, step: 0.05) == "0.05")
        #expect(ReadableNumber.fixed(-0.0001, decimals: 1) == "0.0")
    }
}

@Suite("Insights on share columns")
struct ShareColumnInsightTests {
    @Test(arguments: [("pct_of_total", 1.0), ("share", 0.01)])
    func percentagesAreShownAsPercentages(_ column: String, _ scale: Double) {
        let values = [51.24, 17.71, 16.48, 14.57].map { $0 * (scale == 1 ? 1 : 0.01) }
        let result = ChartSamples.result([("Region", "TEXT"), (column, "REAL")],
                                         zip(["South", "West", "East", "North"], values).map { [.text($0), .real($1)] })
        let i = InsightGenerator().generate(result: result, schema: nil, question: nil, interpretation: nil, intent: .share)
        #expect(i.summary == "South has the largest share of the 4 regions: 51.2%.")
        #expect(i.findings.contains("South leads with 51.2%, more than the other 3 combined."))
        #expect(i.findings.contains("North is lowest with 14.6%."))
        #expect(!([i.summary] + i.findings).contains { $0.contains("Of 100") || $0.contains("of the total)") })
    }
}

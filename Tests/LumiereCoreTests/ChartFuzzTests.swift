// Random result shapes (seeded, so reproducible) through the whole chart/insight/report
// path: nothing may crash, every config must encode as JSON, every SVG must parse as XML,
// every kind a user might force must either draw or explain itself.

import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import LumiereCore

/// SplitMix64 (ChartFuzzRandom): tiny, seedable, identical on every platform.
struct ChartFuzzRandom: RandomNumberGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

@Suite("Chart fuzzing")
struct ChartFuzzTests {
    static let labelPool = ["North", "South", "<b>x</b>", "", "2024-01", "2024-02", "O'Brien & Sons", "Ünïcödé ✓",
                            "A very long category label that goes on", "\u{0}\u{1F}", "]]>", "2023"]

    static func randomResult(_ rng: inout ChartFuzzRandom) -> QueryResult {
        let columnCount = Int.random(in: 1...6, using: &rng)
        let rowCount = [0, 1, 2, 3, 5, 9, 14, 40][Int.random(in: 0..<8, using: &rng)]
        var columns: [ResultColumn] = []
        var kinds: [Int] = []
        for i in 0..<columnCount {
            let kind = Int.random(in: 0...3, using: &rng)   // 0 text, 1 integer, 2 real, 3 mixed
            kinds.append(kind)
            let names = ["Region", "total_sales", "avg_price", "month", "n", "sale_count", "profit", "year"]
            columns.append(ResultColumn(name: names[Int.random(in: 0..<names.count, using: &rng)] + (i > 0 ? "_\(i)" : ""),
                                        type: ["TEXT", "INTEGER", "REAL", "TEXT"][kind]))
        }
        let rows: [[SQLValue]] = (0..<rowCount).map { _ in
            kinds.map { kind -> SQLValue in
                if Int.random(in: 0..<10, using: &rng) == 0 { return .null }
                switch kind {
                case 0: return .text(labelPool[Int.random(in: 0..<labelPool.count, using: &rng)])
                case 1: return .integer(Int64.random(in: -50...100_000, using: &rng))
                case 2:
                    let specials: [Double] = [0, -0.0, 1e-9, 1e15, .infinity, -1.5]
                    return Int.random(in: 0..<8, using: &rng) == 0 ? .real(specials[Int.random(in: 0..<specials.count, using: &rng)])
                        : .real(Double.random(in: -10...5000, using: &rng))
                default:
                    return Bool.random(using: &rng) ? .integer(7) : .text("seven")
                }
            }
        }
        return QueryResult(columns: columns, rows: rows, truncated: Bool.random(using: &rng))
    }

    @Test(arguments: 0..<8)
    func randomShapesNeverBreak(_ batch: Int) throws {
        var rng = ChartFuzzRandom(state: UInt64(batch) &* 7919 &+ 17)
        let encoder = JSONEncoder()
        var drawn: Set<String> = []
        for _ in 0..<40 {
            let result = Self.randomResult(&rng)
            let intent = Bool.random(using: &rng) ? QueryIntent.allCases.randomElement(using: &rng) : nil
            let forced = Int.random(in: 0..<3, using: &rng) == 0 ? ChartKind.allCases.randomElement(using: &rng) : nil
            let chart = ChartRecommender(maxCategories: Int.random(in: 2...12, using: &rng))
                .recommend(result: result, question: "<q>", interpretation: nil, intent: intent, forced: forced)
            #expect(ChartKind(rawValue: chart.type) != nil)
            #expect(!chart.reason.isEmpty)
            #expect(throws: Never.self) { try encoder.encode(chart) }
            let svg = SVGChartRenderer().render(chart)
            if let svg {
                drawn.insert(chart.type)
                let doc = try XMLDocument(xmlString: svg, options: [])
                #expect(doc.rootElement()?.name == "svg")
                #expect(!svg.contains("NaN"))
            }
            let insights = InsightGenerator().generate(result: result, schema: nil, question: nil, interpretation: nil, intent: intent)
            #expect(!insights.summary.isEmpty)
            #expect((1...3).contains(insights.recommendations.count))
            #expect(!([insights.summary] + insights.findings).contains { $0.contains("nan") || $0.contains("∞") })
            var doc = ResultDocument(status: .succeeded, request: RequestInfo(file: nil, id: nil, action: "ask"), createdAt: "t")
            doc.setResult(result)
            doc.chart = chart
            doc.insights = insights
            let html = HTMLReport.render(doc, svg: svg)
            #expect(!html.contains("<b>x"))
        }
        // The generator must actually reach the drawing code, not only "none".
        #expect(drawn.count >= 2, "drawn: \(drawn.sorted())")
    }
}

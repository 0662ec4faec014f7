// SVG rendering: well-formed XML for every kind, one element per bar/point/slice, nice
// ticks, accessibility attributes, and escaping of hostile labels.

import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import LumiereCore

@Suite("SVG chart rendering")
struct SVGChartRendererTests {
    static let rec = ChartRecommender()

    static func chart(_ result: QueryResult, _ kind: ChartKind?, intent: QueryIntent? = nil, title: String = "Chart") -> ChartPayload {
        rec.recommend(result: result, question: title, interpretation: nil, intent: intent, forced: kind)
    }

    func count(_ needle: String, in text: String) -> Int {
        text.components(separatedBy: needle).count - 1
    }

    /// Parse as XML; returns the root element name.
    func parse(_ svg: String) throws -> String? {
        let doc = try XMLDocument(xmlString: svg, options: [])
        return doc.rootElement()?.name
    }

    struct Expectation: Sendable, CustomTestStringConvertible {
        let kind: ChartKind
        let result: QueryResult
        let element: String
        let count: Int
        var testDescription: String { kind.rawValue }
    }

    static let expectations: [Expectation] = [
        Expectation(kind: .bar, result: ChartSamples.byRegion, element: "class=\"bar\"", count: 4),
        Expectation(kind: .horizontalBar, result: ChartSamples.byRegion, element: "class=\"bar\"", count: 4),
        Expectation(kind: .groupedBar, result: ChartSamples.byRegionAndCategory, element: "class=\"bar\"", count: 8),
        Expectation(kind: .stackedBar, result: ChartSamples.byRegionAndCategory, element: "class=\"bar\"", count: 8),
        Expectation(kind: .line, result: ChartSamples.monthly, element: "class=\"point\"", count: 4),
        Expectation(kind: .area, result: ChartSamples.cumulative, element: "class=\"point\"", count: 4),
        Expectation(kind: .pie, result: ChartSamples.byRegion, element: "class=\"slice\"", count: 4),
        Expectation(kind: .doughnut, result: ChartSamples.retailVsWholesale, element: "class=\"slice\"", count: 2),
        Expectation(kind: .scatter, result: ChartSamples.priceVsQuantity, element: "class=\"point\"", count: 8),
    ]

    @Test(arguments: expectations)
    func rendersWellFormedSVGWithOneShapePerValue(_ e: Expectation) throws {
        let payload = Self.chart(e.result, e.kind)
        #expect(payload.type == e.kind.rawValue)
        let svg = try #require(SVGChartRenderer().render(payload))
        #expect(try parse(svg) == "svg")
        #expect(count(e.element, in: svg) == e.count)
        #expect(svg.contains("role=\"img\""))
        #expect(svg.contains("aria-label=\"Chart\""))
        #expect(svg.contains("<title>Chart</title>"))
        #expect(!svg.contains("NaN") && !svg.contains("inf"))
    }

    @Test func noneRendersNothing() {
        #expect(SVGChartRenderer().render(Self.chart(ChartSamples.totalOnly, nil)) == nil)
        #expect(SVGChartRenderer().render(ChartPayload(type: "none", reason: "x", config: nil)) == nil)
        #expect(SVGChartRenderer().render(ChartPayload(type: "bar", reason: "x", config: ["type": "bar"])) == nil)
    }

    @Test func hostileLabelsAreEscaped() throws {
        let result = ChartSamples.result([("Region", "TEXT"), ("total", "INTEGER")], [
            [.text(ChartSamples.hostile), .integer(5)], [.text("ok\u{0}\u{1B}bell\u{7}"), .integer(3)], [.text("]]>&amp;"), .integer(1)],
        ])
        for kind in [ChartKind.bar, .horizontalBar, .pie, .line] {
            let svg = try #require(SVGChartRenderer().render(Self.chart(result, kind, title: ChartSamples.hostile)))
            #expect(!svg.contains("<script"), "\(kind)")
            #expect(svg.contains("&lt;script&gt;"))
            #expect(try parse(svg) == "svg", "\(kind) must stay well-formed")
        }
    }

    @Test func ticksAreRoundAndSeparated() throws {
        let svg = try #require(SVGChartRenderer().render(Self.chart(ChartSamples.byRegion, .bar)))
        for tick in ["0", "1,000", "2,000", "3,000", "4,000", "5,000", "6,000"] {
            #expect(svg.contains(">\(tick)</text>"), "tick \(tick)")
        }
    }

    @Test(arguments: [
        (0.0, 5224.0, 1000.0, 6000.0),
        (0.0, 1.0, 0.2, 1.0),
        (-35.0, 80.0, 20.0, 80.0),
        (0.0, 0.0, 0.2, 1.0),
        (1486.0, 5224.0, 1000.0, 6000.0),
        (0.0, 0.037, 0.01, 0.04),
    ])
    func niceScale(_ lo: Double, _ hi: Double, _ step: Double, _ upper: Double) {
        let s = NiceScale(minValue: lo, maxValue: hi)
        #expect(abs(s.step - step) < 1e-12)
        #expect(abs(s.upper - upper) < 1e-9)
        #expect(s.lower <= lo && s.upper >= hi)
    }

    @Test func longCategoryLabelsAreTruncatedAndRotated() throws {
        let result = ChartSamples.result([("Product", "TEXT"), ("n", "INTEGER")],
                                    (1...10).map { [.text("Product with a rather long name \($0)"), .integer(Int64($0))] })
        let svg = try #require(SVGChartRenderer().render(Self.chart(result, .bar)))
        #expect(svg.contains("rotate(-40"))
        #expect(svg.contains("…"))
        #expect(try parse(svg) == "svg")
    }

    @Test func singleSliceIsAFullCircle() throws {
        let result = ChartSamples.result([("Region", "TEXT"), ("n", "INTEGER")], [[.text("All"), .integer(7)]])
        let svg = try #require(SVGChartRenderer().render(Self.chart(result, .pie)))
        #expect(count("class=\"slice\"", in: svg) == 1)
        #expect(svg.contains("100.0%"))
    }

    @Test func multipleSeriesGetALegend() throws {
        let svg = try #require(SVGChartRenderer().render(Self.chart(ChartSamples.byRegionAndCategory, .groupedBar)))
        #expect(svg.contains("class=\"legend\""))
        #expect(svg.contains(">Electronics</text>") && svg.contains(">Hardware</text>"))
    }

    @Test func foreignColoursNeverReachAttributes() throws {
        let config: JSONValue = ["type": "bar", "data": ["labels": ["a"], "datasets": [["label": "x", "data": [1],
                                 "backgroundColor": "red\" onload=\"alert(1)"]]]]
        let svg = try #require(SVGChartRenderer().render(ChartPayload(type: "bar", reason: "", config: config)))
        #expect(!svg.contains("onload"))
        #expect(svg.contains("fill=\"#0072B2\""))
    }
}

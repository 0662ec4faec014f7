// Results and documents for browser tests (this target depends on LumiereCore only, so it
// keeps its own small copies of the sample answers).

import LumiereCore

enum Fixtures {
    static func result(_ columns: [(String, String)], _ rows: [[SQLValue]]) -> QueryResult {
        QueryResult(columns: columns.map { ResultColumn(name: $0.0, type: $0.1) }, rows: rows)
    }

    static let byRegion = result([("Region", "TEXT"), ("total_sales", "REAL")], [
        [.text("South"), .real(5224)], [.text("West"), .real(1805)], [.text("East"), .real(1680)], [.text("North"), .real(1486)],
    ])
    static let retailVsWholesale = result([("Customer_Type", "TEXT"), ("sale_count", "INTEGER"), ("total_sales", "REAL")], [
        [.text("Retail"), .integer(11), .real(4845)], [.text("Wholesale"), .integer(4), .real(5350)],
    ])
    static let monthly = result([("month", "TEXT"), ("total_sales", "REAL")], [
        [.text("2024-01"), .real(1860)], [.text("2024-02"), .real(3511)], [.text("2024-03"), .real(2904)], [.text("2024-04"), .real(1920)],
    ])
    static let byRegionAndCategory = result([("Region", "TEXT"), ("Category", "TEXT"), ("total_sales", "REAL")], [
        [.text("East"), .text("Electronics"), .real(1320)], [.text("East"), .text("Hardware"), .real(360)],
        [.text("North"), .text("Electronics"), .real(886)], [.text("North"), .text("Hardware"), .real(600)],
        [.text("South"), .text("Electronics"), .real(2204)], [.text("South"), .text("Hardware"), .real(3020)],
        [.text("West"), .text("Electronics"), .real(1325)], [.text("West"), .text("Hardware"), .real(480)],
    ])
    static let priceVsQuantity = result([("Price", "REAL"), ("Quantity", "INTEGER")], [
        [.real(25), .integer(12)], [.real(40), .integer(30)], [.real(120), .integer(3)], [.real(25), .integer(15)],
        [.real(115), .integer(20)], [.real(42), .integer(8)], [.real(25), .integer(20)], [.real(120), .integer(4)],
    ])
    static let hostile = result([("Region", "TEXT"), ("total_sales", "REAL")], [
        [.text("</script><script>document.title='pwned'</script>"), .real(3)], [.text("<img src=x onerror=alert(1)>"), .real(2)],
    ])

    /// Each chart kind with the result it is drawn from and how many elements it must have.
    static let kinds: [(kind: ChartKind, result: QueryResult, elements: Int)] = [
        (.bar, byRegion, 4), (.horizontalBar, byRegion, 4), (.groupedBar, byRegionAndCategory, 8),
        (.stackedBar, byRegionAndCategory, 8), (.line, monthly, 4), (.area, monthly, 4), (.pie, byRegion, 4),
        (.doughnut, retailVsWholesale, 2), (.scatter, priceVsQuantity, 8),
    ]

    static func document(_ result: QueryResult, question: String, intent: QueryIntent) -> ResultDocument {
        var d = ResultDocument(status: .succeeded, request: RequestInfo(file: "q1.json", id: "q1", action: "ask"),
                               createdAt: "2026-11-25T11:00:00Z")
        d.question = question
        d.interpretation = "Answer to: \(question)"
        d.confidence = 0.9
        d.sql = "SELECT \"Region\", SUM(\"Sales\") AS total_sales FROM data GROUP BY \"Region\" ORDER BY total_sales DESC"
        d.source = SourceRef(id: 1, name: "test_sales_data", version: 1, rowCount: 15)
        d.engines = EngineInfo(sql: "builtin", chart: "builtin", insights: "builtin")
        d.setResult(result)
        d.chart = ChartRecommender().recommend(result: result, question: question, interpretation: d.interpretation, intent: intent)
        d.insights = InsightGenerator().generate(result: result, schema: nil, question: question,
                                                 interpretation: d.interpretation, intent: intent)
        d.timingsMs = ["generate": 2.1, "execute": 0.7, "chart": 0.3]
        d.provenance = Provenance(sourceSHA256: "9f2c…", sourceVersion: 1, engine: "builtin", engineVersion: "0.1", configDigest: "c0ffee")
        return d
    }
}

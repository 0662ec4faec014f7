// The prototype's three sample questions on test_sales_data must give exactly the answers
// the product promises (shared/samples/README.md), with readable, stable column names.

import Foundation
import LumiereCore
import Testing

@Suite("Sample questions")
struct SampleQuestionTests {
    let db: FixtureDatabase

    init() throws { db = try FixtureDatabase("sales") }

    func answer(_ question: String) throws -> (GeneratedQuery, FixtureDatabase.Result) {
        guard case .answer(let q) = BuiltinAnalyst().translate(question, schema: db.schema) else {
            Issue.record("no single answer for \(question)")
            throw FixtureError.bad("no answer")
        }
        return (q, try db.run(q.sql))
    }

    func number(_ v: SQLValue) -> Double { v.doubleValue ?? .nan }

    @Test("What were the total sales by region?")
    func totalSalesByRegion() throws {
        let (q, r) = try answer("What were the total sales by region?")
        #expect(r.columns == ["Region", "total_sales"])
        #expect(r.rows.map { $0[0].description } == ["South", "West", "East", "North"])
        #expect(r.rows.map { number($0[1]) } == [5224, 1805, 1680, 1486])
        #expect(q.intent == .grouped)
        #expect(q.interpretation == "sum of Sales per Region, largest first")
    }

    @Test("Which product had the best performance?")
    func bestProduct() throws {
        let (q, r) = try answer("Which product had the best performance?")
        #expect(r.columns == ["Product", "total_sales", "avg_sales"])
        #expect(r.rows.count == 1)
        #expect(r.rows.first?[0].description == "Tool C")
        #expect(r.rows.first.map { number($0[1]) } == 4460)
        #expect(r.rows.first.map { number($0[2]) } == 892)
        #expect(q.intent == .ranking)
    }

    @Test("How do retail vs wholesale sales compare?")
    func retailVersusWholesale() throws {
        let (q, r) = try answer("How do retail vs wholesale sales compare?")
        #expect(q.intent == .comparison)
        #expect(r.columns == ["Customer_Type", "row_count", "total_sales", "avg_sales"])
        #expect(r.rows.count == 2)
        let byType = Dictionary(uniqueKeysWithValues: r.rows.map { ($0[0].description, $0) })
        #expect(byType["Retail"].map { number($0[1]) } == 11)
        #expect(byType["Retail"].map { number($0[2]) } == 4845)
        #expect(byType["Retail"].map { abs(number($0[3]) - 440.4545454545) < 1e-6 } == true)
        #expect(byType["Wholesale"].map { number($0[1]) } == 4)
        #expect(byType["Wholesale"].map { number($0[2]) } == 5350)
        #expect(byType["Wholesale"].map { number($0[3]) } == 1337.5)
    }

    @Test("same question, same answer", arguments: [
        "What were the total sales by region?", "Which product had the best performance?",
        "How do retail vs wholesale sales compare?",
    ])
    func deterministic(_ question: String) {
        let a = BuiltinAnalyst().translate(question, schema: db.schema)
        let b = BuiltinAnalyst().translate(question, schema: db.schema)
        #expect(a == b)
    }
}

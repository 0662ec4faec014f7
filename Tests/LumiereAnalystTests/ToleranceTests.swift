// Ordinary English the engine must tolerate (the row noun, filler, politeness, small typos),
// and the places where an unknown word must still make it refuse.

import Foundation
@testable import LumiereCore
import Testing

@Suite("Analyst tolerance")
struct ToleranceTests {
    func answer(_ question: String, _ fixture: String = "sales") throws -> GeneratedQuery? {
        let db = try FixtureDatabase(fixture)
        if case .answer(let q) = BuiltinAnalyst().translate(question, schema: db.schema) { return q }
        return nil
    }

    func refusal(_ question: String, _ fixture: String = "sales") throws -> LumiereError? {
        let db = try FixtureDatabase(fixture)
        if case .refuse(let e) = BuiltinAnalyst().translate(question, schema: db.schema) { return e }
        return nil
    }

    @Test("the row noun is left out, listed, and lowers the confidence")
    func rowNoun() throws {
        let q = try #require(try answer("What's the average price of a listing in this file?"))
        #expect(q.sql == #"SELECT AVG("Price") AS "avg_price" FROM "data""#)
        #expect(q.interpretation.contains(#"ignored "listing""#))
        // Products here are "Widget A", "Widget B"…: "a widget" may mean those, so it is not
        // left out as the row noun (the engine cannot read it as a filter either: refused).
        #expect(try answer("What's the average price of a widget in this file?") == nil)
        #expect(q.confidence < 0.97)
        let folks = try #require(try answer("What's the average salary of the folks here?", "hr"))
        #expect(folks.sql.contains(#"AVG("Salary ($)")"#))
        #expect(try answer("how many widgets do we have in this list") == nil, "widgets may be the Widget products")
        let count = try #require(try answer("how many lines do we have in this list"))
        #expect(count.sql == #"SELECT COUNT(*) AS "row_count" FROM "data""#)
    }

    @Test("filler and politeness change nothing", arguments: [
        "can you tell me the total sales by region please",
        "I'd like to know the total sales by region in the data",
        "could you tell me total sales per region in this table",
    ])
    func filler(_ question: String) throws {
        let q = try #require(try answer(question))
        #expect(q.sql == #"SELECT "Region", SUM("Sales") AS "total_sales" FROM "data" GROUP BY "Region" ORDER BY "total_sales" DESC"#)
        #expect(q.confidence == 0.97)
    }

    @Test("a typo is corrected only with the assumption stated")
    func typo() throws {
        let q = try #require(try answer("What is the avg prce by regoin?"))
        #expect(q.sql.contains(#"AVG("Price")"#) && q.sql.contains(#"GROUP BY "Region""#))
        #expect(q.interpretation.contains(#"assumed "prce" means "price""#))
        #expect(q.interpretation.contains(#"assumed "regoin" means "region""#))
        #expect(q.confidence < 0.9)
        let v = try #require(try answer("how many shipments went to germny", "shipping"))
        #expect(v.sql.contains("'Germany'"))
        #expect(v.interpretation.contains(#"assumed "germny" means "germany""#))
    }

    @Test("an unknown word where the plan needs meaning is refused", arguments: [
        "total sales by zorb", "average price for zorb", "average zorb", "sales greater than zorb",
        "profit by store", "sales of unicorns in the north", "total sales in the north pole",
        "How many employees work here?", "good sales by region",
    ])
    func refused(_ question: String) throws {
        let e = try #require(try refusal(question, question.contains("store") ? "stores" : "sales"))
        #expect(e.code == .unsupportedQuestion)
    }

    @Test("edit distance counts a swap of neighbours as one edit")
    func distance() {
        #expect(FuzzyMatcher.distance(Array("regoin"), Array("region"), limit: 2) == 1)
        #expect(FuzzyMatcher.distance(Array("prce"), Array("price"), limit: 1) == 1)
        #expect(FuzzyMatcher.distance(Array("zorb"), Array("sales"), limit: 1) == 2)
        #expect(FuzzyMatcher.threshold(3) == 0 && FuzzyMatcher.threshold(5) == 1 && FuzzyMatcher.threshold(8) == 2)
    }
}

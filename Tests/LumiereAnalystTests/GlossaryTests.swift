// The per-source glossary in the builtin engine: an owner's term reads as the column or the
// value it stands for, the interpretation says so, the SQL runs in the sandbox and gives the
// same rows as the question written with the schema's own words; bad terms are refused with
// `invalid_glossary_term`. Over the sales fixture ingested as the daemon ingests it.

import Foundation
@testable import LumiereCore
import LumiereStore
import Testing

@Suite("Per-source glossary")
struct GlossaryTests {
    func withSales<T>(_ glossary: [GlossaryEntry], _ body: (IngestedSource, SourceSchema) throws -> T) throws -> T {
        try IngestedSource.fixture("sales") { source in
            var schema = source.schema
            schema.glossary = try glossary.map { entry throws(LumiereError) in try entry.validated(against: source.schema) }
            return try body(source, schema)
        }
    }

    func answer(_ question: String, _ schema: SourceSchema) -> GeneratedQuery? {
        guard case .answer(let q) = BuiltinAnalyst().translate(question, schema: schema) else { return nil }
        return q
    }

    @Test("a column term and a value term answer like the schema's own words, and the interpretation names them")
    func termsReadAsTheirMeaning() throws {
        try withSales([GlossaryEntry(term: "bookings", column: "Sales"),
                       GlossaryEntry(term: "up north", column: "Region", value: "north"),
                       GlossaryEntry(term: "EMEA", column: "Region", value: "South")]) { source, schema in
            let cases: [(String, String)] = [
                ("total bookings by region", "total sales by region"),
                ("bookings up north", "total sales in the North region"),
                ("what was the bookings in EMEA by category", "total sales in South by category"),
                ("average bookings per product", "average sales per product"),
            ]
            for (owner, plain) in cases {
                let q = try #require(answer(owner, schema), "\(owner)")
                let reference = try #require(answer(plain, source.schema), "\(plain)")
                #expect(try source.executor.run(q.sql).rows == source.executor.run(reference.sql).rows, "\(owner)")
                #expect(q.interpretation.contains("glossary"), "\(q.interpretation)")
            }
            let emea = try #require(answer("bookings in EMEA", schema))
            #expect(emea.sql.contains("'South'"))
            #expect(emea.interpretation.contains("\"EMEA\" is Region = 'South'"), "\(emea.interpretation)")
        }
    }

    @Test("without the glossary the same words are refused, so the glossary is what answers them")
    func withoutGlossaryRefused() throws {
        try withSales([]) { _, schema in
            #expect(answer("total bookings by region", schema) == nil)
            #expect(answer("sales in EMEA", schema) == nil)
        }
    }

    @Test("validation keeps the stored spelling and refuses operators, filler, unknown columns and values")
    func validation() throws {
        try IngestedSource.fixture("sales") { source in
            let schema = source.schema
            let ok = try GlossaryEntry(term: " Revenue ", column: "sales").validated(against: schema)
            #expect(ok == GlossaryEntry(term: "Revenue", column: "Sales"))
            let value = try GlossaryEntry(term: "EMEA", column: "region", value: "SOUTH").validated(against: schema)
            #expect(value == GlossaryEntry(term: "EMEA", column: "Region", value: "South"))
            #expect(GlossaryEntry.key("Revenues") == GlossaryEntry.key("revenue"))

            let refused: [(GlossaryEntry, String)] = [
                (GlossaryEntry(term: "total", column: "Sales"), "already means"),
                (GlossaryEntry(term: "top sellers", column: "Product"), "already means"),
                (GlossaryEntry(term: "by", column: "Region"), "already means"),
                (GlossaryEntry(term: "the", column: "Region"), "already means"),
                (GlossaryEntry(term: "", column: "Sales"), "1 to"),
                (GlossaryEntry(term: "q4 2024", column: "Sales"), "words of letters"),
                (GlossaryEntry(term: "one two three four five", column: "Sales"), "words of letters"),
                (GlossaryEntry(term: "revenue", column: "Turnover"), "no column"),
                (GlossaryEntry(term: "EMEA", column: "Region", value: "Europe"), "no value"),
                (GlossaryEntry(term: "big", column: "Sales", value: "1000"), "text column"),
            ]
            for (entry, message) in refused {
                #expect {
                    _ = try entry.validated(against: schema)
                } throws: { error in
                    let e = error as? LumiereError
                    return e?.code == .invalidGlossaryTerm && e?.message.contains(message) == true && e?.hint != nil
                }
            }
        }
    }

    @Test("a term whose column a newer version dropped is kept but not used")
    func staleTermUnused() throws {
        try withSales([GlossaryEntry(term: "bookings", column: "Sales")]) { source, schema in
            var newer = schema
            newer.columns.removeAll { $0.name == "Sales" }
            #expect(!schema.glossary[0].isUsable(in: newer))
            #expect(answer("total bookings by region", newer) == nil)
        }
    }
}

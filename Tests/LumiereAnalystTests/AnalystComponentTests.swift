// Unit tests of the analyst's pieces: tokenizing numbers and dates, singular forms, column
// and value matching, calendar arithmetic, SQL rendering helpers, refusals and clarifications.

import Foundation
@testable import LumiereCore
import Testing

@Suite("Analyst components")
struct AnalystComponentTests {
    // MARK: Tokenizer

    @Test("numbers parse with separators, currency, suffixes and percent", arguments: [
        ("1,200", 1200.0), ("$1.5k", 1500.0), ("20%", 20.0), ("3.75", 3.75), ("2m", 2_000_000.0), ("1,000,000", 1_000_000.0),
    ])
    func numbers(_ text: String, _ value: Double) {
        let tokens = Tokenizer.tokenize("over \(text) please")
        #expect(tokens.count == 3)
        #expect(tokens[1].kind == .number)
        #expect(tokens[1].number == value)
    }

    @Test("a minus sign after a space makes a negative number; hyphens inside words do not")
    func negatives() {
        #expect(Tokenizer.tokenize("below -50")[1].number == -50)
        #expect(Tokenizer.tokenize("dev-01").map(\.text) == ["dev", "01"])
        #expect(Tokenizer.tokenize("2024-03-01")[0].kind == .date)
    }

    @Test("ISO dates become date tokens")
    func dates() {
        let t = Tokenizer.tokenize("before 2024-03-01 and after 2023-11")
        #expect(t[1].date == PartialDate(year: 2024, month: 3, day: 1))
        #expect(t[4].date == PartialDate(year: 2023, month: 11, day: nil))
        #expect(Tokenizer.tokenize("in 2024")[1].couldBeYear)
        #expect(!Tokenizer.tokenize("over $2024")[1].couldBeYear)
    }

    @Test("singular forms", arguments: [
        ("categories", "category"), ("sales", "sale"), ("status", "status"), ("people", "person"),
        ("boxes", "box"), ("regions", "region"), ("analysis", "analysis"), ("gas", "gas"),
    ])
    func singular(_ word: String, _ stem: String) {
        #expect(Tokenizer.singularize(word).0 == stem)
    }

    @Test("schema names split into stems")
    func nameStems() {
        #expect(Tokenizer.nameStems("Customer_Type") == ["customer", "type"])
        #expect(Tokenizer.nameStems("Salary ($)") == ["salary"])
        #expect(Tokenizer.nameStems("unitPrice") == ["unit", "price"])
        #expect(Tokenizer.nameStems("Duration (min)") == ["duration", "min"])
    }

    // MARK: Column matching

    static func matcher(_ fixture: String) throws -> ColumnMatcher { ColumnMatcher(schema: try FixtureDatabase(fixture).schema) }

    @Test("column words: names, abbreviations, synonyms, units", arguments: [
        ("sales", "qty", "Quantity"), ("sales", "customer type", "Customer_Type"), ("sales", "customertype", "Customer_Type"),
        ("sales", "cat", "Category"), ("sales", "revenue", "Sales"), ("sales", "units", "Quantity"),
        ("hr", "salary", "Salary ($)"), ("hr", "department", "dept"), ("hr", "manager", "Is_Manager"),
        ("shipping", "weight", "weight_kg"), ("shipping", "freight cost", "shipping_cost"),
        ("clinic", "duration", "Duration (min)"), ("clinic", "age", "Patient Age"), ("stores", "sales tax", "Sales_Tax"),
    ])
    func columnWords(_ fixture: String, _ words: String, _ column: String) throws {
        let stems = Tokenizer.tokenize(words).map(\.stem)
        let hit = try Self.matcher(fixture).match(stems)
        #expect(hit?.column == column)
    }

    @Test("a name that another column extends is ambiguous")
    func salesVersusSalesTax() throws {
        let hit = try Self.matcher("stores").match(["sale"])
        #expect(hit?.alternatives == ["Sales", "Sales_Tax"])
        #expect(try Self.matcher("sales").match(["sale"])?.alternatives == ["Sales"])
    }

    @Test("words that name no column do not match", arguments: ["profit", "weather", "store", "id"])
    func noColumn(_ word: String) throws {
        #expect(try Self.matcher("sales").match([word]) == nil)
    }

    @Test("the default measure is the most sales-like numeric column", arguments: [
        ("sales", "Sales"), ("stores", "Sales"), ("shipping", "shipping_cost"), ("clinic", "Fee"),
    ])
    func defaultMeasure(_ fixture: String, _ column: String) throws {
        #expect(try Self.matcher(fixture).defaultMeasure == column)
    }

    // MARK: Value matching

    @Test("values: case, plural and multi-word insensitive", arguments: [
        ("sales", "widget a", "Product", "Widget A"), ("sales", "NORTH", "Region", "North"),
        ("sales", "wholesale", "Customer_Type", "Wholesale"), ("shipping", "in transit", "status", "In Transit"),
        ("hr", "women", "Gender", "Female"), ("shipping", "canadian", "country", "Canada"),
        ("clinic", "dr. smith", "Doctor", "Dr. Smith"), ("clinic", "no-show", "Status", "No-Show"),
    ])
    func values(_ fixture: String, _ words: String, _ column: String, _ value: String) throws {
        let matcher = ValueMatcher(schema: try FixtureDatabase(fixture).schema)
        let hit = matcher.match(Tokenizer.tokenize(words).map(\.stem))
        #expect(hit?.column == column)
        #expect(hit?.value == value)
    }

    // MARK: Calendar

    @Test("civil dates round-trip and add months with clamping")
    func civilDates() {
        let d = CivilDate(year: 2024, month: 3, day: 31)
        #expect(CivilDate(ordinal: d.ordinal) == d)
        #expect(CivilDate(year: 1970, month: 1, day: 1).ordinal == 0)
        #expect(d.adding(months: -1) == CivilDate(year: 2024, month: 2, day: 29))
        #expect(d.adding(months: 11).iso == "2025-02-28")
        #expect(CivilDate(year: 2024, month: 1, day: 5).adding(months: -1).iso == "2023-12-05")
        #expect(CivilDate(year: 2024, month: 4, day: 19).startOfWeek.iso == "2024-04-15")
        #expect(CivilDate(iso: "2024-03-01 10:00:00") == CivilDate(year: 2024, month: 3, day: 1))
    }

    @Test("partial dates cover their whole period")
    func coverage() {
        #expect(DateRange.covering(PartialDate(year: 2024, month: nil, day: nil))
            == DateRange(from: CivilDate(year: 2024, month: 1, day: 1), to: CivilDate(year: 2025, month: 1, day: 1)))
        #expect(DateRange.covering(PartialDate(year: 2024, month: 12, day: nil)).to?.iso == "2025-01-01")
        #expect(DateRange.quarter(2, year: 2024).from?.iso == "2024-04-01")
    }

    // MARK: SQL helpers

    @Test("aliases and literals")
    func sqlHelpers() {
        #expect(SQLBuilder.aliasStem("Salary ($)") == "salary")
        #expect(SQLBuilder.aliasStem("Customer_Type") == "customer_type")
        #expect(SQLBuilder.aliasStem("%%%") == "value")
        #expect(SQLBuilder.numberLiteral(1000) == "1000")
        #expect(SQLBuilder.numberLiteral(2.5) == "2.5")
        #expect(SQLBuilder.numberLiteral(.infinity) == "0")
        #expect(Measure(function: .sum, column: "Sales").alias == "total_sales")
        #expect(Measure(function: .count, column: nil).alias == "row_count")
    }

    // MARK: Outcomes

    @Test("a refusal names the words it could not match and hints with real columns")
    func refusal() throws {
        let db = try FixtureDatabase("sales")
        guard case .refuse(let e) = BuiltinAnalyst().translate("frobnicate the zorbs by region", schema: db.schema) else {
            Issue.record("expected a refusal")
            return
        }
        #expect(e.code == .unsupportedQuestion)
        #expect(e.message.contains("\"frobnicate\""))
        #expect(e.message.contains("\"zorbs\""))
        let hint = try #require(e.hint)
        for column in db.schema.columns { #expect(hint.contains(column.name)) }
        #expect(hint.contains("Try:"))
    }

    @Test("the examples in a refusal's hint are answerable", arguments: ["sales", "hr", "shipping", "clinic"])
    func hintExamplesWork(_ fixture: String) throws {
        let db = try FixtureDatabase(fixture)
        let examples = RefusalHints.exampleQuestions(schema: db.schema, columns: ColumnMatcher(schema: db.schema))
        #expect(examples.count >= 2)
        for q in examples {
            guard case .answer(let g) = BuiltinAnalyst().translate(q, schema: db.schema) else {
                Issue.record("hint example not answered: \(q)")
                continue
            }
            _ = try db.run(g.sql)
        }
    }

    @Test("clarification candidates are complete, runnable queries")
    func clarify() throws {
        let db = try FixtureDatabase("stores")
        guard case .clarify(let candidates) = BuiltinAnalyst().translate("total sales by store", schema: db.schema) else {
            Issue.record("expected clarify")
            return
        }
        #expect((2...3).contains(candidates.count))
        #expect(Set(candidates.map(\.sql)).count == candidates.count)
        for c in candidates {
            #expect(c.confidence <= 0.5)
            #expect(!c.interpretation.isEmpty)
            _ = try db.run(c.sql)
        }
    }

    @Test("answers carry an intent, a confidence in [0, 1] and an interpretation", arguments: [
        ("monthly sales", QueryIntent.trend), ("percentage of sales by region", .share),
        ("top 2 products by sales", .ranking), ("list the products", .listing), ("total sales", .single),
        ("sales by region and category", .grouped2), ("cumulative sales by month", .cumulative), ("price vs quantity", .correlation),
    ])
    func intents(_ question: String, _ intent: QueryIntent) throws {
        let db = try FixtureDatabase("sales")
        guard case .answer(let q) = BuiltinAnalyst().translate(question, schema: db.schema) else {
            Issue.record("no answer for \(question)")
            return
        }
        #expect(q.intent == intent)
        #expect((0...1).contains(q.confidence))
        #expect(!q.interpretation.isEmpty)
    }

    @Test("translation takes milliseconds")
    func fast() throws {
        let db = try FixtureDatabase("shipping")
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for _ in 0..<50 { _ = BuiltinAnalyst().translate("average shipping cost for orders over 5 kg by month in 2024", schema: db.schema) }
        }
        #expect(elapsed < .seconds(2), "50 translations took \(elapsed)")
    }
}

@Suite("Analyst components, continued")
struct AnalystComponentTests2 {
    @Test("derivational stems let related words meet", arguments: [
        ("engineers", "engineering"), ("complete", "completed"), ("cancel", "cancelled"), ("marketers", "marketing"),
        ("returned", "returns"),
    ])
    func derivational(_ a: String, _ b: String) {
        #expect(ValueMatcher.derivationalStem(a) != nil)
        #expect(ValueMatcher.derivationalStem(a) == ValueMatcher.derivationalStem(b))
    }

    @Test("commas separate list items but not thousands")
    func commas() {
        let t = Tokenizer.tokenize("product, region and sales over 1,000")
        #expect(t.map(\.text) == ["product", ",", "region", "and", "sales", "over", "1,000"])
        #expect(t.last?.number == 1000)
    }

    @Test("a large value index still translates in milliseconds")
    func largeValueIndex() {
        var columns: [ColumnProfile] = [ColumnProfile(name: "Amount", type: .real)]
        var values: [String: [String]] = [:]
        for c in 0..<10 {
            let name = "Attribute \(c)"
            columns.append(ColumnProfile(name: name, type: .text, distinctCount: 2_000))
            values[name] = (0..<2_000).map { "Store\(c)x\($0) Holdings Ltd" }
        }
        let schema = SourceSchema(rowCount: 100_000, columns: columns, valueIndex: ValueIndex(values: values))
        let clock = ContinuousClock()
        var outcome: AnalystOutcome?
        let elapsed = clock.measure {
            for _ in 0..<5 { outcome = BuiltinAnalyst().translate("total amount by attribute 3 for store3x7 holdings ltd", schema: schema) }
        }
        #expect(elapsed < .seconds(2), "5 translations over 20,000 values took \(elapsed)")
        guard case .answer(let q)? = outcome else {
            Issue.record("expected an answer, got \(String(describing: outcome))")
            return
        }
        #expect(q.sql.contains("'Store3x7 Holdings Ltd'"))
    }

    @Test("a column named like an aggregate word is used when nothing else is measured")
    func columnNamedTotal() {
        let schema = SourceSchema(rowCount: 3, columns: [
            ColumnProfile(name: "Region", type: .text, distinctCount: 2),
            ColumnProfile(name: "Total", type: .real, distinctCount: 3),
        ], valueIndex: ValueIndex(values: ["Region": ["North", "South"]]))
        guard case .answer(let q) = BuiltinAnalyst().translate("total by region", schema: schema) else {
            Issue.record("expected an answer")
            return
        }
        #expect(q.sql == #"SELECT "Region", SUM("Total") AS "total_total" FROM "data" GROUP BY "Region" ORDER BY "total_total" DESC"#)
    }

    @Test("keyword-like and spaced column names are quoted")
    func awkwardNames() {
        let schema = SourceSchema(rowCount: 3, columns: [
            ColumnProfile(name: "Group", type: .text, distinctCount: 2),
            ColumnProfile(name: "Order Value", type: .real, distinctCount: 3),
        ], valueIndex: ValueIndex(values: ["Group": ["A1", "B2"]]))
        guard case .answer(let q) = BuiltinAnalyst().translate("average order value per group", schema: schema) else {
            Issue.record("expected an answer")
            return
        }
        #expect(q.sql == #"SELECT "Group", AVG("Order Value") AS "avg_order_value" FROM "data" GROUP BY "Group" ORDER BY "avg_order_value" DESC"#)
    }

    @Test("odd schemas: no columns, only text, only numbers")
    func oddSchemas() {
        let empty = SourceSchema(rowCount: 0, columns: [])
        guard case .refuse(let e) = BuiltinAnalyst().translate("total sales", schema: empty) else {
            Issue.record("expected a refusal")
            return
        }
        #expect(e.code == .unsupportedQuestion)

        let textOnly = SourceSchema(rowCount: 4, columns: [ColumnProfile(name: "City", type: .text, distinctCount: 2)],
                                    valueIndex: ValueIndex(values: ["City": ["Paris", "Oslo"]]))
        guard case .answer(let q) = BuiltinAnalyst().translate("how many rows per city", schema: textOnly) else {
            Issue.record("expected an answer")
            return
        }
        #expect(q.sql == #"SELECT "City", COUNT(*) AS "row_count" FROM "data" GROUP BY "City" ORDER BY "row_count" DESC"#)
        if case .refuse(let r) = BuiltinAnalyst().translate("average revenue", schema: textOnly) {
            #expect(r.hint?.contains("how many rows per City") == true)
        } else {
            Issue.record("expected a refusal for a measure the table lacks")
        }

        let numbersOnly = SourceSchema(rowCount: 4, columns: [ColumnProfile(name: "x", type: .real), ColumnProfile(name: "y", type: .real)])
        guard case .answer(let c) = BuiltinAnalyst().translate("x vs y", schema: numbersOnly) else {
            Issue.record("expected an answer")
            return
        }
        #expect(c.intent == .correlation)
    }
}

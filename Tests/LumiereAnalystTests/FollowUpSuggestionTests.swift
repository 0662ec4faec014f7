// Follow-up suggestions (FollowUpSuggester) over real ingested sources: fixture CSVs of
// different shapes (with and without dates, one text dimension or several) go through
// SourceIngestor into a SQLite file, and every suggestion is translated again by the builtin
// engine and executed in the sandbox over that file.

import Foundation
@testable import LumiereCore
import LumiereStore
import Testing

/// A CSV ingested as the daemon ingests it, with the schema an engine sees and the sandbox.
struct IngestedSource {
    let schema: SourceSchema
    let executor: SandboxedExecutor

    /// Ingest `csv` (the text of a file) under a temporary directory, removed by `body`'s end.
    static func with<T>(name: String, csv: String, _ body: (IngestedSource) throws -> T) throws -> T {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lumiere-followups-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let path = "\(dir)/\(name).csv"
        try Data(csv.utf8).write(to: URL(fileURLWithPath: path))
        let outcome = try SourceIngestor.ingest(inputPath: path, gzip: false, databasePath: "\(dir)/\(name).sqlite")
        let schema = SourceSchema(rowCount: outcome.profile.rowCount, columns: outcome.profile.columns,
                                  valueIndex: outcome.valueIndex, sourceName: name)
        return try body(IngestedSource(schema: schema, executor: SandboxedExecutor(databasePath: "\(dir)/\(name).sqlite")))
    }

    static func fixture<T>(_ name: String, _ body: (IngestedSource) throws -> T) throws -> T {
        try with(name: name, csv: String(contentsOf: FixtureDatabase.url("\(name).csv"), encoding: .utf8), body)
    }

    /// The builtin engine's answer to `question`, or nil when it refused or asked.
    func answer(_ question: String) -> GeneratedQuery? {
        if case .answer(let g) = BuiltinAnalyst().translate(question, schema: schema) { return g }
        return nil
    }

    /// The first cell of the answer's first row, run in the sandbox; fails the test when the
    /// engine does not answer.
    func firstCell(_ question: String) throws -> SQLValue? {
        let g = try #require(answer(question), "\(question)")
        return try executor.run(g.sql).rows.first?.first
    }

    /// The SQL the builtin engine answers `question` with; fails the test otherwise.
    func answeredSQL(_ question: String) -> String? {
        guard case .answer(let q) = BuiltinAnalyst().translate(question, schema: schema) else {
            Issue.record("the engine did not answer \"\(question)\"")
            return nil
        }
        return q.sql
    }
}

/// One text column, no dates.
let oneDimensionCSV = """
    City,Temperature,Rainfall
    Oslo,4.5,760
    Lima,19.2,16
    Oslo,6.1,820
    Cairo,22.8,25
    Lima,18.7,12
    Cairo,24.0,30
    Oslo,5.2,790
    Perth,18.5,730

    """

@Suite("Follow-up suggestions")
struct FollowUpSuggestionTests {
    static let cases: [(String, String)] = [
        ("sales", "What were the total sales by region?"),
        ("sales", "total sales by category"),
        ("sales", "average price per category"),
        ("sales", "how many sales were there in the North region"),
        ("sales", "monthly sales trend"),
        ("sales", "top 3 products by sales"),
        ("sales", "show all sales over 100"),
        ("hr", "average salary by dept"),
        ("hr", "how many employees are managers"),
        ("clinic", "total fee by department"),
        ("clinic", "how many appointments per doctor"),
        ("shipping", "total shipping cost by ship mode"),
        ("stores", "total units by manager"),
        ("sensors", "average temperature by location"),
    ]

    @Test("every suggestion is answered by the builtin engine and its SQL runs on the ingested source",
          arguments: cases)
    func suggestionsAnswerAndRun(_ fixture: String, _ question: String) throws {
        try IngestedSource.fixture(fixture) { source in try Self.checkAll(question, source) }
    }

    /// Every suggestion of `question` is answered, new and runs with rows; the list is stable.
    static func checkAll(_ question: String, _ source: IngestedSource, allowEmpty: Bool = false) throws {
        guard let sql = source.answeredSQL(question) else { return }
        let suggestions = FollowUpSuggester().suggest(question: question, answeredSQL: sql, schema: source.schema)
        #expect(allowEmpty || !suggestions.isEmpty)
        #expect(suggestions.count <= FollowUpSuggester.maxSuggestions)
        var seen: Set<String> = [sql]
        for s in suggestions {
            guard case .answer(let q) = BuiltinAnalyst().translate(s, schema: source.schema) else {
                Issue.record("suggested \"\(s)\" is not answered"); continue
            }
            #expect(seen.insert(q.sql).inserted, "\"\(s)\" repeats an earlier answer")
            let result = try source.executor.run(q.sql)
            #expect(result.rowCount > 0, "\"\(s)\" has no rows")
        }
        // Deterministic: the same question over the same source gives the same list.
        #expect(FollowUpSuggester().suggest(question: question, answeredSQL: sql, schema: source.schema) == suggestions)
    }

    static func suggestions(_ question: String, _ source: IngestedSource) -> [String] {
        guard let sql = source.answeredSQL(question) else { return [] }
        return FollowUpSuggester().suggest(question: question, answeredSQL: sql, schema: source.schema)
    }

    @Test("dates and several categories: a drill-down, a monthly trend and the top items, in that order")
    func salesShape() throws {
        try IngestedSource.fixture("sales") { source in
            #expect(Self.suggestions("total sales by category", source)
                == ["total Sales by Customer_Type", "monthly total Sales", "top 3 Region by total Sales"])
            // The answer's own grouping (4 regions) is not ranked again: more drill-downs instead.
            #expect(Self.suggestions("What were the total sales by region?", source)
                == ["total Sales by Category", "monthly total Sales", "total Sales by Customer_Type"])
            // The measure is the answer's, not the default one.
            #expect(Self.suggestions("average price per category", source)
                == ["average Price by Customer_Type", "monthly average Price", "top 3 Region by average Price"])
            // A trend already answered: no trend.
            #expect(Self.suggestions("monthly sales trend", source)
                == ["total Sales by Category", "top 3 Region by total Sales", "total Sales by Customer_Type"])
            // A single-value filter is kept, and its column is neither drilled into nor ranked.
            #expect(Self.suggestions("how many sales were there in the North region", source)
                == ["number of rows by Category in North", "monthly number of rows in North",
                    "number of rows by Customer_Type in North"])
        }
    }

    @Test("the trend's grain follows the date column's span")
    func trendGrain() throws {
        try IngestedSource.fixture("clinic") { source in
            #expect(Self.suggestions("total fee by department", source).contains("daily total Fee"))
        }
        try IngestedSource.fixture("hr") { source in
            #expect(Self.suggestions("average salary by dept", source).contains("yearly average Salary ($)"))
        }
    }

    @Test("no date column: no trend; one category: one drill-down and nothing repeated")
    func oneDimensionNoDates() throws {
        try IngestedSource.with(name: "weather", csv: oneDimensionCSV) { source in
            try Self.checkAll("average temperature", source)
            #expect(Self.suggestions("average temperature", source) == ["average Temperature by City"])
            // Already by its only category, with no dates: nothing left to suggest.
            try Self.checkAll("average rainfall by city", source, allowEmpty: true)
            #expect(Self.suggestions("average rainfall by city", source) == [])
        }
    }

    @Test("too few rows for any category (every text value unique): an empty list")
    func nothingToSuggest() throws {
        try IngestedSource.fixture("hostile") { source in
            #expect(Self.suggestions("total amount by name", source) == [])
        }
    }

    @Test("SQL the builtin engine did not write (an LLM's) is framed by the schema alone")
    func withoutAPlan() throws {
        try IngestedSource.fixture("sales") { source in
            let s = FollowUpSuggester().suggest(question: "zorblax quux", answeredSQL: "SELECT 1", schema: source.schema)
            #expect(s == ["total Sales by Category", "monthly total Sales", "top 3 Region by total Sales"])
        }
    }
}

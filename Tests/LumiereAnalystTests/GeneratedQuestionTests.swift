// Generated questions: thousands of word salads built from each fixture's own column names,
// values and the engine's vocabulary (fixed seed, so runs are reproducible). Whatever the
// engine does with them, it must not crash, must stay fast, and any SQL it produces must
// prepare and run on the fixture — a planner bug that builds invalid SQL shows up here.

import Foundation
import LumiereCore
import Testing

@Suite("Generated questions")
struct GeneratedQuestionTests {
    /// A small deterministic generator (SplitMix64).
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }
    }

    static let vocabulary = [
        "total", "average", "median", "max", "min", "how many", "number of", "distinct", "share of", "percentage",
        "by", "per", "for each", "across", "top 3", "bottom 2", "best", "worst", "highest", "lowest", "most",
        "least", "which", "show", "list", "first 5 rows", "vs", "compare", "difference between", "and", "or",
        "not", "excluding", "over 100", "under 50", "at least 5", "between 10 and 20", "in 2024", "in March",
        "before 2024-03-01", "after 2024-02-15", "since 2024", "last 3 months", "last month", "monthly", "weekly",
        "by quarter", "trend", "cumulative", "missing", "rows", "orders", "the", "of", "in", "what is",
        "running total", "this year", "Q1 2024", "from 2024-01-01 to 2024-02-01", "performance",
        "in each", "average monthly", "the week of March 4", "first week of March", "per", "split", "day of week",
        "hour of day", "how much", "most recent", "the first", "across all", "-5", ",", "between", "=",
        "percentage of", "which two", "no", "non", "each", "on average", "min and max",
    ]

    @Test("word salads never crash and never produce SQL that fails", arguments: ["sales", "hr", "shipping", "clinic", "stores", "sensors", "hostile"])
    func wordSalads(_ fixture: String) throws {
        let db = try FixtureDatabase(fixture)
        var words = Self.vocabulary
        words += db.schema.columns.map(\.name)
        words += db.schema.valueIndex.values.values.flatMap { $0.prefix(4) }
        var g = Generator(state: 0x5EED_0000 + UInt64(fixture.count))
        var answered = 0
        var failures: [String] = []
        for _ in 0..<600 {
            let length = 2 + Int(g.next() % 6)
            let question = (0..<length).map { _ in g.pick(words) }.joined(separator: " ")
            let outcome = BuiltinAnalyst().translate(question, schema: db.schema)
            var sqls: [String] = []
            switch outcome {
            case .answer(let q): sqls = [q.sql]; answered += 1
            case .clarify(let cs): sqls = cs.map(\.sql)
            case .refuse(let e):
                if e.code != .unsupportedQuestion || e.message.isEmpty { failures.append("bad refusal for \(question)") }
            }
            for sql in sqls {
                do { _ = try db.run(sql) } catch { failures.append("\(question)\n    \(sql)\n    \(error)") }
            }
        }
        #expect(failures.isEmpty, Comment(rawValue: failures.prefix(10).joined(separator: "\n")))
        #expect(answered > 0)
    }
}

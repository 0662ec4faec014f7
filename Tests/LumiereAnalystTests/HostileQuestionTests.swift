// Question text is hostile: whatever it contains, the engine's SQL must prepare as exactly
// one read-only SELECT, never carry raw question text, and leave the table intact. Values
// and column names with quotes (in the `hostile` fixture) must round-trip through quoting.

import Foundation
import LumiereCore
import Testing

@Suite("Hostile questions")
struct HostileQuestionTests {
    static let questions = [
        "'; DROP TABLE data; --",
        "total sales in north'; DROP TABLE data; --",
        "sales by region\"; DELETE FROM data; --",
        "\" OR 1=1 --",
        "Robert'); DROP TABLE students;--",
        "sales by region /* comment */ UNION SELECT sqlite_version()",
        "ventes 💰 par région ✓",
        "sales\u{0} by\u{7} region\u{202E}",
        "total sales by region; ATTACH DATABASE '/tmp/x' AS x",
        String(repeating: "sales by region ", count: 40),
        String(repeating: "a", count: 5_000),
        "total sales where Region = 'North' OR '1'='1'",
        "show all sales over 1000) OR (1=1",
        "",
        "   ",
        "?!?!",
        "top 99999999999999999999 products by sales",
        "show 100000000000000000000 rows",
        "sales in the last 1e30 months",
        "sales in the last 99999999 months",
        "sales over 1e308 and under -1e308",
        "sales by region in 99999",
    ]

    func checkSafe(_ outcome: AnalystOutcome, db: FixtureDatabase, question: String) throws {
        var sqls: [String] = []
        switch outcome {
        case .answer(let q): sqls = [q.sql]
        case .clarify(let cs): sqls = cs.map(\.sql)
        case .refuse(let e): #expect(e.code == .unsupportedQuestion)
        }
        for sql in sqls {
            #expect(db.isSingleReadOnlyStatement(sql), "not a single read-only statement: \(sql)")
            #expect(sql.hasPrefix("SELECT "))
            let upper = sql.uppercased()
            for forbidden in ["DROP", "DELETE", "ATTACH", "UNION", "--", "/*", ";"] {
                // The hostile fixture stores such text as a value; it may appear only inside a quoted literal.
                if db.name != "hostile" { #expect(!upper.contains(forbidden), "\(forbidden) in \(sql)") }
            }
            _ = try db.run(sql)
        }
        #expect(try db.run("SELECT COUNT(*) FROM data").rows[0][0].doubleValue ?? 0 > 0)
    }

    @Test("hostile question text never reaches SQL raw", arguments: questions)
    func hostile(_ question: String) throws {
        let db = try FixtureDatabase("sales")
        try checkSafe(BuiltinAnalyst().translate(question, schema: db.schema), db: db, question: question)
    }

    @Test("values and names with quotes are quoted, not spliced", arguments: [
        "total amount for O'Brien",
        "amount where note is '; DROP TABLE data; --",
        "total amount for Robert'); DROP TABLE data;--",
        "amount by we\"ird col",
        "list the names",
        "amount for zoe",
    ])
    func quotedValues(_ question: String) throws {
        let db = try FixtureDatabase("hostile")
        let outcome = BuiltinAnalyst().translate(question, schema: db.schema)
        try checkSafe(outcome, db: db, question: question)
    }

    @Test("a value that looks like SQL is matched as data")
    func sqlLookingValue() throws {
        let db = try FixtureDatabase("hostile")
        guard case .answer(let q) = BuiltinAnalyst().translate("total amount for O'Brien", schema: db.schema) else {
            Issue.record("expected an answer")
            return
        }
        #expect(q.sql.contains("'O''Brien'"))
        #expect(try db.run(q.sql).rows[0][0].doubleValue == 10)
        guard case .answer(let r) = BuiltinAnalyst().translate("amount by we\"ird col", schema: db.schema) else {
            Issue.record("expected an answer for the quoted column")
            return
        }
        #expect(r.sql.contains("\"we\"\"ird col\""))
        #expect(try db.run(r.sql).rows.count == 3)
    }
}

// RegressionCase: one question of the analyst's regression suite (Fixtures/cases.json) and
// the check of the engine's outcome against it: a reference query whose result must equal
// the engine's (same columns in the same order; numbers within 1e-6; in order when
// `ordered`), a refusal, or a clarification with at least `candidates` readings.

import Foundation
import LumiereCore
import Testing

struct RegressionCase: Codable, Sendable, CustomTestStringConvertible {
    enum Expectation: String, Codable, Sendable { case sql, refuse, clarify }
    var fixture: String
    var category: String
    var question: String
    var expect: Expectation
    var sql: String?
    var ordered: Bool?
    var candidates: Int?
    /// A documented gap: the case is expected to fail until the engine learns it.
    var knownGap: String?

    enum CodingKeys: String, CodingKey {
        case fixture, category, question, expect, sql, ordered, candidates
        case knownGap = "known_gap"
    }

    var testDescription: String { "[\(fixture)/\(category)] \(question)" }

    static func loadAll() throws -> [RegressionCase] {
        let data = try Data(contentsOf: FixtureDatabase.url("cases.json"))
        return try JSONDecoder().decode([RegressionCase].self, from: data)
    }
}

enum CaseVerdict {
    case pass
    case fail(String)
    var passed: Bool { if case .pass = self { return true } else { return false } }
}

enum CaseChecker {
    static func check(_ c: RegressionCase, db: FixtureDatabase, analyst: BuiltinAnalyst = BuiltinAnalyst()) -> CaseVerdict {
        let outcome = analyst.translate(c.question, schema: db.schema)
        switch (c.expect, outcome) {
        case (.refuse, .refuse):
            return .pass
        case (.clarify, .clarify(let candidates)):
            let want = c.candidates ?? 2
            return candidates.count >= want ? .pass : .fail("clarify with \(candidates.count) candidates, wanted \(want)")
        case (.sql, .answer(let q)):
            guard let reference = c.sql else { return .fail("case has no reference SQL") }
            do {
                let got = try db.run(q.sql)
                let want = try db.run(reference)
                if let problem = compare(got: got, want: want, ordered: c.ordered ?? false) {
                    return .fail("\(problem)\n      engine: \(q.sql)\n      reference: \(reference)\n      got: \(render(got))\n      want: \(render(want))")
                }
                return .pass
            } catch {
                return .fail("SQL failed: \(error)\n      engine: \(q.sql)")
            }
        case (_, .answer(let q)):
            return .fail("answered instead of \(c.expect): \(q.sql)")
        case (_, .refuse(let e)):
            return .fail("refused: \(e.message)")
        case (_, .clarify(let cs)):
            return .fail("asked to clarify between \(cs.count): \(cs.map(\.sql).joined(separator: " | "))")
        }
    }

    static func render(_ r: FixtureDatabase.Result) -> String {
        let rows = r.rows.prefix(6).map { "(" + $0.map(\.description).joined(separator: ", ") + ")" }
        return "[\(r.columns.joined(separator: ","))] " + rows.joined(separator: " ") + (r.rows.count > 6 ? " …\(r.rows.count) rows" : "")
    }

    static func compare(got: FixtureDatabase.Result, want: FixtureDatabase.Result, ordered: Bool) -> String? {
        if got.columns.count != want.columns.count {
            return "column count \(got.columns.count) ≠ \(want.columns.count)"
        }
        if got.rows.count != want.rows.count { return "row count \(got.rows.count) ≠ \(want.rows.count)" }
        var a = got.rows
        var b = want.rows
        if !ordered {
            a.sort { key($0) < key($1) }
            b.sort { key($0) < key($1) }
        }
        for (i, (x, y)) in zip(a, b).enumerated() {
            for (j, (u, v)) in zip(x, y).enumerated() where !same(u, v) {
                return "row \(i) column \(j): \(u) ≠ \(v)"
            }
        }
        return nil
    }

    static func key(_ row: [SQLValue]) -> String {
        row.map { v -> String in
            if let d = v.doubleValue { return String(format: "%020.6f", d) }
            return v.isNull ? "\u{0}" : v.description
        }.joined(separator: "\u{1}")
    }

    static func same(_ u: SQLValue, _ v: SQLValue) -> Bool {
        if u.isNull || v.isNull { return u.isNull && v.isNull }
        if let a = u.doubleValue, let b = v.doubleValue { return abs(a - b) <= 1e-6 * max(1, abs(a), abs(b)) }
        return u.description == v.description
    }
}

// The analyst's regression suite: every question in Fixtures/cases.json, run against its
// fixture table, checked by executing the engine's SQL and the reference SQL and comparing
// results. Prints accuracy per category and asserts the overall floor.

import Foundation
import LumiereCore
import Testing

@Suite("Analyst regression suite")
struct RegressionSuiteTests {
    static let cases: [RegressionCase] = (try? RegressionCase.loadAll()) ?? []
    static let accuracyFloor = 0.90

    @Test("the case file loads and is big enough")
    func caseFileLoads() throws {
        let cases = try RegressionCase.loadAll()
        #expect(cases.count >= 150)
        #expect(Set(cases.map(\.fixture)).count >= 4)
    }

    @Test("each question", arguments: cases)
    func eachQuestion(_ c: RegressionCase) throws {
        let db = try FixtureDatabase(c.fixture)
        let verdict = CaseChecker.check(c, db: db)
        if let gap = c.knownGap {
            withKnownIssue(Comment(rawValue: gap)) {
                if case .fail(let why) = verdict { Issue.record(Comment(rawValue: why)) }
            }
            return
        }
        if case .fail(let why) = verdict {
            Issue.record(Comment(rawValue: "\(c.question)\n      \(why)"))
        }
    }

    @Test("accuracy per category")
    func accuracyPerCategory() throws {
        let cases = try RegressionCase.loadAll()
        var databases: [String: FixtureDatabase] = [:]
        var tally: [String: (pass: Int, total: Int)] = [:]
        var failures: [String] = []
        for c in cases {
            let db = try databases[c.fixture] ?? FixtureDatabase(c.fixture)
            databases[c.fixture] = db
            let verdict = CaseChecker.check(c, db: db)
            var t = tally[c.category] ?? (0, 0)
            t.total += 1
            if verdict.passed { t.pass += 1 } else if case .fail(let why) = verdict {
                failures.append("  ✗ [\(c.fixture)/\(c.category)] \(c.question)\n      \(why)")
            }
            tally[c.category] = t
        }
        var report = "\nBuiltinAnalyst \(BuiltinAnalyst.engineVersion) — accuracy per category\n"
        report += "category".padding(toLength: 14, withPad: " ", startingAt: 0) + "  pass/total   accuracy\n"
        var pass = 0
        var total = 0
        for (category, t) in tally.sorted(by: { $0.key < $1.key }) {
            pass += t.pass
            total += t.total
            let pct = String(format: "%6.1f%%", 100 * Double(t.pass) / Double(t.total))
            report += category.padding(toLength: 14, withPad: " ", startingAt: 0)
                + "  \(String(t.pass).leftPad(4))/\(String(t.total).rightPad(5))  \(pct)\n"
        }
        let overall = total == 0 ? 0 : Double(pass) / Double(total)
        report += "overall".padding(toLength: 14, withPad: " ", startingAt: 0)
            + "  \(String(pass).leftPad(4))/\(String(total).rightPad(5))  \(String(format: "%6.1f%%", 100 * overall))\n"
        if !failures.isEmpty { report += "failures:\n" + failures.joined(separator: "\n") + "\n" }
        print(report)
        #expect(overall >= Self.accuracyFloor, "overall accuracy \(overall) is under the floor \(Self.accuracyFloor)")
    }
}

extension String {
    func leftPad(_ n: Int) -> String { String(repeating: " ", count: max(0, n - count)) + self }
    func rightPad(_ n: Int) -> String { self + String(repeating: " ", count: max(0, n - count)) }
}

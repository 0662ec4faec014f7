// BlindCorpus: the load check and the measurement shared by the blind check sets (corpus 3
// and 4, and any later one): same format, loader and scoring as corpus 2 (`Corpus2Question`,
// `Corpus2Table`, `Corpus2Checker`), a report per table and category, the wrong answers with
// their gold, an optional JSON-lines report, and only a safety ceiling on wrong-but-succeeded.

import Foundation
import LumiereCore
import LumiereStore
import Testing

enum BlindCorpus {
    /// The corpus loads (at least `minQuestions` questions over `minTables` tables, `minRefusals`
    /// of them unanswerable, ids unique) and every gold query runs and returns a value on the real ingest.
    static func checkLoads(corpus: String, label: String, minQuestions: Int = 120, minTables: Int = 6,
                           minRefusals: Int = 12) throws {
        let questions = try Corpus2Question.loadAll(corpus: corpus)
        #expect(questions.count >= minQuestions)
        #expect(Set(questions.map(\.table)).count >= minTables)
        #expect(Set(questions.map(\.id)).count == questions.count)
        #expect(questions.filter { $0.expect == "refuse" }.count >= minRefusals)
        let (tables, directory) = try Corpus2Table.loadAll(questions.map(\.table), corpus: corpus)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        for (name, t) in tables.sorted(by: { $0.key < $1.key }) {
            print("\(label) table \(name): \(t.schema.rowCount) rows; "
                  + t.schema.columns.map { "\($0.name) \($0.type.rawValue)" }.joined(separator: ", "))
        }
        for q in questions {
            #expect((q.expect == "sql") == (q.sql != nil), "\(q.id): expect and sql disagree")
            #expect(tables[q.table] != nil, "\(q.id): no table \(q.table)")
            guard let table = tables[q.table] else { continue }
            for sql in [q.sql].compactMap({ $0 }) + (q.altSQL ?? []) {
                do {
                    let r = try table.executor.run(sql)
                    #expect(!r.rows.isEmpty && r.rows.contains { $0.contains { !$0.isNull } },
                            "\(q.id): gold returns no value: \(sql)")
                    #expect(!(r.rows.count == 1 && r.rows[0].count == 1 && r.rows[0][0] == .integer(0)),
                            "\(q.id): gold counts nothing: \(sql)")
                } catch {
                    Issue.record("\(q.id): gold SQL fails on the real ingest: \(sql)\n  \(error)")
                }
            }
        }
    }

    /// Runs the builtin engine on every question, prints the outcomes, writes the JSON lines to
    /// `$reportVariable` when set, and expects wrong-but-succeeded under `wrongCeiling`.
    static func measure(corpus: String, label: String, reportVariable: String, wrongCeiling: Double) throws {
        let questions = try Corpus2Question.loadAll(corpus: corpus)
        let (tables, directory) = try Corpus2Table.loadAll(questions.map(\.table), corpus: corpus)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let analyst = BuiltinAnalyst()
        let results = questions.map { Corpus2Checker.check($0, table: tables[$0.table]!, analyst: analyst) }

        var report = "\nBuiltinAnalyst \(BuiltinAnalyst.engineVersion) — \(label) (\(questions.count) blind questions, \(tables.count) real tables)\n"
        func section(_ title: String, _ groups: [(String, [Corpus2Result])]) {
            report += "\n" + title.padding(toLength: 20, withPad: " ", startingAt: 0)
                + Corpus2Outcome.allCases.map { $0.rawValue.leftPad(10) }.joined() + "     total   right%   wrong%\n"
            for (name, rs) in groups {
                let counts = Corpus2Outcome.allCases.map { o in rs.filter { $0.outcome == o }.count }
                let share = { (n: Int) in 100 * Double(n) / Double(max(1, rs.count)) }
                report += name.padding(toLength: 20, withPad: " ", startingAt: 0)
                    + counts.map { String($0).leftPad(10) }.joined() + String(rs.count).leftPad(10)
                    + String(format: "%8.1f%%%8.1f%%", share(counts[0]), share(counts[3])) + "\n"
            }
        }
        let byTable = Dictionary(grouping: results, by: \.question.table).sorted { $0.key < $1.key }
        section("table", byTable + [("answerable", results.filter { $0.question.expect == "sql" }),
                                    ("unanswerable", results.filter { $0.question.expect == "refuse" }),
                                    ("total", results)])
        let byCategory = Dictionary(grouping: results, by: \.question.category).sorted { $0.key < $1.key }
        section("category", byCategory)
        let wrongOnes = results.filter { $0.outcome == .wrong }
        if !wrongOnes.isEmpty {
            report += "\nwrong-but-succeeded:\n"
            for r in wrongOnes {
                report += "  \(r.question.id) \"\(r.question.question)\"\n    engine: \(r.engineSQL ?? "-")\n"
                    + "    gold:   \(r.question.sql ?? "(refuse)")\n    \(r.detail)\n"
            }
        }
        print(report)

        if let path = ProcessInfo.processInfo.environment[reportVariable], !path.isEmpty {
            var lines = ""
            for r in results {
                let object: [String: Any] = [
                    "id": r.question.id, "table": r.question.table, "split": r.question.split,
                    "category": r.question.category, "question": r.question.question, "expect": r.question.expect,
                    "outcome": r.outcome.rawValue, "engine_sql": r.engineSQL ?? NSNull(),
                    "gold_sql": r.question.sql ?? NSNull(), "detail": r.detail,
                ]
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                lines += String(decoding: data, as: UTF8.self) + "\n"
            }
            try lines.write(toFile: path, atomically: true, encoding: .utf8)
            print("\(label): per-question outcomes written to \(path)")
        }

        let wrong = Double(wrongOnes.count) / Double(results.count)
        #expect(wrong < wrongCeiling,
                "\(label): wrong-but-succeeded \(wrongOnes.count)/\(results.count) is not under the ceiling \(wrongCeiling)")
    }
}

// `lumiere-bench analyst`: questions per second of the builtin NL→SQL engine, alone and
// with execution in the sandbox on a generated sales source (100k rows by default).
//
// Inputs: --rows (source size), --rounds (timed passes over the question set; the median
// pass counts), --dir (the generated CSV is cached there).
// Outputs: one table: generation alone, execution alone of the same SQL (the reference),
// generation + execution, follow-up suggestions (FollowUpSuggester after each answer), each
// as questions/s and µs per question; the ratio of generation + execution to execution alone
// (the engine's share of an answer's time) and of suggestions to generation.
// Failure modes: exits non-zero when a question of the set is refused or its SQL fails:
// the set is meant to be answerable, so a refusal is a regression, not a figure.

import ArgumentParser
import Foundation
import LumiereCore
import LumiereStore

struct AnalystBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyst", abstract: "Questions/s of the builtin engine, alone and with execution.")

    @Option(help: "Rows of the generated sales source.")
    var rows: Int = 100_000

    @Option(help: "Timed passes over the question set (the median pass is reported).")
    var rounds: Int = 7

    @Option(help: "Directory for the generated CSV and database.")
    var dir: String = "/tmp/lumiere-bench"

    /// Ordinary analytic questions over the generated columns (Date, Product, Region,
    /// Category, Customer_Type, Price, Quantity, Sales), one per kind the engine handles.
    static let questions = [
        "What were the total sales by region?",
        "Which product had the best performance?",
        "How do retail vs wholesale sales compare?",
        "average price per category",
        "how many sales were there in the North region",
        "top 5 products by quantity",
        "monthly sales trend",
        "total sales by region and category",
        "share of sales by customer type",
        "sales over 1000 in the South",
        "which category has the lowest average quantity",
        "how many different products are there",
        "total quantity per quarter in 2024",
        "median price by region",
        "compare East and West sales",
        "sales by category excluding wholesale",
        "list the 10 largest sales",
        "weekly revenue for Widget 3",
        "average sales per customer type by year",
        "bottom 3 regions by revenue",
    ]

    func validate() throws {
        if rows < 1 { throw ValidationError("--rows must be at least 1") }
        if rounds < 1 { throw ValidationError("--rounds must be at least 1") }
    }

    func run() throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let csv = "\(dir)/sales_\(rows).csv"
        if !FileManager.default.fileExists(atPath: csv) {
            try SalesCSVGenerator.write(rows: rows, to: csv + ".part")
            rename(csv + ".part", csv)
        }
        let db = "\(dir)/analyst_\(rows).sqlite"
        unlink(db)
        defer { unlink(db) }
        let outcome = try SourceIngestor.ingest(inputPath: csv, gzip: false, databasePath: db, limits: IngestLimits())
        let schema = SourceSchema(rowCount: outcome.profile.rowCount, columns: outcome.profile.columns,
                                  valueIndex: outcome.valueIndex)
        let executor = try SandboxedExecutor(databasePath: db)
        let engine = BuiltinAnalyst()

        // Check once, untimed: every question answers and its SQL runs.
        var sqls: [String] = []
        for q in Self.questions {
            let sql: String
            switch engine.translate(q, schema: schema) {
            case .answer(let g): sql = g.sql
            case .clarify(let candidates): sql = candidates[0].sql
            case .refuse(let e): throw ValidationError("the engine refused \"\(q)\": \(e.message)")
            }
            _ = try executor.run(sql)
            sqls.append(sql)
        }

        let n = Double(Self.questions.count)
        func medianPass(_ body: () throws -> Void) rethrows -> Double {
            var times: [Double] = []
            for _ in 0..<rounds {
                let t0 = DispatchTime.now().uptimeNanoseconds
                try body()
                times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
            }
            return times.sorted()[times.count / 2]
        }
        // Generation is fast: repeat the set within a pass so a pass lasts long enough to time.
        let repeats = 20
        let generation = medianPass {
            for _ in 0..<repeats {
                for q in Self.questions { _ = engine.translate(q, schema: schema) }
            }
        } / Double(repeats)
        let execution = try medianPass { for sql in sqls { _ = try executor.run(sql) } }
        let both = try medianPass {
            for q in Self.questions {
                switch engine.translate(q, schema: schema) {
                case .answer(let g): _ = try executor.run(g.sql)
                case .clarify(let c): _ = try executor.run(c[0].sql)
                case .refuse: break
                }
            }
        }
        // Follow-up suggestions as the pipeline makes them after an answer: at most
        // FollowUpSuggester.maxPlans candidates planned per question.
        let suggestions = medianPass {
            for _ in 0..<repeats {
                for (q, sql) in zip(Self.questions, sqls) {
                    _ = FollowUpSuggester().suggest(question: q, answeredSQL: sql, schema: schema)
                }
            }
        } / Double(repeats)
        func row(_ name: String, _ seconds: Double) -> String {
            let cells = [name, String(format: "%.0f", n / seconds), String(format: "%.1f", seconds / n * 1e6)]
            return cells[0].padding(toLength: 34, withPad: " ", startingAt: 0)
                + cells[1].leftPadded(12) + cells[2].leftPadded(14)
        }
        print("builtin engine \(BuiltinAnalyst.engineVersion): \(Self.questions.count) questions, source of \(rows) rows, median of \(rounds) passes")
        print("stage".padding(toLength: 34, withPad: " ", startingAt: 0) + "questions/s".leftPadded(12) + "µs/question".leftPadded(14))
        print(row("generation alone", generation))
        print(row("execution alone (reference)", execution))
        print(row("generation + execution", both))
        print(row("follow-up suggestions", suggestions))
        print(String(format: "ratio (generation + execution) / execution alone: %.3f", both / execution))
        print(String(format: "ratio suggestions / generation: %.2f", suggestions / generation))
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: " ", count: max(0, width - count)) + self }
}

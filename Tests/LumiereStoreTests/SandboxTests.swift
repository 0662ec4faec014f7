// SandboxTests: what analytic SQL needs must work inside the sandbox — grouping, CTEs,
// window functions, dates, the registered aggregates, the linear-time string functions
// (same answers as SQLite's) — and errors must come with useful messages and hints.

import Foundation
import LumiereCore
import Testing
@testable import LumiereStore

@Suite("Sandbox: analytic SQL")
struct SandboxTests {
    /// Opens an executor on a fresh copy of the 15-row sample and runs `body`.
    private func withExecutor(limits: SandboxLimits = .init(), extraRows: Int = 0,
                              _ body: (SandboxedExecutor) throws -> Void) throws {
        try withSandboxDirectory { dir in
            let path = try SandboxFixture.makeSource(in: dir, extraRows: extraRows)
            try body(try SandboxedExecutor(databasePath: path, limits: limits))
        }
    }

    @Test func groupByOrderByLimit() throws {
        try withExecutor { executor in
            let result = try executor.run("""
                SELECT Region, SUM(Sales) AS total FROM data GROUP BY Region ORDER BY total DESC LIMIT 2
                """)
            #expect(result.columns == [ResultColumn(name: "Region", type: "TEXT"), ResultColumn(name: "total", type: "REAL")])
            #expect(result.rows == [[.text("South"), .real(5224)], [.text("West"), .real(1805)]])
            #expect(result.truncated == false)
            #expect(executor.dataColumns == SandboxFixture.columns)
        }
    }

    @Test func cteWithRowNumberPerPartition() throws {
        try withExecutor { executor in
            let result = try executor.run("""
                WITH ranked AS (
                    SELECT Product, Date, Sales,
                           ROW_NUMBER() OVER (PARTITION BY Product ORDER BY Sales DESC) AS rn
                    FROM data)
                SELECT Product, Date, Sales FROM ranked WHERE rn = 1 ORDER BY Product
                """)
            #expect(result.rows == [
                [.text("Gadget B"), .text("2024-01-12"), .real(1200)],
                [.text("Tool C"), .text("2024-02-09"), .real(2300)],
                [.text("Widget A"), .text("2024-03-15"), .real(900)],
            ])
        }
    }

    @Test func runningSumAndOtherWindowFunctions() throws {
        try withExecutor { executor in
            let result = try executor.run("""
                SELECT Date, SUM(Sales) OVER (ORDER BY Date) AS running,
                       LAG(Sales) OVER (ORDER BY Date) AS previous,
                       RANK() OVER (ORDER BY Sales DESC) AS sales_rank,
                       NTILE(4) OVER (ORDER BY Date) AS quartile
                FROM data ORDER BY Date
                """)
            #expect(result.rowCount == 15)
            #expect(result.rows.first == [.text("2024-01-05"), .real(300), .null, .integer(14), .integer(1)])
            #expect(result.rows.last?[1] == .real(10195))
            #expect(result.columns.map(\.type) == ["TEXT", "REAL", "REAL", "INTEGER", "INTEGER"])
        }
    }

    @Test func strftimeOnISODates() throws {
        try withExecutor { executor in
            let result = try executor.run("""
                SELECT strftime('%Y-%m', Date) AS month, SUM(Sales) AS total, COUNT(*) AS orders
                FROM data GROUP BY month ORDER BY month
                """)
            #expect(result.rows == [
                [.text("2024-01"), .real(1860), .integer(3)],
                [.text("2024-02"), .real(3511), .integer(4)],
                [.text("2024-03"), .real(2904), .integer(5)],
                [.text("2024-04"), .real(1920), .integer(3)],
            ])
            let days = try executor.run("""
                SELECT julianday(MAX(Date)) - julianday(MIN(Date)), date(MIN(Date), '+1 month'),
                       unixepoch('2024-01-01'), CAST(strftime('%w', '2024-01-05') AS INTEGER)
                FROM data
                """)
            #expect(days.rows == [[.real(105), .text("2024-02-05"), .integer(1_704_067_200), .integer(5)]])
        }
    }

    @Test func medianPercentileStddevVariance() throws {
        try withExecutor { executor in
            let result = try executor.run("""
                SELECT Category, median(Sales), percentile(Sales, 25), percentile(Sales, 100), COUNT(*)
                FROM data GROUP BY Category ORDER BY Category
                """)
            #expect(result.rows == [
                [.text("Electronics"), .real(460), .real(345.75), .real(1200), .integer(10)],
                [.text("Hardware"), .real(600), .real(480), .real(2300), .integer(5)],
            ])
            let overall = try executor.run("""
                SELECT median(Sales), percentile(Sales, 25), percentile(Sales, 0), stddev(Sales), variance(Sales),
                       median(NULL), stddev(Sales) FILTER (WHERE Sales > 2000), median(Product), median(Quantity)
                FROM data
                """)
            let row = try #require(overall.rows.first)
            #expect(row[0] == .real(500))
            #expect(row[1] == .real(367.5))
            #expect(row[2] == .real(250))
            // Sample statistics, computed here independently.
            let sales: [Double] = [300, 1200, 360, 375, 2300, 336, 500, 480, 420, 900, 600, 504, 250, 720, 950]
            let mean = sales.reduce(0, +) / Double(sales.count)
            let variance = sales.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / Double(sales.count - 1)
            #expect(abs((row[3].doubleValue ?? 0) - variance.squareRoot()) < 1e-9)
            #expect(abs((row[4].doubleValue ?? 0) - variance) < 1e-6)
            #expect(row[5] == .null)  // no values
            #expect(row[6] == .null)  // one value: no sample deviation
            #expect(row[7] == .null)  // text that is not a number is ignored
            #expect(row[8] == .real(12))
        }
    }

    @Test func jsonForChartsAndCountsOfCTEs() throws {
        try withExecutor { executor in
            let result = try executor.run("""
                WITH Regions AS (SELECT DISTINCT Region FROM data ORDER BY Region)
                SELECT json_group_array(Region), (SELECT count(*) FROM regions), (SELECT count(*) FROM DATA)
                FROM Regions
                """)
            #expect(result.rows == [[.text(#"["East","North","South","West"]"#), .integer(4), .integer(15)]])
        }
    }

    @Test func percentileRejectsBadP() throws {
        try withExecutor { executor in
            let error = #expect(throws: LumiereError.self) { _ = try executor.run("SELECT percentile(Sales, 150) FROM data") }
            #expect(error?.code == .sqlError)
            #expect(error?.message.contains("from 0 to 100") == true)
            let window = #expect(throws: LumiereError.self) { _ = try executor.run("SELECT median(Sales) OVER () FROM data") }
            #expect(window?.code == .sqlError)
        }
    }

    @Test func quickselectFindsEveryRank() {
        var values: [Double] = (0..<1000).map { Double(($0 * 7919) % 1000) }
        values += Array(repeating: 5, count: 500)  // many duplicates
        let sorted = values.sorted()
        for k in [0, 1, 499, 500, 750, 1499] {
            var copy = values
            let picked = copy.withUnsafeMutableBufferPointer { quickselect($0, k) }
            #expect(picked == sorted[k])
        }
    }

    @Test func rowCapTruncates() throws {
        var limits = SandboxLimits()
        limits.maxRows = 5
        try withExecutor(limits: limits) { executor in
            let result = try executor.run("SELECT * FROM data ORDER BY Date")
            #expect(result.rowCount == 5)
            #expect(result.truncated)
            #expect(result.rows[0][0] == .text("2024-01-05"))
            let exact = try executor.run("SELECT * FROM data LIMIT 5")
            #expect(exact.rowCount == 5)
            #expect(exact.truncated == false)
        }
    }

    @Test func resultByteCap() throws {
        var limits = SandboxLimits()
        limits.maxResultBytes = 1000
        try withExecutor(limits: limits, extraRows: 100) { executor in
            let error = #expect(throws: LumiereError.self) { _ = try executor.run("SELECT * FROM data") }
            #expect(error?.code == .resultTooLarge)
            #expect(error?.message == "the result is larger than 1000 bytes")
        }
    }

    @Test func columnTypesReported() throws {
        try withExecutor { executor in
            let result = try executor.run("""
                SELECT Date, data.Sales, Quantity, COUNT(*) AS n, AVG(Price) AS p, NULL AS empty,
                       upper(Product) AS u, x.Sales AS nested
                FROM data JOIN (SELECT rowid AS id, Sales FROM data) AS x ON x.id = data.rowid
                GROUP BY Date ORDER BY Date LIMIT 1
                """)
            #expect(result.columns.map(\.type) == ["TEXT", "REAL", "INTEGER", "INTEGER", "REAL", "NULL", "TEXT", "REAL"])
            #expect(result.columns.map(\.name) == ["Date", "Sales", "Quantity", "n", "p", "empty", "u", "nested"])
        }
    }

    @Test func misspelledColumnGetsAHintWithTheColumns() throws {
        try withExecutor { executor in
            for sql in ["SELECT SUM(Salez) FROM data", "SELECT \"Salez\" FROM data"] {
                let error = #expect(throws: LumiereError.self) { _ = try executor.run(sql) }
                #expect(error?.code == .sqlError)
                #expect(error?.message == "no such column: Salez")
                #expect(error?.hint?.contains("Date, Product, Sales, Region") == true)
                #expect(throws: LumiereError.self) { try executor.check(sql) }
            }
            // Double quotes name columns, never strings (DQS off): a mistake is an error, not
            // a silently constant comparison.
            let dqs = #expect(throws: LumiereError.self) {
                _ = try executor.run("SELECT SUM(Sales) FROM data WHERE Region = \"North\"")
            }
            #expect(dqs?.message == "no such column: North")
            #expect(dqs?.hint?.contains("single quotes") == true)
            let table = #expect(throws: LumiereError.self) { _ = try executor.run("SELECT * FROM sales") }
            #expect(table?.message == "no such table: sales")
            #expect(table?.hint?.contains("the only table is data") == true)
            let syntax = #expect(throws: LumiereError.self) { _ = try executor.run("SELEC 1") }
            #expect(syntax?.code == .sqlError)
            let function = #expect(throws: LumiereError.self) { _ = try executor.run("SELECT printf('%d', 1)") }
            #expect(function?.code == .forbiddenSQL)
            #expect(function?.message == "function printf is not allowed")
            #expect(function?.hint?.contains("median") == true)
        }
    }

    @Test func commentsAndTrailingSemicolonsAreOneStatement() throws {
        try withExecutor { executor in
            let result = try executor.run("-- how many?\nSELECT COUNT(*) AS n FROM data; -- done\n;; /* bye */")
            #expect(result.rows == [[.integer(15)]])
            try executor.check("SELECT 1 /* unterminated comment")
        }
    }

    @Test func schemaIsReadableOnFirstPrepareDespiteTheAuthorizer() throws {
        // A fresh connection loads the schema during its first prepare; that read must not
        // go through (and be refused by) the allowlist.
        try withExecutor { executor in
            try executor.check("SELECT Sales FROM data")
            #expect(try executor.run("SELECT count(*), max(rowid) FROM data").rows == [[.integer(15), .integer(15)]])
        }
    }

    /// The replacements for instr, replace and trim(X, Y) give SQLite's answers (these were
    /// checked against the built-ins in the sqlite3 shell).
    @Test(arguments: [
        ("instr('abc', '')", SQLValue.integer(1)),
        ("instr('abc', 'c')", .integer(3)),
        ("instr('abc', 'x')", .integer(0)),
        ("instr(x'0102', x'02')", .integer(2)),
        ("instr('héllo', 'l')", .integer(3)),
        ("instr(12345, 3)", .integer(3)),
        ("instr('a', NULL) IS NULL", .integer(1)),
        ("replace('abc', '', 'z')", .text("abc")),
        ("typeof(replace(123, '', 'x'))", .text("integer")),
        ("replace(NULL, 'a', 'b') IS NULL", .integer(1)),
        ("replace('aXa', 'a', NULL) IS NULL", .integer(1)),
        ("replace('aXa', NULL, 'b') IS NULL", .integer(1)),
        ("replace('héllo wörld', 'ö', 'o')", .text("héllo world")),
        ("replace('aaaa', 'aa', 'b')", .text("bb")),
        ("replace('abcabc', 'bc', '')", .text("aa")),
        ("typeof(replace(123, '2', '9'))", .text("text")),
        ("trim('xxhixx', 'x')", .text("hi")),
        ("ltrim('xxhixx', 'x')", .text("hixx")),
        ("rtrim('xxhixx', 'x')", .text("xxhi")),
        ("trim('hi', '')", .text("hi")),
        ("trim('xyxhiyx', 'yx')", .text("hi")),
        ("trim('ééaé', 'é')", .text("a")),
        ("trim('xxxx', 'x')", .text("")),
        ("trim(NULL, 'x') IS NULL", .integer(1)),
        ("trim('x', NULL) IS NULL", .integer(1)),
        ("trim('  hi  ')", .text("hi")),
    ])
    func stringFunctionsMatchSQLite(_ expression: String, _ expected: SQLValue) throws {
        try withExecutor { executor in
            let rows = try executor.run("SELECT \(expression)").rows
            #expect(rows == [[expected]])
        }
    }

    @Test func missingFileAndSymlinkAreNotOpened() throws {
        try withSandboxDirectory { dir in
            let missing = dir.appendingPathComponent("missing.sqlite").path
            #expect(throws: LumiereError.self) { _ = try SandboxedExecutor(databasePath: missing) }
            #expect(FileManager.default.fileExists(atPath: missing) == false)

            let path = try SandboxFixture.makeSource(in: dir)
            let link = dir.appendingPathComponent("link.sqlite").path
            try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: path)
            #expect(throws: LumiereError.self) { _ = try SandboxedExecutor(databasePath: link) }
        }
    }

    @Test func pathsWithURICharactersOpen() throws {
        try withSandboxDirectory { dir in
            let odd = dir.appendingPathComponent("we?ird #1 100%", isDirectory: true)
            try FileManager.default.createDirectory(at: odd, withIntermediateDirectories: true)
            let path = try SandboxFixture.makeSource(in: odd)
            let executor = try SandboxedExecutor(databasePath: path)
            #expect(try executor.run("SELECT count(*) FROM data").rows == [[.integer(15)]])
        }
    }

    /// With a -wal file beside the source, immutable mode would miss committed rows; the
    /// executor then opens plain read-only and sees them.
    @Test func walSourceIsReadCompletely() throws {
        try withSandboxDirectory { dir in
            let path = try SandboxFixture.makeSource(in: dir)
            let writer = try SQLiteConnection(path: path, mode: .readWrite)
            try writer.execute("PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;")
            try writer.execute("INSERT INTO data(Date, Product, Sales) VALUES ('2024-05-01', 'New', 1)")
            #expect(FileManager.default.fileExists(atPath: path + "-wal"))
            let executor = try SandboxedExecutor(databasePath: path)
            #expect(try executor.run("SELECT count(*) FROM data").rows == [[.integer(16)]])
            _ = writer
        }
    }

    @Test func blankDetection() {
        #expect(SandboxedExecutor.isBlank(Array(" ;\n\t-- x\n/* y */;".utf8)[...]))
        #expect(SandboxedExecutor.isBlank(Array("/* unterminated".utf8)[...]))
        #expect(SandboxedExecutor.isBlank(Array("-- only".utf8)[...]))
        #expect(!SandboxedExecutor.isBlank(Array("; DELETE".utf8)[...]))
        #expect(!SandboxedExecutor.isBlank(Array("- 1".utf8)[...]))
        #expect(!SandboxedExecutor.isBlank(Array("/ * x".utf8)[...]))
    }

    @Test func heapLimitIsSetProcessWide() throws {
        try withExecutor { _ in
            #expect(SandboxedExecutor.currentHeapLimit == SandboxLimits().heapLimitBytes)
        }
    }
}

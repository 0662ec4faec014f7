// SandboxHostileTests: every query here tries to write, read what it must not, or exhaust
// CPU or memory. Each must be refused (.forbiddenSQL), stopped in time (.sqlTimeout within
// timeout + 2 s) or cut off (.resultTooLarge), leave the source file byte-for-byte
// unchanged and create no file, and leave the executor usable.
//
// Set LUMIERE_SANDBOX_REPORT=1 to print each case's outcome and time.

import Foundation
import LumiereCore
import Testing
@testable import LumiereStore

struct HostileCase: Sendable, CustomTestStringConvertible {
    var name: String
    /// `{dir}` stands for the test's temporary directory.
    var sql: String
    var code: LumiereError.Code
    /// A fragment the error message must contain.
    var message: String

    var testDescription: String { name }

    init(_ name: String, _ sql: String, _ code: LumiereError.Code, _ message: String) {
        self.name = name
        self.sql = sql
        self.code = code
        self.message = message
    }
}

/// A string of 2^n copies of `x`, built with allowed functions only.
private func doubled(_ n: Int) -> String {
    "(WITH RECURSIVE r(s, n) AS (SELECT 'x', 0 UNION ALL SELECT s || s, n + 1 FROM r WHERE n < \(n)) "
        + "SELECT s FROM r WHERE n = \(n))"
}

let hostileCases: [HostileCase] = [
    // Writing, attaching, configuring.
    HostileCase("attach", "ATTACH DATABASE '{dir}/x.db' AS x", .forbiddenSQL, "ATTACH"),
    HostileCase("pragma writable_schema", "PRAGMA writable_schema=1", .forbiddenSQL, "PRAGMA writable_schema"),
    HostileCase("pragma journal_mode", "PRAGMA journal_mode=DELETE", .forbiddenSQL, "PRAGMA"),
    HostileCase("create temp table", "CREATE TEMP TABLE t(x)", .forbiddenSQL, "not allowed"),
    HostileCase("vacuum into", "VACUUM INTO '{dir}/y.db'", .forbiddenSQL, "allowed"),
    HostileCase("vacuum", "VACUUM", .forbiddenSQL, "allowed"),
    HostileCase("delete", "DELETE FROM data", .forbiddenSQL, "changing table data"),
    HostileCase("drop", "DROP TABLE data", .forbiddenSQL, "not allowed"),
    HostileCase("update", "UPDATE data SET Sales=0", .forbiddenSQL, "changing table data"),
    HostileCase("insert", "INSERT INTO data DEFAULT VALUES", .forbiddenSQL, "changing table data"),
    HostileCase("insert select", "INSERT INTO data SELECT * FROM data", .forbiddenSQL, "changing table data"),
    HostileCase("replace into", "REPLACE INTO lumiere_meta VALUES ('a', 'b')", .forbiddenSQL, "not allowed"),
    HostileCase("alter", "ALTER TABLE data ADD COLUMN x", .forbiddenSQL, "not allowed"),
    HostileCase("create index", "CREATE INDEX i ON data(Sales)", .forbiddenSQL, "not allowed"),
    HostileCase("create view", "CREATE TEMP VIEW v AS SELECT 1", .forbiddenSQL, "not allowed"),
    HostileCase("create trigger", "CREATE TEMP TRIGGER t AFTER INSERT ON data BEGIN SELECT 1; END",
                .forbiddenSQL, "not allowed"),
    HostileCase("begin", "BEGIN IMMEDIATE", .forbiddenSQL, "transactions"),
    HostileCase("savepoint", "SAVEPOINT s", .forbiddenSQL, "transactions"),
    HostileCase("analyze", "ANALYZE", .forbiddenSQL, "not allowed"),
    HostileCase("reindex", "REINDEX", .forbiddenSQL, "not allowed"),
    HostileCase("detach", "DETACH DATABASE main", .forbiddenSQL, "not allowed"),
    HostileCase("two statements", "SELECT 1; DELETE FROM data", .forbiddenSQL, "only one statement"),
    HostileCase("two selects", "SELECT 1; SELECT 2", .forbiddenSQL, "only one statement"),
    HostileCase("explain", "EXPLAIN SELECT * FROM data", .forbiddenSQL, "EXPLAIN"),
    HostileCase("parameter", "SELECT * FROM data WHERE Sales > ?", .forbiddenSQL, "parameters"),
    HostileCase("empty", "  ;  -- nothing\n /* at all */ ", .forbiddenSQL, "empty"),
    HostileCase("nul byte", "SELECT 1\u{0}; DELETE FROM data", .forbiddenSQL, "NUL"),

    // Reading what is not `data`.
    HostileCase("sqlite_master", "SELECT * FROM sqlite_master", .forbiddenSQL, "sqlite_master"),
    HostileCase("sqlite_schema", "SELECT sql FROM sqlite_schema", .forbiddenSQL, "sqlite_"),
    HostileCase("main.sqlite_master", "SELECT * FROM main.sqlite_master", .forbiddenSQL, "sqlite_master"),
    HostileCase("sqlite_temp_master", "SELECT * FROM sqlite_temp_master", .forbiddenSQL, "sqlite_temp"),
    HostileCase("lumiere_meta", "SELECT * FROM lumiere_meta", .forbiddenSQL, "lumiere_meta"),
    HostileCase("lumiere_meta in subquery",
                "SELECT Product FROM data WHERE Product IN (SELECT value FROM lumiere_meta)",
                .forbiddenSQL, "lumiere_meta"),
    HostileCase("cte named data", "WITH data AS (SELECT * FROM lumiere_meta) SELECT * FROM data",
                .forbiddenSQL, "lumiere_meta"),
    HostileCase("pragma_table_info", "SELECT * FROM pragma_table_info('data')", .forbiddenSQL, "table-valued"),
    HostileCase("dbstat", "SELECT * FROM dbstat", .forbiddenSQL, "dbstat is not allowed"),
    HostileCase("json_each", "SELECT value FROM json_each('[1,2]')", .forbiddenSQL, "json_each is not allowed"),
    HostileCase("count of json_each", "SELECT count(*) FROM json_each('[1,2]')", .forbiddenSQL, "not allowed"),
    // Not compiled into Debian's SQLite; refused either way.
    HostileCase("sqlite_dbpage", "SELECT * FROM sqlite_dbpage", .sqlError, "no such table"),
    HostileCase("fts3_tokenizer", "SELECT fts3_tokenizer('simple')", .forbiddenSQL, "function fts3_tokenizer"),
    HostileCase("load_extension", "SELECT load_extension('x')", .forbiddenSQL, "function load_extension"),
    HostileCase("sqlite_version", "SELECT sqlite_version()", .forbiddenSQL, "function sqlite_version"),
    HostileCase("readfile", "SELECT readfile('/etc/passwd')", .sqlError, "no such function: readfile"),

    // CPU.
    HostileCase("printf precision", "SELECT printf('%.*c', 2000000000, 'x')", .forbiddenSQL, "function printf"),
    HostileCase("format", "SELECT format('%.*c', 2000000000, 'x')", .forbiddenSQL, "function format"),
    HostileCase("endless recursive cte",
                "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n+1 FROM r) SELECT count(*) FROM r",
                .sqlTimeout, "longer than 1 s"),
    HostileCase("five-way cross join", "SELECT count(*) FROM data a, data b, data c, data d, data e",
                .sqlTimeout, "longer than 1 s"),
    HostileCase("cross join sorted", "SELECT a.Sales * b.Sales AS x FROM data a, data b ORDER BY x DESC LIMIT 1",
                .sqlTimeout, "longer than 1 s"),
    HostileCase("like over a big string in a loop",
                "SELECT count(*) FROM data a, data b WHERE \(doubled(22)) LIKE '%\(String(repeating: "x", count: 90))y'",
                .sqlTimeout, "longer than 1 s"),

    HostileCase("long like pattern",
                "SELECT count(*) FROM data WHERE Product LIKE '%\(String(repeating: "x", count: 200))%'",
                .sqlError, "pattern too complex"),

    // Memory.
    HostileCase("randomblob", "SELECT randomblob(2000000000)", .forbiddenSQL, "function randomblob"),
    HostileCase("zeroblob", "SELECT zeroblob(2e9)", .forbiddenSQL, "function zeroblob"),
    HostileCase("hex zeroblob replace", "SELECT replace(hex(zeroblob(1e8)),'0','xx')", .forbiddenSQL, "not allowed"),
    HostileCase("string doubling",
                "WITH RECURSIVE r(s, n) AS (SELECT 'x', 0 UNION ALL SELECT s || s, n + 1 FROM r WHERE n < 40) "
                    + "SELECT max(length(s)) FROM r",
                .resultTooLarge, "grew past 10 MB"),
    HostileCase("replace growth",
                "WITH RECURSIVE r(s, n) AS (SELECT 'x', 0 UNION ALL SELECT replace(s, 'x', 'xxxx'), n + 1 FROM r WHERE n < 20) "
                    + "SELECT max(length(s)) FROM r",
                .resultTooLarge, "grew past 10 MB"),
    // group_concat stops growing at SQLITE_LIMIT_LENGTH but reports it only at the end:
    // over a 400M-row join memory stays at 10 MB and the deadline ends it.
    HostileCase("group_concat over a cross join",
                "SELECT length(group_concat(a.Product || b.Region)) FROM data a, data b",
                .sqlTimeout, "longer than 1 s"),
    HostileCase("group_concat of big strings",
                "WITH RECURSIVE r(s, n) AS (SELECT 'x', 0 UNION ALL SELECT s || s, n + 1 FROM r WHERE n < 23) "
                    + "SELECT length(group_concat(s)) FROM r",
                .resultTooLarge, "grew past 10 MB"),
    HostileCase("count of a meta table", "SELECT count(*) FROM lumiere_meta", .forbiddenSQL, "lumiere_meta"),
    HostileCase("count of sqlite_master", "SELECT count(*) FROM sqlite_master", .forbiddenSQL, "sqlite_master"),
    HostileCase("cte shadowing a meta table",
                "WITH lumiere_meta AS (SELECT 1 AS x) SELECT (SELECT count(*) FROM main.lumiere_meta), "
                    + "(SELECT x FROM lumiere_meta)",
                .forbiddenSQL, "lumiere_meta"),
    HostileCase("char with many arguments",
                "SELECT char(\(Array(repeating: "65", count: 200).joined(separator: ",")))",
                .sqlError, "too many arguments"),
    HostileCase("compound select bomb",
                Array(repeating: "SELECT 1", count: 60).joined(separator: " UNION ALL "),
                .sqlError, "too many terms in compound SELECT"),
    HostileCase("deep expression",
                "SELECT " + Array(repeating: "1", count: 300).joined(separator: " + "),
                .sqlError, "Expression tree is too large"),
    HostileCase("long sql", "SELECT '" + String(repeating: "x", count: 200_000) + "'", .forbiddenSQL, "longer than"),
]

@Suite("Sandbox: hostile queries")
struct SandboxHostileTests {
    @Test(arguments: hostileCases)
    func hostileQueryIsStopped(_ hostile: HostileCase) throws {
        try withSandboxDirectory { dir in
            let path = try SandboxFixture.makeSource(in: dir, extraRows: 20_000)
            let before = try Data(contentsOf: URL(fileURLWithPath: path))
            let filesBefore = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
            var limits = SandboxLimits()
            limits.timeoutSeconds = 1
            let executor = try SandboxedExecutor(databasePath: path, limits: limits)
            let sql = hostile.sql.replacingOccurrences(of: "{dir}", with: dir.path)

            let start = ContinuousClock.now
            let error = #expect(throws: LumiereError.self) { _ = try executor.run(sql) }
            let elapsed = ContinuousClock.now - start
            if ProcessInfo.processInfo.environment["LUMIERE_SANDBOX_REPORT"] != nil {
                print("hostile \(hostile.name): \(error.map { "\($0.code) \($0.message)" } ?? "no error") in \(elapsed)")
            }
            #expect(error?.code == hostile.code)
            #expect(error?.message.contains(hostile.message) == true, "message: \(error?.message ?? "")")
            #expect(error?.hint?.isEmpty == false)
            #expect(elapsed < .seconds(limits.timeoutSeconds + 2))

            // Refusals happen while preparing: check() reports them too.
            if hostile.code == .forbiddenSQL, !hostile.name.hasPrefix("vacuum") {
                #expect(throws: LumiereError.self) { try executor.check(sql) }
            }
            // The executor still works, and nothing changed on disk.
            #expect(try executor.run("SELECT count(*) FROM data").rows == [[.integer(20_015)]])
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted() == filesBefore)
        }
    }

    /// SQLite's own trim(X, Y) is quadratic: on two 128 KiB strings it takes 26 s in the
    /// sqlite3 shell, so on these 8 MiB ones it would take (64² × 26 s) about a day. The
    /// sandbox's replacement answers in well under a second alone; the bound is loose (60 s)
    /// so a loaded CI machine cannot fail it, yet a quadratic function can never meet it.
    /// The executor's own deadline is raised to that bound too: at the default 10 s the query
    /// was stopped (sql_timeout) on a fresh clone while a release build ran beside the tests.
    @Test func quadraticStringFunctionsAreLinear() throws {
        try withSandboxDirectory { dir in
            let path = try SandboxFixture.makeSource(in: dir)
            var limits = SandboxLimits()
            limits.timeoutSeconds = 60
            let executor = try SandboxedExecutor(databasePath: path, limits: limits)
            let big = "(WITH RECURSIVE r(s, n) AS (SELECT 'a', 0 UNION ALL SELECT s || s, n + 1 FROM r WHERE n < 23) "
                + "SELECT s FROM r WHERE n = 23)"  // 8 MiB of 'a'
            let start = ContinuousClock.now
            let result = try executor.run("""
                SELECT length(trim(s, replace(s, 'a', 'b') || 'a')),
                       instr(s, substr(s, 1, length(s) / 2) || 'b'),
                       length(replace(s, substr(s, 1, length(s) / 2) || 'b', 'x'))
                FROM \(big)
                """)
            #expect(result.rows == [[.integer(0), .integer(0), .integer(8 << 20)]])
            #expect(ContinuousClock.now - start < .seconds(60))
        }
    }
}

/// Queries that run into the process-wide heap limit. While one runs, every SQLite
/// allocation in the test process (other suites' too) can fail, so these run only when
/// LUMIERE_SANDBOX_HEAP_TESTS=1, best alone: `swift test --skip-build --filter SandboxHeap`.
@Suite("SandboxHeap: queries that exhaust the heap limit", .serialized,
       .enabled(if: ProcessInfo.processInfo.environment["LUMIERE_SANDBOX_HEAP_TESTS"] == "1"))
struct SandboxHeapTests {
    /// The heap limit: median keeps every value in sqlite3_malloc'd memory, so a median over
    /// a 400M-row cross join fails with out-of-memory, well before the (long) deadline.
    @Test func medianOverCrossJoinHitsHeapLimit() throws {
        try withSandboxDirectory { dir in
            let path = try SandboxFixture.makeSource(in: dir, extraRows: 20_000)
            let before = try Data(contentsOf: URL(fileURLWithPath: path))
            var limits = SandboxLimits()
            limits.timeoutSeconds = 60
            let executor = try SandboxedExecutor(databasePath: path, limits: limits)
            let start = ContinuousClock.now
            let error = #expect(throws: LumiereError.self) {
                _ = try executor.run("SELECT median(a.Sales + b.Sales) FROM data a, data b")
            }
            if ProcessInfo.processInfo.environment["LUMIERE_SANDBOX_REPORT"] != nil {
                print("hostile median heap bomb: \(error.map { "\($0.code) \($0.message)" } ?? "no error") in \(ContinuousClock.now - start)")
            }
            #expect(error?.code == .resultTooLarge)
            #expect(error?.message.contains("memory") == true)
            #expect(try executor.run("SELECT median(Sales) FROM data WHERE rowid <= 15").rows == [[.real(500)]])
            #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
        }
    }

    /// Nested CTEs, each using the previous one three times in scalar subqueries: SQLite
    /// copies the parse tree for every use, 3^n copies while compiling — no deadline reaches
    /// prepare. The heap limit ends it (sqlite3 shell without limits: n = 12 takes 3.8 s,
    /// n = 40 was killed by the OOM killer).
    @Test func exponentialCompileHitsHeapLimit() throws {
        try withSandboxDirectory { dir in
            let path = try SandboxFixture.makeSource(in: dir)
            let executor = try SandboxedExecutor(databasePath: path)
            var parts = ["c0 AS (SELECT 1 AS x)"]
            for i in 1...40 {
                parts.append("c\(i) AS (SELECT (SELECT x FROM c\(i - 1)) + (SELECT x FROM c\(i - 1)) + (SELECT x FROM c\(i - 1)) AS x)")
            }
            let sql = "WITH " + parts.joined(separator: ", ") + " SELECT x FROM c40"
            let start = ContinuousClock.now
            let error = #expect(throws: LumiereError.self) { try executor.check(sql) }
            if ProcessInfo.processInfo.environment["LUMIERE_SANDBOX_REPORT"] != nil {
                print("hostile compile bomb: \(error.map { "\($0.code) \($0.message)" } ?? "no error") in \(ContinuousClock.now - start)")
            }
            #expect(error?.code == .resultTooLarge)
            #expect(ContinuousClock.now - start < .seconds(10))
            #expect(try executor.run("SELECT count(*) FROM data").rows == [[.integer(15)]])
        }
    }
}

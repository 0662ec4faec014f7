// The command line with `store.backend = "postgres"`: the job queue, catalog and history live
// in a real PostgreSQL server (scripts/pg-test-server on loopback), the source databases stay
// in the spool. Without a daemon the management commands work on the server directly.

import Foundation
import LumiereTestSupport
import Testing

@Suite("Command line on the PostgreSQL backend", .serialized,
       .enabled(if: PostgresTestServer.enabled, "LUMIERE_PG_TESTS=0 turns the PostgreSQL tests off"))
struct CLIPostgresTests {
    @Test("init, sources, ask, queries, status and doctor keep their state in PostgreSQL")
    func managementOnPostgres() throws {
        let server = try PostgresTestServer.shared()
        let database = try server.createDatabase(prefix: "cli")
        let env = ["LUMIERE_STORE_BACKEND": "postgres",
                   "LUMIERE_STORE_URL": server.url(database: database),
                   "LUMIERE_STORE_PASSWORD_FILE": server.passwordFile]
        try withTemporaryDirectory { dir in
            let s = ["--spool", dir + "/spool"]
            let initialized = try runCLI(["init"] + s, environment: env)
            #expect(initialized.status == 0, "\(initialized.stderr)")
            #expect(!FileManager.default.fileExists(atPath: dir + "/spool/state/lumiere.sqlite3"),
                    "the postgres backend keeps no SQLite state database")
            let add = try runCLI(["sources", "add", TestPaths.sampleCSV, "--name", "sales"] + s, environment: env)
            #expect(add.status == 0, "\(add.stderr)")
            let asked = try runCLI(["ask", "--source", "sales", "--json", "What were the total sales by region?"] + s,
                                   environment: env)
            #expect(asked.status == 0, "\(asked.stderr)")
            let queryID = try #require(asked.json?["query_id"] as? Int)
            let queries = try runCLI(["queries", "list"] + s, environment: env)
            #expect(queries.stdout.contains("\(queryID)   succeeded  sales@1  4"), "\(queries.stdout)")

            // A second spool on the same database sees the same catalog and history: the
            // state is in the server, not in the spool directory.
            let other = ["--spool", dir + "/other"]
            #expect(try runCLI(["init"] + other, environment: env).status == 0)
            let list = try runCLI(["sources", "list"] + other, environment: env)
            #expect(list.stdout.contains("sales  1        15"), "\(list.stdout)")
            #expect(try runCLI(["queries", "show", "\(queryID)"] + other, environment: env)
                        .stdout.contains("Question:    What were the total sales by region?"))

            let status = try runCLI(["status"] + s, environment: env)
            #expect(status.status == 0, "\(status.stderr)")
            let doctor = try runCLI(["doctor"] + s, environment: env)
            #expect(doctor.stdout.contains("store: postgres state database"), "\(doctor.stdout)\(doctor.stderr)")

            // A wrong password is a clear configuration error, not a crash or a silent SQLite.
            let badPassword = dir + "/bad-password"
            try "not-the-password\n".write(toFile: badPassword, atomically: true, encoding: .utf8)
            var bad = env
            bad["LUMIERE_STORE_PASSWORD_FILE"] = badPassword
            let refused = try runCLI(["sources", "list"] + s, environment: bad)
            #expect(refused.status != 0)
            #expect(refused.stderr.lowercased().contains("postgres"), "\(refused.stderr)")
        }
    }
}

@Suite("The daemon on the PostgreSQL backend", .serialized,
       .enabled(if: PostgresTestServer.enabled, "LUMIERE_PG_TESTS=0 turns the PostgreSQL tests off"))
struct DaemonPostgresTests {
    @Test("the daemon keeps its queue in PostgreSQL; after a SIGKILL the next start finishes every input once")
    func daemonOnPostgres() throws {
        let server = try PostgresTestServer.shared()
        let database = try server.createDatabase(prefix: "daemon")
        let env = ["LUMIERE_STORE_BACKEND": "postgres",
                   "LUMIERE_STORE_URL": server.url(database: database),
                   "LUMIERE_STORE_PASSWORD_FILE": server.passwordFile,
                   "LUMIERE_STORE_LEASE_MS": "2000",
                   "LUMIERE_DAEMON_NAME": "alpha",
                   "LUMIERE_WORKERS": "2"]
        try withTemporaryDirectory { dir in
            let spool = dir + "/spool"
            var daemon = try DaemonProcess(spool: spool, environment: env)
            try daemon.waitUntilStarted()
            #expect(daemon.log.contains("store=postgres"), "\(daemon.log)")
            try dropFile(TestPaths.sampleCSV, as: "sales.csv", into: spool + "/inbox")
            let source = try waitForJSON(spool + "/outbox/sales.source.json")
            #expect(source["status"] as? String == "succeeded", "\(source)")
            // Two slow queries first (a recursive CTE counting to a few million), so the kill
            // lands while jobs hold leases; their leases lapse and the next daemon runs them.
            let slow = #"WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3000000) SELECT COUNT(*) AS n FROM r"#
            let questions = 12
            for i in 1...questions {
                let body = i <= 2
                    ? #"{"source": "sales", "sql": "\#(slow)", "chart": false, "insight": false}"#
                    : #"{"source": "sales", "question": "What were the total sales by region?", "chart": false}"#
                try drop(body, as: "q\(i).json", into: spool + "/inbox")
            }
            _ = try eventually(timeout: 30, "the slow jobs running") { () -> Bool? in
                daemon.log.components(separatedBy: "job started").count - 1 >= 3 ? true : nil
            }
            daemon.killHard()
            #expect(listDir(spool + "/archive").filter { $0.hasPrefix("q") }.count < questions,
                    "the kill came after every job had finished; the test proves nothing")
            #expect(!FileManager.default.fileExists(atPath: spool + "/state/lumiere.sqlite3"),
                    "the postgres backend keeps no SQLite state database")
            daemon = try DaemonProcess(spool: spool, environment: env)
            try daemon.waitUntilStarted()
            _ = try eventually(timeout: 60, "every question archived") { () -> Bool? in
                listDir(spool + "/archive").filter { $0.hasPrefix("q") }.count == questions ? true : nil
            }
            for i in 1...questions {
                let doc = try waitForJSON("\(spool)/outbox/q\(i).result.json", timeout: 5)
                #expect(doc["status"] as? String == "succeeded", "q\(i): \(doc)")
                #expect((doc["rows"] as? [Any])?.count == (i <= 2 ? 1 : 4), "q\(i): \(doc)")
            }
            #expect(listDir(spool + "/failed").isEmpty, "\(listDir(spool + "/failed"))")
            #expect(listDir(spool + "/archive").sorted() == (["sales.csv"] + (1...questions).map { "q\($0).json" }).sorted())
            // The daemon claims into a work folder of its own name, and leaves it empty.
            #expect(listDir(spool + "/state/work") == ["alpha"])
            #expect(listDir(spool + "/state/work/alpha").isEmpty)
            #expect(FileManager.default.fileExists(atPath: spool + "/state/daemons/alpha.lock"))
            let history = try runCLI(["queries", "list", "--spool", spool, "--limit", "100"], environment: env)
            #expect(history.stdout.components(separatedBy: "succeeded").count - 1 >= questions, "\(history.stdout)")
            #expect(try daemon.stop() == 0)
        }
    }

    @Test("daemons share a spool under their own names; a second daemon with a taken name is refused")
    func namesOnASharedSpool() throws {
        let server = try PostgresTestServer.shared()
        let database = try server.createDatabase(prefix: "names")
        let env = ["LUMIERE_STORE_BACKEND": "postgres",
                   "LUMIERE_STORE_URL": server.url(database: database),
                   "LUMIERE_STORE_PASSWORD_FILE": server.passwordFile]
        try withTemporaryDirectory { dir in
            let spool = dir + "/spool"
            let a = try DaemonProcess(spool: spool, environment: env.merging(["LUMIERE_DAEMON_NAME": "a"]) { $1 })
            try a.waitUntilStarted()
            let b = try DaemonProcess(spool: spool, environment: env.merging(["LUMIERE_DAEMON_NAME": "b"]) { $1 })
            try b.waitUntilStarted()
            let again = try runCLI(["daemon", "--spool", spool], environment: env.merging(["LUMIERE_DAEMON_NAME": "a"]) { $1 })
            #expect(again.status == 3, "\(again.stderr)")
            #expect(again.stderr.contains("another lumiere daemon named a"), "\(again.stderr)")
            let bad = try runCLI(["daemon", "--spool", spool], environment: env.merging(["LUMIERE_DAEMON_NAME": "x--y"]) { $1 })
            #expect(bad.status == 1 && bad.stderr.contains("daemon.name"), "\(bad.stderr)")
            try dropFile(TestPaths.sampleCSV, as: "sales.csv", into: spool + "/inbox")
            let source = try waitForJSON(spool + "/outbox/sales.source.json")
            #expect(source["status"] as? String == "succeeded", "\(source)")
            #expect(Set(listDir(spool + "/state/work")) == ["a", "b"])
            #expect(try a.stop() == 0)
            #expect(try b.stop() == 0)
        }
    }
}

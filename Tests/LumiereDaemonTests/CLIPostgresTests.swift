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

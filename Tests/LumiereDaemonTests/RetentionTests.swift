// Retention: old files in archive/, failed/ and outbox/ and old history are pruned by
// the daemon; nothing of a job still in flight is. Once in-process with a clock a month
// ahead (on a spool a real daemon filled), once end to end with limits of a few seconds.

import Foundation
import Logging
import LumiereCore
import LumiereService
import LumiereSpool
import LumiereStore
import Testing

@Suite("Retention", .serialized)
struct RetentionTests {
    @Test("a month later: old inputs, results and history go; in-flight work, index.jsonl and tenant folders stay")
    func pruneAMonthLater() throws {
        try withTemporaryDirectory { dir in
            let spool = dir + "/spool"
            let daemon = try DaemonProcess(spool: spool, environment: ["LUMIERE_QUEUE_SOURCE_WAIT_S": "0"])
            try daemon.waitUntilStarted()
            try dropFile(TestPaths.sampleCSV, as: "sales.csv", into: spool + "/inbox")
            _ = try waitForJSON(spool + "/outbox/sales.source.json")
            _ = try ask(#"{"source": "sales", "question": "total sales by region"}"#, as: "q1", spool: spool)
            _ = try ask(#"{"source": "sales", "sql": "SELECT nope FROM data"}"#, as: "bad", spool: spool)
            _ = try ask(#"{"source": "sales", "sql": "SELECT 1 AS one"}"#, as: "pending", spool: spool)
            #expect(try daemon.stop() == 0)

            let layout = SpoolLayout(root: spool)
            let store = try StateStore(path: layout.database)
            // A job in flight: a new pending.json claimed but not yet run, with its query.
            try "{}".write(toFile: layout.work + "/000000000001--pending.json", atomically: true, encoding: .utf8)
            let ids = try store.enqueue([NewJob(kind: .request, inputName: "pending.json", workName: "000000000001--pending.json")])
            let inFlightQuery = try store.createQuery(tenant: "", jobID: ids[0], action: "sql", question: nil, sourceName: "sales")
            let finishedQueries = try store.listQueries(tenant: "").filter { $0.id != inFlightQuery }
            #expect(finishedQueries.count == 3)

            let limits = RetentionLimits(config: LumiereConfig())
            let now = Date().timeIntervalSince1970
            // Forever (0) and "not old enough yet" both keep everything.
            let forever = Retention.prune(layout: layout, store: store, limits: RetentionLimits(archiveDays: 0, failedDays: 0, outboxDays: 0, historyDays: 0),
                                          tenantsEnabled: false, now: now + 400 * 86_400)
            #expect(forever.total == 0)
            let early = Retention.prune(layout: layout, store: store, limits: limits, tenantsEnabled: false, now: now + 29 * 86_400)
            #expect(early.total == 0)

            let report = Retention.prune(layout: layout, store: store, limits: limits, tenantsEnabled: false, now: now + 31 * 86_400)
            #expect(report.archive == 2, "sales.csv and q1.json; pending.json belongs to a job in flight")
            #expect(listDir(layout.archive) == ["pending.json"])
            #expect(listDir(layout.failed).isEmpty, "bad.json and its .error.json")
            #expect(report.failed == 2)
            #expect(listDir(layout.outbox).contains("index.jsonl"))
            #expect(listDir(layout.outbox).contains("pending.result.json"), "the in-flight job's result name is kept")
            #expect(!listDir(layout.outbox).contains("q1.result.json") && !listDir(layout.outbox).contains("q1.report.html"))
            #expect(report.queries == 3)
            #expect(try store.listQueries(tenant: "").map(\.id) == [inFlightQuery])
            #expect(report.jobs == 4)
            #expect(try store.activeJobs().map(\.id) == ids)
            #expect(FileManager.default.fileExists(atPath: layout.work + "/000000000001--pending.json"))
            #expect(listDir(layout.sources).count == 1, "sources are data, not history: never pruned")
        }
    }

    @Test("tenant folders are walked, not removed; a refused folder goes whole")
    func tenantFolders() throws {
        try withTemporaryDirectory { dir in
            let layout = SpoolLayout(root: dir + "/spool")
            try layout.create()
            let store = try StateStore(path: layout.database)
            try layout.createTenantFolders("acme")
            try "x".write(toFile: layout.archive(tenant: "acme") + "/old.csv", atomically: true, encoding: .utf8)
            try "x".write(toFile: layout.outbox(tenant: "acme") + "/old.result.json", atomically: true, encoding: .utf8)
            try "x".write(toFile: layout.outbox(tenant: "acme") + "/index.jsonl", atomically: true, encoding: .utf8)
            try FileManager.default.createDirectory(atPath: layout.failed + "/bad name/inner", withIntermediateDirectories: true)
            try "x".write(toFile: layout.failed + "/bad name/inner/f.csv", atomically: true, encoding: .utf8)
            let report = Retention.prune(layout: layout, store: store, limits: RetentionLimits(), tenantsEnabled: true,
                                         now: Date().timeIntervalSince1970 + 31 * 86_400)
            #expect(report.archive == 1 && report.outbox == 1 && report.failed == 1)
            #expect(listDir(layout.archive) == ["acme"] && listDir(layout.archive(tenant: "acme")).isEmpty)
            #expect(listDir(layout.outbox(tenant: "acme")) == ["index.jsonl"])
            #expect(listDir(layout.failed) == ["acme"])
        }
    }

    @Test("the running daemon prunes by itself, and not the query of a job still running")
    func daemonPrunes() throws {
        try withTemporaryDirectory { dir in
            let spool = dir + "/spool"
            let window = 0.00005  // days: 4.3 s
            let daemon = try DaemonProcess(spool: spool, environment: [
                "LUMIERE_RETENTION_ARCHIVE_DAYS": "\(window)", "LUMIERE_RETENTION_FAILED_DAYS": "\(window)",
                "LUMIERE_RETENTION_OUTBOX_DAYS": "\(window)", "LUMIERE_RETENTION_HISTORY_DAYS": "\(window)",
                "LUMIERE_RETENTION_INTERVAL_S": "1", "LUMIERE_METRICS_INTERVAL_S": "1",
                "LUMIERE_SQL_TIMEOUT_S": "300", "LUMIERE_DAEMON_SHUTDOWN_TIMEOUT_S": "1", "LUMIERE_WORKERS": "2",
            ])
            try daemon.waitUntilStarted()
            try dropFile(TestPaths.sampleCSV, as: "sales.csv", into: spool + "/inbox")
            _ = try waitForJSON(spool + "/outbox/sales.source.json")
            _ = try ask(#"{"source": "sales", "sql": "SELECT nope FROM data"}"#, as: "bad", spool: spool)
            // A query that runs far longer than the retention window.
            let slow = #"WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 2000000000) SELECT COUNT(*) AS n FROM r"#
            try drop(#"{"source": "sales", "sql": "\#(slow)", "chart": false, "insight": false}"#, as: "slow.json", into: spool + "/inbox")
            let started = Date()
            _ = try eventually(timeout: 30, "old files pruned") { () -> Bool? in
                listDir(spool + "/archive").isEmpty && listDir(spool + "/failed").isEmpty
                    && !listDir(spool + "/outbox").contains("bad.result.json") ? true : nil
            }
            // Wait until the slow job has run longer than the window plus a retention pass.
            let running = try eventually(timeout: 30, "slow query older than the window") { () -> [String: Any]? in
                guard Date().timeIntervalSince(started) > 7 else { return nil }
                return try runCLI(["queries", "list", "--status", "running", "--json", "--spool", spool]).json
            }
            let queries = try #require(running.dataObject["queries"] as? [[String: Any]])
            #expect(queries.count == 1, "the running job's query is still in the history: \(queries)")
            #expect(FileManager.default.fileExists(atPath: spool + "/outbox/index.jsonl"))
            let metrics = try String(contentsOfFile: spool + "/state/metrics.prom", encoding: .utf8)
            #expect(metrics.contains(#"lumiere_retention_pruned_total{what="archive"} 1"#) || metrics.contains(#"lumiere_retention_pruned_total{what="archive"} 2"#))
            #expect(daemon.log.contains("retention pruned old files and history"))
            #expect(try daemon.stop() == 0)
        }
    }
}

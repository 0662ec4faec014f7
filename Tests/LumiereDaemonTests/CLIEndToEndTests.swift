// The management commands run as the real `lumiere` binary: without a daemon (direct, under
// the spool lock), beside a running daemon (reads through WAL, writes and uploads handed
// over as inbox files), `submit --wait` printing results as they appear, and `status`.

import Foundation
import Testing

@Suite("Command line, end to end", .serialized)
struct CLIEndToEndTests {
    @Test("every prototype endpoint from the command line, with no daemon running")
    func withoutDaemon() throws {
        try withTemporaryDirectory { dir in
            let spool = dir + "/spool"
            let s = ["--spool", spool]
            #expect(try runCLI(["init"] + s).status == 0)
            // POST /data/upload
            let add = try runCLI(["sources", "add", TestPaths.sampleCSV, "--name", "sales"] + s)
            #expect(add.status == 0, "\(add.stderr)")
            #expect(add.stdout.hasPrefix("source sales version 1: 15 rows from test_sales_data.csv\n"))
            #expect(listDir(spool + "/inbox").isEmpty, "ingested here, not handed to a daemon")
            // GET /data/sources
            let list = try runCLI(["sources", "list"] + s)
            #expect(list.status == 0)
            let lines = list.stdout.split(separator: "\n").map(String.init)
            #expect(lines.first == "NAME   VERSION  ROWS  COLUMNS  UPDATED              DESCRIPTION")
            #expect(lines.count == 3 && lines[2].hasPrefix("sales  1        15    8        "))
            let listJSON = try #require(try runCLI(["sources", "list", "--json"] + s).json)
            #expect(listJSON["schema"] as? String == "lumiere.result/1")
            #expect(((listJSON.dataObject["sources"] as? [[String: Any]])?.first?["name"]) as? String == "sales")
            // GET /data/source/{id}
            let show = try runCLI(["sources", "show", "sales"] + s)
            #expect(show.stdout.contains("Rows:        15"))
            #expect(show.stdout.contains("Sales          REAL"))
            // PATCH /data/source/{id}
            #expect(try runCLI(["sources", "describe", "sales", "Q1 demo data"] + s).stdout == "described sales\n")
            #expect(try runCLI(["sources", "rename", "sales", "revenue"] + s).stdout == "renamed sales to revenue\n")
            let shown = try #require(try runCLI(["sources", "show", "revenue", "--json"] + s).json)
            #expect((shown.dataObject["source"] as? [String: Any])?["description"] as? String == "Q1 demo data")
            // GET /data/source/{id}/preview
            let preview = try runCLI(["sources", "preview", "revenue", "--limit", "2", "--offset", "1"] + s)
            #expect(preview.status == 0)
            #expect(preview.stdout.hasSuffix("(rows 2–3 of 15)\n"))
            #expect(preview.stdout.split(separator: "\n").count == 5)
            // POST /ai/query
            let asked = try runCLI(["ask", "--source", "revenue", "--json", "What were the total sales by region?"] + s)
            #expect(asked.status == 0, "\(asked.stderr)")
            let queryID = try #require(asked.json?["query_id"] as? Int)
            #expect(asked.json?["suggestions"] as? [String]
                == ["total Sales by Category", "monthly total Sales", "total Sales by Customer_Type"])
            // (a throwaway spool: this history's query count stays as the steps below expect)
            let askedText = try runCLI(["ask", "--csv", TestPaths.sampleCSV, "total sales by category"])
            #expect(askedText.stdout.hasSuffix("""
                Follow-up questions:
                  ? total Sales by Customer_Type
                  ? monthly total Sales
                  ? top 3 Region by total Sales

                """), "\(askedText.stdout)")
            // GET /ai/queries
            let queries = try runCLI(["queries", "list"] + s)
            #expect(queries.stdout.contains("\(queryID)   succeeded  revenue@1  4"))
            #expect(try runCLI(["queries", "list", "--status", "failed"] + s).stdout == "No queries in the history.\n")
            // GET /ai/query/{id}
            let detail = try runCLI(["queries", "show", "\(queryID)"] + s)
            #expect(detail.stdout.contains("Question:    What were the total sales by region?"))
            #expect(detail.stdout.contains("South   5224"))
            // POST /ai/query/{id}/rerun
            let report = dir + "/rerun.html"
            let rerun = try runCLI(["queries", "rerun", "\(queryID)", "--report", report, "--json"] + s)
            #expect(rerun.status == 0, "\(rerun.stderr)")
            let rerunID = try #require(rerun.json?["query_id"] as? Int)
            #expect(rerun.json?.dataObject["rerun_of"] as? Int == queryID)
            #expect(FileManager.default.fileExists(atPath: report))
            // POST /ai/chart, POST /ai/insight
            let chart = try runCLI(["queries", "chart", "\(queryID)", "--type", "doughnut"] + s)
            #expect(chart.status == 0)
            #expect(chart.stdout.contains("Chart: doughnut — Drawn as a doughnut chart as requested."))
            let insight = try runCLI(["queries", "insight", "\(queryID)", "--json"] + s)
            #expect(((insight.json?["insights"] as? [String: Any])?["summary"] as? String)?.contains("South") == true)
            let llm = try runCLI(["queries", "insight", "\(queryID)", "--engine", "llm"] + s)
            #expect(llm.status == 1)
            #expect(llm.stderr.contains("no LLM is configured"))
            #expect(llm.stderr.contains("[llm_unavailable]"))
            // DELETE /ai/query/{id}
            #expect(try runCLI(["queries", "delete", "\(rerunID)"] + s).stdout == "deleted query \(rerunID)\n")
            let gone = try runCLI(["queries", "show", "\(rerunID)"] + s)
            #expect(gone.status == 4)
            #expect(gone.stderr == "error: there is no query \(rerunID) [unknown_query]\nhint: list the history with {\"action\": \"list_queries\"} or `lumiere queries list`\n")
            // DELETE /data/source/{id}
            _ = try runCLI(["sources", "add", TestPaths.sampleCSV, "--name", "revenue"] + s)
            #expect(listDir(spool + "/state/sources").count == 2)
            #expect(try runCLI(["sources", "delete", "revenue", "--version", "1"] + s).stdout == "deleted revenue version 1 (1 file)\n")
            #expect(try runCLI(["sources", "delete", "revenue"] + s).stdout == "deleted revenue version 2 (1 file)\n")
            #expect(listDir(spool + "/state/sources").isEmpty)
            #expect(try runCLI(["sources", "show", "revenue"] + s).status == 4)
            // Status without a daemon.
            let status = try runCLI(["status"] + s)
            #expect(status.status == 0)
            #expect(status.stdout.hasPrefix("daemon:   not running"))
            // --wait needs a daemon and says so before copying anything.
            let q = dir + "/q.json"
            try #"{"source": "revenue", "question": "x"}"#.write(toFile: q, atomically: true, encoding: .utf8)
            let waited = try runCLI(["submit", "--wait", q] + s)
            #expect(waited.status == 69)
            #expect(waited.stderr.contains("[daemon_not_running]"))
            #expect(listDir(spool + "/inbox").isEmpty)
            let queued = try runCLI(["submit", q] + s)
            #expect(queued.status == 0)
            #expect(queued.stderr.contains("no daemon is running"))
            #expect(listDir(spool + "/inbox") == ["q.json"])
            let clash = try runCLI(["submit", q] + s)
            #expect(clash.status == 1, "a name still waiting in the inbox is never replaced")
            #expect(clash.stderr.contains("already exists"))
        }
    }

    @Test("beside a running daemon: reads work, writes and uploads are handed over, submit --wait prints results")
    func withDaemon() throws {
        try withTemporaryDirectory { dir in
            let spool = dir + "/spool"
            let s = ["--spool", spool]
            let daemon = try DaemonProcess(spool: spool, environment: ["LUMIERE_SQL_TIMEOUT_S": "300", "LUMIERE_WORKERS": "2",
                                                                       "LUMIERE_DAEMON_SHUTDOWN_TIMEOUT_S": "1"])
            try daemon.waitUntilStarted()
            let add = try runCLI(["sources", "add", TestPaths.sampleCSV, "--name", "sales"] + s)
            #expect(add.status == 0, "\(add.stderr)")
            #expect(add.stdout.hasPrefix("source sales version 1: 15 rows"))
            // The daemon ingested it from the inbox (the input moves just after the document is written).
            _ = try eventually(timeout: 10, "sales.csv archived") { listDir(spool + "/archive") == ["sales.csv"] ? true : nil }
            #expect(daemon.log.contains("file=sales.csv"))

            let a = dir + "/a.json", b = dir + "/b.json", c = dir + "/c.json"
            try #"{"source": "sales", "question": "total sales by region"}"#.write(toFile: a, atomically: true, encoding: .utf8)
            try #"{"source": "sales", "sql": "SELECT COUNT(*) AS n FROM data"}"#.write(toFile: b, atomically: true, encoding: .utf8)
            try #"{"source": "nosuch", "sql": "SELECT 1"}"#.write(toFile: c, atomically: true, encoding: .utf8)
            let ok = try runCLI(["submit", "--wait", "--timeout", "60", a, b] + s)
            #expect(ok.status == 0, "\(ok.stderr)")
            let printed = ok.stdout.split(separator: "\n").map(String.init)
            #expect(Set(printed.map { String($0.prefix(while: { $0 != ":" })) }) == ["a.json", "b.json"])
            #expect(printed.allSatisfy { $0.contains(": succeeded (query ") && $0.contains("/outbox/") })
            let failed = try runCLI(["submit", "--wait", "--json", c] + s)
            #expect(failed.status == 4)
            #expect(failed.json?["status"] as? String == "failed")
            #expect(failed.json?.errorCode == "unknown_source")
            let mixed = try runCLI(["submit", "--wait", "--json", a, c] + s)
            #expect(mixed.status == 4, "one failure: its exit code")
            #expect(mixed.stdout.split(separator: "\n").count == 2, "one JSON line per result")

            // Reads beside the daemon; a write goes in as a request file the daemon answers.
            let ids = try #require(try runCLI(["queries", "list", "--json"] + s).json?.dataObject["queries"] as? [[String: Any]])
            #expect(ids.count == 5)
            let first = try #require(ids.last?["id"] as? Int)
            let rerun = try runCLI(["queries", "rerun", "\(first)", "--json"] + s)
            #expect(rerun.status == 0, "\(rerun.stderr)")
            #expect(rerun.json?.dataObject["rerun_of"] as? Int == first)
            _ = try eventually(timeout: 10, "handed over as a request file") { () -> Bool? in
                listDir(spool + "/archive").contains { $0.hasPrefix("cli-") && $0.hasSuffix(".json") } ? true : nil
            }
            let renamed = try runCLI(["sources", "rename", "sales", "revenue"] + s)
            #expect(renamed.stdout == "renamed sales to revenue\n")
            #expect(try runCLI(["sources", "list", "--json"] + s).json?.dataObject["sources"].map { ($0 as? [[String: Any]])?.first?["name"] as? String } == "revenue")

            // A result that does not come in time: exit 75, and the job still finishes later.
            let slow = dir + "/slow.json"
            try #"{"source": "revenue", "sql": "WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 2000000000) SELECT COUNT(*) AS n FROM r", "chart": false, "insight": false}"#
                .write(toFile: slow, atomically: true, encoding: .utf8)
            let timedOut = try runCLI(["submit", "--wait", "--timeout", "1", slow] + s)
            #expect(timedOut.status == 75)
            #expect(timedOut.stderr.contains("[wait_timeout]"))

            let status = try runCLI(["status", "--json"] + s)
            #expect(status.status == 0)
            let report = try #require(status.json)
            #expect((report["daemon"] as? [String: Any])?["running"] as? Bool == true)
            #expect((report["daemon"] as? [String: Any])?["pid"] as? Int == Int(daemon.pid))
            #expect((report["queue"] as? [String: Any])?["succeeded"] as? Int != nil)
            #expect(report["failures_last_hour"] as? Int == 2)
            let latency = try #require(report["latency_ms"] as? [String: [String: Any]])
            for stage in ["job", "execution", "sql_generation", "analyze"] {
                #expect(latency[stage]?["p50"] != nil && latency[stage]?["p95"] != nil && latency[stage]?["p99"] != nil, "\(stage)")
            }
            let text = try runCLI(["status"] + s)
            #expect(text.stdout.hasPrefix("daemon:   running, pid \(daemon.pid)"))
            #expect(text.stdout.contains("failures in the last hour: 2"))
            #expect(text.stdout.contains("STAGE "))
            #expect(try daemon.stop() == 0)
        }
    }
}

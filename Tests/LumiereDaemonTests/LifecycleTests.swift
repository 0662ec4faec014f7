// Process lifecycle with the real binary: one daemon per spool, SIGTERM drain, the
// sd_notify protocol, and crash safety under repeated SIGKILL.

import Foundation
import Testing
import LumiereStore

@Suite("Daemon lifecycle", .serialized)
struct LifecycleTests {
    @Test("a second daemon on the same spool exits with a clear message")
    func secondDaemonRefused() throws {
        try withTemporaryDirectory { dir in
            let spool = dir + "/spool"
            let first = try DaemonProcess(spool: spool)
            try first.waitUntilStarted()
            let second = try DaemonProcess(spool: spool)
            let status = try second.wait(timeout: 20)
            #expect(status == 3)
            #expect(second.log.contains("another lumiere daemon (pid \(first.pid)) is already running on this spool"))
            #expect(first.process.isRunning)
            #expect(try first.stop() == 0)
        }
    }

    @Test("SIGTERM lets running jobs finish, then exits 0")
    func sigtermDrains() throws {
        try withTemporaryDirectory { dir in
            let spool = dir + "/spool"
            let daemon = try DaemonProcess(spool: spool, environment: ["LUMIERE_WORKERS": "2"])
            try daemon.waitUntilStarted()
            try dropFile(TestPaths.sampleCSV, as: "test_sales_data.csv", into: spool + "/inbox")
            _ = try waitForJSON(spool + "/outbox/test_sales_data.source.json")
            // Two slow queries (a recursive CTE counting to a few million), then SIGTERM
            // while they run: both must complete and be archived before the exit.
            let slow = #"WITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 3000000) SELECT COUNT(*) AS n FROM r"#
            for i in 1...2 {
                try drop(#"{"source": "test_sales_data", "sql": "\#(slow)", "chart": false, "insight": false}"#, as: "slow\(i).json", into: spool + "/inbox")
            }
            _ = try eventually(timeout: 20, "jobs running") { () -> Bool? in
                daemon.log.components(separatedBy: "job started").count - 1 >= 3 ? true : nil
            }
            daemon.signal(SIGTERM)
            #expect(try daemon.wait(timeout: 60) == 0)
            for i in 1...2 {
                let doc = try waitForJSON("\(spool)/outbox/slow\(i).result.json", timeout: 1)
                #expect(doc["status"] as? String == "succeeded", "\(doc)")
            }
            #expect(listDir(spool + "/archive").contains("slow1.json"))
            #expect(listDir(spool + "/state/work").isEmpty)
            #expect(daemon.log.contains("shutting down"))
            #expect(daemon.log.contains("daemon stopped"))
        }
    }

    @Test("under the free-space floor intake pauses and keeps files; SIGHUP reloads the floor and the analyst's limits")
    func diskGuardAndReload() throws {
        try withTemporaryDirectory { dir in
            let spool = dir + "/spool"
            let configPath = dir + "/lumiere.toml"
            func writeConfig(_ text: String) throws { try text.write(toFile: configPath, atomically: true, encoding: .utf8) }
            func reload(_ count: Int) throws {
                daemon.signal(SIGHUP)
                _ = try eventually(timeout: 10, "reload \(count) logged") {
                    daemon.log.components(separatedBy: "configuration reloaded").count - 1 >= count ? true : nil
                }
            }
            // A floor no test machine reaches (1 TiB free): the daemon starts paused.
            try writeConfig("[spool]\nmin_free_mb = 1048576\n[sql]\nmax_rows = 2\n")
            let daemon = try DaemonProcess(spool: spool, environment: ["LUMIERE_CONFIG": configPath])
            try daemon.waitUntilStarted()
            _ = try eventually(timeout: 10, "pause logged") { daemon.log.contains("intake paused: disk space low") ? true : nil }
            let status = try waitForJSON(spool + "/state/status.json")
            #expect((status["paused"] as? String)?.contains("disk space low") == true, "\(status)")

            try dropFile(TestPaths.sampleCSV, as: "test_sales_data.csv", into: spool + "/inbox")
            // Absence cannot be awaited: give intake several rescans (500 ms each) to not act.
            Thread.sleep(forTimeInterval: 2)
            #expect(listDir(spool + "/inbox") == ["test_sales_data.csv"])
            #expect(listDir(spool + "/outbox").isEmpty)

            // Lower the floor and reload: the waiting upload goes through.
            try writeConfig("[spool]\nmin_free_mb = 0\n[sql]\nmax_rows = 2\n")
            try reload(1)
            let doc = try waitForJSON(spool + "/outbox/test_sales_data.source.json")
            #expect(doc["status"] as? String == "succeeded")
            #expect(daemon.log.contains("intake resumed: disk space is back"))
            // The result is written before the input moves: wait for the move.
            _ = try eventually(timeout: 10, "upload archived") {
                listDir(spool + "/archive") == ["test_sales_data.csv"] ? true : nil
            }

            // The analyst's settings reload too: the row cap cuts 4 regions to 2, then to 3.
            let sql = #"{"source": "test_sales_data", "sql": "SELECT Region, SUM(Sales) AS total FROM data GROUP BY Region ORDER BY total DESC", "chart": false, "insight": false}"#
            try drop(sql, as: "cap2.json", into: spool + "/inbox")
            let cap2 = try waitForJSON(spool + "/outbox/cap2.result.json")
            #expect((cap2["rows"] as? [[Any]])?.count == 2 && cap2["truncated"] as? Bool == true, "\(cap2)")
            try writeConfig("[spool]\nmin_free_mb = 0\n[sql]\nmax_rows = 3\n")
            try reload(2)
            try drop(sql, as: "cap3.json", into: spool + "/inbox")
            let cap3 = try waitForJSON(spool + "/outbox/cap3.result.json")
            #expect((cap3["rows"] as? [[Any]])?.count == 3 && cap3["truncated"] as? Bool == true, "\(cap3)")

            // A broken config on reload is refused and the daemon keeps running on the old one.
            try writeConfig("[spool]\nmin_free_mb = \"lots\"\n")
            daemon.signal(SIGHUP)
            _ = try eventually(timeout: 10, "failed reload logged") {
                daemon.log.contains("configuration reload failed; keeping the old one") ? true : nil
            }
            try drop(sql, as: "still3.json", into: spool + "/inbox")
            #expect((try waitForJSON(spool + "/outbox/still3.result.json")["rows"] as? [[Any]])?.count == 3)
            #expect(daemon.process.isRunning)
            #expect(try daemon.stop() == 0)
        }
    }

    @Test("READY, STATUS, WATCHDOG and STOPPING arrive on NOTIFY_SOCKET")
    func notifyProtocol() throws {
        try withTemporaryDirectory { dir in
            let socket = try NotifySocket(directory: dir)
            let spool = dir + "/spool"
            let daemon = try DaemonProcess(spool: spool, environment: [
                "NOTIFY_SOCKET": socket.path, "WATCHDOG_USEC": "600000",
            ])
            let startup = socket.receive(until: { msgs in
                msgs.contains { $0.contains("READY=1") } && msgs.contains { $0.contains("WATCHDOG=1") }
            }, timeout: 20)
            let ready = try #require(startup.first { $0.contains("READY=1") }, "got \(startup)")
            #expect(ready.contains("STATUS="))
            #expect(ready.contains("MAINPID=\(daemon.pid)"))
            #expect(startup.contains { $0 == "WATCHDOG=1" })
            // STATUS changes when work arrives.
            try dropFile(TestPaths.sampleCSV, as: "test_sales_data.csv", into: spool + "/inbox")
            let working = socket.receive(until: { $0.contains { $0.hasPrefix("STATUS=") && $0.contains("1 done") } }, timeout: 20)
            #expect(working.contains { $0.hasPrefix("STATUS=") && $0.contains("workers busy") })
            daemon.signal(SIGTERM)
            let stopping = socket.receive(until: { $0.contains { $0.contains("STOPPING=1") } }, timeout: 20)
            #expect(stopping.contains { $0.contains("STOPPING=1") })
            #expect(try daemon.wait() == 0)
        }
    }

    @Test("after SIGKILL at random moments every input gets exactly one result")
    func crashSafety() throws {
        try withTemporaryDirectory { dir in
            let spool = dir + "/spool"
            let inbox = spool + "/inbox"
            try FileManager.default.createDirectory(atPath: inbox, withIntermediateDirectories: true)
            let csv = try String(contentsOfFile: TestPaths.sampleCSV, encoding: .utf8)
            var expected: [String: String] = [:]  // input name → result name
            // A few hundred mixed files: uploads, questions, SQL, bad JSON, unsupported.
            for i in 0..<300 {
                switch i % 6 {
                case 0:
                    try drop(csv, as: "src\(i).csv", into: inbox)
                    expected["src\(i).csv"] = "src\(i).source.json"
                case 1, 2:
                    try drop(#"{"source": "src\#(i - i % 6)", "sql": "SELECT Region, SUM(Sales) AS t FROM data GROUP BY Region"}"#, as: "q\(i).json", into: inbox)
                    expected["q\(i).json"] = "q\(i).result.json"
                case 3:
                    try drop(#"{"source": "src\#(i - 3)", "question": "total sales by region"}"#, as: "a\(i).json", into: inbox)
                    expected["a\(i).json"] = "a\(i).result.json"
                case 4:
                    try drop("{broken", as: "b\(i).json", into: inbox)
                    expected["b\(i).json"] = "b\(i).result.json"
                default:
                    try drop("x", as: "u\(i).dat", into: inbox)
                    expected["u\(i).dat"] = "u\(i).dat.result.json"
                }
            }
            var rng = SystemRandomNumberGenerator()
            var kills = 0
            for _ in 0..<6 {
                let daemon = try DaemonProcess(spool: spool, environment: ["LUMIERE_SPOOL_SETTLE_MS": "0", "LUMIERE_WORKERS": "2", "LUMIERE_QUEUE_MAX_ATTEMPTS": "50"])
                Thread.sleep(forTimeInterval: Double.random(in: 0.3...1.5, using: &rng))
                daemon.killHard()
                kills += 1
            }
            let daemon = try DaemonProcess(spool: spool, environment: ["LUMIERE_SPOOL_SETTLE_MS": "0", "LUMIERE_QUEUE_MAX_ATTEMPTS": "50"])
            try daemon.waitUntilStarted()
            _ = try eventually(timeout: 120, "all results") { () -> Bool? in
                let done = Set(listDir(spool + "/outbox"))
                return expected.values.allSatisfy(done.contains) && listDir(spool + "/state/work").isEmpty
                    && listDir(inbox).isEmpty ? true : nil
            }
            #expect(try daemon.stop() == 0)
            #expect(kills == 6)
            let outbox = listDir(spool + "/outbox").filter { $0.hasSuffix(".json") }
            #expect(Set(outbox) == Set(expected.values), "unexpected or missing results")
            let archived = listDir(spool + "/archive")
            let failed = listDir(spool + "/failed").filter { !$0.hasSuffix(".error.json") }
            // Every input is in exactly one place, under its own name (no job ran twice into a renamed copy).
            #expect(Set(archived).intersection(failed).isEmpty)
            #expect(Set(archived).union(failed) == Set(expected.keys))
            #expect(archived.count + failed.count == expected.count)
            for name in failed { #expect(FileManager.default.fileExists(atPath: "\(spool)/failed/\(name).error.json")) }
            // The right ones succeeded.
            let history = try StateStore(path: spool + "/state/lumiere.db")
            for (input, result) in expected where input.hasPrefix("q") || input.hasPrefix("src") {
                let doc = try waitForJSON("\(spool)/outbox/\(result)", timeout: 1)
                #expect(doc["status"] as? String == "succeeded", "\(input): \(doc["error"] ?? "")")
                // The result's query is in the history, finished.
                if let id = doc["query_id"] as? Int {
                    #expect(try history.query(tenant: "", id: Int64(id))?.status == "succeeded", "\(input)")
                }
            }
            // Rows reserved by killed attempts were cleared at start-up: none stays running.
            #expect(try history.listQueries(tenant: "", status: "running", limit: 1000).isEmpty)
        }
    }
}

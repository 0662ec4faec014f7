// Standing questions end to end (issue 14 item 1), with the real daemon on a temp spool:
// subscribe, upload versions, read each rerun's result document and its diff; pause,
// resume and delete; tenant isolation; and SIGKILL at exact moments (LUMIERE_FAILPOINT)
// with exactly one result and one index line per (subscription, version) afterwards.

import Foundation
import Testing
import LumiereCore
import LumiereStore
import LumiereTestSupport

@Suite("Standing questions, end to end", .serialized)
struct StandingQuestionTests {
    static let sql = "SELECT Region, SUM(Sales) AS total FROM data GROUP BY Region ORDER BY Region"
    static let v1 = "Region,Sales\nNorth,100\nSouth,50\nEast,10\n"
    static let v2 = "Region,Sales\nNorth,150\nSouth,50\nWest,5\n"

    /// The one standing result of `subscription` on `version` (its name ends in the source id).
    func standingResult(_ outbox: String, subscription: Int, version: Int, timeout: Double = 30) throws -> [String: Any] {
        let prefix = "watch-\(subscription)-v\(version)-"
        let name = try eventually(timeout: timeout, "the result of subscription \(subscription) on version \(version)") { () -> String? in
            let names = listDir(outbox).filter { $0.hasPrefix(prefix) && $0.hasSuffix(".result.json") }
            #expect(names.count <= 1, "one result per (subscription, version): \(names)")
            return names.first
        }
        return try waitForJSON("\(outbox)/\(name)")
    }

    func standingResults(_ outbox: String) -> [String] {
        listDir(outbox).filter { $0.hasPrefix("watch-") && $0.hasSuffix(".result.json") }.sorted()
    }

    func indexLines(_ outbox: String) throws -> [[String: Any]] {
        let text = (try? String(contentsOfFile: outbox + "/index.jsonl", encoding: .utf8)) ?? ""
        return try text.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    /// Upload `csv` as sales.csv and wait for its version's source document.
    func upload(_ csv: String, version: Int, spool: String, tenant: String? = nil) throws {
        let sub = tenant.map { "/\($0)" } ?? ""
        try drop(csv, as: "sales.csv", into: "\(spool)/inbox\(sub)")
        _ = try eventually(timeout: 30, "version \(version) recorded") { () -> Bool? in
            guard let data = FileManager.default.contents(atPath: "\(spool)/outbox\(sub)/sales.source.json"),
                  let doc = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  (doc["source"] as? [String: Any])?["version"] as? Int == version else { return nil }
            return true
        }
    }

    func standing(_ doc: [String: Any]) throws -> [String: Any] {
        try #require(doc["standing"] as? [String: Any], "no standing block: \(doc)")
    }

    @Test("subscribe, upload v1 and v2: two results, the first without a diff, the second with the right one")
    func twoVersionsTwoResults() throws {
        try withTemporaryDirectory { dir in
            let spool = dir + "/spool"
            let daemon = try DaemonProcess(spool: spool, environment: ["LUMIERE_METRICS_INTERVAL_S": "1"])
            try daemon.waitUntilStarted()
            let added = try ask(#"{"action": "watch_add", "source": "sales", "sql": "\#(Self.sql)"}"#, as: "w", spool: spool)
            #expect(added.status == "succeeded", "\(added)")
            let subscription = try #require(added.dataObject["subscription"] as? [String: Any])
            #expect(subscription["id"] as? Int == 1 && subscription["status"] as? String == "active")
            #expect(subscription["source"] as? String == "sales" && subscription["sql"] as? String == Self.sql)

            try upload(Self.v1, version: 1, spool: spool)
            let first = try standingResult(spool + "/outbox", subscription: 1, version: 1)
            #expect(first.status == "succeeded", "\(first)")
            #expect((first["request"] as? [String: Any])?["action"] as? String == "standing")
            #expect(first["rows"] as? [[Any]] != nil && (first["rows"] as? [[Any]])?.count == 3)
            let s1 = try standing(first)
            #expect(s1["subscription_id"] as? Int == 1 && s1["source_version"] as? Int == 1)
            #expect(s1["diff"] is NSNull, "the first run has diff: null")
            #expect((s1["diff_reason"] as? String)?.hasPrefix("first run") == true)

            try upload(Self.v2, version: 2, spool: spool)
            let second = try standingResult(spool + "/outbox", subscription: 1, version: 2)
            #expect(second.status == "succeeded", "\(second)")
            let s2 = try standing(second)
            #expect(s2["source_version"] as? Int == 2 && s2["previous_version"] as? Int == 1)
            let diff = try #require(s2["diff"] as? [String: Any], "\(s2)")
            #expect(diff["key_columns"] as? [String] == ["Region"])
            #expect(diff["measure_columns"] as? [String] == ["total"])
            let added2 = try #require(diff["added"] as? [[Any]])
            #expect(added2.count == 1 && added2[0][0] as? String == "West" && num(added2[0][1]) == 5)
            let removed = try #require(diff["removed"] as? [[Any]])
            #expect(removed.count == 1 && removed[0][0] as? String == "East" && num(removed[0][1]) == 10)
            #expect(diff["unchanged"] as? Int == 1, "South stayed at 50")
            let changed = try #require(diff["changed"] as? [[String: Any]])
            #expect(changed.count == 1)
            #expect(changed.first?["key"] as? [String] == ["North"])
            let measure = try #require((changed.first?["measures"] as? [[String: Any]])?.first)
            #expect(measure["column"] as? String == "total")
            #expect(num(measure["old"]) == 100 && num(measure["new"]) == 150)
            #expect(num(measure["absolute"]) == 50 && num(measure["relative"]) == 0.5)
            let report = try #require(listDir(spool + "/outbox").first { $0.hasPrefix("watch-1-v2-") && $0.hasSuffix(".report.html") })
            let html = try String(contentsOfFile: spool + "/outbox/" + report, encoding: .utf8)
            #expect(html.contains("<h2>What changed since version 1</h2>"))
            #expect(html.contains("<li class=\"changed\">North: total 100 → 150 (+50, +50.0%)</li>"))

            // Every rerun has its line in index.jsonl, like every job.
            let lines = try eventually(timeout: 10, "two standing index lines") { () -> [[String: Any]]? in
                let standing = try indexLines(spool + "/outbox").filter { $0["kind"] as? String == "standing" }
                return standing.count == 2 ? standing : nil
            }
            #expect(lines.allSatisfy { $0["action"] as? String == "standing" && $0["state"] as? String == "succeeded" })
            #expect(lines.allSatisfy { $0["input_final"] == nil }, "a rerun has no input to move")
            #expect(Set(lines.compactMap { ($0["documents"] as? [String])?.first { $0.hasSuffix(".result.json") } })
                    == Set(standingResults(spool + "/outbox")))
            #expect(listDir(spool + "/failed").isEmpty)

            // The reruns are counted in the metrics file under their own kind.
            _ = try eventually(timeout: 20, "two standing jobs in state/metrics.prom") { () -> Bool? in
                let text = (try? String(contentsOfFile: spool + "/state/metrics.prom", encoding: .utf8)) ?? ""
                return text.contains(#"lumiere_jobs_finished_total{kind="standing",state="succeeded"} 2"#) ? true : nil
            }

            let list = try ask(#"{"action": "watch_list"}"#, as: "wl", spool: spool)
            let listed = try #require(list.dataObject["subscriptions"] as? [[String: Any]])
            #expect(listed.count == 1 && listed[0]["runs"] as? Int == 2 && listed[0]["last_version"] as? Int == 2)
            #expect(try daemon.stop() == 0)
        }
    }

    @Test("pause stops reruns, resume starts them again (diffing against the last run), delete ends them")
    func pauseResumeDelete() throws {
        try withTemporaryDirectory { dir in
            let spool = dir + "/spool"
            let daemon = try DaemonProcess(spool: spool)
            try daemon.waitUntilStarted()
            _ = try ask(#"{"action": "watch_add", "source": "sales", "sql": "\#(Self.sql)"}"#, as: "w", spool: spool)
            try upload(Self.v1, version: 1, spool: spool)
            _ = try standingResult(spool + "/outbox", subscription: 1, version: 1)

            let paused = try ask(#"{"action": "watch_pause", "subscription_id": 1}"#, as: "p", spool: spool)
            #expect((paused.dataObject["subscription"] as? [String: Any])?["status"] as? String == "paused", "\(paused)")
            try upload(Self.v2, version: 2, spool: spool)
            // The version's runs are queued in the transaction that recorded it: none, now it is there.
            let store = try StateStore(path: spool + "/state/lumiere.db")
            #expect(try store.subscription(tenant: "", id: 1)?.runs == 1, "no run on version 2 while paused")
            #expect(try store.jobs(inStates: JobState.allCases).filter { $0.kind == .standing }.count == 1)

            let resumed = try ask(#"{"action": "watch_resume", "subscription_id": 1}"#, as: "r", spool: spool)
            #expect((resumed.dataObject["subscription"] as? [String: Any])?["status"] as? String == "active")
            try upload(Self.v1, version: 3, spool: spool)
            let third = try standingResult(spool + "/outbox", subscription: 1, version: 3)
            let s3 = try standing(third)
            #expect(s3["previous_version"] as? Int == 1, "version 2 was skipped while paused")
            #expect((s3["diff"] as? [String: Any])?["unchanged"] as? Int == 3, "version 3 is version 1 again")

            let deleted = try ask(#"{"action": "watch_delete", "subscription_id": 1}"#, as: "d", spool: spool)
            #expect((deleted.dataObject["deleted"] as? [String: Any])?["subscription_id"] as? Int == 1, "\(deleted)")
            try upload(Self.v2, version: 4, spool: spool)
            #expect(try store.jobs(inStates: JobState.allCases).filter { $0.kind == .standing }.count == 2)
            let again = try ask(#"{"action": "watch_delete", "subscription_id": 1}"#, as: "d2", spool: spool)
            #expect(again.errorCode == "unknown_subscription")
            let list = try ask(#"{"action": "watch_list"}"#, as: "wl", spool: spool)
            #expect((list.dataObject["subscriptions"] as? [Any])?.isEmpty == true)
            let bad = try ask(#"{"action": "watch_add", "source": "sales"}"#, as: "bad", spool: spool)
            #expect(bad.errorCode == "malformed_request")
            #expect(standingResults(spool + "/outbox").count == 2)
            #expect(try daemon.stop() == 0)
        }
    }

    @Test("tenants: another tenant's subscription is unknown, its uploads trigger nothing of ours")
    func tenantIsolation() throws {
        try withTemporaryDirectory { dir in
            let spool = dir + "/spool"
            let daemon = try DaemonProcess(spool: spool, environment: ["LUMIERE_TENANTS_ENABLED": "1"])
            try daemon.waitUntilStarted()
            let added = try ask(#"{"action": "watch_add", "source": "sales", "sql": "\#(Self.sql)"}"#, as: "w", spool: spool,
                                tenant: "acme")
            let id = try #require((added.dataObject["subscription"] as? [String: Any])?["id"] as? Int)
            for action in ["watch_pause", "watch_resume", "watch_delete"] {
                let theirs = try ask(#"{"action": "\#(action)", "subscription_id": \#(id)}"#, as: "\(action)-t", spool: spool,
                                     tenant: "beta")
                let missing = try ask(#"{"action": "\#(action)", "subscription_id": 4242}"#, as: "\(action)-m", spool: spool,
                                      tenant: "beta")
                #expect(theirs.errorCode == "unknown_subscription" && missing.errorCode == "unknown_subscription")
                #expect(theirs.errorMessage?.replacingOccurrences(of: "\(id)", with: "4242") == missing.errorMessage)
            }
            let list = try ask(#"{"action": "watch_list"}"#, as: "wl", spool: spool, tenant: "beta")
            #expect((list.dataObject["subscriptions"] as? [Any])?.isEmpty == true)

            try upload(Self.v1, version: 1, spool: spool, tenant: "beta")
            let store = try StateStore(path: spool + "/state/lumiere.db")
            #expect(try store.jobs(inStates: JobState.allCases).filter { $0.kind == .standing }.isEmpty,
                    "beta's sales is not acme's")
            try upload(Self.v1, version: 1, spool: spool, tenant: "acme")
            let result = try standingResult(spool + "/outbox/acme", subscription: id, version: 1)
            #expect(result.status == "succeeded")
            #expect(standingResults(spool + "/outbox/beta").isEmpty)
            #expect(try store.subscription(tenant: "acme", id: Int64(id))?.status == .active, "beta's pause did nothing")
            #expect(try daemon.stop() == 0)
        }
    }

    @Test("versions recorded together rerun in order: with three workers each diffs against the version just before it")
    func versionsInOrder() throws {
        try withTemporaryDirectory { dir in
            let spool = dir + "/spool"
            let s = ["--spool", spool]
            #expect(try runCLI(["init"] + s).status == 0)
            #expect(try runCLI(["watch", "add", "sales", "--sql", Self.sql] + s).status == 0)
            // No daemon: each add ingests here and queues its rerun; the daemon then finds
            // three reruns runnable at once.
            for (i, csv) in [Self.v1, Self.v2, Self.v1].enumerated() {
                let file = "\(dir)/v\(i + 1).csv"
                try csv.write(toFile: file, atomically: true, encoding: .utf8)
                let add = try runCLI(["sources", "add", file, "--name", "sales"] + s)
                #expect(add.status == 0, "\(add.stderr)")
            }
            let daemon = try DaemonProcess(spool: spool, environment: ["LUMIERE_WORKERS": "3"])
            try daemon.waitUntilStarted()
            let results = try (1...3).map { try standing(try standingResult(spool + "/outbox", subscription: 1, version: $0)) }
            #expect(results[0]["diff"] is NSNull)
            #expect(results[1]["previous_version"] as? Int == 1 && results[2]["previous_version"] as? Int == 2)
            let third = try #require(results[2]["diff"] as? [String: Any])
            #expect((third["added"] as? [[Any]])?.first?.first as? String == "East", "version 3 is version 1 again, against 2")
            #expect((third["removed"] as? [[Any]])?.first?.first as? String == "West")
            #expect(try daemon.stop() == 0)
        }
    }

    @Test("killed after a version is recorded: every recorded version gets exactly one rerun, one result, one index line")
    func killedAfterVersionRecorded() throws {
        try withTemporaryDirectory { dir in
            let spool = dir + "/spool"
            var daemon = try DaemonProcess(spool: spool)
            try daemon.waitUntilStarted()
            _ = try ask(#"{"action": "watch_add", "source": "sales", "sql": "\#(Self.sql)"}"#, as: "w", spool: spool)
            #expect(try daemon.stop() == 0)

            try drop(Self.v1, as: "sales.csv", into: spool + "/inbox")
            let dying = try DaemonProcess(spool: spool, environment: ["LUMIERE_FAILPOINT": "after-outbox-write"])
            #expect(try dying.wait(timeout: 60) == 128 + SIGKILL, "the daemon should have killed itself at the failpoint")
            let store = try StateStore(path: spool + "/state/lumiere.db")
            #expect(try store.versions(tenant: "", name: "sales").count == 1, "killed with version 1 recorded")
            #expect(try store.subscription(tenant: "", id: 1)?.runs == 1, "and its rerun queued with it")

            daemon = try DaemonProcess(spool: spool)
            try daemon.waitUntilStarted()
            // The upload runs again (its outcome was never recorded) and records version 2.
            let versions = try eventually(timeout: 30, "the upload re-run") { () -> [SourceRecord]? in
                let v = try store.versions(tenant: "", name: "sales")
                return v.count == 2 ? v : nil
            }
            let first = try standingResult(spool + "/outbox", subscription: 1, version: 1)
            let second = try standingResult(spool + "/outbox", subscription: 1, version: 2)
            #expect(try standing(first)["diff"] is NSNull)
            #expect((try standing(second)["diff"] as? [String: Any])?["unchanged"] as? Int == 3)
            let lines = try eventually(timeout: 10, "both standing lines") { () -> [[String: Any]]? in
                let standing = try indexLines(spool + "/outbox").filter { $0["kind"] as? String == "standing" }
                return standing.count >= 2 ? standing : nil
            }
            #expect(lines.count == 2 && Set(lines.compactMap { $0["job_id"] as? Int }).count == 2)
            #expect(standingResults(spool + "/outbox").count == versions.count)
            #expect(try store.subscription(tenant: "", id: 1)?.runs == 2)
            #expect(try daemon.stop() == 0)
        }
    }

    @Test("killed inside a rerun, after its result is written: the re-run replaces it, one result and one line")
    func killedInsideRerun() throws {
        try withTemporaryDirectory { dir in
            let spool = dir + "/spool"
            var daemon = try DaemonProcess(spool: spool)
            try daemon.waitUntilStarted()
            try upload(Self.v1, version: 1, spool: spool)
            #expect(try daemon.stop() == 0)
            // No daemon: the command writes the subscription itself, and queues its baseline run.
            let add = try runCLI(["watch", "add", "sales", "--sql", Self.sql, "--spool", spool])
            #expect(add.status == 0, "\(add.stderr)")
            #expect(add.stdout == "added subscription 1 on sales (active): \(Self.sql)\n")

            let dying = try DaemonProcess(spool: spool, environment: ["LUMIERE_FAILPOINT": "after-outbox-write"])
            #expect(try dying.wait(timeout: 60) == 128 + SIGKILL)
            #expect(standingResults(spool + "/outbox").count == 1, "the killed attempt wrote its result")

            daemon = try DaemonProcess(spool: spool)
            try daemon.waitUntilStarted()
            let lines = try eventually(timeout: 30, "the re-run's index line") { () -> [[String: Any]]? in
                let standing = try indexLines(spool + "/outbox").filter { $0["kind"] as? String == "standing" }
                return standing.isEmpty ? nil : standing
            }
            #expect(lines.count == 1 && lines[0]["attempts"] as? Int == 2)
            let result = try standingResult(spool + "/outbox", subscription: 1, version: 1)
            #expect(try standing(result)["diff"] is NSNull, "the re-run does not diff against its own killed attempt")
            #expect(standingResults(spool + "/outbox").count == 1)

            let list = try runCLI(["watch", "list", "--spool", spool])
            #expect(list.status == 0, "\(list.stderr)")
            let rows = list.stdout.split(separator: "\n")
            #expect(rows.first == "ID  STATUS  SOURCE  RUNS  LAST VERSION  CREATED              QUESTION", "\(list.stdout)")
            #expect(rows.count == 3 && rows[2].hasPrefix("1   active  sales   1     1             "), "\(list.stdout)")
            #expect(rows.last?.contains("SELECT Region, SUM(Sales)") == true, "the statement, cut to the column width")
            #expect(try runCLI(["watch", "pause", "1", "--spool", spool]).stdout.hasPrefix("paused subscription 1 on sales (paused)"))
            #expect(try runCLI(["watch", "resume", "1", "--spool", spool]).stdout.hasPrefix("resumed subscription 1 on sales (active)"))
            #expect(try runCLI(["watch", "delete", "1", "--spool", spool]).stdout == "deleted subscription 1\n")
            let missing = try runCLI(["watch", "delete", "1", "--spool", spool])
            #expect(missing.status == 4 && missing.stderr.contains("error: there is no subscription 1"), "\(missing)")
            #expect(try daemon.stop() == 0)
        }
    }
}

@Suite("Standing questions on the PostgreSQL backend", .serialized,
       .enabled(if: PostgresTestServer.enabled, "LUMIERE_PG_TESTS=0 turns the PostgreSQL tests off"))
struct StandingQuestionPostgresTests {
    @Test("subscribe, upload v1 and v2 with the queue in PostgreSQL: two results, the second with its diff")
    func twoVersionsOnPostgres() throws {
        let server = try PostgresTestServer.shared()
        let database = try server.createDatabase(prefix: "standing")
        let env = ["LUMIERE_STORE_BACKEND": "postgres",
                   "LUMIERE_STORE_URL": server.url(database: database),
                   "LUMIERE_STORE_PASSWORD_FILE": server.passwordFile,
                   "LUMIERE_DAEMON_NAME": "alpha"]
        let t = StandingQuestionTests()
        try withTemporaryDirectory { dir in
            let spool = dir + "/spool"
            let daemon = try DaemonProcess(spool: spool, environment: env)
            try daemon.waitUntilStarted()
            let added = try ask(#"{"action": "watch_add", "source": "sales", "sql": "\#(StandingQuestionTests.sql)"}"#,
                                as: "w", spool: spool)
            #expect(added.status == "succeeded", "\(added)")
            try t.upload(StandingQuestionTests.v1, version: 1, spool: spool)
            let first = try t.standingResult(spool + "/outbox", subscription: 1, version: 1)
            #expect(try t.standing(first)["diff"] is NSNull)
            try t.upload(StandingQuestionTests.v2, version: 2, spool: spool)
            let second = try t.standingResult(spool + "/outbox", subscription: 1, version: 2)
            let diff = try #require(try t.standing(second)["diff"] as? [String: Any], "\(second)")
            #expect((diff["added"] as? [[Any]])?.count == 1 && (diff["removed"] as? [[Any]])?.count == 1)
            #expect((diff["changed"] as? [[String: Any]])?.count == 1 && diff["unchanged"] as? Int == 1)
            let list = try ask(#"{"action": "watch_list"}"#, as: "wl", spool: spool)
            #expect((list.dataObject["subscriptions"] as? [[String: Any]])?.first?["runs"] as? Int == 2)
            #expect(try daemon.stop() == 0)
        }
    }
}

// Tenants end to end: each first-level inbox folder is a tenant; one tenant can never read,
// list, rerun, choose, chart or delete another's sources or queries — through any action,
// from request files or the command line — and gets exactly the answer a missing name
// gets. Also: owner-only outbox folders, uid bindings, refused folder names, top-level
// files, and tenant folders created while the daemon runs (watched by inotify alone).

import Foundation
import Testing

@Suite("Tenant isolation, end to end", .serialized)
struct TenantIsolationTests {
    static let tenantsOn = ["LUMIERE_TENANTS_ENABLED": "1"]

    @Test("every action in tenant beta answers for acme's source and query exactly as for missing ones")
    func isolationThroughEveryAction() throws {
        try withTemporaryDirectory { dir in
            let spool = dir + "/spool"
            let daemon = try DaemonProcess(spool: spool, environment: Self.tenantsOn)
            try daemon.waitUntilStarted()
            try FileManager.default.createDirectory(atPath: spool + "/inbox/acme", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: spool + "/inbox/beta", withIntermediateDirectories: true)
            try dropFile(TestPaths.sampleCSV, as: "sales.csv", into: spool + "/inbox/acme")
            let upload = try waitForJSON(spool + "/outbox/acme/sales.source.json")
            #expect(upload.status == "succeeded")
            let q = try ask(#"{"source": "sales", "question": "total sales by region"}"#, as: "q", spool: spool, tenant: "acme")
            let acmeQuery = try #require(q["query_id"] as? Int)
            let sourceFiles = listDir(spool + "/state/sources")
            #expect(sourceFiles.count == 1)

            // Folder permissions: each tenant's outbox, archive and failed folders are owner-only.
            for folder in ["outbox", "archive", "failed"] {
                var st = stat()
                #expect(lstat("\(spool)/\(folder)/acme", &st) == 0)
                #expect(st.st_mode & 0o777 == 0o700, "\(folder)/acme has mode \(String(st.st_mode & 0o777, radix: 8))")
            }

            // Beta asks about acme's things (left) and about things that exist nowhere (right).
            let missingID = 4242
            let pairs: [(String, String, String)] = [
                ("ask", #"{"source": "sales", "question": "total sales by region"}"#, #"{"source": "nosuch", "question": "total sales by region"}"#),
                ("sql", #"{"source": "sales", "sql": "SELECT 1"}"#, #"{"source": "nosuch", "sql": "SELECT 1"}"#),
                ("show_source", #"{"action": "show_source", "source": "sales"}"#, #"{"action": "show_source", "source": "nosuch"}"#),
                ("preview_source", #"{"action": "preview_source", "source": "sales"}"#, #"{"action": "preview_source", "source": "nosuch"}"#),
                ("update_source", #"{"action": "update_source", "source": "sales", "description": "mine now"}"#,
                 #"{"action": "update_source", "source": "nosuch", "description": "mine now"}"#),
                ("rename", #"{"action": "update_source", "source": "sales", "name": "stolen"}"#,
                 #"{"action": "update_source", "source": "nosuch", "name": "stolen"}"#),
                ("delete_source", #"{"action": "delete_source", "source": "sales"}"#, #"{"action": "delete_source", "source": "nosuch"}"#),
                ("show_query", #"{"action": "show_query", "query_id": \#(acmeQuery)}"#, #"{"action": "show_query", "query_id": \#(missingID)}"#),
                ("rerun", #"{"action": "rerun", "query_id": \#(acmeQuery)}"#, #"{"action": "rerun", "query_id": \#(missingID)}"#),
                ("chart", #"{"action": "chart", "query_id": \#(acmeQuery), "chart_type": "pie"}"#,
                 #"{"action": "chart", "query_id": \#(missingID), "chart_type": "pie"}"#),
                ("insight", #"{"action": "insight", "query_id": \#(acmeQuery)}"#, #"{"action": "insight", "query_id": \#(missingID)}"#),
                ("choose", #"{"action": "choose", "query_id": \#(acmeQuery), "choice": 1}"#,
                 #"{"action": "choose", "query_id": \#(missingID), "choice": 1}"#),
                ("delete_query", #"{"action": "delete_query", "query_id": \#(acmeQuery)}"#, #"{"action": "delete_query", "query_id": \#(missingID)}"#),
            ]
            for (label, theirs, missing) in pairs {
                let a = try ask(theirs, as: "\(label)-theirs", spool: spool, tenant: "beta")
                let b = try ask(missing, as: "\(label)-missing", spool: spool, tenant: "beta")
                let expected = label.contains("query") || ["rerun", "chart", "insight", "choose"].contains(label)
                    ? "unknown_query" : "unknown_source"
                #expect(a.errorCode == expected, "\(label): \(a)")
                #expect(b.errorCode == expected, "\(label): \(b)")
                // Same message and hint once the name or id is swapped: nothing tells "exists elsewhere".
                let normalize = { (s: String?) in
                    (s ?? "").replacingOccurrences(of: "nosuch", with: "sales").replacingOccurrences(of: "\(missingID)", with: "\(acmeQuery)")
                }
                let errA = a["error"] as? [String: Any], errB = b["error"] as? [String: Any]
                #expect(normalize(errA?["message"] as? String) == normalize(errB?["message"] as? String), "\(label)")
                #expect(normalize(errA?["hint"] as? String) == normalize(errB?["hint"] as? String), "\(label)")
                #expect(a["data"] == nil && a["rows"] == nil && a["source"] == nil, "\(label) leaked: \(a)")
            }
            let lists = try ask(#"{"action": "list_sources"}"#, as: "ls", spool: spool, tenant: "beta")
            #expect((lists.dataObject["sources"] as? [Any])?.isEmpty == true)
            let history = try ask(#"{"action": "list_queries"}"#, as: "lq", spool: spool, tenant: "beta")
            let betaQueries = try #require(history.dataObject["queries"] as? [[String: Any]])
            #expect(!betaQueries.contains { $0["id"] as? Int == acmeQuery }, "beta's history lists only beta's questions")
            #expect(!betaQueries.contains { $0["source_name"] as? String == "sales" && $0["status"] as? String == "succeeded" })

            // Acme's source, its file and its query are untouched.
            let acmeList = try ask(#"{"action": "list_sources"}"#, as: "ls", spool: spool, tenant: "acme")
            let acmeSources = try #require(acmeList.dataObject["sources"] as? [[String: Any]])
            #expect(acmeSources.map { $0["name"] as? String } == ["sales"])
            #expect(acmeSources.first?["description"] as? String == "")
            #expect(listDir(spool + "/state/sources") == sourceFiles)
            let acmeShow = try ask(#"{"action": "show_query", "query_id": \#(acmeQuery)}"#, as: "sq", spool: spool, tenant: "acme")
            let stored = try #require((acmeShow.dataObject["query"] as? [String: Any])?["document"] as? [String: Any])
            #expect((stored["chart"] as? [String: Any])?["type"] as? String == "bar", "beta's chart request changed nothing")

            // Beta's own "sales" is its own data; acme still sees acme's.
            let small = "Region,Sales\nNorth,1\nSouth,2\n"
            try drop(small, as: "sales.csv", into: spool + "/inbox/beta")
            _ = try waitForJSON(spool + "/outbox/beta/sales.source.json")
            let betaSum = try ask(#"{"source": "sales", "sql": "SELECT SUM(Sales) AS s FROM data"}"#, as: "sum", spool: spool, tenant: "beta")
            #expect(num((betaSum["rows"] as? [[Any]])?.first?.first) == 3)
            let acmeSum = try ask(#"{"source": "sales", "sql": "SELECT SUM(Sales) AS s FROM data"}"#, as: "sum", spool: spool, tenant: "acme")
            #expect(num((acmeSum["rows"] as? [[Any]])?.first?.first) == 10195)
            // Each tenant's index names only its own jobs.
            let betaIndex = try String(contentsOfFile: spool + "/outbox/beta/index.jsonl", encoding: .utf8)
            #expect(!betaIndex.contains("\"tenant\":\"acme\"") && betaIndex.contains("\"tenant\":\"beta\""))
            #expect(!FileManager.default.fileExists(atPath: spool + "/outbox/q.result.json"))
            #expect(try daemon.stop() == 0)

            // The command line, with the daemon stopped (reads straight from the database).
            let env = Self.tenantsOn
            let cliList = try runCLI(["sources", "list", "--spool", spool, "--tenant", "beta", "--json"], environment: env)
            #expect(cliList.status == 0)
            let cliSources = ((cliList.json?["data"] as? [String: Any])?["sources"] as? [[String: Any]]) ?? []
            #expect(cliSources.count == 1 && num(cliSources.first?["row_count"]) == 2, "beta sees its own sales only")
            let cliShow = try runCLI(["queries", "show", "\(acmeQuery)", "--spool", spool, "--tenant", "beta"], environment: env)
            #expect(cliShow.status == 4)
            #expect(cliShow.stderr.contains("there is no query \(acmeQuery) [unknown_query]"))
            let cliRerun = try runCLI(["queries", "rerun", "\(acmeQuery)", "--spool", spool, "--tenant", "beta"], environment: env)
            #expect(cliRerun.status == 4)
            let cliDelete = try runCLI(["queries", "delete", "\(acmeQuery)", "--spool", spool, "--tenant", "beta"], environment: env)
            #expect(cliDelete.status == 4)
            let cliPreview = try runCLI(["sources", "preview", "sales", "--spool", spool, "--tenant", "gamma"], environment: env)
            #expect(cliPreview.status == 4)
            let noTenant = try runCLI(["sources", "list", "--spool", spool], environment: env)
            #expect(noTenant.status == 64)
            #expect(noTenant.stderr.contains("[tenant_required]"))
            let traversal = try runCLI(["sources", "list", "--spool", spool, "--tenant", "../acme"], environment: env)
            #expect(traversal.status == 64)
            #expect(traversal.stderr.contains("[invalid_tenant]"))
            let acmeStill = try runCLI(["queries", "show", "\(acmeQuery)", "--spool", spool, "--tenant", "acme", "--json"], environment: env)
            #expect(acmeStill.status == 0)
        }
    }

    @Test("uid bindings, refused folder names, top-level files, and tenant folders created at run time")
    func pickUpRules() throws {
        try withTemporaryDirectory { dir in
            let spool = dir + "/spool"
            let me = getuid()
            // A rescan period longer than the test: only inotify can find the new folders' files.
            let daemon = try DaemonProcess(spool: spool, environment: Self.tenantsOn.merging([
                "LUMIERE_TENANTS_ALLOWED_UIDS": "acme:\(me); locked:\(me + 1)",
                "LUMIERE_SPOOL_RESCAN_MS": "600000",
            ]) { $1 })
            try daemon.waitUntilStarted()
            let inbox = spool + "/inbox"
            // Created after the daemon started.
            try FileManager.default.createDirectory(atPath: inbox + "/acme", withIntermediateDirectories: false)
            try FileManager.default.createDirectory(atPath: inbox + "/locked", withIntermediateDirectories: false)
            try FileManager.default.createDirectory(atPath: inbox + "/late", withIntermediateDirectories: false)
            try dropFile(TestPaths.sampleCSV, as: "sales.csv", into: inbox + "/acme")
            let ok = try waitForJSON(spool + "/outbox/acme/sales.source.json", timeout: 20)
            #expect(ok.status == "succeeded")
            try drop(#"{"action": "list_sources"}"#, as: "ls.json", into: inbox + "/late")
            let late = try waitForJSON(spool + "/outbox/late/ls.result.json", timeout: 20)
            #expect(late.status == "succeeded")

            // Owned by us, but only uid me+1 may use "locked".
            try drop(#"{"action": "list_sources"}"#, as: "ls.json", into: inbox + "/locked")
            let forbidden = try waitForJSON(spool + "/outbox/locked/ls.result.json", timeout: 20)
            #expect(forbidden.errorCode == "tenant_forbidden")
            #expect(forbidden.errorMessage?.contains("uid \(me)") == true)
            // Written just after the result document: wait for it.
            _ = try eventually(timeout: 10, "error record") { FileManager.default.fileExists(atPath: spool + "/failed/locked/ls.json.error.json") ? true : nil }

            // A file at the top and a folder whose name is not a tenant name.
            try drop(#"{"action": "list_sources"}"#, as: "top.json", into: inbox)
            let top = try waitForJSON(spool + "/outbox/top.result.json", timeout: 20)
            #expect(top.errorCode == "tenant_required")
            try FileManager.default.createDirectory(atPath: inbox + "/bad name", withIntermediateDirectories: false)
            let bad = try waitForJSON(spool + "/outbox/bad name.result.json", timeout: 20)
            #expect(bad.errorCode == "invalid_tenant")
            // Written just after the result document: wait for it.
            _ = try eventually(timeout: 10, "error record") { FileManager.default.fileExists(atPath: spool + "/failed/bad name.error.json") ? true : nil }
            // A symlink posing as a tenant folder is refused like any symlink, never followed.
            try FileManager.default.createSymbolicLink(atPath: inbox + "/evil", withDestinationPath: inbox + "/acme")
            let evil = try waitForJSON(spool + "/outbox/evil.result.json", timeout: 20)
            #expect(evil.errorCode == "unsafe_file")

            // A tenant folder deleted and created again is watched again.
            _ = try eventually(timeout: 10, "late emptied") { listDir(inbox + "/late").isEmpty ? true : nil }
            try FileManager.default.removeItem(atPath: inbox + "/late")
            Thread.sleep(forTimeInterval: 0.3)
            try FileManager.default.createDirectory(atPath: inbox + "/late", withIntermediateDirectories: false)
            try drop(#"{"action": "list_queries"}"#, as: "lq.json", into: inbox + "/late")
            let again = try waitForJSON(spool + "/outbox/late/lq.result.json", timeout: 20)
            #expect(again.status == "succeeded")
            #expect(try daemon.stop() == 0)
        }
    }
}

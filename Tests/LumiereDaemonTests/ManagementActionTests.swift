// The prototype's endpoints as request files, end to end with the real daemon: every
// management action writes its result document to the outbox and does what it says
// (checked against the catalog, the history and the files, not only the status).

import Foundation
import Testing

@Suite("Request-file actions, end to end", .serialized)
struct ManagementActionTests {
    static let sumByRegion = "SELECT Region, SUM(Sales) AS total FROM data GROUP BY Region ORDER BY total DESC"

    /// A daemon on a fresh spool with the sample CSV uploaded as `test_sales_data`.
    func withSalesSpool(environment: [String: String] = [:], _ body: (String, DaemonProcess) throws -> Void) throws {
        try withTemporaryDirectory { dir in
            let spool = dir + "/spool"
            let daemon = try DaemonProcess(spool: spool, environment: environment)
            try daemon.waitUntilStarted()
            try dropFile(TestPaths.sampleCSV, as: "test_sales_data.csv", into: spool + "/inbox")
            let upload = try waitForJSON(spool + "/outbox/test_sales_data.source.json")
            #expect(upload.status == "succeeded")
            try body(spool, daemon)
            #expect(try daemon.stop() == 0)
        }
    }

    @Test("upload, list_sources, show_source, preview_source")
    func sourceReads() throws {
        try withSalesSpool { spool, _ in
            let list = try ask(#"{"action": "list_sources"}"#, as: "ls", spool: spool)
            #expect(list.status == "succeeded")
            let sources = try #require(list.dataObject["sources"] as? [[String: Any]])
            #expect(sources.map { $0["name"] as? String } == ["test_sales_data"])
            #expect(sources.first?["row_count"] as? Int == 15)
            #expect(sources.first?["versions"] as? [Int] == [1])

            let show = try ask(#"{"action": "show_source", "source": "test_sales_data"}"#, as: "show", spool: spool)
            let source = try #require(show.dataObject["source"] as? [String: Any])
            let columns = try #require(source["columns"] as? [[String: Any]])
            #expect(columns.map { $0["name"] as? String } == ["Date", "Product", "Sales", "Region", "Category", "Price", "Quantity", "Customer_Type"])
            #expect(columns.first { $0["name"] as? String == "Sales" }?["type"] as? String == "REAL")
            #expect(source["sha256"] as? String != nil)

            // Rows 3 to 5 of the file, in file order.
            let preview = try ask(#"{"action": "preview_source", "source": "test_sales_data", "limit": 3, "offset": 2}"#,
                                  as: "preview", spool: spool)
            let rows = try #require(preview["rows"] as? [[Any]])
            let csv = try String(contentsOfFile: TestPaths.sampleCSV, encoding: .utf8).split(separator: "\n").map(String.init)
            #expect(rows.count == 3)
            for (i, row) in rows.enumerated() {
                #expect(row.first as? String == csv[3 + i].split(separator: ",").first.map(String.init))
            }
            #expect((preview.dataObject["preview"] as? [String: Any])?["total_rows"] as? Int == 15)
            let tooMany = try ask(#"{"action": "preview_source", "source": "test_sales_data", "limit": 5000}"#, as: "big", spool: spool)
            #expect(tooMany.errorCode == "malformed_request")
            let missing = try ask(#"{"action": "show_source", "source": "nope"}"#, as: "nope", spool: spool)
            #expect(missing.errorCode == "unknown_source")
            // Written just after the result document: wait for it.
            _ = try eventually(timeout: 10, "error record") { FileManager.default.fileExists(atPath: spool + "/failed/nope.json.error.json") ? true : nil }
        }
    }

    @Test("update_source renames (history follows) and describes; delete_source removes its files")
    func sourceWrites() throws {
        try withSalesSpool { spool, _ in
            let q = try ask(#"{"source": "test_sales_data", "sql": "\#(Self.sumByRegion)"}"#, as: "q", spool: spool)
            #expect(q.status == "succeeded")
            let update = try ask(#"{"action": "update_source", "source": "test_sales_data", "name": "sales", "description": "Q1 demo"}"#,
                                 as: "update", spool: spool)
            #expect(update.status == "succeeded", "\(update)")
            let listed = try ask(#"{"action": "list_sources"}"#, as: "ls", spool: spool)
            let sources = try #require(listed.dataObject["sources"] as? [[String: Any]])
            #expect(sources.map { $0["name"] as? String } == ["sales"])
            #expect(sources.first?["description"] as? String == "Q1 demo")
            let history = try ask(#"{"action": "list_queries", "source": "sales"}"#, as: "lq", spool: spool)
            #expect((history.dataObject["queries"] as? [[String: Any]])?.count == 1, "the history follows the rename")
            let badName = try ask(#"{"action": "update_source", "source": "sales", "name": "../x"}"#, as: "bad", spool: spool)
            #expect(badName.errorCode == "malformed_request")
            let nothing = try ask(#"{"action": "update_source", "source": "sales"}"#, as: "nothing", spool: spool)
            #expect(nothing.errorCode == "malformed_request")

            // A second version, then delete version 1 only, then the rest.
            try dropFile(TestPaths.sampleCSV, as: "sales.csv", into: spool + "/inbox")
            let v2 = try waitForJSON(spool + "/outbox/sales.source.json")
            #expect((v2["source"] as? [String: Any])?["version"] as? Int == 2)
            let filesBefore = listDir(spool + "/state/sources")
            #expect(filesBefore.count == 2)
            let del1 = try ask(#"{"action": "delete_source", "source": "sales", "version": 1}"#, as: "del1", spool: spool)
            let deleted = try #require(del1.dataObject["deleted"] as? [String: Any])
            #expect(deleted["versions"] as? [Int] == [1])
            #expect(listDir(spool + "/state/sources").count == 1)
            let delAll = try ask(#"{"action": "delete_source", "source": "sales"}"#, as: "del2", spool: spool)
            #expect(delAll.status == "succeeded")
            #expect(listDir(spool + "/state/sources").isEmpty, "database files removed")
            let gone = try ask(#"{"source": "sales", "sql": "SELECT 1"}"#, as: "gone", spool: spool)
            #expect(gone.errorCode == "unknown_source")
            let again = try ask(#"{"action": "delete_source", "source": "sales"}"#, as: "again", spool: spool)
            #expect(again.errorCode == "unknown_source")
        }
    }

    @Test("ask, list_queries, show_query keep the whole history entry; delete_query removes it")
    func history() throws {
        try withSalesSpool(environment: ["LUMIERE_RESULTS_HISTORY_ROWS": "2"]) { spool, _ in
            let q1 = try ask(#"{"id": "c1", "source": "test_sales_data", "question": "What were the total sales by region?"}"#,
                             as: "q1", spool: spool)
            #expect(q1.status == "succeeded")
            let id = try #require(q1["query_id"] as? Int)
            let bad = try ask(#"{"source": "test_sales_data", "sql": "SELECT nope FROM data"}"#, as: "bad", spool: spool)
            #expect(bad.errorCode == "sql_error")

            let all = try ask(#"{"action": "list_queries"}"#, as: "lq", spool: spool)
            let queries = try #require(all.dataObject["queries"] as? [[String: Any]])
            #expect(queries.count == 2)
            #expect(queries.first?["error_code"] as? String == "sql_error", "newest first")
            let failed = try ask(#"{"action": "list_queries", "status": "failed"}"#, as: "lqf", spool: spool)
            #expect((failed.dataObject["queries"] as? [[String: Any]])?.count == 1)
            let limited = try ask(#"{"action": "list_queries", "limit": 1}"#, as: "lql", spool: spool)
            #expect((limited.dataObject["queries"] as? [[String: Any]])?.count == 1)
            let badStatus = try ask(#"{"action": "list_queries", "status": "done"}"#, as: "lqb", spool: spool)
            #expect(badStatus.errorCode == "malformed_request")

            let shown = try ask(#"{"action": "show_query", "query_id": \#(id)}"#, as: "sq", spool: spool)
            let query = try #require(shown.dataObject["query"] as? [String: Any])
            // Everything the issue lists, from the stored entry.
            let request = try #require(query["request"] as? [String: Any])
            #expect(request["question"] as? String == "What were the total sales by region?")
            #expect(request["id"] as? String == "c1")
            #expect(query["engine"] as? String == "builtin")
            #expect((query["sql"] as? String)?.contains("SUM") == true)
            #expect(query["interpretation"] as? String != nil)
            #expect(num(query["confidence"]) != nil)
            #expect(query["status"] as? String == "succeeded")
            #expect(query["row_count"] as? Int == 4)
            #expect(query["source_id"] as? Int != nil && query["source_version"] as? Int == 1)
            #expect(query["created_at"] as? String != nil && query["finished_at"] as? String != nil)
            let stored = try #require(query["document"] as? [String: Any])
            #expect((stored["rows"] as? [[Any]])?.count == 2, "rows bounded by results.history_rows")
            #expect(stored["row_count"] as? Int == 4)
            #expect((stored["engines"] as? [String: Any])?["chart"] as? String == "builtin")
            #expect(stored["chart"] != nil && stored["insights"] != nil)
            #expect((stored["timings_ms"] as? [String: Any])?["execution"] != nil)

            let del = try ask(#"{"action": "delete_query", "query_id": \#(id)}"#, as: "dq", spool: spool)
            #expect(del.status == "succeeded")
            let after = try ask(#"{"action": "show_query", "query_id": \#(id)}"#, as: "sq2", spool: spool)
            #expect(after.errorCode == "unknown_query")
            let again = try ask(#"{"action": "delete_query", "query_id": \#(id)}"#, as: "dq2", spool: spool)
            #expect(again.errorCode == "unknown_query")
        }
    }

    @Test("rerun runs the stored SQL on the newest version and links the new query")
    func rerun() throws {
        try withSalesSpool { spool, _ in
            let q = try ask(#"{"source": "test_sales_data", "question": "total sales by region"}"#, as: "q", spool: spool)
            let id = try #require(q["query_id"] as? Int)
            #expect(num((q["rows"] as? [[Any]])?.first?.last) == 5224)
            // Version 2: every South sale doubled.
            let csv = try String(contentsOfFile: TestPaths.sampleCSV, encoding: .utf8)
            let lines = csv.split(separator: "\n").map(String.init)
            let header = lines[0].split(separator: ",").map(String.init)
            let sales = header.firstIndex(of: "Sales")!, region = header.firstIndex(of: "Region")!
            let doubled = [lines[0]] + lines.dropFirst().map { line -> String in
                var cells = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                if cells[region] == "South" { cells[sales] = String(Double(cells[sales])! * 2) }
                return cells.joined(separator: ",")
            }
            try drop(doubled.joined(separator: "\n") + "\n", as: "test_sales_data.csv", into: spool + "/inbox")
            _ = try eventually(timeout: 30, "version 2") { () -> Bool? in
                let doc = try? waitForJSON(spool + "/outbox/test_sales_data.source.json", timeout: 1)
                return (doc?["source"] as? [String: Any])?["version"] as? Int == 2 ? true : nil
            }
            let rerun = try ask(#"{"action": "rerun", "query_id": \#(id)}"#, as: "rerun", spool: spool)
            #expect(rerun.status == "succeeded", "\(rerun)")
            let newID = try #require(rerun["query_id"] as? Int)
            #expect(newID != id)
            #expect(rerun.dataObject["rerun_of"] as? Int == id)
            #expect((rerun["source"] as? [String: Any])?["version"] as? Int == 2)
            #expect(rerun["sql"] as? String == q["sql"] as? String)
            #expect(num((rerun["rows"] as? [[Any]])?.first?.last) == 10448)
            #expect(FileManager.default.fileExists(atPath: spool + "/outbox/rerun.report.html"))
            let shown = try ask(#"{"action": "show_query", "query_id": \#(newID)}"#, as: "sq", spool: spool)
            #expect((shown.dataObject["query"] as? [String: Any])?["rerun_of"] as? Int == id)
            // The original is unchanged.
            let original = try ask(#"{"action": "show_query", "query_id": \#(id)}"#, as: "so", spool: spool)
            #expect((original.dataObject["query"] as? [String: Any])?["source_version"] as? Int == 1)

            let unknown = try ask(#"{"action": "rerun", "query_id": 999}"#, as: "r999", spool: spool)
            #expect(unknown.errorCode == "unknown_query")
            let refused = try ask(#"{"source": "test_sales_data", "question": "flurb the wibble"}"#, as: "refused", spool: spool)
            let refusedID = try #require(refused["query_id"] as? Int)
            let noSQL = try ask(#"{"action": "rerun", "query_id": \#(refusedID)}"#, as: "rnosql", spool: spool)
            #expect(noSQL.errorCode == "not_rerunnable")
        }
    }

    @Test("chart and insight regenerate a stored query's chart (another type) and insights; llm fails cleanly")
    func chartAndInsight() throws {
        try withSalesSpool { spool, _ in
            let q = try ask(#"{"source": "test_sales_data", "question": "total sales by region"}"#, as: "q", spool: spool)
            let id = try #require(q["query_id"] as? Int)
            #expect((q["chart"] as? [String: Any])?["type"] as? String == "bar")

            let pie = try ask(#"{"action": "chart", "query_id": \#(id), "chart_type": "pie"}"#, as: "pie", spool: spool)
            #expect(pie.status == "succeeded", "\(pie)")
            let chart = try #require(pie["chart"] as? [String: Any])
            #expect(chart["type"] as? String == "pie")
            #expect(((chart["config"] as? [String: Any])?["type"]) as? String == "pie")
            #expect(pie["query_id"] as? Int == id)
            #expect(pie.dataObject["regenerated"] as? String == "chart")
            #expect(FileManager.default.fileExists(atPath: spool + "/outbox/pie.report.html"))
            let stored = try ask(#"{"action": "show_query", "query_id": \#(id)}"#, as: "sq", spool: spool)
            let doc = try #require((stored.dataObject["query"] as? [String: Any])?["document"] as? [String: Any])
            #expect((doc["chart"] as? [String: Any])?["type"] as? String == "pie", "the stored query has the new chart")

            let insight = try ask(#"{"action": "insight", "query_id": \#(id)}"#, as: "ins", spool: spool)
            #expect(insight.status == "succeeded")
            let summary = try #require((insight["insights"] as? [String: Any])?["summary"] as? String)
            #expect(summary.contains("South"))
            #expect((insight["engines"] as? [String: Any])?["insights"] as? String == "builtin")

            // engine llm with no LLM configured: a clear, permanent refusal (not retried,
            // not silently answered by the builtin).
            for (action, name) in [("chart", "llmchart"), ("insight", "llminsight")] {
                let llm = try ask(#"{"action": "\#(action)", "query_id": \#(id), "engine": "llm"}"#, as: name, spool: spool)
                #expect(llm.errorCode == "llm_unavailable")
                #expect(llm.errorMessage?.contains("no LLM is configured") == true)
                let record = try waitForJSON("\(spool)/failed/\(name).json.error.json")
                #expect((record["error"] as? [String: Any])?["code"] as? String == "llm_unavailable")
            }
            let noEngine = try ask(#"{"action": "chart", "query_id": \#(id), "engine": "auto"}"#, as: "autochart", spool: spool)
            #expect(noEngine.status == "succeeded")
            #expect((noEngine["engines"] as? [String: Any])?["chart"] as? String == "builtin")
            let badType = try ask(#"{"action": "chart", "query_id": \#(id), "chart_type": "radar"}"#, as: "radar", spool: spool)
            #expect(badType.errorCode == "malformed_request")
            let failedQuery = try ask(#"{"source": "test_sales_data", "sql": "SELECT nope FROM data"}"#, as: "f", spool: spool)
            let failedID = try #require(failedQuery["query_id"] as? Int)
            let noResult = try ask(#"{"action": "chart", "query_id": \#(failedID)}"#, as: "nores", spool: spool)
            #expect(noResult.errorCode == "not_rerunnable")
            let unknown = try ask(#"{"action": "insight", "query_id": 4242}"#, as: "unk", spool: spool)
            #expect(unknown.errorCode == "unknown_query")
        }
    }
}

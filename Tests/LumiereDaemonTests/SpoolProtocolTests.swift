// End-to-end tests of the spool protocol with the real `lumiere` binary on a temp spool.

import Foundation
import Testing

@Suite("Spool protocol, end to end", .serialized)
struct SpoolProtocolTests {
    @Test("upload + SQL request: South 5224 first")
    func uploadThenSQL() throws {
        try withTemporaryDirectory { dir in
            let spool = dir + "/spool"
            let daemon = try DaemonProcess(spool: spool)
            try daemon.waitUntilStarted()
            try dropFile(TestPaths.sampleCSV, as: "test_sales_data.csv", into: spool + "/inbox")
            try drop(#"{"id": "c1", "source": "test_sales_data", "sql": "SELECT Region, SUM(Sales) AS total FROM data GROUP BY Region ORDER BY total DESC"}"#,
                     as: "q1.json", into: spool + "/inbox")
            let result = try waitForJSON(spool + "/outbox/q1.result.json")
            #expect(result["schema"] as? String == "lumiere.result/1")
            #expect(result["status"] as? String == "succeeded")
            let rows = try #require(result["rows"] as? [[Any]])
            #expect(rows.count == 4)
            #expect(rows.first?.first as? String == "South")
            #expect((rows.first?.last as? NSNumber)?.doubleValue == 5224)
            #expect((result["request"] as? [String: Any])?["id"] as? String == "c1")
            let source = try #require(result["source"] as? [String: Any])
            #expect(source["name"] as? String == "test_sales_data")
            #expect(source["row_count"] as? Int == 15)
            #expect(result["suggestions"] == nil, "SQL as given has no follow-ups: \(result)")
            let upload = try waitForJSON(spool + "/outbox/test_sales_data.source.json")
            #expect(upload["status"] as? String == "succeeded")
            _ = try eventually(timeout: 10, "inputs archived") { () -> Bool? in
                listDir(spool + "/archive") == ["q1.json", "test_sales_data.csv"] ? true : nil
            }
            #expect(listDir(spool + "/inbox").isEmpty)
            #expect(listDir(spool + "/state/work").isEmpty)
            #expect(try daemon.stop() == 0)
        }
    }

    @Test("the sample questions answer as the prototype did")
    func sampleQuestions() throws {
        try withTemporaryDirectory { dir in
            let spool = dir + "/spool"
            let daemon = try DaemonProcess(spool: spool)
            try daemon.waitUntilStarted()
            // Dropped together: the questions wait for the upload instead of failing.
            try drop(#"{"source": "test_sales_data", "question": "What were the total sales by region?"}"#, as: "q1.json", into: spool + "/inbox")
            try dropFile(TestPaths.sampleCSV, as: "test_sales_data.csv", into: spool + "/inbox")
            let result = try waitForJSON(spool + "/outbox/q1.result.json")
            #expect(result["status"] as? String == "succeeded", "\(result)")
            let rows = try #require(result["rows"] as? [[Any]])
            #expect(rows.map { $0.first as? String } == ["South", "West", "East", "North"])
            #expect(rows.map { ($0.last as? NSNumber)?.doubleValue } == [5224, 1805, 1680, 1486])
            #expect(FileManager.default.fileExists(atPath: spool + "/outbox/q1.report.html"))
            #expect((result["chart"] as? [String: Any])?["type"] as? String != nil)
            #expect((result["insights"] as? [String: Any])?["summary"] as? String != nil)
            // Follow-ups the builtin engine answers on this source, in the outbox document.
            #expect(result["suggestions"] as? [String]
                == ["total Sales by Category", "monthly total Sales", "total Sales by Customer_Type"], "\(result)")
            try drop(#"{"source": "test_sales_data", "question": "who won the world cup"}"#, as: "q2.json", into: spool + "/inbox")
            let refused = try waitForJSON(spool + "/outbox/q2.result.json")
            #expect(refused["status"] as? String == "failed")
            #expect(refused["suggestions"] == nil, "a failed answer has no follow-ups: \(refused)")
            #expect(try daemon.stop() == 0)
        }
    }

    @Test("dotfiles and temp names are ignored until renamed")
    func ignoredNames() throws {
        try withTemporaryDirectory { dir in
            let spool = dir + "/spool"
            let daemon = try DaemonProcess(spool: spool)
            try daemon.waitUntilStarted()
            let inbox = spool + "/inbox"
            let ignored = [".test_sales_data.csv.Xa12bc", "upload.csv.tmp", "upload.csv.part", "upload.csv.partial", "upload.csv~"]
            for name in ignored { try "a,b\n1,2\n".write(toFile: "\(inbox)/\(name)", atomically: false, encoding: .utf8) }
            // A later file proves the daemon scanned after them.
            try drop(#"{"source": "nothing", "question": "x"}"#, as: "probe.json", into: inbox)
            _ = try waitForJSON(spool + "/outbox/probe.result.json")
            Thread.sleep(forTimeInterval: 0.5)
            #expect(Set(((try? FileManager.default.contentsOfDirectory(atPath: inbox)) ?? []).filter { $0 != ".gitkeep" }) == Set(ignored))
            // rsync's final rename makes the file visible.
            try FileManager.default.moveItem(atPath: "\(inbox)/.test_sales_data.csv.Xa12bc", toPath: "\(inbox)/renamed.csv")
            let doc = try waitForJSON(spool + "/outbox/renamed.source.json")
            #expect(doc["status"] as? String == "succeeded")
            #expect(try daemon.stop() == 0)
        }
    }

    @Test("a half-written file is not picked up until the writer finishes")
    func slowWriter() throws {
        try withTemporaryDirectory { dir in
            let spool = dir + "/spool"
            let daemon = try DaemonProcess(spool: spool, environment: ["LUMIERE_SPOOL_SETTLE_MS": "300"])
            try daemon.waitUntilStarted()
            let csv = try String(contentsOfFile: TestPaths.sampleCSV, encoding: .utf8)
            let lines = csv.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            let path = spool + "/inbox/slow.csv"
            // Write in place, a few lines at a time, pausing longer than the settle interval
            // while the file is still open for writing (the read lease catches it).
            let fh = try FileHandle(forWritingTo: { FileManager.default.createFile(atPath: path, contents: nil); return URL(fileURLWithPath: path) }())
            for (i, line) in lines.enumerated() where !line.isEmpty {
                fh.write(Data((line + "\n").utf8))
                if i % 5 == 4 { Thread.sleep(forTimeInterval: 0.8) }
                #expect(FileManager.default.fileExists(atPath: path), "picked up while half-written at line \(i)")
            }
            try fh.close()
            // A writer that closes and reopens to append: still safe after a pause below settle.
            let doc = try waitForJSON(spool + "/outbox/slow.source.json")
            #expect(doc["status"] as? String == "succeeded")
            #expect(((doc["source"] as? [String: Any])?["row_count"] as? Int) == 15)
            #expect(try daemon.stop() == 0)
        }
    }

    @Test("unsupported files, malformed JSON and a missing source fail with a reason")
    func badInputs() throws {
        try withTemporaryDirectory { dir in
            let spool = dir + "/spool"
            let daemon = try DaemonProcess(spool: spool, environment: ["LUMIERE_QUEUE_SOURCE_WAIT_S": "0"])
            try daemon.waitUntilStarted()
            let inbox = spool + "/inbox"
            try drop("hello", as: "notes.txt", into: inbox)
            try drop("{not json", as: "broken.json", into: inbox)
            try drop(#"{"source": "test_sales_data", "question": "x", "colour": "red"}"#, as: "unknown-field.json", into: inbox)
            try drop(#"{"source": "nope", "sql": "SELECT 1"}"#, as: "missing.json", into: inbox)

            let notes = try waitForJSON(spool + "/outbox/notes.txt.result.json")
            #expect((notes["error"] as? [String: Any])?["code"] as? String == "unsupported_file")
            let broken = try waitForJSON(spool + "/outbox/broken.result.json")
            #expect((broken["error"] as? [String: Any])?["code"] as? String == "malformed_request")
            let unknown = try waitForJSON(spool + "/outbox/unknown-field.result.json")
            #expect(((unknown["error"] as? [String: Any])?["message"] as? String)?.contains("colour") == true)
            let missing = try waitForJSON(spool + "/outbox/missing.result.json")
            #expect((missing["error"] as? [String: Any])?["code"] as? String == "unknown_source")
            #expect((missing["error"] as? [String: Any])?["hint"] as? String != nil)

            _ = try eventually(timeout: 10, "failed/ filled") { () -> Bool? in
                listDir(spool + "/failed").count == 8 ? true : nil
            }
            for name in ["notes.txt", "broken.json", "unknown-field.json", "missing.json"] {
                let err = try waitForJSON("\(spool)/failed/\(name).error.json")
                #expect(err["schema"] as? String == "lumiere.error/1")
                #expect(err["file"] as? String == name)
            }
            #expect(try daemon.stop() == 0)
        }
    }

    @Test("symlinks, FIFOs, directories and hard links are refused without being opened")
    func unsafeFiles() throws {
        try withTemporaryDirectory { dir in
            let spool = dir + "/spool"
            let daemon = try DaemonProcess(spool: spool)
            try daemon.waitUntilStarted()
            let inbox = spool + "/inbox"
            let secret = dir + "/secret.csv"
            try "password\nhunter2\n".write(toFile: secret, atomically: true, encoding: .utf8)
            try FileManager.default.createSymbolicLink(atPath: inbox + "/link.csv", withDestinationPath: secret)
            #expect(mkfifo(inbox + "/pipe.csv", 0o644) == 0)
            try FileManager.default.createDirectory(atPath: inbox + "/folder.csv", withIntermediateDirectories: false)
            #expect(link(secret, inbox + "/hard.csv") == 0)
            for name in ["link", "pipe", "folder", "hard"] {
                let doc = try waitForJSON("\(spool)/outbox/\(name).source.json")
                #expect(doc["status"] as? String == "failed")
                #expect((doc["error"] as? [String: Any])?["code"] as? String == "unsafe_file", "\(name): \(doc)")
                // The outbox document is written before the failure record (Scheduler.complete),
                // so the record may land a moment later: wait for it rather than race it.
                let record = try waitForJSON("\(spool)/failed/\(name).csv.error.json")
                #expect((record["error"] as? [String: Any])?["code"] as? String == "unsafe_file", "\(name): \(record)")
            }
            // Nothing was read through the link: no source was created from the secret.
            let link = try waitForJSON("\(spool)/outbox/link.source.json")
            #expect(link["source"] == nil)
            #expect(try String(contentsOfFile: secret, encoding: .utf8) == "password\nhunter2\n")
            #expect(try daemon.stop() == 0)
        }
    }
}

// JSON Lines uploads through the real `lumiere` binary: `sources add events.jsonl` with no
// daemon (then a question answered on it), a bad line reported with its number, and a
// `.jsonl.gz` dropped into a running daemon's inbox.

import Foundation
import Testing

@Suite("JSON Lines, end to end", .serialized)
struct JSONLinesEndToEndTests {
    static let events = """
        {"region": "North", "sales": 120, "when": "2024-01-05"}
        {"region": "South", "sales": 80, "when": "2024-01-06", "meta": {"channel": "web"}}
        {"region": "North", "sales": 30, "when": "2024-01-07"}

        """

    @Test("sources add on a .jsonl file, a question on it, and a bad line refused with its number")
    func sourcesAddWithoutDaemon() throws {
        try withTemporaryDirectory { dir in
            let spool = dir + "/spool"
            let s = ["--spool", spool]
            #expect(try runCLI(["init"] + s).status == 0)
            let file = dir + "/events.jsonl"
            try Self.events.write(toFile: file, atomically: true, encoding: .utf8)
            let add = try runCLI(["sources", "add", file] + s)
            #expect(add.status == 0, "\(add.stderr)")
            #expect(add.stdout.hasPrefix("source events version 1: 3 rows from events.jsonl\n"))
            #expect(add.stdout.contains("warning: key meta: nested objects or arrays are stored as their JSON text"))
            let show = try runCLI(["sources", "show", "events"] + s)
            #expect(show.stdout.contains("Rows:        3"))
            #expect(show.stdout.contains("Encoding:    utf-8, JSON Lines\n"), "\(show.stdout)")
            let shown = try #require(try runCLI(["sources", "show", "events", "--json"] + s).json)
            #expect((shown.dataObject["source"] as? [String: Any])?["format"] as? String == "jsonl")
            let asked = try runCLI(["ask", "--source", "events", "What were the total sales by region?"] + s)
            #expect(asked.status == 0, "\(asked.stderr)")
            #expect(asked.stdout.contains("North") && asked.stdout.contains("150"))

            let bad = dir + "/bad.jsonl"
            try (Self.events + "{\"region\": \"East\" \"sales\": 1}\n").write(toFile: bad, atomically: true, encoding: .utf8)
            let refused = try runCLI(["sources", "add", bad] + s)
            #expect(refused.status != 0)
            #expect(refused.stderr.hasPrefix("error: line 4 is not valid JSON: a comma or } was expected after a value [malformed_json]\nhint: "),
                    "\(refused.stderr)")
            #expect(try runCLI(["sources", "show", "bad"] + s).status != 0, "no source was made from the bad file")
        }
    }

    @Test("a .jsonl.gz in the inbox becomes a source; a bad .jsonl fails with malformed_json")
    func daemonInbox() throws {
        try withTemporaryDirectory { dir in
            let spool = dir + "/spool"
            let daemon = try DaemonProcess(spool: spool)
            try daemon.waitUntilStarted()
            let plain = dir + "/events.jsonl"
            try Self.events.write(toFile: plain, atomically: true, encoding: .utf8)
            let gz = dir + "/events.jsonl.gz"
            let gzip = Process()
            gzip.executableURL = URL(fileURLWithPath: "/bin/sh")
            gzip.arguments = ["-c", "gzip -c '\(plain)' > '\(gz)'"]
            try gzip.run()
            gzip.waitUntilExit()
            try #require(gzip.terminationStatus == 0)
            try dropFile(gz, as: "events.jsonl.gz", into: spool + "/inbox")
            let doc = try waitForJSON(spool + "/outbox/events.source.json")
            #expect(doc["status"] as? String == "succeeded", "\(doc)")
            #expect(((doc["source"] as? [String: Any])?["row_count"] as? Int) == 3)
            #expect((doc["profile"] as? [String: Any])?["format"] as? String == "jsonl")
            // The nested object was kept as JSON text that the sandboxed SQL can read.
            let channel = try ask(#"{"source": "events", "sql": "SELECT json_extract(meta, '$.channel') FROM data WHERE region = 'South'"}"#,
                                  as: "channel", spool: spool)
            #expect(channel.status == "succeeded", "\(channel)")
            #expect((channel["rows"] as? [[Any]])?.first?.first as? String == "web")

            try drop("{\"a\": 1}\n{\"a\": " + String(repeating: "[", count: 40) + "\n", as: "deep.jsonl", into: spool + "/inbox")
            let deep = try waitForJSON(spool + "/outbox/deep.source.json")
            #expect(deep["status"] as? String == "failed")
            let error = try #require(deep["error"] as? [String: Any])
            #expect(error["code"] as? String == "json_too_deep")
            #expect(error["message"] as? String == "line 2 nests objects or arrays more than 32 levels deep")
            #expect(error["hint"] as? String != nil)
            _ = try eventually(timeout: 10, "failed/deep.jsonl") { () -> Bool? in
                FileManager.default.fileExists(atPath: spool + "/failed/deep.jsonl") ? true : nil
            }
            #expect(try daemon.stop() == 0)
        }
    }
}

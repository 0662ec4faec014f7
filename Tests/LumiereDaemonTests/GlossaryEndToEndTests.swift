// The per-source glossary end to end: terms added by request file through a running daemon
// and by the command line with no daemon, used by questions asked afterwards (the SQL and
// rows checked, not only the status), shown by `sources show`, refused with a code when bad,
// carried by renames and scoped to the tenant.

import Foundation
import Testing

@Suite("Glossary, end to end", .serialized)
struct GlossaryEndToEndTests {
    @Test("request files: glossary_add, a question that uses it, show_source, glossary_delete, errors, tenants")
    func requestFiles() throws {
        try withTemporaryDirectory { dir in
            let spool = dir + "/spool"
            let daemon = try DaemonProcess(spool: spool, environment: ["LUMIERE_TENANTS_ENABLED": "1"])
            try daemon.waitUntilStarted()
            // Tenants on, so one spool shows that another tenant's same-named source is apart.
            try FileManager.default.createDirectory(atPath: spool + "/inbox/main", withIntermediateDirectories: true)
            try dropFile(TestPaths.sampleCSV, as: "sales.csv", into: spool + "/inbox/main")
            #expect(try waitForJSON(spool + "/outbox/main/sales.source.json").status == "succeeded")
            func ask(_ json: String, as name: String, spool: String, tenant: String = "main") throws -> [String: Any] {
                try LumiereDaemonTests.ask(json, as: name, spool: spool, tenant: tenant)
            }

            // Before: the owner's words are refused, never guessed.
            let before = try ask(#"{"source": "sales", "question": "total bookings in EMEA"}"#, as: "before", spool: spool)
            #expect(before.errorCode == "unsupported_question", "\(before)")

            let add1 = try ask(#"{"action": "glossary_add", "source": "sales", "term": "bookings", "column": "sales"}"#,
                               as: "g1", spool: spool)
            #expect(add1.status == "succeeded", "\(add1)")
            let add2 = try ask(#"{"action": "glossary_add", "source": "sales", "term": "EMEA", "column": "Region", "value": "south"}"#,
                               as: "g2", spool: spool)
            let terms = try #require((add2.dataObject["source"] as? [String: Any])?["glossary"] as? [[String: Any]])
            #expect(terms.map { $0["term"] as? String } == ["bookings", "EMEA"])
            #expect(terms.last?["value"] as? String == "South", "the stored spelling is kept")
            #expect(terms.last?["in_use"] as? Bool == true)

            let after = try ask(#"{"source": "sales", "question": "total bookings in EMEA"}"#, as: "after", spool: spool)
            #expect(after.status == "succeeded", "\(after)")
            let sql = try #require(after["sql"] as? String)
            #expect(sql.contains("SUM(\"Sales\")") && sql.contains("'South'"), "\(sql)")
            #expect((after["rows"] as? [[Any]])?.first?.first as? Double == 5224, "South's total in the sample")
            #expect((after["interpretation"] as? String)?.contains("glossary: \"EMEA\" is Region = 'South'") == true)

            let show = try ask(#"{"action": "show_source", "source": "sales"}"#, as: "show", spool: spool)
            #expect(((show.dataObject["source"] as? [String: Any])?["glossary"] as? [[String: Any]])?.count == 2)

            for (name, json, code) in [
                ("bad1", #"{"action": "glossary_add", "source": "sales", "term": "total", "column": "Sales"}"#, "invalid_glossary_term"),
                ("bad2", #"{"action": "glossary_add", "source": "sales", "term": "EMEA", "column": "Region", "value": "Mars"}"#, "invalid_glossary_term"),
                ("bad3", #"{"action": "glossary_add", "source": "sales", "term": "EMEA"}"#, "malformed_request"),
                ("bad4", #"{"action": "glossary_add", "source": "nope", "term": "EMEA", "column": "Region"}"#, "unknown_source"),
                ("bad5", #"{"action": "glossary_delete", "source": "sales", "term": "nothing"}"#, "invalid_glossary_term"),
            ] {
                let doc = try ask(json, as: name, spool: spool)
                #expect(doc.errorCode == code, "\(name): \(doc)")
                _ = try eventually(timeout: 10, "\(name) error record") {
                    FileManager.default.fileExists(atPath: spool + "/failed/main/\(name).json.error.json") ? true : nil
                }
            }

            // Another tenant's source of the same name has no glossary.
            try FileManager.default.createDirectory(atPath: spool + "/inbox/acme", withIntermediateDirectories: true)
            try dropFile(TestPaths.sampleCSV, as: "sales.csv", into: spool + "/inbox/acme")
            #expect(try waitForJSON(spool + "/outbox/acme/sales.source.json").status == "succeeded")
            let other = try ask(#"{"source": "sales", "question": "total bookings in EMEA"}"#, as: "other", spool: spool, tenant: "acme")
            #expect(other.errorCode == "unsupported_question", "\(other)")

            let delete = try ask(#"{"action": "glossary_delete", "source": "sales", "term": "emea"}"#, as: "gd", spool: spool)
            #expect(((delete.dataObject["source"] as? [String: Any])?["glossary"] as? [[String: Any]])?.map { $0["term"] as? String } == ["bookings"])
            let gone = try ask(#"{"source": "sales", "question": "total bookings in EMEA"}"#, as: "gone", spool: spool)
            #expect(gone.errorCode == "unsupported_question", "\(gone)")
            #expect(try daemon.stop() == 0)
        }
    }

    @Test("command line: sources glossary add/list/delete, sources show, a rename carries it")
    func commandLine() throws {
        try withTemporaryDirectory { dir in
            let s = ["--spool", dir + "/spool"]
            #expect(try runCLI(["init"] + s).status == 0)
            #expect(try runCLI(["sources", "add", TestPaths.sampleCSV, "--name", "sales"] + s).status == 0)
            let add = try runCLI(["sources", "glossary", "add", "sales", "revenue", "Sales"] + s)
            #expect(add.status == 0, "\(add.stderr)")
            let value = try runCLI(["sources", "glossary", "add", "sales", "EMEA", "Region", "--value", "North"] + s)
            #expect(value.stdout.contains("EMEA     Region = 'North'  yes"), "\(value.stdout)")
            let bad = try runCLI(["sources", "glossary", "add", "sales", "by", "Region"] + s)
            #expect(bad.status != 0 && bad.stderr.contains("invalid_glossary_term"), "\(bad.stderr)")

            #expect(try runCLI(["sources", "rename", "sales", "orders"] + s).status == 0)
            let show = try runCLI(["sources", "show", "orders"] + s)
            #expect(show.stdout.contains("TERM") && show.stdout.contains("revenue") && show.stdout.contains("EMEA"), "\(show.stdout)")
            let asked = try runCLI(["ask", "--source", "orders", "--json", "revenue in EMEA by product"] + s)
            #expect(asked.status == 0, "\(asked.stderr)")
            #expect((asked.json?["sql"] as? String)?.contains("'North'") == true)

            let delete = try runCLI(["sources", "glossary", "delete", "orders", "revenue"] + s)
            #expect(delete.status == 0)
            let list = try runCLI(["sources", "glossary", "list", "orders"] + s)
            #expect(!list.stdout.contains("revenue") && list.stdout.contains("EMEA"), "\(list.stdout)")
        }
    }
}

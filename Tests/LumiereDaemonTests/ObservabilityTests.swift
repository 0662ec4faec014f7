// Observability end to end: state/metrics.prom parsed as Prometheus text format (every
// line well-formed, histograms consistent, the values right for the work done), and
// outbox/index.jsonl — one complete JSON object per finished job, appended, and completed
// at the next start when a crash came between the outcome and the append.

import Foundation
import Testing

/// A strict reader of the Prometheus text exposition format (0.0.4), enough to reject a
/// malformed file: HELP/TYPE comments, `name{label="value",...} number` samples.
struct PromText {
    struct Sample: Hashable { var name: String; var labels: [String: String]; var value: Double }
    var types: [String: String] = [:]
    var samples: [Sample] = []

    init(_ text: String) throws {
        guard text.hasSuffix("\n") else { throw TestFailure("the file does not end with a newline") }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).dropLast() {
            if line.hasPrefix("# HELP ") { continue }
            if line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                guard parts.count == 4, ["counter", "gauge", "histogram", "summary", "untyped"].contains(parts[3]) else {
                    throw TestFailure("bad TYPE line: \(line)")
                }
                guard types[String(parts[2])] == nil else { throw TestFailure("TYPE twice for \(parts[2])") }
                types[String(parts[2])] = String(parts[3])
                continue
            }
            samples.append(try Self.sample(String(line)))
        }
    }

    static func sample(_ line: String) throws -> Sample {
        var rest = Substring(line)
        let name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" }
        guard !name.isEmpty, !(name.first!.isNumber) else { throw TestFailure("bad metric name in: \(line)") }
        rest = rest.dropFirst(name.count)
        var labels: [String: String] = [:]
        if rest.first == "{" {
            rest = rest.dropFirst()
            while rest.first != "}" {
                let key = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                rest = rest.dropFirst(key.count)
                guard !key.isEmpty, rest.hasPrefix("=\"") else { throw TestFailure("bad label in: \(line)") }
                rest = rest.dropFirst(2)
                var value = ""
                while let c = rest.first, c != "\"" {
                    if c == "\\" { rest = rest.dropFirst() }
                    value.append(rest.first!)
                    rest = rest.dropFirst()
                }
                guard rest.first == "\"" else { throw TestFailure("unterminated label value in: \(line)") }
                rest = rest.dropFirst()
                labels[String(key)] = value
                if rest.first == "," { rest = rest.dropFirst() } else if rest.first != "}" { throw TestFailure("bad labels in: \(line)") }
            }
            rest = rest.dropFirst()
        }
        guard rest.first == " " else { throw TestFailure("no value in: \(line)") }
        let text = rest.dropFirst()
        guard let value = text == "+Inf" ? Double.infinity : Double(text) else { throw TestFailure("bad value in: \(line)") }
        return Sample(name: String(name), labels: labels, value: value)
    }

    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        samples.first { $0.name == name && $0.labels == labels }?.value
    }
}

@Suite("Metrics file and job index", .serialized)
struct ObservabilityTests {
    @Test("state/metrics.prom parses and counts the work done; LLM counters are there at zero")
    func metricsFile() throws {
        try withTemporaryDirectory { dir in
            let spool = dir + "/spool"
            let daemon = try DaemonProcess(spool: spool, environment: ["LUMIERE_METRICS_INTERVAL_S": "1", "LUMIERE_WORKERS": "3"])
            try daemon.waitUntilStarted()
            try dropFile(TestPaths.sampleCSV, as: "sales.csv", into: spool + "/inbox")
            _ = try waitForJSON(spool + "/outbox/sales.source.json")
            _ = try ask(#"{"source": "sales", "question": "total sales by region"}"#, as: "q1", spool: spool)
            _ = try ask(#"{"source": "nope", "sql": "SELECT 1"}"#, as: "q2", spool: spool)
            let path = spool + "/state/metrics.prom"
            let prom = try eventually(timeout: 20, "metrics with 3 finished jobs") { () -> PromText? in
                guard let text = try? String(contentsOfFile: path, encoding: .utf8), let p = try? PromText(text) else { return nil }
                let done = p.samples.filter { $0.name == "lumiere_jobs_finished_total" }.reduce(0) { $0 + $1.value }
                return done == 3 ? p : nil
            }
            #expect(prom.value("lumiere_up") == 1)
            #expect(prom.value("lumiere_jobs_finished_total", ["kind": "upload", "state": "succeeded"]) == 1)
            #expect(prom.value("lumiere_jobs_finished_total", ["kind": "request", "state": "succeeded"]) == 1)
            #expect(prom.value("lumiere_jobs_finished_total", ["kind": "request", "state": "failed"]) == 1)
            #expect(prom.value("lumiere_jobs", ["state": "succeeded"]) == 2)
            #expect(prom.value("lumiere_jobs", ["state": "queued"]) == 0)
            #expect(prom.value("lumiere_workers") == 3)
            #expect(prom.value("lumiere_ingest_rows_total") == 15)
            #expect(prom.value("lumiere_ingest_bytes_total") == Double(try FileManager.default.attributesOfItem(atPath: TestPaths.sampleCSV)[.size] as! Int))
            for counter in ["lumiere_llm_calls_total", "lumiere_llm_errors_total"] {
                #expect(prom.types[counter] == "counter")
                #expect(prom.value(counter) == 0)
            }
            #expect(prom.value("lumiere_llm_tokens_total", ["kind": "prompt"]) == 0)
            #expect(prom.value("lumiere_llm_tokens_total", ["kind": "completion"]) == 0)
            // Histograms: cumulative buckets, +Inf equals _count, one series per stage.
            #expect(prom.types["lumiere_stage_duration_seconds"] == "histogram")
            for stage in ["analyze", "load", "sql_generation", "execution", "chart", "insights"] {
                let buckets = prom.samples.filter { $0.name == "lumiere_stage_duration_seconds_bucket" && $0.labels["stage"] == stage }
                #expect(buckets.count == 17, "\(stage): \(buckets.count) buckets")
                let values = buckets.map(\.value)
                #expect(values == values.sorted(), "\(stage) buckets are cumulative")
                #expect(buckets.last?.labels["le"] == "+Inf")
                #expect(buckets.last?.value == prom.value("lumiere_stage_duration_seconds_count", ["stage": stage]))
                #expect((prom.value("lumiere_stage_duration_seconds_sum", ["stage": stage]) ?? -1) >= 0)
            }
            #expect(prom.value("lumiere_stage_duration_seconds_count", ["stage": "execution"]) == 1)
            #expect(prom.value("lumiere_job_duration_seconds_count", ["kind": "request"]) == 2)
            // Every sample belongs to a declared family.
            for s in prom.samples {
                let family = s.name.replacingOccurrences(of: "_bucket", with: "").replacingOccurrences(of: "_sum", with: "")
                    .replacingOccurrences(of: "_count", with: "")
                #expect(prom.types[s.name] != nil || prom.types[family] != nil, "undeclared \(s.name)")
            }
            #expect(try daemon.stop() == 0)
            let final = try PromText(try String(contentsOfFile: path, encoding: .utf8))
            #expect(final.value("lumiere_up") == 0, "a clean stop leaves lumiere_up 0")
        }
    }

    @Test("outbox/index.jsonl: one complete line per finished job, and a line lost to a crash comes back at start")
    func jobIndex() throws {
        try withTemporaryDirectory { dir in
            let spool = dir + "/spool"
            var daemon = try DaemonProcess(spool: spool)
            try daemon.waitUntilStarted()
            try dropFile(TestPaths.sampleCSV, as: "sales.csv", into: spool + "/inbox")
            _ = try waitForJSON(spool + "/outbox/sales.source.json")
            let q = try ask(#"{"source": "sales", "question": "total sales by region"}"#, as: "q1", spool: spool)
            _ = try ask("{broken", as: "q2", spool: spool)
            try drop("x", as: "notes.txt", into: spool + "/inbox")
            _ = try waitForJSON(spool + "/outbox/notes.txt.result.json")
            let indexPath = spool + "/outbox/index.jsonl"
            let lines = try eventually(timeout: 10, "4 index lines") { () -> [[String: Any]]? in
                let text = (try? String(contentsOfFile: indexPath, encoding: .utf8)) ?? ""
                guard text.hasSuffix("\n") else { return nil }
                let parsed = text.split(separator: "\n").compactMap {
                    (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any]
                }
                return parsed.count == 4 && parsed.count == text.split(separator: "\n").count ? parsed : nil
            }
            let byInput = Dictionary(uniqueKeysWithValues: lines.map { ($0["input"] as! String, $0) })
            #expect(Set(byInput.keys) == ["sales.csv", "q1.json", "q2.json", "notes.txt"])
            let q1 = try #require(byInput["q1.json"])
            #expect(q1["schema"] as? String == "lumiere.index/1")
            #expect(q1["state"] as? String == "succeeded" && q1["status"] as? String == "succeeded")
            #expect(q1["query_id"] as? Int == q["query_id"] as? Int)
            #expect(q1["documents"] as? [String] == ["q1.report.html", "q1.result.json"])
            #expect(q1["input_final"] as? String == "archive/q1.json")
            #expect(((q1["source"] as? [String: Any])?["name"]) as? String == "sales")
            #expect(byInput["q2.json"]?["error_code"] as? String == "malformed_request")
            #expect(byInput["q2.json"]?["input_final"] as? String == "failed/q2.json")
            #expect(byInput["notes.txt"]?["kind"] as? String == "reject")
            #expect(byInput["sales.csv"]?["action"] as? String == "upload")
            #expect(Set(lines.compactMap { $0["job_id"] as? Int }).count == 4)
            #expect(try daemon.stop() == 0)

            // As if the daemon died after recording q1's outcome but before appending its line.
            let jobID = try #require(q1["job_id"] as? Int)
            let sql = Process()
            sql.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
            sql.arguments = [spool + "/state/lumiere.db", "UPDATE jobs SET indexed = 0 WHERE id = \(jobID)"]
            try sql.run()
            sql.waitUntilExit()
            #expect(sql.terminationStatus == 0)
            daemon = try DaemonProcess(spool: spool)
            try daemon.waitUntilStarted()
            let text = try String(contentsOfFile: indexPath, encoding: .utf8)
            let again = text.split(separator: "\n").compactMap { (try? JSONSerialization.jsonObject(with: Data($0.utf8))) as? [String: Any] }
            #expect(again.count == 5, "the pending line was appended at start (at least once: readers dedupe by job_id)")
            #expect(again.last?["job_id"] as? Int == jobID)
            #expect(daemon.log.contains("appended job index lines left by an unclean stop"))
            #expect(try daemon.stop() == 0)
        }
    }
}

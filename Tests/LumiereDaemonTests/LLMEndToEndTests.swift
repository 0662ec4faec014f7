// The LLM engine end to end with the real `lumiere` binary: the daemon on a temp spool with
// LUMIERE_LLM_BASE_URL pointing at a scripted server on loopback, `lumiere ask --engine
// llm`, `lumiere doctor`, and the API key kept out of every output, log, result and the
// state database.

import Foundation
import Testing
import LumiereCore
import LumiereStore
import LumiereTestSupport

@Suite("LLM engine, end to end", .serialized)
struct LLMEndToEndTests {
    @Test("daemon, engine = llm from the environment: the result and the history record the LLM's work")
    func daemonUsesLLM() throws {
        let server = try ScriptedHTTPServer { _ in .sqlAnswer(salesByRegionSQL, interpretation: "sales per region", confidence: 0.9) }
        try withTemporaryDirectory { dir in
            let spool = dir + "/spool"
            let daemon = try DaemonProcess(spool: spool, environment: ["LUMIERE_ENGINE": "llm", "LUMIERE_LLM_BASE_URL": server.baseURL,
                                                                       "LUMIERE_LLM_MODEL": "llama3.2", "LUMIERE_METRICS_INTERVAL_S": "1"])
            try daemon.waitUntilStarted()
            try dropFile(TestPaths.sampleCSV, as: "test_sales_data.csv", into: spool + "/inbox")
            try drop(#"{"source": "test_sales_data", "question": "What were the total sales by region?"}"#, as: "q1.json", into: spool + "/inbox")
            let result = try waitForJSON(spool + "/outbox/q1.result.json")
            #expect(result["status"] as? String == "succeeded", "\(result)")
            #expect(result["engine"] as? String == "llm")
            #expect((result["engines"] as? [String: Any])?["sql"] as? String == "llm")
            #expect((result["provenance"] as? [String: Any])?["model"] as? String == "llama3.2")
            let rows = try #require(result["rows"] as? [[Any]])
            #expect(rows.map { $0.first as? String } == ["South", "West", "East", "North"])
            let llm = try #require(result["llm"] as? [String: Any])
            #expect(llm["model"] as? String == "llama3.2")
            #expect(llm["prompt_tokens"] as? Int == 100 && llm["completion_tokens"] as? Int == 20)
            let calls = try #require(llm["calls"] as? [[String: Any]])
            #expect(calls.count == 1)
            #expect(calls[0]["purpose"] as? String == "sql" && calls[0]["status"] as? String == "ok")
            #expect(calls[0]["http_status"] as? Int == 200 && calls[0]["attempts"] as? Int == 1)
            #expect((calls[0]["latency_ms"] as? NSNumber)?.doubleValue ?? 0 > 0)
            let sent = try #require(llm["sent"] as? [String: Any])
            #expect(sent["share"] as? String == "schema" && sent["rows"] as? Int == 0)
            #expect((sent["columns"] as? [String])?.contains("Region") == true)
            #expect(server.requests.first?.jsonBody?["model"] as? String == "llama3.2")
            // The metrics file counts the call and its tokens (rewritten every second here).
            let metrics = try eventually(timeout: 10, "LLM call in metrics.prom") { () -> String? in
                let text = (try? String(contentsOfFile: spool + "/state/metrics.prom", encoding: .utf8)) ?? ""
                return text.contains("lumiere_llm_calls_total 1\n") ? text : nil
            }
            #expect(metrics.contains("lumiere_llm_errors_total 0\n"))
            #expect(metrics.contains("lumiere_llm_tokens_total{kind=\"prompt\"} 100\n"))
            #expect(metrics.contains("lumiere_llm_tokens_total{kind=\"completion\"} 20\n"))
            #expect(try daemon.stop() == 0)
            // The history (what `lumiere` management commands read) has the same record.
            let store = try StateStore(path: spool + "/state/lumiere.db")
            let history = try store.listQueries(tenant: "")
            #expect(history.first?.engine == "llm")
            #expect(history.first?.document?.llm?.calls.first?.promptTokens == 100)
        }
    }

    @Test("daemon: unreachable LLM, a question only an LLM could answer: retried as transient, then failed with the reason")
    func daemonRetriesUnavailable() throws {
        try withTemporaryDirectory { dir in
            let spool = dir + "/spool"
            let daemon = try DaemonProcess(spool: spool, environment: [
                "LUMIERE_LLM_BASE_URL": "http://127.0.0.1:\(closedPort())/v1", "LUMIERE_LLM_MAX_RETRIES": "0",
                "LUMIERE_QUEUE_MAX_ATTEMPTS": "2", "LUMIERE_QUEUE_RETRY_BASE_MS": "50"])
            try daemon.waitUntilStarted()
            try dropFile(TestPaths.sampleCSV, as: "test_sales_data.csv", into: spool + "/inbox")
            _ = try waitForJSON(spool + "/outbox/test_sales_data.source.json")
            try drop(#"{"source": "test_sales_data", "question": "frobnicate the zorbs", "engine": "llm"}"#, as: "q2.json", into: spool + "/inbox")
            let result = try waitForJSON(spool + "/outbox/q2.result.json")
            #expect(result["status"] as? String == "failed")
            let error = try #require(result["error"] as? [String: Any])
            #expect(error["code"] as? String == "too_many_attempts")
            #expect((error["message"] as? String)?.contains("LLM server cannot be reached") == true)
            #expect(daemon.log.contains("job will be retried") && daemon.log.contains("llm_unavailable"))
            _ = try eventually(timeout: 10, "input in failed/") { listDir(spool + "/failed").contains("q2.json") ? true : nil }
            #expect(try daemon.stop() == 0)
            // Each attempt left a failed row in the history, none stays `running`.
            let history = try StateStore(path: spool + "/state/lumiere.db").listQueries(tenant: "")
            #expect(history.count == 2, "\(history.map(\.status))")
            #expect(history.allSatisfy { $0.status == "failed" && $0.document?.error?.code == "llm_unavailable" })
        }
    }

    @Test("the API key never appears in results, reports, logs, the state database, `lumiere config` or `lumiere doctor`")
    func keyNeverLeaks() throws {
        let secret = "sk-e2e-SECRET-\(UUID().uuidString.prefix(8))"
        let server = try ScriptedHTTPServer { r in
            let auth = r.headers["authorization"] ?? ""
            switch r.lumierePurpose {
            case "sql": return .sqlAnswer("SELECT '\(auth)' AS stolen", interpretation: "echo \(auth)")  // discarded: contains the key
            case "repair": return .error(401, "Incorrect API key provided: \(auth)")                      // redacted in the error
            default: return r.path.hasSuffix("/models") ? .error(401, "bad key \(auth)") : .completion("{\"echo\": \"\(auth)\"}")
            }
        }
        try withTemporaryDirectory { dir in
            let spool = dir + "/spool"
            let env = ["LUMIERE_ENGINE": "llm", "LUMIERE_LLM_BASE_URL": server.baseURL, "OPENAI_API_KEY": secret]
            let daemon = try DaemonProcess(spool: spool, environment: env)
            try daemon.waitUntilStarted()
            try dropFile(TestPaths.sampleCSV, as: "test_sales_data.csv", into: spool + "/inbox")
            try drop(#"{"source": "test_sales_data", "question": "What were the total sales by region?"}"#, as: "q1.json", into: spool + "/inbox")
            let result = try waitForJSON(spool + "/outbox/q1.result.json")
            #expect(result["status"] as? String == "succeeded")
            #expect(result["engine"] as? String == "builtin")
            let warnings = try #require(result["warnings"] as? [String])
            #expect(warnings.first?.contains("[redacted]") == true)
            #expect(daemon.log.contains("llm_key=environment") || daemon.log.contains("environment"))
            #expect(try daemon.stop() == 0)
            #expect(server.requests.contains { $0.headers["authorization"] == "Bearer \(secret)" })

            let config = try runLumiere(["config", "--spool", spool], environment: env, directory: dir)
            #expect(config.status == 0)
            let doctor = try runLumiere(["doctor", "--spool", spool], environment: env, directory: dir)
            #expect(doctor.status == 1)
            #expect(doctor.stdout.contains("HTTP 401"))
            for (what, text) in [("daemon log", daemon.log), ("config", config.stdout + config.stderr),
                                 ("doctor", doctor.stdout + doctor.stderr)] {
                #expect(!text.contains(secret), "the key appears in \(what)")
            }
            let files = allFileContents(under: spool)
            #expect(files.contains { $0.path.hasSuffix("lumiere.db") })
            for file in files {
                #expect(file.data.range(of: Data(secret.utf8)) == nil, "the key appears in \(file.path)")
            }
        }
    }

    @Test("lumiere ask --engine llm with LUMIERE_LLM_BASE_URL and no config file")
    func askEngineLLM() throws {
        let server = try ScriptedHTTPServer { _ in .sqlAnswer(salesByRegionSQL, interpretation: "sales per region") }
        try withTemporaryDirectory { dir in
            let env = ["LUMIERE_LLM_BASE_URL": server.baseURL, "LUMIERE_LLM_MODEL": "llama3.2"]
            let json = try runLumiere(["ask", "--csv", TestPaths.sampleCSV, "--engine", "llm", "--json", "What were the total sales by region?"],
                                      environment: env, directory: dir)
            #expect(json.status == 0, "\(json.stderr)")
            let doc = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            #expect(doc["engine"] as? String == "llm")
            #expect(((doc["llm"] as? [String: Any])?["calls"] as? [[String: Any]])?.first?["status"] as? String == "ok")
            let text = try runLumiere(["ask", "--csv", TestPaths.sampleCSV, "--engine", "llm", "What were the total sales by region?"],
                                      environment: env, directory: dir)
            #expect(text.status == 0)
            #expect(text.stdout.contains("Engine: LLM (llama3.2)"))
            #expect(text.stdout.contains("South"))
            // Unreachable and nothing else can answer: exit 1 with the error and a hint.
            let down = try runLumiere(["ask", "--csv", TestPaths.sampleCSV, "--engine", "llm", "frobnicate the zorbs"],
                                      environment: ["LUMIERE_LLM_BASE_URL": "http://127.0.0.1:\(closedPort())/v1",
                                                    "LUMIERE_LLM_MAX_RETRIES": "0"], directory: dir)
            #expect(down.status == 1)
            #expect(down.stderr.contains("[llm_unavailable]") && down.stderr.contains("hint:"))
        }
    }

    @Test("lumiere doctor: a working server passes; a missing model, a dead server, a missing spool fail with fixes")
    func doctor() throws {
        let models = Locked(["test-model", "other"])
        let server = try ScriptedHTTPServer { r in
            if r.path == "/v1/models" {
                let list = models.get().map { "{\"id\": \"\($0)\"}" }.joined(separator: ",")
                return .json(200, "{\"object\": \"list\", \"data\": [\(list)]}")
            }
            if r.lumierePurpose == "sql" { return .sqlAnswer("SELECT SUM(amount) AS total FROM data") }
            return .completion(#"{"ok": true}"#)
        }
        try withTemporaryDirectory { dir in
            let spool = dir + "/spool"
            _ = try runLumiere(["init", "--spool", spool], directory: dir)
            let env = ["LUMIERE_ENGINE": "auto", "LUMIERE_LLM_BASE_URL": server.baseURL, "LUMIERE_LLM_MODEL": "test-model"]
            let good = try runLumiere(["doctor", "--spool", spool], environment: env, directory: dir)
            #expect(good.status == 0, "\(good.stdout)")
            #expect(good.stdout.contains("ok      llm: \(server.baseURL) is reachable and serves model test-model"))
            #expect(good.stdout.contains("ok      llm: JSON mode works"))
            #expect(good.stdout.contains("ok      llm: a trivial question round-trips"))
            #expect(good.stdout.contains("ok      spool:"))
            #expect(good.stdout.contains("budget today"))

            models.set(["llama3.1:latest", "mistral:latest"])
            let missing = try runLumiere(["doctor", "--spool", spool], environment: env, directory: dir)
            #expect(missing.status == 1)
            #expect(missing.stdout.contains("problem llm: \(server.baseURL) does not list model test-model (it has: llama3.1:latest, mistral:latest)"))
            #expect(missing.stdout.contains("fix: set llm.model"))
            // Ollama's names carry a tag.
            let tagged = try runLumiere(["doctor", "--spool", spool], environment: env.merging(["LUMIERE_LLM_MODEL": "llama3.1"]) { $1 },
                                        directory: dir)
            #expect(tagged.status == 0)
            #expect(tagged.stdout.contains("serves model llama3.1"))
            // llama-server lists only the file it loaded and ignores the name: a note.
            models.set(["/models/qwen2.5-7b-instruct-q4_k_m.gguf"])
            let single = try runLumiere(["doctor", "--spool", spool], environment: env, directory: dir)
            #expect(single.status == 0)
            #expect(single.stdout.contains("note    llm: \(server.baseURL) serves only /models/qwen2.5-7b-instruct-q4_k_m.gguf"))

            let dead = try runLumiere(["doctor", "--spool", spool],
                                      environment: env.merging(["LUMIERE_LLM_BASE_URL": "http://127.0.0.1:\(closedPort())/v1"]) { $1 },
                                      directory: dir)
            #expect(dead.status == 1)
            #expect(dead.stdout.contains("cannot be reached"))
            #expect(dead.stdout.contains("fix: start the server"))

            let noSpool = try runLumiere(["doctor", "--spool", dir + "/nowhere"], directory: dir)
            #expect(noSpool.status == 1)
            #expect(noSpool.stdout.contains("does not exist") && noSpool.stdout.contains("lumiere init"))
            #expect(noSpool.stdout.contains("ok      llm: not configured"))

            let badConfig = try runLumiere(["doctor"], environment: ["LUMIERE_LLM_SHARE": "everything"], directory: dir)
            #expect(badConfig.status == 78)
            #expect(badConfig.stdout.contains("problem config:"))
        }
    }

    @Test("lumiere doctor with a server that rejects JSON mode: a note, not a failure")
    func doctorJSONModeRejected() throws {
        let server = try ScriptedHTTPServer { r in
            if r.path == "/v1/models" { return .error(404, "no models endpoint") }
            if r.hasJSONMode { return .error(400, "response_format is not supported") }
            if r.lumierePurpose == "sql" { return .completion("```json\n{\"sql\": \"SELECT SUM(amount) FROM data\"}\n```") }
            return .completion(#"{"ok": true}"#)
        }
        try withTemporaryDirectory { dir in
            let spool = dir + "/spool"
            _ = try runLumiere(["init", "--spool", spool], directory: dir)
            let r = try runLumiere(["doctor", "--spool", spool], environment: ["LUMIERE_LLM_BASE_URL": server.baseURL], directory: dir)
            #expect(r.status == 0, "\(r.stdout)")
            #expect(r.stdout.contains("note    llm: \(server.baseURL) has no GET /models"))
            #expect(r.stdout.contains("note    llm: the server rejects JSON mode"))
            #expect(r.stdout.contains("ok      llm: a trivial question round-trips"))
        }
    }
}

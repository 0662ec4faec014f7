// LLMEngine against the scripted server: the SQL conversation and its repair loop, what is
// recorded per call, hostile answers (non-SELECT SQL, echoes of the key, refusals), and
// charts and insights with their fallbacks. `run` here is a small stand-in that only knows
// one good statement — the real sandbox is exercised through the Analyst in
// LumiereDaemonTests; here the point is what the engine sends and does.

import Foundation
import Testing
import LumiereCore
@testable import LumiereLLM
import LumiereTestSupport

private let dialect = SQLDialect(sqliteVersion: "3.40.1", functions: ["avg", "count", "sum"])
private let good = "SELECT Region, SUM(Sales) AS total FROM data GROUP BY Region ORDER BY total DESC"
private let goodRows = QueryResult(columns: [ResultColumn(name: "Region", type: "TEXT"), ResultColumn(name: "total", type: "REAL")],
                                   rows: [[.text("South"), .real(5224)], [.text("West"), .real(1805)],
                                          [.text("East"), .real(1680)], [.text("North"), .real(1486)]])

/// Runs only `good`; anything else fails like SQLite would.
private func fakeRun(_ seen: Locked<[String]>) -> (String) -> Result<QueryResult, LumiereError> {
    { sql in
        seen.update { $0.append(sql) }
        return sql == good ? .success(goodRows)
            : .failure(LumiereError(.sqlError, "no such column: Salez", hint: "columns of data: Date, Region, Sales"))
    }
}

private func engine(_ server: ScriptedHTTPServer, _ overrides: [String: String] = [:], key: String? = nil) throws -> LLMEngine {
    LLMEngine(client: try LLMTestSupport.client(LLMTestSupport.settings(base: server.baseURL, overrides), key: key),
              templates: try LLMTestSupport.templates)
}

@Suite("LLM engine", .serialized)
struct LLMEngineTests {
    @Test("a good answer is run once and recorded as one ok sql call")
    func happy() throws {
        let server = try ScriptedHTTPServer { _ in .sqlAnswer(good, interpretation: "total sales per region", confidence: 0.9) }
        let e = try engine(server)
        var usage = e.newUsage()
        let seen = Locked<[String]>([])
        let outcome = e.writeSQL(question: "total sales by region", schema: LLMTestSupport.salesSchema, dialect: dialect,
                                 usage: &usage, run: fakeRun(seen))
        let s = try outcome.get()
        #expect(s.sql == good && s.result == goodRows)
        #expect(s.answer.interpretation == "total sales per region" && s.answer.confidence == 0.9)
        #expect(seen.get() == [good])
        #expect(usage.calls.count == 1)
        #expect(usage.calls[0].purpose == "sql" && usage.calls[0].status == "ok" && usage.calls[0].sql == good)
        #expect(usage.promptTokens == 100 && usage.completionTokens == 20)
        #expect(usage.model == "test-model")
        #expect(usage.sent == LLMUsage.Sent(share: "schema", columns: ["Date", "Region", "Sales"], values: 4, rows: 0))
        let prompt = try #require(server.requests.first)
        #expect(prompt.promptText.contains("\"total sales by region\""))
        #expect(prompt.promptText.contains("avg, count, sum"))
        #expect((prompt.jsonBody?["temperature"] as? NSNumber)?.doubleValue == 0.1)
    }

    @Test("repair: the SQLite error and the failed statement go back; the corrected SQL is used; both calls recorded")
    func repair() throws {
        let server = try ScriptedHTTPServer { r in
            r.index == 0 ? .sqlAnswer("SELECT Salez FROM data") : .sqlAnswer(good, confidence: 0.7)
        }
        let e = try engine(server)
        var usage = e.newUsage()
        let seen = Locked<[String]>([])
        let s = try e.writeSQL(question: "total sales by region", schema: LLMTestSupport.salesSchema, dialect: dialect,
                               usage: &usage, run: fakeRun(seen)).get()
        #expect(s.sql == good)
        #expect(seen.get() == ["SELECT Salez FROM data", good])
        #expect(usage.calls.map(\.purpose) == ["sql", "repair"])
        #expect(usage.calls.map(\.status) == ["error", "ok"])
        #expect(usage.calls[0].sqlError == "sql_error: no such column: Salez")
        #expect(usage.calls[0].sql == "SELECT Salez FROM data")
        let second = server.requests[1]
        #expect(second.messages.map(\.role) == ["system", "user", "assistant", "user"])
        #expect(second.lastUserMessage.contains("SELECT Salez FROM data"))
        #expect(second.lastUserMessage.contains("no such column: Salez"))
        #expect(second.lastUserMessage.contains("columns of data: Date, Region, Sales"))
        #expect(second.messages[2].content.contains("Salez"))
    }

    @Test("repairs exhausted: llm.repair_attempts + 1 calls, the last SQL error's code")
    func repairExhausted() throws {
        let server = try ScriptedHTTPServer { _ in .sqlAnswer("SELECT Salez FROM data") }
        let e = try engine(server, ["llm.repair_attempts": "2"])
        var usage = e.newUsage()
        let outcome = e.writeSQL(question: "q", schema: LLMTestSupport.salesSchema, dialect: dialect, usage: &usage,
                                 run: fakeRun(Locked([])))
        guard case .failure(let f) = outcome else { Issue.record("expected a failure"); return }
        #expect(f.error.code == .sqlError)
        #expect(!f.unavailable)
        #expect(f.error.message.contains("after 3 attempts"))
        #expect(usage.calls.count == 3)
        #expect(server.requestCount == 3)
    }

    @Test("non-SELECT SQL is never run: refused before the sandbox, sent back for repair")
    func nonSelect() throws {
        let server = try ScriptedHTTPServer { r in
            r.index == 0 ? .sqlAnswer("DROP TABLE data") : r.index == 1 ? .sqlAnswer("SELECT 1; DELETE FROM data") : .sqlAnswer(good)
        }
        let e = try engine(server)
        var usage = e.newUsage()
        let seen = Locked<[String]>([])
        let s = try e.writeSQL(question: "q", schema: LLMTestSupport.salesSchema, dialect: dialect, usage: &usage,
                               run: fakeRun(seen)).get()
        #expect(s.sql == good)
        #expect(seen.get() == [good])
        #expect(usage.calls[0].sqlError?.hasPrefix("forbidden_sql: only SELECT") == true)
        #expect(usage.calls[1].sqlError?.hasPrefix("forbidden_sql: only one statement") == true)
        #expect(server.requests[1].lastUserMessage.contains("forbidden_sql"))
    }

    @Test("an answer that is not JSON is repaired like bad SQL")
    func unparsable() throws {
        let server = try ScriptedHTTPServer { r in r.index == 0 ? .completion("Sure! SELECT * FROM data") : .sqlAnswer(good) }
        let e = try engine(server)
        var usage = e.newUsage()
        _ = try e.writeSQL(question: "q", schema: LLMTestSupport.salesSchema, dialect: dialect, usage: &usage,
                           run: fakeRun(Locked([]))).get()
        #expect(usage.calls[0].error?.contains("not a JSON object") == true)
        #expect(usage.calls[0].sql == nil)
        #expect(server.requests[1].lastUserMessage.contains("not a JSON object"))
    }

    @Test("the model says the table cannot answer: unsupported_question, no repair")
    func modelRefuses() throws {
        let server = try ScriptedHTTPServer { _ in .sqlAnswer(nil, interpretation: "there is no customer column", confidence: 0) }
        let e = try engine(server)
        var usage = e.newUsage()
        let outcome = e.writeSQL(question: "q", schema: LLMTestSupport.salesSchema, dialect: dialect, usage: &usage,
                                 run: fakeRun(Locked([])))
        guard case .failure(let f) = outcome else { Issue.record("expected a failure"); return }
        #expect(f.error.code == .unsupportedQuestion)
        #expect(f.error.message.contains("there is no customer column"))
        #expect(server.requestCount == 1)
    }

    @Test("an answer that echoes the API key is discarded, and the key is not sent back in the repair")
    func keyEcho() throws {
        let secret = "sk-echo-SECRET-42"
        let server = try ScriptedHTTPServer { r in
            r.index == 0 ? .sqlAnswer("SELECT '\(r.headers["authorization"]!.dropFirst(7))' AS k") : .sqlAnswer(good)
        }
        let e = try engine(server, key: secret)
        var usage = e.newUsage()
        let seen = Locked<[String]>([])
        _ = try e.writeSQL(question: "q", schema: LLMTestSupport.salesSchema, dialect: dialect, usage: &usage,
                           run: fakeRun(seen)).get()
        #expect(seen.get() == [good])
        #expect(usage.calls[0].error?.contains("contains the API key") == true)
        #expect(!server.requests[1].promptText.contains(secret))
        #expect(!"\(usage)".contains(secret))
    }

    @Test("a transport failure ends the loop at once and marks the LLM unavailable")
    func transportFailure() throws {
        let server = try ScriptedHTTPServer { _ in .error(500, "down") }
        let e = try engine(server, ["llm.max_retries": "1"])
        var usage = e.newUsage()
        let outcome = e.writeSQL(question: "q", schema: LLMTestSupport.salesSchema, dialect: dialect, usage: &usage,
                                 run: fakeRun(Locked([])))
        guard case .failure(let f) = outcome else { Issue.record("expected a failure"); return }
        #expect(f.unavailable)
        #expect(f.error.code == .llmUnavailable)
        #expect(usage.calls.count == 1 && usage.calls[0].attempts == 2 && usage.calls[0].httpStatus == 500)
    }

    @Test("charts and insights: not asked unless share = full")
    func privacyGate() throws {
        let server = try ScriptedHTTPServer { _ in .completion("{}") }
        let e = try engine(server)
        var usage = e.newUsage()
        guard case .failure(let f) = e.proposeChart(question: "q", interpretation: nil, sql: good, result: goodRows, usage: &usage) else {
            Issue.record("expected no chart"); return
        }
        #expect(f.error.message.contains("llm.share is schema"))
        _ = e.writeInsights(question: "q", interpretation: nil, sql: good, result: goodRows, usage: &usage)
        #expect(server.requestCount == 0)
        #expect(usage.calls.isEmpty && usage.sent.rows == 0)
    }

    @Test("share = full: a valid chart is rebuilt from the rows; its rows were counted as sent")
    func chart() throws {
        let config = #"{"type": "bar", "data": {"labels": ["South", "West", "East", "North"], "datasets": [{"label": "Total sales", "data": [5224, 1805, 1680, 1486]}]}, "options": {"plugins": {"title": {"display": true, "text": "Sales by region"}}}}"#
        let server = try ScriptedHTTPServer { _ in
            .completion("{\"chart_type\": \"bar\", \"reason\": \"compare regions\", \"config\": \(config)}")
        }
        let e = try engine(server, ["llm.share": "full"])
        var usage = e.newUsage()
        let chart = try e.proposeChart(question: "sales by region", interpretation: "x", sql: good, result: goodRows, usage: &usage).get()
        #expect(chart.type == "bar")
        #expect(chart.reason == "Chosen by the LLM: compare regions")
        #expect(chart.config?["data"]?["labels"] == ["South", "West", "East", "North"])
        #expect(chart.config?["options"]?["plugins"]?["title"]?["text"] == "Sales by region")
        #expect(usage.calls.map(\.purpose) == ["chart"])
        #expect(usage.sent.rows == 4 && usage.sent.values == 8)
        let prompt = server.requests[0].promptText
        #expect(prompt.contains("[\"South\", 5224.0]"))
        #expect((server.requests[0].jsonBody?["temperature"] as? NSNumber)?.doubleValue == 0.3)
    }

    @Test("share = full: a chart whose data does not match the rows is refused")
    func badChart() throws {
        let config = #"{"type": "bar", "data": {"labels": ["South", "West", "East", "North"], "datasets": [{"data": [1, 2, 3, 4]}]}}"#
        let server = try ScriptedHTTPServer { _ in .completion("{\"chart_type\": \"bar\", \"config\": \(config)}") }
        let e = try engine(server, ["llm.share": "full"])
        var usage = e.newUsage()
        guard case .failure(let f) = e.proposeChart(question: "q", interpretation: nil, sql: good, result: goodRows, usage: &usage) else {
            Issue.record("expected a refusal"); return
        }
        #expect(f.error.message.contains("not a numeric column"))
        #expect(usage.calls[0].status == "error")
    }

    @Test("share = full: insights are parsed and cleaned")
    func insights() throws {
        let server = try ScriptedHTTPServer { _ in
            .completion(#"{"summary": "South leads with 5224.", "findings": ["South is 51% of the total"], "recommendations": ["monthly sales for South"]}"#)
        }
        let e = try engine(server, ["llm.share": "full"])
        var usage = e.newUsage()
        let i = try e.writeInsights(question: "q", interpretation: nil, sql: good, result: goodRows, usage: &usage).get()
        #expect(i.summary == "South leads with 5224.")
        #expect(i.findings == ["South is 51% of the total"])
        #expect(usage.calls.map(\.purpose) == ["insight"])
    }
}

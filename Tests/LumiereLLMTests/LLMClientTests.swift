// LLMClient through real libcurl against a scripted HTTP server on loopback: the request
// it sends, JSON mode and its fallback, retries (5xx, 429 + Retry-After, lost connections,
// refused connections), timeouts, cancellation, the concurrency limit, the daily budget,
// and the key kept out of every error.

import Foundation
import Testing
import LumiereCore
@testable import LumiereLLM
import LumiereTestSupport

private let hello: [ChatMessage] = [.system("You answer in JSON."), .user("Say hi.")]

@Suite("LLM client over libcurl", .serialized)
struct LLMClientTests {
    @Test("POSTs a chat completion with the bearer key, model, temperature and JSON mode")
    func requestShape() throws {
        let server = try ScriptedHTTPServer { _ in .completion(#"{"hi": true}"#, promptTokens: 12, completionTokens: 34) }
        let client = try LLMTestSupport.client(LLMTestSupport.settings(base: server.baseURL), key: "sk-test-123")
        let reply = client.chat(hello, purpose: "sql", temperature: 0.1)
        #expect(try reply.content.get() == #"{"hi": true}"#)
        #expect(reply.call.status == "ok")
        #expect(reply.call.httpStatus == 200)
        #expect(reply.call.attempts == 1)
        #expect(reply.call.promptTokens == 12 && reply.call.completionTokens == 34)
        #expect(reply.call.latencyMs > 0)
        let r = try #require(server.requests.first)
        #expect(r.method == "POST" && r.path == "/v1/chat/completions")
        #expect(r.headers["authorization"] == "Bearer sk-test-123")
        #expect(r.headers["content-type"] == "application/json")
        #expect(r.hasJSONMode)
        let body = try #require(r.jsonBody)
        #expect(body["model"] as? String == "test-model")
        #expect((body["temperature"] as? NSNumber)?.doubleValue == 0.1)
        #expect(body["stream"] as? Bool == false)
        #expect(body["max_tokens"] as? Int == 2000)
        #expect(r.messages.map(\.role) == ["system", "user"])
        #expect(r.lastUserMessage == "Say hi.")
        #expect(client.supportsJSONMode == true)
    }

    @Test("no key: no Authorization header (local servers)")
    func noKey() throws {
        let server = try ScriptedHTTPServer { _ in .completion("{}") }
        let client = try LLMTestSupport.client(LLMTestSupport.settings(base: server.baseURL))
        _ = client.chat(hello, purpose: "sql", temperature: 0)
        #expect(server.requests.first?.headers["authorization"] == nil)
    }

    @Test("a server that rejects JSON mode gets the request once more without it, and never again")
    func jsonModeFallback() throws {
        let server = try ScriptedHTTPServer { r in
            r.hasJSONMode ? .error(400, "unknown field response_format") : .completion(#"{"ok": 1}"#)
        }
        let client = try LLMTestSupport.client(LLMTestSupport.settings(base: server.baseURL))
        let first = client.chat(hello, purpose: "sql", temperature: 0)
        #expect(first.call.status == "ok")
        #expect(first.call.attempts == 2)
        #expect(server.requests.map(\.hasJSONMode) == [true, false])
        #expect(server.requests[1].jsonBody?["max_tokens"] == nil)  // the plain form has neither
        #expect(client.supportsJSONMode == false)
        let second = client.chat(hello, purpose: "sql", temperature: 0)
        #expect(second.call.attempts == 1)
        #expect(server.requests.map(\.hasJSONMode) == [true, false, false])
    }

    @Test("a 400 that is not about JSON mode is an error after one plain retry, not a loop")
    func badRequestIsAnError() throws {
        let server = try ScriptedHTTPServer { _ in .error(400, "context length exceeded") }
        let client = try LLMTestSupport.client(LLMTestSupport.settings(base: server.baseURL))
        let reply = client.chat(hello, purpose: "sql", temperature: 0)
        #expect(reply.call.status == "error")
        #expect(reply.call.attempts == 2)
        #expect(reply.call.httpStatus == 400)
        let error = try #require(reply.content.failure)
        #expect(error.code == .llmError)
        #expect(error.message.contains("HTTP 400") && error.message.contains("context length exceeded"))
        #expect(client.supportsJSONMode == nil)
    }

    @Test("500, 500, then 200: retried with backoff and answered")
    func retries5xx() throws {
        let server = try ScriptedHTTPServer { r in r.index < 2 ? .error(500, "boom") : .completion("{}") }
        let client = try LLMTestSupport.client(LLMTestSupport.settings(base: server.baseURL, ["llm.max_retries": "2"]))
        let reply = client.chat(hello, purpose: "sql", temperature: 0)
        #expect(reply.call.status == "ok")
        #expect(reply.call.attempts == 3)
        #expect(server.requestCount == 3)
    }

    @Test("503 every time: gives up after llm.max_retries with a transient llm_unavailable")
    func retriesExhausted() throws {
        let server = try ScriptedHTTPServer { _ in .error(503, "overloaded") }
        let client = try LLMTestSupport.client(LLMTestSupport.settings(base: server.baseURL, ["llm.max_retries": "2"]))
        let reply = client.chat(hello, purpose: "sql", temperature: 0)
        let error = try #require(reply.content.failure)
        #expect(error.code == .llmUnavailable)
        #expect(error.isTransient)
        #expect(error.message.contains("HTTP 503"))
        #expect(reply.call.attempts == 3)
        #expect(reply.call.httpStatus == 503)
        #expect(server.requestCount == 3)
    }

    @Test("429 with Retry-After: 1 waits that long (not the 10 ms backoff), then succeeds")
    func retryAfter() throws {
        let server = try ScriptedHTTPServer { r in
            r.index == 0 ? .error(429, "slow down", headers: [("Retry-After", "1")]) : .completion("{}")
        }
        let client = try LLMTestSupport.client(LLMTestSupport.settings(base: server.baseURL, ["llm.retry_base_ms": "1"]))
        let reply = client.chat(hello, purpose: "sql", temperature: 0)
        #expect(reply.call.status == "ok")
        #expect(reply.call.attempts == 2)
        let times = server.requests.map(\.receivedAt)
        #expect(times.count == 2)
        #expect(times[1].timeIntervalSince(times[0]) >= 0.95)
    }

    @Test("a Retry-After beyond a minute ends the call at once (transient), without parking the worker")
    func retryAfterTooLong() throws {
        let server = try ScriptedHTTPServer { _ in .error(429, "quota", headers: [("Retry-After", "3600")]) }
        let client = try LLMTestSupport.client(LLMTestSupport.settings(base: server.baseURL))
        let reply = client.chat(hello, purpose: "sql", temperature: 0)
        let error = try #require(reply.content.failure)
        #expect(error.code == .llmUnavailable && error.isTransient)
        #expect(error.message.contains("3600"))
        #expect(server.requestCount == 1)
    }

    @Test("Retry-After as seconds or an HTTP date")
    func retryAfterParsing() {
        let now = Date(timeIntervalSince1970: 1_700_000_000)
        #expect(LLMClient.retryAfter("7", now: now) == 7)
        #expect(LLMClient.retryAfter("-3", now: now) == 0)
        #expect(LLMClient.retryAfter(nil, now: now) == nil)
        #expect(LLMClient.retryAfter("soon", now: now) == nil)
        // 1_700_000_030 = Tue, 14 Nov 2023 22:13:50 GMT
        #expect(LLMClient.retryAfter("Tue, 14 Nov 2023 22:13:50 GMT", now: now) == 30)
    }

    @Test("backoff doubles per retry, with jitter, capped")
    func backoff() {
        for _ in 0..<50 {
            let b1 = LLMClient.backoff(retry: 1, base: 1, cap: 60), b3 = LLMClient.backoff(retry: 3, base: 1, cap: 60)
            #expect((0.5...1).contains(b1))
            #expect((2...4).contains(b3))
            #expect(LLMClient.backoff(retry: 20, base: 1, cap: 60) <= 60)
        }
    }

    @Test("a server that hangs: each attempt times out after llm.timeout_s; llm_unavailable, not transient")
    func hangPastTimeout() throws {
        let server = try ScriptedHTTPServer { _ in .hang }
        let client = try LLMTestSupport.client(LLMTestSupport.settings(base: server.baseURL,
                                                                       ["llm.timeout_s": "0.5", "llm.max_retries": "1"]))
        let started = Date()
        let reply = client.chat(hello, purpose: "sql", temperature: 0)
        let elapsed = Date().timeIntervalSince(started)
        let error = try #require(reply.content.failure)
        #expect(error.code == .llmUnavailable)
        #expect(!error.isTransient)
        #expect(error.message.contains("did not answer in time"))
        #expect(reply.call.attempts == 2)
        #expect(reply.call.httpStatus == nil)
        #expect(elapsed >= 0.9)
        #expect(elapsed < 20, "two 0.5 s attempts took \(elapsed) s")
        #expect(server.requestCount == 2)
    }

    @Test("nobody listening: llm_unavailable, transient, after the retries")
    func refused() throws {
        let port = LLMTestSupport.closedPort()
        let client = try LLMTestSupport.client(LLMTestSupport.settings(base: "http://127.0.0.1:\(port)/v1", ["llm.max_retries": "1"]))
        let reply = client.chat(hello, purpose: "sql", temperature: 0)
        let error = try #require(reply.content.failure)
        #expect(error.code == .llmUnavailable)
        #expect(error.isTransient)
        #expect(error.message.contains("cannot be reached"))
        #expect(reply.call.attempts == 2)
    }

    @Test("a connection closed without an answer is retried")
    func closedWithoutAnswer() throws {
        let server = try ScriptedHTTPServer { r in r.index == 0 ? .close : .completion("{}") }
        let client = try LLMTestSupport.client(LLMTestSupport.settings(base: server.baseURL))
        let reply = client.chat(hello, purpose: "sql", temperature: 0)
        #expect(reply.call.status == "ok")
        #expect(reply.call.attempts == 2)
    }

    @Test("a 200 that is not a chat completion is llm_error, not retried")
    func malformedEnvelope() throws {
        let server = try ScriptedHTTPServer { _ in .json(200, "this is { not json") }
        let client = try LLMTestSupport.client(LLMTestSupport.settings(base: server.baseURL))
        let reply = client.chat(hello, purpose: "sql", temperature: 0)
        #expect(reply.content.failure?.code == .llmError)
        #expect(reply.call.attempts == 1)
        #expect(reply.call.httpStatus == 200)
    }

    @Test("a response over 8 MiB is cut off: llm_error")
    func tooLarge() throws {
        let big = Data(repeating: UInt8(ascii: "a"), count: 9 << 20)
        let server = try ScriptedHTTPServer { _ in ScriptedReply(status: 200, body: big) }
        let client = try LLMTestSupport.client(LLMTestSupport.settings(base: server.baseURL))
        let reply = client.chat(hello, purpose: "sql", temperature: 0)
        #expect(reply.content.failure?.code == .llmError)
        #expect(reply.content.failure?.message.contains("8 MiB") == true)
    }

    @Test("cancelling a hanging request ends it within seconds, long before the 60 s timeout")
    func cancellation() throws {
        let server = try ScriptedHTTPServer { _ in .hang }
        let client = try LLMTestSupport.client(LLMTestSupport.settings(base: server.baseURL, ["llm.timeout_s": "60"]))
        let flag = CancellationFlag()
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3) { flag.cancel() }
        let started = Date()
        let reply = client.chat(hello, purpose: "sql", temperature: 0, cancel: flag)
        let elapsed = Date().timeIntervalSince(started)
        #expect(reply.content.failure?.message.contains("cancelled") == true)
        #expect(elapsed < 15, "cancel took \(elapsed) s")
        #expect(server.requestCount == 1)
    }

    @Test("at most llm.max_concurrent requests in flight, whatever the number of callers")
    func concurrencyLimit() throws {
        let server = try ScriptedHTTPServer { _ in .completion("{}", delay: 0.3) }
        let client = try LLMTestSupport.client(LLMTestSupport.settings(base: server.baseURL, ["llm.max_concurrent": "2"]))
        let ok = Locked(0)
        let done = DispatchSemaphore(value: 0)
        // Six real threads (concurrentPerform would use only as many as there are cores).
        for _ in 0..<6 {
            Thread {
                if client.chat(hello, purpose: "sql", temperature: 0).call.status == "ok" { ok.update { $0 += 1 } }
                done.signal()
            }.start()
        }
        for _ in 0..<6 { done.wait() }
        #expect(ok.get() == 6)
        #expect(server.requestCount == 6)
        #expect(server.maxInFlight <= 2)
        #expect(server.maxInFlight >= 1)
    }

    @Test("the daily request budget: the third request is refused before it is sent")
    func requestBudget() throws {
        let server = try ScriptedHTTPServer { _ in .completion("{}") }
        let client = try LLMTestSupport.client(LLMTestSupport.settings(base: server.baseURL, ["llm.daily_request_budget": "2"]),
                                               ledger: InMemoryLLMLedger())
        #expect(client.chat(hello, purpose: "sql", temperature: 0).call.status == "ok")
        #expect(client.chat(hello, purpose: "sql", temperature: 0).call.status == "ok")
        let third = client.chat(hello, purpose: "sql", temperature: 0)
        let error = try #require(third.content.failure)
        #expect(error.code == .llmBudgetExhausted)
        #expect(error.message.contains("2 of 2 requests"))
        #expect(third.call.error?.hasPrefix("llm_budget_exhausted") == true)
        #expect(server.requestCount == 2)
    }

    @Test("the daily token budget counts the usage servers report; a new UTC day starts afresh")
    func tokenBudget() throws {
        let server = try ScriptedHTTPServer { _ in .completion("{}", promptTokens: 100, completionTokens: 20) }
        let now = Locked(Date(timeIntervalSince1970: 1_700_000_000))
        let ledger = InMemoryLLMLedger(clock: { now.get() })
        let client = try LLMTestSupport.client(LLMTestSupport.settings(base: server.baseURL, ["llm.daily_token_budget": "200"]),
                                               ledger: ledger)
        #expect(client.chat(hello, purpose: "sql", temperature: 0).call.status == "ok")  // 0 used before
        #expect(client.chat(hello, purpose: "sql", temperature: 0).call.status == "ok")  // 120 used before
        #expect(client.chat(hello, purpose: "sql", temperature: 0).content.failure?.code == .llmBudgetExhausted)  // 240
        now.set(now.get().addingTimeInterval(86_400))
        #expect(client.chat(hello, purpose: "sql", temperature: 0).call.status == "ok")
        #expect(server.requestCount == 3)
    }

    @Test("the key is redacted from a server's error text, and never part of the description")
    func keyRedacted() throws {
        let secret = "sk-test-SECRET-0123456789"
        let server = try ScriptedHTTPServer { r in
            .error(401, "Incorrect API key provided: \(r.headers["authorization"] ?? "")")
        }
        let settings = try LLMTestSupport.settings(base: server.baseURL)
        let client = try LLMTestSupport.client(settings, key: secret)
        let reply = client.chat(hello, purpose: "sql", temperature: 0)
        let error = try #require(reply.content.failure)
        #expect(error.code == .llmUnavailable)
        #expect(error.message.contains("HTTP 401"))
        #expect(error.message.contains("[redacted]"))
        #expect(!error.message.contains(secret) && !(error.hint ?? "").contains(secret))
        #expect(!(reply.call.error ?? "").contains(secret))
        let key = try #require(try APIKey.resolve(settings: settings, environment: ["OPENAI_API_KEY": secret]))
        #expect("\(key)" == "[redacted]")
        #expect(!String(reflecting: key).contains(secret))
    }

    @Test("the async variant runs on a Dispatch queue and returns the same reply")
    func asyncChat() async throws {
        let server = try ScriptedHTTPServer { _ in .completion(#"{"a": 1}"#) }
        let client = try LLMTestSupport.client(LLMTestSupport.settings(base: server.baseURL))
        let reply = await client.chat(hello, purpose: "insight", temperature: 0.3)
        #expect(try reply.content.get() == #"{"a": 1}"#)
        #expect(reply.call.purpose == "insight")
    }

    @Test("GET /models: the ids, or nil when the server has no such endpoint")
    func models() throws {
        let server = try ScriptedHTTPServer { r in
            r.path == "/v1/models" ? .json(200, #"{"object": "list", "data": [{"id": "test-model"}, {"id": "other"}]}"#)
                                   : .error(404, "no")
        }
        let client = try LLMTestSupport.client(LLMTestSupport.settings(base: server.baseURL))
        #expect(try client.listModels().get() == ["test-model", "other"])
        let bare = try ScriptedHTTPServer { _ in .error(404, "not found") }
        let client2 = try LLMTestSupport.client(LLMTestSupport.settings(base: bare.baseURL))
        #expect(try client2.listModels().get() == nil)
    }

    @Test("base_url must be http(s) without credentials; an empty one means no LLM")
    func baseURLChecks() throws {
        #expect(throws: LumiereError.self) { try LLMTestSupport.settings(base: "file:///etc/passwd").endpoint("x") }
        let withUser = try LLMTestSupport.settings(base: "http://u:p@127.0.0.1:1/v1")
        #expect { try withUser.endpoint("x") } throws: { ($0 as? LumiereError)?.code == .configError }
        let none = try LLMTestSupport.settings(base: "")
        #expect(!none.isConfigured)
        #expect { try none.endpoint("x") } throws: { ($0 as? LumiereError)?.code == .llmUnavailable }
        #expect(try LLMTestSupport.settings(base: "http://127.0.0.1:8080/v1/").endpoint("models") == "http://127.0.0.1:8080/v1/models")
    }
}

extension Result {
    var failure: Failure? { if case .failure(let f) = self { return f } else { return nil } }
}

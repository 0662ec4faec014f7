// LLMClient: an OpenAI-compatible chat-completions client over libcurl, shared by every
// worker of a process.
//
// Inputs: settings (base URL, model, timeouts, retries, concurrency, budget), an optional
// API key, a budget ledger, and per call the messages, a purpose and a temperature.
// Output per call: an `LLMUsage.Call` record (always, also on failure) and the message
// content or a LumiereError.
//
// Behaviour:
//   - POST {base_url}/chat/completions with `Authorization: Bearer <key>` when a key exists,
//     `response_format: {"type": "json_object"}` and `max_tokens` while the server is not
//     known to reject them. A 400/422 answer to such a request is retried once without
//     both (the plain form every OpenAI-compatible server takes); when that works the
//     server is remembered as not supporting JSON mode (the prompts ask for JSON anyway and
//     the parsers accept it without the mode).
//   - Retries (llm.max_retries) after a timeout, a refused or broken connection, HTTP 408,
//     429, 500, 502, 503, 504: exponential backoff from llm.retry_base_ms with jitter
//     (×0.5–1), or the server's Retry-After (seconds or an HTTP date) when it gives one. A
//     Retry-After beyond `maxRetryWait` (60 s) ends the call at once (`llm_unavailable`,
//     transient): a worker is not parked for minutes.
//   - At most llm.max_concurrent requests in flight per client, whatever the number of
//     workers (a semaphore; waiting for a slot is bounded by llm.timeout_s).
//   - Every HTTP request is first counted against the day's budget (`llm_budget_exhausted`
//     when used up); tokens from `usage` are added after each response.
//   - Cancellation: a raised CancellationFlag (or its deadline, llm.question_timeout_s)
//     aborts a transfer within about a second (curl's progress callback) and ends retry
//     waits at once.
// Errors: `llm_unavailable` (no answer: unreachable, timed out, 429/5xx after retries,
// 401/403/404 — configuration), `llm_error` (an answer that is not a chat completion, or a
// 4xx rejection), `llm_budget_exhausted`. Messages carry the HTTP status and the server's
// own short message, with the key redacted; never prompt contents.
//
// Threading: thread-safe. Blocking: `chat` blocks (curl and retry waits) — call it from a
// Dispatch queue or thread; `chat(...) async` runs it on a Dispatch queue and resumes the
// task through a checked continuation.

import Foundation
import Logging
import LumiereCore

public final class LLMClient: @unchecked Sendable {
    // @unchecked: mutable state (idle handles, the JSON-mode verdict) is guarded by `lock`;
    // curl handles are used by one thread at a time (taken out of the pool while in use).
    public let settings: LLMSettings
    private let key: APIKey?
    private let ledger: (any LLMBudgetLedger)?
    private let logger: Logger
    /// Told about every finished call (the daemon's metrics count them); nil: nobody.
    private let onCall: (@Sendable (LLMUsage.Call) -> Void)?
    private let slots: DispatchSemaphore
    private let lock = NSLock()
    private var idle: [CurlHandle] = []
    private var jsonMode: Bool?
    private static let blockingQueue = DispatchQueue(label: "lumiere.llm.blocking", attributes: .concurrent)

    public init(settings: LLMSettings, key: APIKey?, ledger: (any LLMBudgetLedger)?, logger: Logger,
                onCall: (@Sendable (LLMUsage.Call) -> Void)? = nil) {
        self.settings = settings
        self.key = key
        self.ledger = ledger
        self.logger = logger
        self.onCall = onCall
        self.slots = DispatchSemaphore(value: max(1, settings.maxConcurrent))
    }

    /// nil until a JSON-mode request got an answer (true) or was rejected while a plain one
    /// was accepted (false).
    public var supportsJSONMode: Bool? { lock.withLock { jsonMode } }

    /// Remove the key from text that came from the server.
    public func redact(_ text: String) -> String { key?.redact(text) ?? text }

    /// True when text contains the API key (a model echoing it back).
    public func containsKey(_ text: String) -> Bool { key?.occurs(in: text) ?? false }

    public struct Reply: Sendable {
        public var call: LLMUsage.Call
        public var content: Result<String, LumiereError>
    }

    /// One chat completion, with retries. Never throws: the call record says what happened.
    public func chat(_ messages: [ChatMessage], purpose: String, temperature: Double, json: Bool = true,
                     cancel: CancellationFlag? = nil) -> Reply {
        let started = Date()
        var call = LLMUsage.Call(purpose: purpose, status: "error")
        func finish(_ result: Result<String, LumiereError>) -> Reply {
            call.latencyMs = (Date().timeIntervalSince(started) * 1000 * 10).rounded() / 10
            switch result {
            case .success:
                call.status = "ok"
            case .failure(let e):
                call.status = "error"
                call.error = "\(e.code): \(redact(e.message))"
            }
            logger.debug("llm call finished", metadata: [
                "llm.purpose": "\(purpose)", "llm.status": "\(call.status)", "llm.http_status": "\(call.httpStatus.map(String.init) ?? "-")",
                "llm.attempts": "\(call.attempts)", "llm.latency_ms": "\(call.latencyMs)",
                "llm.prompt_tokens": "\(call.promptTokens)", "llm.completion_tokens": "\(call.completionTokens)",
            ])
            onCall?(call)
            return Reply(call: call, content: result)
        }
        let url: String
        do { url = try settings.endpoint("chat/completions") } catch { return finish(.failure(error)) }

        var useJSON = json && (supportsJSONMode ?? true)
        var triedWithoutJSON = false
        var retries = 0
        while true {
            if cancel?.isCancelled == true { return finish(.failure(cancelled(cancel))) }
            do {
                try ledger?.reserveRequest(requestLimit: settings.dailyRequestBudget, tokenLimit: settings.dailyTokenBudget)
            } catch {
                return finish(.failure(error))
            }
            let body = ChatCompletionRequest(model: settings.model, messages: messages, temperature: temperature,
                                             maxTokens: useJSON ? settings.maxTokens : nil,
                                             responseFormat: useJSON ? .init(type: "json_object") : nil)
            let request = HTTPRequest(method: .post, url: url, headers: headers(json: true),
                                      body: try? JSONEncoder().encode(body),
                                      timeout: settings.timeout, connectTimeout: settings.connectTimeout)
            call.attempts += 1
            let outcome = send(request, cancel: cancel)
            var retryAfter: Double?
            switch outcome {
            case .failure(let failure):
                if failure.kind == .cancelled { return finish(.failure(cancelled(cancel))) }
                if !(failure.isRetryable && retries < settings.maxRetries) {
                    return finish(.failure(transportError(failure)))
                }
            case .success(let response):
                call.httpStatus = response.status
                let status = response.status
                if (200..<300).contains(status) {
                    return finish(parseCompletion(response, into: &call, jsonModeUsed: useJSON,
                                                  fellBack: triedWithoutJSON))
                }
                if (status == 400 || status == 422) && useJSON && !triedWithoutJSON {
                    // Perhaps the server does not know response_format: try once without.
                    logger.info("llm server rejected JSON mode; retrying without it",
                                metadata: ["llm.http_status": "\(status)"])
                    useJSON = false
                    triedWithoutJSON = true
                    continue
                }
                guard [408, 429, 500, 502, 503, 504].contains(status), retries < settings.maxRetries else {
                    return finish(.failure(httpError(response)))
                }
                retryAfter = Self.retryAfter(response.headers["retry-after"], now: Date())
                if let wait = retryAfter, wait > settings.maxRetryWait {
                    return finish(.failure(LumiereError(
                        .llmUnavailable, "the LLM server answered HTTP \(status) and asks to retry after \(Int(wait.rounded())) s",
                        hint: "wait, or use a server with more capacity; the daemon retries the job later", transient: true)))
                }
            }
            retries += 1
            let delay = retryAfter ?? Self.backoff(retry: retries, base: settings.retryBase, cap: settings.maxRetryWait)
            logger.debug("llm request will be retried", metadata: ["llm.purpose": "\(purpose)",
                                                                  "llm.retry_in_s": "\(String(format: "%.2f", delay))"])
            if !Self.wait(delay, cancel: cancel) { return finish(.failure(cancelled(cancel))) }
        }
    }

    /// `chat` on a Dispatch queue, resumed through a checked continuation: for async
    /// callers, so curl never blocks a thread of the cooperative pool.
    public func chat(_ messages: [ChatMessage], purpose: String, temperature: Double, json: Bool = true,
                     cancel: CancellationFlag? = nil) async -> Reply {
        await withCheckedContinuation { continuation in
            Self.blockingQueue.async {
                continuation.resume(returning: self.chat(messages, purpose: purpose, temperature: temperature,
                                                         json: json, cancel: cancel))
            }
        }
    }

    /// GET {base_url}/{path} (no retries, not counted against the budget): for `lumiere
    /// doctor`'s model check. Returns the status and body.
    public func get(_ path: String) -> Result<(status: Int, body: Data), LumiereError> {
        let url: String
        do { url = try settings.endpoint(path) } catch { return .failure(error) }
        let request = HTTPRequest(method: .get, url: url, headers: headers(json: false), body: nil,
                                  timeout: settings.timeout, connectTimeout: settings.connectTimeout)
        switch send(request, cancel: nil) {
        case .success(let r): return .success((r.status, r.body))
        case .failure(let f): return .failure(transportError(f))
        }
    }

    /// The model ids of GET /models, or nil when the server has no such endpoint.
    public func listModels() -> Result<[String]?, LumiereError> {
        switch get("models") {
        case .failure(let e): return .failure(e)
        case .success(let (status, body)):
            if [404, 405, 501].contains(status) { return .success(nil) }
            guard (200..<300).contains(status) else {
                return .failure(httpError(HTTPResponse(status: status, headers: [:], body: body)))
            }
            guard let list = try? JSONDecoder().decode(ModelList.self, from: body) else {
                return .failure(LumiereError(.llmError, "GET /models did not return an OpenAI model list",
                                             hint: "check that llm.base_url ends in the API's base (…/v1)"))
            }
            return .success(list.data.map(\.id))
        }
    }

    // MARK: transport

    private func headers(json: Bool) -> [(name: String, value: String)] {
        var h: [(name: String, value: String)] = [("Accept", "application/json"), ("User-Agent", "lumiere/0.1")]
        if json { h.append(("Content-Type", "application/json")) }
        if let key { h.append(key.authorizationHeader) }
        return h
    }

    /// One HTTP request inside a concurrency slot, on a pooled handle.
    private func send(_ request: HTTPRequest, cancel: CancellationFlag?) -> Result<HTTPResponse, TransportFailure> {
        guard slots.wait(timeout: .now() + settings.timeout) == .success else {
            return .failure(TransportFailure(kind: .timeout, message: "all \(settings.maxConcurrent) LLM request slots (llm.max_concurrent) stayed busy for \(settings.timeout) s"))
        }
        defer { slots.signal() }
        let handle: CurlHandle
        if let pooled = lock.withLock({ idle.popLast() }) {
            handle = pooled
        } else {
            do { handle = try CurlHandle() } catch { return .failure(error) }
        }
        let result = handle.perform(request, cancel: cancel)
        lock.withLock { if idle.count < settings.maxConcurrent { idle.append(handle) } }
        return result
    }

    private func parseCompletion(_ response: HTTPResponse, into call: inout LLMUsage.Call,
                                 jsonModeUsed: Bool, fellBack: Bool) -> Result<String, LumiereError> {
        guard let completion = try? JSONDecoder().decode(ChatCompletionResponse.self, from: response.body) else {
            return .failure(LumiereError(.llmError, "the server's answer (HTTP \(response.status)) is not an OpenAI chat completion",
                                         hint: "check that llm.base_url points at an OpenAI-compatible API (…/v1)"))
        }
        let prompt = completion.usage?.promptTokens ?? 0, done = completion.usage?.completionTokens ?? 0
        call.promptTokens = max(0, prompt)
        call.completionTokens = max(0, done)
        ledger?.addTokens(prompt: call.promptTokens, completion: call.completionTokens)
        lock.withLock {
            if jsonModeUsed { jsonMode = true } else if fellBack { jsonMode = false }
        }
        guard let content = completion.choices.first?.message?.content else {
            return .failure(LumiereError(.llmError, "the server's completion has no message content",
                                         hint: "the model may have refused or run out of tokens; try another model"))
        }
        return .success(content)
    }

    private func cancelled(_ flag: CancellationFlag?) -> LumiereError {
        if flag?.isPastDeadline == true {
            return LumiereError(.llmUnavailable, "the LLM took longer than llm.question_timeout_s (\(settings.questionTimeout) s) on this question",
                                hint: "use a faster model or server, or raise llm.question_timeout_s")
        }
        return LumiereError(.llmUnavailable, "the LLM request was cancelled", hint: "the job was stopped")
    }

    func transportError(_ f: TransportFailure) -> LumiereError {
        switch f.kind {
        case .timeout:
            return LumiereError(.llmUnavailable, "the LLM server did not answer in time (\(f.message))",
                                hint: "check the server's load, or raise llm.timeout_s (now \(settings.timeout) s)",
                                underlying: f.message)
        case .unreachable:
            return LumiereError(.llmUnavailable, "the LLM server cannot be reached (\(f.message))",
                                hint: "start the server, or check llm.base_url (\(Self.displayBase(settings.baseURL)))",
                                transient: true, underlying: f.message)
        case .connectionLost:
            return LumiereError(.llmUnavailable, "the connection to the LLM server broke (\(f.message))",
                                hint: "check the server's log", underlying: f.message)
        case .cancelled:
            return cancelled(nil)
        case .tooLarge:
            return LumiereError(.llmError, "the LLM server's answer is larger than 8 MiB", hint: "check llm.base_url")
        case .other:
            return LumiereError(.llmUnavailable, "the request to the LLM server failed (\(f.message))",
                                hint: "check llm.base_url (\(Self.displayBase(settings.baseURL)))", underlying: f.message)
        }
    }

    func httpError(_ r: HTTPResponse) -> LumiereError {
        let said = (try? JSONDecoder().decode(ServerErrorBody.self, from: r.body))?.message
            .map { ": " + UntrustedText.clean(redact($0), maxLength: 200) } ?? ""
        switch r.status {
        case 401, 403:
            return LumiereError(.llmUnavailable, "the LLM server refused the request (HTTP \(r.status))\(said)",
                                hint: "check the API key: llm.api_key_file, the credential llm-api-key, or $\(settings.apiKeyEnv)")
        case 404:
            return LumiereError(.llmUnavailable, "the LLM server has no such endpoint or model (HTTP 404)\(said)",
                                hint: "check llm.base_url (it usually ends in /v1) and llm.model (\(settings.model)); `lumiere doctor` lists the models")
        case 429, 502, 503, 504:
            return LumiereError(.llmUnavailable, "the LLM server is busy or down (HTTP \(r.status))\(said)",
                                hint: "wait and retry; the daemon retries the job later", transient: true)
        case 500...599:
            return LumiereError(.llmUnavailable, "the LLM server failed (HTTP \(r.status))\(said)", hint: "check the server's log")
        default:
            return LumiereError(.llmError, "the LLM server rejected the request (HTTP \(r.status))\(said)",
                                hint: "check llm.model and the server's log")
        }
    }

    /// The base URL for messages and `lumiere doctor`: scheme, host, port and path, never a
    /// user or password.
    public static func displayBaseForDoctor(_ base: String) -> String { displayBase(base) }

    /// The base URL for messages: scheme, host and port only.
    static func displayBase(_ base: String) -> String {
        guard let url = URL(string: base), let scheme = url.scheme, let host = url.host else { return "not a URL" }
        return "\(scheme)://\(host)\(url.port.map { ":\($0)" } ?? "")\(url.path)"
    }

    // MARK: timing

    /// Seconds to wait before retry `retry` (1-based): base·2^(retry-1), capped, ×0.5–1.
    static func backoff(retry: Int, base: Double, cap: Double) -> Double {
        let exp = min(cap, base * pow(2, Double(max(0, retry - 1))))
        return exp * Double.random(in: 0.5...1.0)
    }

    /// A Retry-After header in seconds: delta-seconds or an HTTP date; nil when absent or
    /// unreadable. Negative values count as 0.
    static func retryAfter(_ header: String?, now: Date) -> Double? {
        guard let text = header?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        if let seconds = Double(text), seconds.isFinite { return max(0, seconds) }
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "GMT")
        f.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = f.date(from: text) else { return nil }
        return max(0, date.timeIntervalSince(now))
    }

    /// Sleep `seconds` in short slices; false when cancelled meanwhile.
    static func wait(_ seconds: Double, cancel: CancellationFlag?) -> Bool {
        let end = Date().addingTimeInterval(seconds)
        while Date() < end {
            if cancel?.isCancelled == true { return false }
            Thread.sleep(forTimeInterval: min(0.05, max(0, end.timeIntervalSinceNow)))
        }
        return cancel?.isCancelled != true
    }
}

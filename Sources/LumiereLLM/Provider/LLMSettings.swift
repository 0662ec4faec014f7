// LLMSettings: the `[llm]` keys of LumiereConfig as typed values, and the endpoint URLs
// built from `llm.base_url`. No I/O.

import Foundation
import LumiereCore

/// What may leave the machine in prompts (`llm.share`).
public enum LLMShare: String, Sendable, CaseIterable {
    /// Column names, types, counts, and ranges of numeric and date columns.
    case schema
    /// Also a few distinct values per text column.
    case sample
    /// Also result rows (for LLM charts and insights).
    case full
}

public struct LLMSettings: Sendable, Equatable {
    /// The API base without a trailing slash ("" = no LLM configured).
    public var baseURL: String
    public var model: String
    public var apiKeyFile: String
    public var apiKeyEnv: String
    public var temperatureSQL: Double
    public var temperatureText: Double
    public var timeout: Double
    public var connectTimeout: Double
    /// Longest time one LLM stage of a question (SQL with repairs, chart, insights) may take.
    public var questionTimeout: Double
    public var maxRetries: Int
    public var retryBase: Double
    public var maxConcurrent: Int
    public var share: LLMShare
    public var repairAttempts: Int
    public var dailyRequestBudget: Int
    public var dailyTokenBudget: Int
    public var promptDir: String
    public var autoMinConfidence: Double
    /// The longest Retry-After honoured; a server asking for longer gets no more retries.
    public var maxRetryWait: Double = 60
    /// Completion tokens asked for at most per call.
    public var maxTokens: Int = 2000

    public init(config: LumiereConfig) {
        var base = config.string("llm.base_url").trimmingCharacters(in: .whitespaces)
        while base.hasSuffix("/") { base.removeLast() }
        baseURL = base
        model = config.string("llm.model")
        apiKeyFile = config.string("llm.api_key_file")
        apiKeyEnv = config.string("llm.api_key_env")
        temperatureSQL = config.double("llm.temperature_sql")
        temperatureText = config.double("llm.temperature_text")
        timeout = config.double("llm.timeout_s")
        connectTimeout = config.double("llm.connect_timeout_s")
        questionTimeout = config.double("llm.question_timeout_s")
        maxRetries = config.int("llm.max_retries")
        retryBase = Double(config.int("llm.retry_base_ms")) / 1000
        maxConcurrent = config.int("llm.max_concurrent")
        share = LLMShare(rawValue: config.string("llm.share")) ?? .schema
        repairAttempts = config.int("llm.repair_attempts")
        dailyRequestBudget = config.int("llm.daily_request_budget")
        dailyTokenBudget = config.int("llm.daily_token_budget")
        promptDir = config.string("llm.prompt_dir")
        autoMinConfidence = config.double("llm.auto_min_confidence")
    }

    /// True when `llm.base_url` is set.
    public var isConfigured: Bool { !baseURL.isEmpty }

    /// `{base_url}/{path}`, after checking the base is an http(s) URL with a host.
    public func endpoint(_ path: String) throws(LumiereError) -> String {
        guard isConfigured else {
            throw LumiereError(.llmUnavailable, "no LLM is configured (llm.base_url is empty)",
                               hint: "set llm.base_url, e.g. LUMIERE_LLM_BASE_URL=http://127.0.0.1:11434/v1 for Ollama")
        }
        guard let url = URL(string: baseURL), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = url.host, !host.isEmpty else {
            throw LumiereError(.configError, "llm.base_url is not an http:// or https:// URL",
                               hint: "e.g. https://api.openai.com/v1 or http://127.0.0.1:8080/v1")
        }
        if url.user != nil || url.password != nil {
            throw LumiereError(.configError, "llm.base_url must not carry a user name or password",
                               hint: "put the key in llm.api_key_file or the variable named by llm.api_key_env")
        }
        return baseURL + "/" + path
    }
}

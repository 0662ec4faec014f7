// The LLM engine's per-day usage counters (table llm_usage, migration "llm_usage"): one row
// per UTC day with the HTTP requests made and the tokens the server reported. Reserving a
// request checks and counts in one write transaction, so concurrent workers and a `lumiere
// ask --spool` process never overshoot the budget together.
//
// Failure modes: `llm_budget_exhausted` when the day's requests or tokens are used up;
// database errors as usual (busy → transient).

import Foundation
import GRDB
import LumiereCore

public struct LLMDayUsage: Sendable, Equatable {
    public var day: String
    public var requests: Int
    public var promptTokens: Int
    public var completionTokens: Int
    public var tokens: Int { promptTokens + completionTokens }

    public init(day: String, requests: Int = 0, promptTokens: Int = 0, completionTokens: Int = 0) {
        self.day = day
        self.requests = requests
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
    }
}

extension StateStore {
    /// Count one request against `day` unless the day's requests reached `requestLimit` or
    /// its tokens reached `tokenLimit` (0: no limit), which throws `llm_budget_exhausted`.
    public func reserveLLMRequest(day: String, requestLimit: Int, tokenLimit: Int) throws(LumiereError) -> LLMDayUsage {
        let outcome: Result<LLMDayUsage, LumiereError> = try write("counting an LLM request") { db in
            let used = try Self.llmUsage(db, day: day)
            if requestLimit > 0 && used.requests >= requestLimit {
                return .failure(LumiereError(.llmBudgetExhausted,
                                             "the LLM request budget for \(day) (UTC) is used up: \(used.requests) of \(requestLimit) requests",
                                             hint: "wait for the next UTC day, or raise llm.daily_request_budget"))
            }
            if tokenLimit > 0 && used.tokens >= tokenLimit {
                return .failure(LumiereError(.llmBudgetExhausted,
                                             "the LLM token budget for \(day) (UTC) is used up: \(used.tokens) of \(tokenLimit) tokens",
                                             hint: "wait for the next UTC day, or raise llm.daily_token_budget"))
            }
            try db.execute(sql: """
                INSERT INTO llm_usage (day, requests) VALUES (?, 1)
                ON CONFLICT(day) DO UPDATE SET requests = requests + 1
                """, arguments: [day])
            var now = used
            now.requests += 1
            return .success(now)
        }
        return try outcome.get()
    }

    /// Add the tokens a response reported to `day`.
    public func addLLMTokens(day: String, prompt: Int, completion: Int) throws(LumiereError) {
        try write("counting LLM tokens") { db in
            try db.execute(sql: """
                INSERT INTO llm_usage (day, prompt_tokens, completion_tokens) VALUES (?, ?, ?)
                ON CONFLICT(day) DO UPDATE SET prompt_tokens = prompt_tokens + excluded.prompt_tokens,
                                               completion_tokens = completion_tokens + excluded.completion_tokens
                """, arguments: [day, max(0, prompt), max(0, completion)])
        }
    }

    public func llmUsage(day: String) throws(LumiereError) -> LLMDayUsage {
        try read("reading LLM usage") { db in try Self.llmUsage(db, day: day) }
    }

    static func llmUsage(_ db: Database, day: String) throws -> LLMDayUsage {
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM llm_usage WHERE day = ?", arguments: [day]) else {
            return LLMDayUsage(day: day)
        }
        return LLMDayUsage(day: day, requests: row["requests"], promptTokens: row["prompt_tokens"],
                           completionTokens: row["completion_tokens"])
    }
}

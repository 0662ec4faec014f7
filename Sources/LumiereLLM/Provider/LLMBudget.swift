// The per-day request and token budget. The client asks a ledger before every HTTP request
// and tells it the tokens each response reported. Lumiere's daemon and `lumiere ask` use a
// ledger over the state database (LumiereDaemon's StateStoreLLMLedger: survives restarts,
// shared by processes); `InMemoryLLMLedger` is for processes without a state database.
// Days are UTC calendar days.

import Foundation
import LumiereCore

public protocol LLMBudgetLedger: Sendable {
    /// Count one request, or throw `llm_budget_exhausted` when today's requests reached
    /// `requestLimit` or its tokens reached `tokenLimit` (0: no limit).
    func reserveRequest(requestLimit: Int, tokenLimit: Int) throws(LumiereError)
    /// Add the tokens a response reported.
    func addTokens(prompt: Int, completion: Int)
}

public enum LLMBudgetDay {
    /// "YYYY-MM-DD" of `date` in UTC.
    public static func string(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }
}

public final class InMemoryLLMLedger: LLMBudgetLedger, @unchecked Sendable {
    // @unchecked: all mutable state is guarded by `lock`.
    private let lock = NSLock()
    private var day = ""
    private var requests = 0
    private var tokens = 0
    private let clock: @Sendable () -> Date

    public init(clock: @escaping @Sendable () -> Date = { Date() }) {
        self.clock = clock
    }

    public func reserveRequest(requestLimit: Int, tokenLimit: Int) throws(LumiereError) {
        let today = LLMBudgetDay.string(clock())
        let refusal: LumiereError? = lock.withLock {
            if day != today { (day, requests, tokens) = (today, 0, 0) }
            if requestLimit > 0 && requests >= requestLimit {
                return LumiereError(.llmBudgetExhausted, "the LLM request budget for \(today) (UTC) is used up: \(requests) of \(requestLimit) requests",
                                    hint: "wait for the next UTC day, or raise llm.daily_request_budget")
            }
            if tokenLimit > 0 && tokens >= tokenLimit {
                return LumiereError(.llmBudgetExhausted, "the LLM token budget for \(today) (UTC) is used up: \(tokens) of \(tokenLimit) tokens",
                                    hint: "wait for the next UTC day, or raise llm.daily_token_budget")
            }
            requests += 1
            return nil
        }
        if let refusal { throw refusal }
    }

    public func addTokens(prompt: Int, completion: Int) {
        let today = LLMBudgetDay.string(clock())
        lock.withLock {
            if day != today { (day, requests, tokens) = (today, 0, 0) }
            tokens += max(0, prompt) + max(0, completion)
        }
    }
}

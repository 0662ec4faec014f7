// LLMRuntime: the LLM engine as one process has it — built once from the configuration
// (settings, API key, prompt templates, a client whose budget lives in the state
// database), shared by all workers. Building it makes no network request; a problem
// found while building (no base_url, an unreadable key file, missing prompts) is kept and
// reported when a question needs the LLM, so the builtin engine keeps working meanwhile.

import Foundation
import Logging
import LumiereCore
import LumiereLLM
import LumiereStore

public final class LLMRuntime: Sendable {
    public let settings: LLMSettings
    /// The engine, or why there is none.
    public let engine: Result<LLMEngine, LumiereError>

    public init(config: LumiereConfig, store: any StateBackend, environment: [String: String], logger: Logger,
                onCall: (@Sendable (LLMUsage.Call) -> Void)? = nil) {
        let settings = LLMSettings(config: config)
        self.settings = settings
        engine = Result { () throws(LumiereError) -> LLMEngine in
            _ = try settings.endpoint("chat/completions")  // configured, and a usable URL
            let key = try APIKey.resolve(settings: settings, environment: environment)
            let templates = try PromptTemplates.load(promptDir: settings.promptDir)
            let client = LLMClient(settings: settings, key: key, ledger: StateStoreLLMLedger(store: store), logger: logger,
                                   onCall: onCall)
            return LLMEngine(client: client, templates: templates)
        }
    }

    public var isConfigured: Bool { settings.isConfigured }
    public var model: String { settings.model }
    public var engineVersion: String {
        (try? engine.get().engineVersion) ?? LLMEngine.version
    }
}

/// The budget ledger over the state database: survives restarts, shared by the daemon's
/// workers and `lumiere ask --spool` on the same spool.
public struct StateStoreLLMLedger: LLMBudgetLedger {
    let store: any StateBackend
    let clock: @Sendable () -> Date

    public init(store: any StateBackend, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.clock = clock
    }

    public func reserveRequest(requestLimit: Int, tokenLimit: Int) throws(LumiereError) {
        _ = try store.reserveLLMRequest(day: LLMBudgetDay.string(clock()), requestLimit: requestLimit, tokenLimit: tokenLimit)
    }

    public func addTokens(prompt: Int, completion: Int) {
        // A failure to count (busy database) must not fail the answer that was paid for.
        try? store.addLLMTokens(day: LLMBudgetDay.string(clock()), prompt: prompt, completion: completion)
    }
}

// EngineSelection: which engine writes a question's SQL, and the LLM's part of the
// analyst's stages (SQL with repairs, charts, insights), for `Analyst.answer`.
//
//   engine = builtin  the builtin engine only (offline).
//   engine = llm      the LLM first; when it cannot be used (not configured, unreachable,
//                     budget used up) or gives nothing usable after its repairs, the builtin
//                     engine answers if it can, and the result carries a warning.
//   engine = auto     the builtin engine first; the LLM only when the builtin refuses, is
//                     unsure (confidence below llm.auto_min_confidence) or finds the question
//                     ambiguous, and an LLM is configured. The LLM failing falls back to the
//                     builtin's own outcome, with a warning.
// When neither engine can answer, the error is the LLM's (`llm_unavailable`,
// `llm_budget_exhausted`, or the sandbox's code for its last SQL) with both reasons.
//
// Scheduling choice: that error is transient — the daemon retries the job later with its
// backoff — only for `llm_unavailable` caused by a refused connection or HTTP 429/502/503/
// 504 after the client's own retries (the server is restarting or says "later"). After
// timeouts (a hung server would hold a worker for minutes per attempt), 4xx answers,
// unusable answers or an exhausted budget the job fails at once.
//
// Each LLM stage (SQL with repairs, chart, insights) gets llm.question_timeout_s, retries
// and repairs included: a CancellationFlag with that deadline aborts the transfer in
// flight, so a slow or hanging server cannot hold a worker for retries × repairs × timeout.
//
// In a question's pipeline, charts and insights come from the LLM only when it wrote the
// SQL, llm.share = full and the result has at most 50 rows (the rows must be sent); the
// `chart` / `insight` actions may ask for it explicitly (AnalystStages.swift). Any invalid
// answer falls back to
// the builtin recommender and generator, with a warning. `engines` records which engine
// produced the SQL, the chart and the insights; `llm` records every call.

import Foundation
import LumiereCore
import LumiereLLM
import LumiereStore

struct SQLSelection {
    var outcome: AnalystOutcome
    /// The rows, when the chosen engine already ran its SQL (the LLM's repair loop does).
    var result: QueryResult?
    /// The LLM's stated intent and confidence (nil when it gave none); used instead of the
    /// outcome's when `result` is set.
    var llmIntent: QueryIntent?
    var llmConfidence: Double?
}

extension Analyst {
    func selectSQL(_ request: Request, source: SourceRecord, into doc: inout ResultDocument) -> SQLSelection {
        let mode = request.engine ?? config.engine
        let question = request.question ?? ""
        let schema = source.schema
        func builtin() -> AnalystOutcome { BuiltinAnalyst().translate(question, schema: schema) }
        func useBuiltin(_ outcome: AnalystOutcome) -> SQLSelection {
            doc.engine = "builtin"
            doc.engines = EngineInfo(sql: "builtin")
            return SQLSelection(outcome: outcome)
        }
        switch mode {
        case .llm:
            switch askLLM(question, source: source, into: &doc) {
            case .success(let selection): return selection
            case .failure(let failure): return fallBack(from: failure, to: builtin(), into: &doc)
            }
        case .auto:
            let first = builtin()
            if request.choice != nil { return useBuiltin(first) }  // a pick among the builtin's readings
            if case .answer(let q) = first, q.confidence >= llm.settings.autoMinConfidence { return useBuiltin(first) }
            guard llm.isConfigured else { return useBuiltin(first) }
            switch askLLM(question, source: source, into: &doc) {
            case .success(let selection): return selection
            case .failure(let failure): return fallBack(from: failure, to: first, into: &doc)
            }
        case .builtin:
            return useBuiltin(builtin())
        }
    }

    private func askLLM(_ question: String, source: SourceRecord,
                        into doc: inout ResultDocument) -> Result<SQLSelection, LLMFailure> {
        let engine: LLMEngine
        switch llm.engine {
        case .failure(let e): return .failure(LLMFailure(e, unavailable: true))
        case .success(let e): engine = e
        }
        var usage = doc.llm ?? engine.newUsage()
        var executor: SandboxedExecutor?
        var executionMs: Double?
        let dialect = SQLDialect(sqliteVersion: SandboxDialect.sqliteVersion, functions: SandboxDialect.allowedFunctions,
                                 table: SandboxDialect.tableName)
        let deadline = CancellationFlag(timeout: engine.settings.questionTimeout)
        let outcome = engine.writeSQL(question: question, schema: source.schema, dialect: dialect, usage: &usage,
                                      cancel: deadline) { sql in
            do throws(LumiereError) {
                if executor == nil {
                    executor = try SandboxedExecutor(databasePath: "\(layout.state)/\(source.databaseFile)", limits: sandboxLimits)
                }
                let t = Date()
                let result = try executor!.run(sql)
                executionMs = ms(since: t)
                return .success(result)
            } catch {
                return .failure(error)
            }
        }
        doc.llm = usage
        switch outcome {
        case .failure(let failure):
            logger.notice("llm engine gave no usable SQL", metadata: ["error.code": "\(failure.error.code)"])
            return .failure(failure)
        case .success(let s):
            doc.engine = "llm"
            doc.engines = EngineInfo(sql: "llm")
            if let executionMs { doc.timingsMs["execution"] = executionMs }
            let interpretation = s.answer.interpretation.isEmpty ? "SQL written by the LLM (\(engine.model))" : s.answer.interpretation
            let query = GeneratedQuery(sql: s.sql, interpretation: interpretation, confidence: s.answer.confidence ?? 0,
                                       intent: s.answer.intent ?? .listing)
            return .success(SQLSelection(outcome: .answer(query), result: s.result, llmIntent: s.answer.intent,
                                         llmConfidence: s.answer.confidence))
        }
    }

    private func fallBack(from failure: LLMFailure, to builtin: AnalystOutcome,
                          into doc: inout ResultDocument) -> SQLSelection {
        doc.engine = "builtin"
        doc.engines = EngineInfo(sql: "builtin")
        let why = "\(failure.error.code): \(failure.error.message)"
        switch builtin {
        case .answer, .clarify:
            doc.warnings = (doc.warnings ?? []) + ["The LLM could not answer (\(why)); the builtin engine answered instead."]
            return SQLSelection(outcome: builtin)
        case .refuse(let refusal):
            var error = failure.error
            error.message = "\(failure.error.message); the builtin engine could not answer either: \(refusal.message)"
            error.hint = failure.error.hint ?? refusal.hint
            // Transient only where a later retry can help (see the header): the client marks
            // llm_unavailable transient for refused connections and 429/502/503/504 only;
            // a busy state database stays transient too.
            error.isTransient = failure.error.isTransient
            return SQLSelection(outcome: .refuse(error))
        }
    }

    /// The LLM's chart for a result, or nil (then the builtin draws one). Whether to ask
    /// at all is the chart stage's decision (AnalystStages.swift).
    func llmChart(result: QueryResult, question: String?, into doc: inout ResultDocument) -> ChartPayload? {
        guard case .success(let engine) = llm.engine, engine.mayDescribe(result) == nil else { return nil }
        var usage = doc.llm ?? engine.newUsage()
        defer { doc.llm = usage }
        switch engine.proposeChart(question: question, interpretation: doc.interpretation, sql: doc.sql,
                                   result: result, usage: &usage, cancel: CancellationFlag(timeout: engine.settings.questionTimeout)) {
        case .success(let chart):
            doc.engines?.chart = "llm"
            return chart
        case .failure(let failure):
            doc.warnings = (doc.warnings ?? []) + ["The LLM's chart was not usable (\(failure.error.code): \(failure.error.message)); the builtin chart is shown."]
            return nil
        }
    }

    /// The LLM's insights for a result, or nil (then the builtin writes them).
    func llmInsights(result: QueryResult, question: String?, into doc: inout ResultDocument) -> Insights? {
        guard case .success(let engine) = llm.engine, engine.mayDescribe(result) == nil else { return nil }
        var usage = doc.llm ?? engine.newUsage()
        defer { doc.llm = usage }
        switch engine.writeInsights(question: question, interpretation: doc.interpretation, sql: doc.sql,
                                    result: result, usage: &usage, cancel: CancellationFlag(timeout: engine.settings.questionTimeout)) {
        case .success(let insights):
            doc.engines?.insights = "llm"
            return insights
        case .failure(let failure):
            doc.warnings = (doc.warnings ?? []) + ["The LLM's insights were not usable (\(failure.error.code): \(failure.error.message)); the builtin insights are shown."]
            return nil
        }
    }
}

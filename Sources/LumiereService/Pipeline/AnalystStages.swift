// The chart and insight stages of the analyst, as functions that take the engine name:
// the same stage runs after a question and when a stored query's chart or insights are
// regenerated on request (`chart` / `insight` actions, whose `engine` field picks it).
//
// Engines:
//   builtin  the deterministic ChartRecommender and InsightGenerator only.
//   auto     the LLM when it wrote the query's SQL (and may see the rows: llm.share =
//            full, few rows), else builtin. This is what a question's pipeline uses.
//   llm      the LLM, whoever wrote the SQL; no LLM configured is an error
//            (`llm_unavailable`), and a rows-may-not-leave setting is `llm_error` with
//            the reason, so an explicit request never silently gets the builtin answer.
// An LLM answer that is unusable (invalid chart, malformed insights, server down) falls
// back to builtin with a warning, in both auto and llm (see EngineSelection.swift).
// Inputs: the query result, the question/interpretation/intent, a forced chart kind.
// Output: the document's chart / insights, engines.chart / engines.insights, the
// stage's timing, `llm` usage; the SVG picture for the report.

import Foundation
import LumiereCore
import LumiereLLM
import LumiereStore

extension Analyst {
    /// Whether the LLM should be asked for this stage; throws when `engine` is "llm" and
    /// the LLM cannot be asked at all.
    private func stageUsesLLM(_ engine: EngineMode, result: QueryResult, stage: String,
                              doc: ResultDocument) throws(LumiereError) -> Bool {
        switch engine {
        case .llm:
            let llmEngine: LLMEngine
            switch llm.engine {
            case .success(let e): llmEngine = e
            case .failure(let error): throw error
            }
            if let why = llmEngine.mayDescribe(result) {
                throw LumiereError(.llmError, "the LLM cannot write \(stage) for this query: \(why)",
                                   hint: "set llm.share = full to let result rows (at most 50) leave the machine, or use engine builtin")
            }
            return true
        case .auto:
            return doc.engines?.sql == "llm"
        case .builtin:
            return false
        }
    }

    /// Recommend (or draw the forced kind of) chart for a result.
    func chartStage(engine: EngineMode, result: QueryResult, question: String?, chartType: ChartKind?,
                    intent: QueryIntent?, into doc: inout ResultDocument, svg: inout String?) throws(LumiereError) {
        let t = Date()
        let forced = chartType
        if doc.engines == nil { doc.engines = EngineInfo(sql: doc.engine ?? "builtin") }
        // A forced kind is drawn by the builtin renderer: the model has nothing to choose.
        var fromLLM: ChartPayload?
        if forced == nil, try stageUsesLLM(engine, result: result, stage: "charts", doc: doc) {
            fromLLM = llmChart(result: result, question: question, into: &doc)
        }
        let chart = fromLLM ?? ChartRecommender().recommend(result: result, question: question,
                                                            interpretation: doc.interpretation, intent: intent, forced: forced)
        doc.chart = chart
        doc.engines?.chart = fromLLM == nil ? "builtin" : "llm"
        svg = SVGChartRenderer().render(chart)
        doc.timingsMs["chart"] = ms(since: t)
    }

    /// Write insights about a result.
    func insightStage(engine: EngineMode, result: QueryResult, schema: SourceSchema?, question: String?,
                      intent: QueryIntent?, into doc: inout ResultDocument) throws(LumiereError) {
        let t = Date()
        if doc.engines == nil { doc.engines = EngineInfo(sql: doc.engine ?? "builtin") }
        var fromLLM: Insights?
        if try stageUsesLLM(engine, result: result, stage: "insights", doc: doc) {
            fromLLM = llmInsights(result: result, question: question, into: &doc)
        }
        doc.insights = fromLLM ?? InsightGenerator().generate(result: result, schema: schema, question: question,
                                                               interpretation: doc.interpretation, intent: intent)
        doc.engines?.insights = fromLLM == nil ? "builtin" : "llm"
        doc.timingsMs["insights"] = ms(since: t)
    }

    /// The builtin engine's intent for a stored query: the question translated again over
    /// the same schema (deterministic), used only when it yields the very SQL stored (or
    /// one of the candidates, for a chosen reading). nil otherwise: the chart and insight
    /// stages then go by the result's shape alone.
    func recoverIntent(question: String?, sql: String, schema: SourceSchema) -> QueryIntent? {
        guard let question, !question.isEmpty else { return nil }
        switch BuiltinAnalyst().translate(question, schema: schema) {
        case .answer(let q): return q.sql == sql ? q.intent : nil
        case .clarify(let candidates): return candidates.first { $0.sql == sql }?.intent
        case .refuse: return nil
        }
    }
}

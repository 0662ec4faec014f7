// The chart and insight stages of the analyst, as functions that take the engine name:
// the same stage runs after a question (engine "builtin") and when a stored query's
// chart or insights are regenerated on request (`chart` / `insight` actions, whose
// `engine` field picks it).
//
// Engines: "builtin" (and "auto", which means builtin here) are the deterministic
// ChartRecommender and InsightGenerator. "llm" is the seam for the LLM engine, which is
// not part of this build: it fails with `unsupported_engine` (permanent, not retried) so
// a request asking for it gets a clear answer instead of a silent builtin fallback.
// Inputs: the query result, the question/interpretation/intent, a forced chart kind.
// Output: the document's chart / insights, engines.chart / engines.insights and the
// stage's timing; the SVG picture for the report.

import Foundation
import LumiereCore
import LumiereStore

extension Analyst {
    /// Engines the chart and insight stages know in this build.
    public static let stageEngines = ["builtin", "auto"]

    func stageEngineError(_ engine: String, stage: String) -> LumiereError {
        if engine == "llm" {
            return LumiereError(.unsupportedEngine, "the llm engine cannot write \(stage) in this build",
                                hint: "omit \"engine\" (or use \"builtin\") for the \(stage); the LLM engine for this stage is not installed here")
        }
        return LumiereError(.unsupportedEngine, "there is no \(stage) engine \"\(engine.prefix(20))\"",
                            hint: "use builtin")
    }

    /// Recommend (or draw the forced kind of) chart for a result.
    func chartStage(engine: String, result: QueryResult, question: String?, chartType: String?,
                    intent: QueryIntent?, into doc: inout ResultDocument, svg: inout String?) throws(LumiereError) {
        guard Self.stageEngines.contains(engine) else { throw stageEngineError(engine, stage: "charts") }
        let t = Date()
        let forced = chartType.flatMap(ChartKind.init(userValue:))
        let chart = ChartRecommender().recommend(result: result, question: question, interpretation: doc.interpretation,
                                                 intent: intent, forced: forced)
        doc.chart = chart
        if doc.engines == nil { doc.engines = EngineInfo(sql: doc.engine ?? "builtin") }
        doc.engines?.chart = "builtin"
        svg = SVGChartRenderer().render(chart)
        doc.timingsMs["chart"] = ms(since: t)
    }

    /// Write insights about a result.
    func insightStage(engine: String, result: QueryResult, schema: SourceSchema?, question: String?,
                      intent: QueryIntent?, into doc: inout ResultDocument) throws(LumiereError) {
        guard Self.stageEngines.contains(engine) else { throw stageEngineError(engine, stage: "insights") }
        let t = Date()
        doc.insights = InsightGenerator().generate(result: result, schema: schema, question: question,
                                                   interpretation: doc.interpretation, intent: intent)
        if doc.engines == nil { doc.engines = EngineInfo(sql: doc.engine ?? "builtin") }
        doc.engines?.insights = "builtin"
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

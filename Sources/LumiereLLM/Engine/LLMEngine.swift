// LLMEngine: the LLM as an analyst — SQL for a question (with a repair loop), a chart and
// insights for a result — built on LLMClient and the prompt templates.
//
// Inputs: the question and the source's schema; a `run` closure that executes SQL in the
// caller's sandbox (LumiereDaemon passes the SandboxedExecutor; this module never opens a
// database); the result rows for charts and insights. Outputs: a validated answer, or a
// failure the caller turns into a fallback to the builtin engine. Every call is added to
// an LLMUsage, with what its prompt sent.
//
// Everything the model writes is untrusted: answers are parsed strictly (ModelAnswer), SQL
// must be a single SELECT/WITH (SQLStatementCheck) and then runs only through `run`; an
// answer containing the API key is refused; text is cleaned before it is kept; charts are
// checked against the rows (ChartProposalValidator).
//
// Repair loop: when an answer cannot be parsed, or its SQL is refused or fails (prepare or
// run), the error goes back to the model as the next turn of the conversation
// (repair.txt), up to `llm.repair_attempts` times. A transport failure (server down,
// budget used up) ends the loop at once: repeating the question would not help.
//
// Call status: "ok" when the call's answer was used; "error" when the call failed or its
// answer was not usable (`error` and, for SQL, `sql_error` say why).

import Foundation
import LumiereCore

public struct LLMFailure: Error, Sendable {
    public var error: LumiereError
    /// True when the LLM could not be used at all (unreachable, budget, configuration), as
    /// opposed to answering with something unusable.
    public var unavailable: Bool

    public init(_ error: LumiereError, unavailable: Bool) {
        self.error = error
        self.unavailable = unavailable
    }
}

/// What the sandbox's dialect allows, for the prompts.
public struct SQLDialect: Sendable {
    public var sqliteVersion: String
    public var functions: [String]
    public var table: String

    public init(sqliteVersion: String, functions: [String], table: String = SourceSchema.tableName) {
        self.sqliteVersion = sqliteVersion
        self.functions = functions
        self.table = table
    }
}

public struct LLMEngine: Sendable {
    public static let version = "1.0.0"
    public let client: LLMClient
    public let templates: PromptTemplates

    public init(client: LLMClient, templates: PromptTemplates) {
        self.client = client
        self.templates = templates
    }

    public var settings: LLMSettings { client.settings }
    public var model: String { settings.model }
    /// The engine and prompt set, for result provenance.
    public var engineVersion: String { "\(Self.version)+prompts.\(templates.digest)" }

    public func newUsage() -> LLMUsage { LLMUsage(model: model, share: settings.share.rawValue) }

    // MARK: SQL

    public struct SQLSuccess: Sendable {
        public var answer: SQLAnswer
        public var sql: String
        public var result: QueryResult
    }

    public func writeSQL(question: String, schema: SourceSchema, dialect: SQLDialect, usage: inout LLMUsage,
                         cancel: CancellationFlag? = nil,
                         run: (String) -> Result<QueryResult, LumiereError>) -> Result<SQLSuccess, LLMFailure> {
        let material = PromptMaterial.schema(schema, share: settings.share)
        let values: [String: String] = [
            "schema": material.text, "row_count": String(schema.rowCount), "table": dialect.table,
            "sqlite_version": dialect.sqliteVersion, "functions": dialect.functions.joined(separator: ", "),
            "question": PromptMaterial.quote(question, maxLength: 2000),
        ]
        var messages = templates.sql.render(values)
        usage.noteSent(columns: material.columns, values: material.values, rows: 0)
        var lastError = LumiereError(.llmError, "the LLM gave no usable SQL")
        for attempt in 0...settings.repairAttempts {
            let reply = client.chat(messages, purpose: attempt == 0 ? "sql" : "repair",
                                    temperature: settings.temperatureSQL, cancel: cancel)
            var call = reply.call
            let content: String
            switch reply.content {
            case .failure(let e):
                usage.record(call)
                return .failure(LLMFailure(e, unavailable: e.code != .llmError))
            case .success(let text):
                content = text
            }
            // From here the call answered; whether the answer is usable decides its status.
            var problem: LumiereError?
            var sqlProblem: LumiereError?
            var proposed: String?
            do throws(LumiereError) {
                if client.containsKey(content) {
                    throw LumiereError(.llmError, "the answer contains the API key; it was discarded")
                }
                let answer = try ModelAnswer.sql(content)
                guard let raw = answer.sql else {
                    call.error = "unsupported_question: the model says the table cannot answer this"
                    call.status = "error"
                    usage.record(call)
                    let why = answer.interpretation.isEmpty ? "" : ": \(answer.interpretation)"
                    return .failure(LLMFailure(LumiereError(.unsupportedQuestion, "the LLM found no way to answer this from the table\(why)",
                                                            hint: "rephrase the question with the column names of the source"),
                                               unavailable: false))
                }
                proposed = raw
                let sql = try SQLStatementCheck.singleSelect(raw)
                switch run(sql) {
                case .success(let result):
                    call.sql = Self.clip(sql)
                    usage.record(call)
                    return .success(SQLSuccess(answer: answer, sql: sql, result: result))
                case .failure(let e):
                    if e.isTransient || e.code == .databaseError {
                        // Not the SQL's fault: the source cannot be read right now.
                        call.sql = Self.clip(sql)
                        usage.record(call)
                        return .failure(LLMFailure(e, unavailable: false))
                    }
                    sqlProblem = e
                }
            } catch let e where e.code == .forbiddenSQL {
                sqlProblem = e
            } catch {
                problem = error
            }
            call.status = "error"
            call.sql = proposed.map(Self.clip)
            if let sqlProblem {
                call.sqlError = "\(sqlProblem.code): \(client.redact(sqlProblem.message))"
                lastError = sqlProblem
            } else if let problem {
                call.error = "\(problem.code): \(problem.message)"
                lastError = problem
            }
            usage.record(call)
            guard attempt < settings.repairAttempts else { break }
            let errorText = sqlProblem.map { e in "\(e.code): \(e.message)" + (e.hint.map { " (\($0))" } ?? "") }
                ?? "\(lastError.message); answer with one JSON object with the fields sql, interpretation and confidence"
            messages.append(.assistant(client.containsKey(content) ? "(discarded)" : String(content.prefix(20_000))))
            let repairValues = values.merging([
                "sql": proposed ?? "(none)",
                "error": PromptMaterial.quote(errorText, maxLength: 2000),
            ]) { $1 }
            // repair.txt's [system] section, if any, is not repeated: the conversation has one.
            messages.append(.user(PromptTemplate.fill(templates.repair.user, repairValues)))
        }
        let tries = settings.repairAttempts + 1
        var final = lastError
        final.message = "the LLM's SQL was not usable after \(tries) attempt\(tries == 1 ? "" : "s"): \(client.redact(lastError.message))"
        return .failure(LLMFailure(final, unavailable: false))
    }

    // MARK: charts and insights

    /// Whether a result may be shown to the model for a chart or insights: share = full
    /// and at most PromptMaterial.maxRows rows. Otherwise the reason why not.
    public func mayDescribe(_ result: QueryResult) -> String? {
        if settings.share != .full { return "llm.share is \(settings.share.rawValue): result rows stay on this machine" }
        if result.rows.isEmpty { return "the result has no rows" }
        if result.rows.count > PromptMaterial.maxRows { return "the result has more than \(PromptMaterial.maxRows) rows" }
        return nil
    }

    func resultValues(question: String?, interpretation: String?, sql: String?, result: QueryResult,
                      usage: inout LLMUsage) -> [String: String] {
        let rows = PromptMaterial.rows(result)
        usage.noteSent(columns: rows.columns, values: rows.values, rows: rows.rows)
        return [
            "question": PromptMaterial.quote(question ?? "", maxLength: 2000),
            "interpretation": PromptMaterial.quote(interpretation ?? "", maxLength: 1000),
            "sql": sql ?? "", "columns": PromptMaterial.columns(result), "rows": rows.text,
            "row_count": String(result.rows.count), "rows_sent": String(rows.rows),
            "chart_types": ChartKind.allCases.map(\.rawValue).joined(separator: ", "),
        ]
    }

    /// A chart for the result, validated against its rows; a failure says why (the caller
    /// draws the builtin chart instead). Makes no call when `mayDescribe` says no.
    public func proposeChart(question: String?, interpretation: String?, sql: String?, result: QueryResult,
                             usage: inout LLMUsage, cancel: CancellationFlag? = nil) -> Result<ChartPayload, LLMFailure> {
        if let why = mayDescribe(result) { return .failure(LLMFailure(LumiereError(.llmError, why), unavailable: true)) }
        let values = resultValues(question: question, interpretation: interpretation, sql: sql, result: result, usage: &usage)
        let reply = client.chat(templates.chart.render(values), purpose: "chart", temperature: settings.temperatureText, cancel: cancel)
        return finishText(reply, usage: &usage) { content throws(LumiereError) in
            let answer = try ModelAnswer.chart(content)
            switch ChartProposalValidator.validate(type: answer.chartType, config: answer.config, reason: answer.reason,
                                                   result: result, question: question) {
            case .success(let payload): return payload
            case .failure(let why): throw LumiereError(.llmError, "the chart does not match the result: \(why.reason)")
            }
        }
    }

    /// Insights for the result, validated for shape and size.
    public func writeInsights(question: String?, interpretation: String?, sql: String?, result: QueryResult,
                              usage: inout LLMUsage, cancel: CancellationFlag? = nil) -> Result<Insights, LLMFailure> {
        if let why = mayDescribe(result) { return .failure(LLMFailure(LumiereError(.llmError, why), unavailable: true)) }
        let values = resultValues(question: question, interpretation: interpretation, sql: sql, result: result, usage: &usage)
        let reply = client.chat(templates.insight.render(values), purpose: "insight", temperature: settings.temperatureText, cancel: cancel)
        return finishText(reply, usage: &usage) { content throws(LumiereError) in try ModelAnswer.insights(content) }
    }

    private func finishText<T>(_ reply: LLMClient.Reply, usage: inout LLMUsage,
                               _ parse: (String) throws(LumiereError) -> T) -> Result<T, LLMFailure> {
        var call = reply.call
        switch reply.content {
        case .failure(let e):
            usage.record(call)
            return .failure(LLMFailure(e, unavailable: e.code != .llmError))
        case .success(let content):
            do throws(LumiereError) {
                if client.containsKey(content) {
                    throw LumiereError(.llmError, "the answer contains the API key; it was discarded")
                }
                let value = try parse(content)
                usage.record(call)
                return .success(value)
            } catch {
                call.status = "error"
                call.error = "\(error.code): \(client.redact(error.message))"
                usage.record(call)
                return .failure(LLMFailure(error, unavailable: false))
            }
        }
    }

    static func clip(_ sql: String) -> String {
        sql.count > 4000 ? String(sql.prefix(3999)) + "…" : sql
    }
}

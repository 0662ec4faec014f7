// Request files: the JSON documents people and tools drop into the inbox.
//
// Decoding is strict: unknown fields, wrong types and missing required fields are
// `malformed_request` errors naming the field, never a crash and never silently ignored.
// The JSON Schema for this document is docs/request.schema.json; keep the two in step.

import Foundation

public struct Request: Sendable, Equatable {
    /// What the request asks for. `ask` (a question) and `sql` (run given SQL) are inferred
    /// from the fields present when `action` is omitted.
    public enum Action: String, Sendable, Codable, CaseIterable {
        case ask, sql, choose
        case rerun
        case deleteQuery = "delete_query"
        case listQueries = "list_queries"
        case showQuery = "show_query"
        case listSources = "list_sources"
        case showSource = "show_source"
        case updateSource = "update_source"
        case previewSource = "preview_source"
        case deleteSource = "delete_source"
        case chart, insight
        // Standing questions (issue 14): subscribe a question or SQL to a source name.
        case watchAdd = "watch_add"
        case watchList = "watch_list"
        case watchPause = "watch_pause"
        case watchResume = "watch_resume"
        case watchDelete = "watch_delete"
        case glossaryAdd = "glossary_add"
        case glossaryDelete = "glossary_delete"
    }

    /// The statuses `list_queries` filters on.
    public enum QueryStatusFilter: String, Sendable, CaseIterable {
        case succeeded, failed, running
        case needsClarification = "needs_clarification"
    }

    public var clientID: String?
    public var action: Action
    public var source: String?
    public var sourceVersion: Int?
    public var question: String?
    public var sql: String?
    public var chart: Bool
    public var insight: Bool
    public var engine: EngineMode?
    public var queryID: Int64?
    public var choice: Int?
    /// A forced chart kind (`chart_type`, Chart.js names and common spellings accepted).
    public var chartType: ChartKind?
    public var name: String?
    public var description: String?
    public var limit: Int?
    public var offset: Int?
    public var status: QueryStatusFilter?
    /// The standing question `watch_pause`, `watch_resume` and `watch_delete` act on.
    public var subscriptionID: Int64?
    /// glossary_add / glossary_delete: the owner's word, the column it names, and for a
    /// value term the column's value it stands for.
    public var term: String?
    public var column: String?
    public var value: String?

    public init(clientID: String? = nil, action: Action, source: String? = nil, sourceVersion: Int? = nil,
                question: String? = nil, sql: String? = nil, chart: Bool = true, insight: Bool = true,
                engine: EngineMode? = nil, queryID: Int64? = nil, choice: Int? = nil, chartType: ChartKind? = nil,
                name: String? = nil, description: String? = nil, limit: Int? = nil, offset: Int? = nil,
                status: QueryStatusFilter? = nil, subscriptionID: Int64? = nil) {
        self.clientID = clientID
        self.action = action
        self.source = source
        self.sourceVersion = sourceVersion
        self.question = question
        self.sql = sql
        self.chart = chart
        self.insight = insight
        self.engine = engine
        self.queryID = queryID
        self.choice = choice
        self.chartType = chartType
        self.name = name
        self.description = description
        self.limit = limit
        self.offset = offset
        self.status = status
        self.subscriptionID = subscriptionID
    }

    static let knownFields: Set<String> = [
        "id", "action", "source", "version", "question", "sql", "chart", "insight", "engine",
        "query_id", "choice", "chart_type", "name", "description", "limit", "offset", "status",
        "subscription_id",
        "term", "column", "value",
    ]

    /// Parse a request file's bytes. Throws `malformed_request` with the offending field.
    public static func parse(_ data: Data) throws(LumiereError) -> Request {
        let root: JSONValue
        do {
            root = try JSONDecoder().decode(JSONValue.self, from: data)
        } catch {
            throw LumiereError(.malformedRequest, "the request file is not valid JSON",
                               hint: "check the file with a JSON validator; a request looks like {\"source\": \"sales\", \"question\": \"total sales by region\"}")
        }
        guard case .object(let obj) = root else {
            throw LumiereError(.malformedRequest, "the request must be a JSON object",
                               hint: "wrap the fields in { ... }")
        }
        let unknown = obj.keys.filter { !knownFields.contains($0) }.sorted()
        if !unknown.isEmpty {
            let shown = unknown.prefix(5).map { String($0.prefix(40)) }
            throw LumiereError(.malformedRequest, "unknown field(s): \(shown.joined(separator: ", "))",
                               hint: "allowed fields: \(knownFields.sorted().joined(separator: ", "))")
        }
        let fields = FieldReader(obj)
        var req = Request(action: .ask)
        req.clientID = try fields.string("id", maxLength: 200)
        req.source = try fields.string("source", maxLength: 200)
        req.sourceVersion = try fields.int("version", range: 1...Int(Int32.max))
        req.question = try fields.string("question", maxLength: 2000)
        req.sql = try fields.string("sql", maxLength: 100_000)
        req.chart = try fields.bool("chart") ?? true
        req.insight = try fields.bool("insight") ?? true
        if let engine = try fields.string("engine", maxLength: 20) {
            guard let mode = EngineMode(rawValue: engine) else {
                throw LumiereError(.malformedRequest, "field \"engine\" must be builtin, llm or auto",
                                   hint: "omit it to use the configured engine")
            }
            req.engine = mode
        }
        if let q = try fields.int("query_id", range: 1...Int(Int32.max)) { req.queryID = Int64(q) }
        if let w = try fields.int("subscription_id", range: 1...Int(Int32.max)) { req.subscriptionID = Int64(w) }
        req.choice = try fields.int("choice", range: 1...10)
        if let kind = try fields.string("chart_type", maxLength: 40) {
            guard let chartKind = ChartKind(userValue: kind) else {
                throw LumiereError(.malformedRequest, "\"\(kind.prefix(40))\" is not a chart type",
                                   hint: "chart types: \(ChartKind.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            req.chartType = chartKind
        }
        req.name = try fields.string("name", maxLength: 200)
        req.description = try fields.string("description", maxLength: 10_000)
        req.limit = try fields.int("limit", range: 0...100_000)
        req.offset = try fields.int("offset", range: 0...Int(Int32.max))
        if let status = try fields.string("status", maxLength: 40) {
            guard let filter = QueryStatusFilter(rawValue: status) else {
                throw LumiereError(.malformedRequest,
                                   "status \"\(status.prefix(40))\" is not one of \(QueryStatusFilter.allCases.map(\.rawValue).joined(separator: ", "))",
                                   hint: "omit \"status\" to list every query")
            }
            req.status = filter
        }
        req.term = try fields.string("term", maxLength: GlossaryEntry.maxTermLength * 4)
        req.column = try fields.string("column", maxLength: 1_000)
        req.value = try fields.string("value", maxLength: 10_000)

        if let actionText = try fields.string("action", maxLength: 40) {
            guard let action = Action(rawValue: actionText) else {
                throw LumiereError(.unknownAction, "unknown action \"\(actionText.prefix(40))\"",
                                   hint: "actions: \(Action.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            req.action = action
        } else if req.sql != nil {
            req.action = .sql
        } else {
            req.action = .ask
        }
        try req.validate()
        return req
    }

    /// Cross-field rules: what each action needs.
    func validate() throws(LumiereError) {
        func need(_ present: Bool, _ field: String, _ hint: String) throws(LumiereError) {
            if !present {
                throw LumiereError(.malformedRequest, "action \"\(action.rawValue)\" needs field \"\(field)\"", hint: hint)
            }
        }
        if [.ask, .sql, .watchAdd].contains(action) && question != nil && sql != nil {
            throw LumiereError(.malformedRequest, "give either \"question\" or \"sql\", not both",
                               hint: "\"sql\" runs the statement as given; \"question\" asks the engine to write it")
        }
        switch action {
        case .ask:
            try need(question.map { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty } ?? false,
                     "question", "add \"question\": \"...\" or \"sql\": \"SELECT ...\"")
            try need(source != nil, "source", "name the data source, e.g. \"source\": \"test_sales_data\"")
        case .sql:
            try need(sql.map { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty } ?? false,
                     "sql", "add \"sql\": \"SELECT ... FROM data\"")
            try need(source != nil, "source", "name the data source, e.g. \"source\": \"test_sales_data\"")
        case .choose:
            try need(queryID != nil, "query_id", "use the query_id of the needs_clarification result")
            try need(choice != nil, "choice", "pick one of the numbered candidates, e.g. \"choice\": 1")
        case .rerun, .deleteQuery, .showQuery, .chart, .insight:
            try need(queryID != nil, "query_id", "give the query's id, e.g. \"query_id\": 12")
        case .showSource, .previewSource, .deleteSource, .updateSource:
            try need(source != nil, "source", "name the data source")
        case .watchAdd:
            try need(source != nil, "source", "name the source to watch, e.g. \"source\": \"sales\"")
            try need([question, sql].contains { $0.map { !$0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty } ?? false },
                     "question", "add \"question\": \"...\" or \"sql\": \"SELECT ...\" to rerun on every new version")
        case .watchPause, .watchResume, .watchDelete:
            try need(subscriptionID != nil, "subscription_id", "give the subscription's id, e.g. \"subscription_id\": 3 (see watch_list)")
        case .glossaryAdd:
            try need(source != nil, "source", "name the data source")
            try need(term != nil, "term", "give the word people type, e.g. \"term\": \"revenue\"")
            try need(column != nil, "column", "give the column it means, e.g. \"column\": \"Sales\" (and \"value\" for a value of it)")
        case .glossaryDelete:
            try need(source != nil, "source", "name the data source")
            try need(term != nil, "term", "give the term to remove")
        case .listQueries, .listSources, .watchList:
            break
        }
    }
}

/// Typed field access over a decoded JSON object, with errors that name the field.
/// JSONDecoder keeps `true` and `1` apart, so a boolean is never taken for a number.
private struct FieldReader {
    let obj: [String: JSONValue]
    init(_ obj: [String: JSONValue]) { self.obj = obj }

    private func present(_ key: String) -> JSONValue? {
        guard let v = obj[key], v != .null else { return nil }
        return v
    }

    func string(_ key: String, maxLength: Int) throws(LumiereError) -> String? {
        guard let v = present(key) else { return nil }
        guard case .string(let s) = v else {
            throw LumiereError(.malformedRequest, "field \"\(key)\" must be a string", hint: "quote the value")
        }
        if s.count > maxLength {
            throw LumiereError(.malformedRequest, "field \"\(key)\" is longer than \(maxLength) characters",
                               hint: "shorten it")
        }
        return s
    }

    func bool(_ key: String) throws(LumiereError) -> Bool? {
        guard let v = present(key) else { return nil }
        guard case .bool(let b) = v else {
            throw LumiereError(.malformedRequest, "field \"\(key)\" must be true or false", hint: "use a JSON boolean")
        }
        return b
    }

    func int(_ key: String, range: ClosedRange<Int>) throws(LumiereError) -> Int? {
        guard let v = present(key) else { return nil }
        guard case .number(let d) = v, d.rounded() == d, d >= Double(range.lowerBound), d <= Double(range.upperBound) else {
            throw LumiereError(.malformedRequest,
                               "field \"\(key)\" must be a whole number from \(range.lowerBound) to \(range.upperBound)",
                               hint: "use e.g. \(range.lowerBound)")
        }
        return Int(d)
    }
}

// Result documents: what the daemon writes to the outbox and `lumiere ask --json` prints.
// Versioned by `schema`; fields are snake_case; absent values are omitted.

public struct SourceRef: Sendable, Codable, Equatable {
    public var id: Int64
    public var name: String
    public var version: Int
    public var rowCount: Int

    public init(id: Int64, name: String, version: Int, rowCount: Int) {
        self.id = id
        self.name = name
        self.version = version
        self.rowCount = rowCount
    }

    enum CodingKeys: String, CodingKey {
        case id, name, version
        case rowCount = "row_count"
    }
}

public struct RequestInfo: Sendable, Codable, Equatable {
    public var file: String?
    public var id: String?
    public var action: String

    public init(file: String?, id: String?, action: String) {
        self.file = file
        self.id = id
        self.action = action
    }
}

/// Which engine produced each part of an answer.
public struct EngineInfo: Sendable, Codable, Equatable {
    public var sql: String
    public var chart: String?
    public var insights: String?

    public init(sql: String, chart: String? = nil, insights: String? = nil) {
        self.sql = sql
        self.chart = chart
        self.insights = insights
    }
}

/// A chart: the recommended kind, why, and the Chart.js configuration (nil for `none`).
public struct ChartPayload: Sendable, Codable, Equatable {
    public var type: String
    public var reason: String
    public var config: JSONValue?

    public init(type: String, reason: String, config: JSONValue?) {
        self.type = type
        self.reason = reason
        self.config = config
    }
}

/// Written insights about a result.
public struct Insights: Sendable, Codable, Equatable {
    public var summary: String
    public var findings: [String]
    public var recommendations: [String]

    public init(summary: String, findings: [String], recommendations: [String]) {
        self.summary = summary
        self.findings = findings
        self.recommendations = recommendations
    }
}

/// One reading of an ambiguous question (status `needs_clarification`).
public struct Candidate: Sendable, Codable, Equatable {
    public var choice: Int
    public var interpretation: String
    public var sql: String

    public init(choice: Int, interpretation: String, sql: String) {
        self.choice = choice
        self.interpretation = interpretation
        self.sql = sql
    }
}

/// What a result was computed from, so it can be reproduced.
public struct Provenance: Sendable, Codable, Equatable {
    public var sourceSHA256: String?
    public var sourceVersion: Int?
    public var engine: String
    public var engineVersion: String
    public var configDigest: String
    public var model: String?

    public init(sourceSHA256: String?, sourceVersion: Int?, engine: String, engineVersion: String,
                configDigest: String, model: String? = nil) {
        self.sourceSHA256 = sourceSHA256
        self.sourceVersion = sourceVersion
        self.engine = engine
        self.engineVersion = engineVersion
        self.configDigest = configDigest
        self.model = model
    }

    enum CodingKeys: String, CodingKey {
        case engine, model
        case sourceSHA256 = "source_sha256"
        case sourceVersion = "source_version"
        case engineVersion = "engine_version"
        case configDigest = "config_digest"
    }
}

public struct ResultDocument: Sendable, Codable, Equatable {
    public static let schemaID = "lumiere.result/1"
    public enum Status: String, Sendable, Codable {
        case succeeded, failed
        case needsClarification = "needs_clarification"
    }

    public var schema: String = ResultDocument.schemaID
    public var status: Status
    public var request: RequestInfo
    public var jobID: Int64?
    public var queryID: Int64?
    public var source: SourceRef?
    public var question: String?
    public var sql: String?
    public var interpretation: String?
    public var confidence: Double?
    public var engine: String?
    public var engines: EngineInfo?
    public var columns: [ResultColumn]?
    public var rows: [[SQLValue]]?
    public var rowCount: Int?
    public var truncated: Bool?
    public var chart: ChartPayload?
    public var insights: Insights?
    public var candidates: [Candidate]?
    /// Follow-up questions the builtin engine answers on this source (FollowUpSuggester):
    /// present, possibly empty, on every succeeded question result (`ask`, `choose`); absent
    /// on failed and needs_clarification results, SQL requests and management actions.
    public var suggestions: [String]?
    /// Extra payload of management actions (lists, source details, previews).
    public var data: JSONValue?
    public var timingsMs: [String: Double]
    public var error: ErrorPayload?
    public var warnings: [String]?
    public var provenance: Provenance?
    /// What the LLM engine did (calls, tokens, what was sent); nil when no LLM was asked.
    public var llm: LLMUsage?
    /// A standing question's rerun: its subscription, source version and diff (Standing/).
    public var standing: StandingInfo?
    public var createdAt: String

    public init(status: Status, request: RequestInfo, createdAt: String) {
        self.status = status
        self.request = request
        self.timingsMs = [:]
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case schema, status, request, source, question, sql, interpretation, confidence, engine, engines
        case columns, rows, truncated, chart, insights, candidates, suggestions, data, error, warnings, provenance
        case llm, standing
        case jobID = "job_id"
        case queryID = "query_id"
        case rowCount = "row_count"
        case timingsMs = "timings_ms"
        case createdAt = "created_at"
    }

    /// Set the result table fields from a query result.
    public mutating func setResult(_ result: QueryResult) {
        columns = result.columns
        rows = result.rows
        rowCount = result.rowCount
        truncated = result.truncated
    }

    /// Mark the document failed with an error.
    public mutating func fail(_ error: LumiereError) {
        status = .failed
        self.error = error.payload
        suggestions = nil  // a failed answer has nothing to follow up on
    }
}

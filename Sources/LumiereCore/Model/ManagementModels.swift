// What management actions (list_sources, show_query, ...) put in a result document's
// `data`: sources and queries as the catalog and the history know them. The daemon
// writes them, `lumiere sources|queries` prints them; both use these models so the two
// interfaces say the same thing. Times are ISO 8601 strings; absent values are omitted.

/// One source (its newest version, or the version asked for).
public struct SourceInfo: Sendable, Codable, Equatable {
    public var id: Int64
    public var name: String
    public var version: Int
    /// Every version kept, oldest first.
    public var versions: [Int]
    public var description: String
    public var fileName: String
    public var sizeBytes: Int64
    public var sha256: String
    public var rowCount: Int
    public var columnCount: Int
    public var createdAt: String
    public var updatedAt: String
    /// Column profiles (show_source only).
    public var columns: [ColumnProfile]?
    public var encoding: String?
    public var delimiter: String?
    /// "csv", "jsonl" or "xlsx" (show_source only; nil for sources stored before the field existed,
    /// which are CSV).
    public var format: String?
    public var warnings: [String]?
    /// The owner's terms (show_source, glossary_add, glossary_delete).
    public var glossary: [GlossaryInfo]?

    public init(id: Int64, name: String, version: Int, versions: [Int], description: String, fileName: String,
                sizeBytes: Int64, sha256: String, rowCount: Int, columnCount: Int, createdAt: String, updatedAt: String) {
        self.id = id
        self.name = name
        self.version = version
        self.versions = versions
        self.description = description
        self.fileName = fileName
        self.sizeBytes = sizeBytes
        self.sha256 = sha256
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, name, version, versions, description, sha256, columns, encoding, delimiter, format, warnings, glossary
        case fileName = "file_name"
        case sizeBytes = "size_bytes"
        case rowCount = "row_count"
        case columnCount = "column_count"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

/// One glossary term as `sources show` lists it.
public struct GlossaryInfo: Sendable, Codable, Equatable {
    public var term: String
    public var column: String
    public var value: String?
    /// False when the newest version has no such column (the term is kept but not used).
    public var inUse: Bool

    public init(_ entry: GlossaryEntry, schema: SourceSchema) {
        term = entry.term
        column = entry.column
        value = entry.value
        inUse = entry.isUsable(in: schema)
    }

    enum CodingKeys: String, CodingKey {
        case term, column, value
        case inUse = "in_use"
    }
}

/// One entry of the query history.
public struct QueryInfo: Sendable, Codable, Equatable {
    public var id: Int64
    public var action: String
    public var status: String
    public var question: String?
    public var sql: String?
    public var interpretation: String?
    public var confidence: Double?
    public var engine: String?
    public var sourceID: Int64?
    public var sourceName: String?
    public var sourceVersion: Int?
    public var rowCount: Int?
    public var errorCode: String?
    public var rerunOf: Int64?
    public var jobID: Int64?
    public var createdAt: String
    public var finishedAt: String?
    /// The request as received (show_query only).
    public var request: JSONValue?
    /// The stored result document, rows bounded by results.history_rows (show_query only).
    public var document: ResultDocument?

    public init(id: Int64, action: String, status: String, createdAt: String) {
        self.id = id
        self.action = action
        self.status = status
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case id, action, status, question, sql, interpretation, confidence, engine, request, document
        case sourceID = "source_id"
        case sourceName = "source_name"
        case sourceVersion = "source_version"
        case rowCount = "row_count"
        case errorCode = "error_code"
        case rerunOf = "rerun_of"
        case jobID = "job_id"
        case createdAt = "created_at"
        case finishedAt = "finished_at"
    }
}

/// `data` of management results. Each action fills the members it is about.
public struct ManagementData: Sendable, Codable, Equatable {
    public var sources: [SourceInfo]?
    public var source: SourceInfo?
    public var queries: [QueryInfo]?
    public var query: QueryInfo?
    /// What a delete removed: source versions or a query id.
    public var deleted: Deleted?
    /// preview_source: the window shown and the source's row count.
    public var preview: PreviewWindow?
    /// rerun: the query that was run again; chart/insight: the query regenerated.
    public var rerunOf: Int64?
    public var regenerated: String?
    /// watch_list / watch_add / watch_pause / watch_resume (Standing/StandingModels.swift).
    public var subscriptions: [SubscriptionInfo]?
    public var subscription: SubscriptionInfo?

    public init() {}

    public struct Deleted: Sendable, Codable, Equatable {
        public var queryID: Int64?
        public var source: String?
        public var versions: [Int]?
        public var files: Int?
        public var subscriptionID: Int64?

        public init(queryID: Int64? = nil, source: String? = nil, versions: [Int]? = nil, files: Int? = nil) {
            self.queryID = queryID
            self.source = source
            self.versions = versions
            self.files = files
        }

        enum CodingKeys: String, CodingKey {
            case source, versions, files
            case queryID = "query_id"
            case subscriptionID = "subscription_id"
        }
    }

    public struct PreviewWindow: Sendable, Codable, Equatable {
        public var limit: Int
        public var offset: Int
        public var totalRows: Int

        public init(limit: Int, offset: Int, totalRows: Int) {
            self.limit = limit
            self.offset = offset
            self.totalRows = totalRows
        }

        enum CodingKeys: String, CodingKey {
            case limit, offset
            case totalRows = "total_rows"
        }
    }

    enum CodingKeys: String, CodingKey {
        case sources, source, queries, query, deleted, preview, regenerated, subscriptions, subscription
        case rerunOf = "rerun_of"
    }
}

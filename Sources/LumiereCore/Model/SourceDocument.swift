// Source documents: `outbox/<stem>.source.json`, written when an upload has been ingested
// (or has failed). Carries the profile so a person can check the types Lumiere inferred.

public struct SourceProfile: Sendable, Codable, Equatable {
    public var rowCount: Int
    public var columns: [ColumnProfile]
    public var warnings: [String]
    /// How the file was read: "utf-8", "utf-8-bom", "windows-1252", "utf-16le" or "utf-16be".
    public var encoding: String
    /// The field delimiter that was detected.
    public var delimiter: String
    public var hasHeader: Bool
    /// The upload's format: "csv", "jsonl" or "xlsx" (absent in profiles made before other
    /// formats existed, which are all CSV). JSON Lines have no delimiter (""); their
    /// header is the keys.
    public var format: String?

    public init(rowCount: Int, columns: [ColumnProfile], warnings: [String] = [], encoding: String = "utf-8",
                delimiter: String = ",", hasHeader: Bool = true, format: String? = nil) {
        self.format = format
        self.rowCount = rowCount
        self.columns = columns
        self.warnings = warnings
        self.encoding = encoding
        self.delimiter = delimiter
        self.hasHeader = hasHeader
    }

    enum CodingKeys: String, CodingKey {
        case columns, warnings, encoding, delimiter, format
        case rowCount = "row_count"
        case hasHeader = "has_header"
    }
}

public struct SourceDocument: Sendable, Codable, Equatable {
    public static let schemaID = "lumiere.source/1"
    public var schema: String = SourceDocument.schemaID
    public var status: ResultDocument.Status
    public var request: RequestInfo
    public var jobID: Int64?
    public var source: SourceRef?
    public var fileName: String?
    public var sizeBytes: Int64?
    public var sha256: String?
    public var profile: SourceProfile?
    public var timingsMs: [String: Double]
    public var error: ErrorPayload?
    public var createdAt: String

    public init(status: ResultDocument.Status, request: RequestInfo, createdAt: String) {
        self.status = status
        self.request = request
        self.timingsMs = [:]
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey {
        case schema, status, request, source, sha256, profile, error
        case jobID = "job_id"
        case fileName = "file_name"
        case sizeBytes = "size_bytes"
        case timingsMs = "timings_ms"
        case createdAt = "created_at"
    }
}

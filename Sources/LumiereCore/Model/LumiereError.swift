// LumiereError: the one error type every layer throws and every result document carries.
//
// A code is a stable snake_case string users and scripts can match on; the message says
// what went wrong, the hint what to do about it. `isTransient` tells the scheduler whether
// a retry can help (SQLITE_BUSY, ENOSPC, HTTP 429) or the failure is final (bad input).
// The description never includes cell values or secrets: messages are written by us.

public struct LumiereError: Error, Sendable, CustomStringConvertible, Equatable {
    public var code: Code
    public var message: String
    public var hint: String?
    public var isTransient: Bool
    /// A short technical note about the underlying cause (an errno text, SQLite's message).
    public var underlying: String?

    public init(_ code: Code, _ message: String, hint: String? = nil,
                transient: Bool = false, underlying: String? = nil) {
        self.code = code
        self.message = message
        self.hint = hint
        self.isTransient = transient
        self.underlying = underlying
    }

    public var description: String {
        var s = "\(code.rawValue): \(message)"
        if let hint { s += " (hint: \(hint))" }
        return s
    }

    /// Stable error codes. Documented for users in docs/errors.md; add new ones there too.
    public struct Code: RawRepresentable, Hashable, Sendable, Codable, ExpressibleByStringLiteral, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { self.rawValue = value }
        public var description: String { rawValue }

        // Spool and files
        public static let unsupportedFile: Code = "unsupported_file"
        public static let unsafeFile: Code = "unsafe_file"
        public static let fileTooLarge: Code = "file_too_large"
        public static let ioError: Code = "io_error"
        public static let diskFull: Code = "disk_full"
        public static let spoolLocked: Code = "spool_locked"
        public static let tooManyAttempts: Code = "too_many_attempts"
        // Requests
        public static let malformedRequest: Code = "malformed_request"
        public static let unknownSource: Code = "unknown_source"
        public static let unknownQuery: Code = "unknown_query"
        public static let unknownSubscription: Code = "unknown_subscription"
        public static let unknownAction: Code = "unknown_action"
        public static let invalidGlossaryTerm: Code = "invalid_glossary_term"
        // CSV ingest
        public static let malformedCSV: Code = "malformed_csv"
        public static let emptyFile: Code = "empty_file"
        public static let notCSV: Code = "not_csv"
        public static let tooManyColumns: Code = "too_many_columns"
        public static let fieldTooLarge: Code = "field_too_large"
        public static let malformedJSON: Code = "malformed_json"
        public static let jsonTooDeep: Code = "json_too_deep"
        public static let notXLSX: Code = "not_xlsx"
        public static let xlsxEncrypted: Code = "xlsx_encrypted"
        public static let zipBomb: Code = "zip_bomb"
        public static let sharedStringsTooLarge: Code = "shared_strings_too_large"
        public static let unknownSheet: Code = "unknown_sheet"
        // SQL execution
        public static let forbiddenSQL: Code = "forbidden_sql"
        public static let sqlTimeout: Code = "sql_timeout"
        public static let sqlError: Code = "sql_error"
        public static let resultTooLarge: Code = "result_too_large"
        // Questions and engines
        public static let unsupportedQuestion: Code = "unsupported_question"
        public static let needsClarification: Code = "needs_clarification"
        public static let llmUnavailable: Code = "llm_unavailable"
        public static let llmError: Code = "llm_error"
        public static let llmBudgetExhausted: Code = "llm_budget_exhausted"
        // Internal
        public static let databaseBusy: Code = "database_busy"
        public static let databaseError: Code = "database_error"
        /// A shared state database (PostgreSQL) cannot be reached: down, restarting, network cut.
        public static let databaseUnavailable: Code = "database_unavailable"
        /// This daemon's lease on a job ran out and another daemon took the job over.
        public static let leaseLost: Code = "lease_lost"
        public static let configError: Code = "config_error"
        public static let internalError: Code = "internal_error"
        public static let shuttingDown: Code = "shutting_down"
        // Management, tenants and the command line
        public static let notRerunnable: Code = "not_rerunnable"
        public static let unsupportedEngine: Code = "unsupported_engine"
        public static let invalidTenant: Code = "invalid_tenant"
        public static let tenantRequired: Code = "tenant_required"
        public static let tenantForbidden: Code = "tenant_forbidden"
        public static let daemonNotRunning: Code = "daemon_not_running"
        public static let waitTimeout: Code = "wait_timeout"
    }
}

extension LumiereError {
    /// The `error` object of result documents and `.error.json` files.
    public var payload: ErrorPayload {
        ErrorPayload(code: code.rawValue, message: message, hint: hint, transient: isTransient)
    }
}

/// The serialized form of an error in result documents and `.error.json` files.
public struct ErrorPayload: Codable, Sendable, Equatable {
    public var code: String
    public var message: String
    public var hint: String?
    public var transient: Bool?

    public init(code: String, message: String, hint: String? = nil, transient: Bool? = nil) {
        self.code = code
        self.message = message
        self.hint = hint
        self.transient = transient
    }
}

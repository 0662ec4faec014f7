// LLMUsage: what the LLM engine did for one result — every call it made (purpose, outcome,
// HTTP status, attempts, tokens, latency), the totals, and exactly what left the machine
// (`sent`: which columns were described, how many data values and result rows were sent),
// so an operator can audit cost and privacy from the result document or the query history.
//
// The JSON field names are an interface other tools read: keep them. Purposes and statuses
// are plain strings (not enums) so a document written by a newer Lumiere still decodes.

public struct LLMUsage: Sendable, Codable, Equatable {
    /// One chat-completion call, with all its HTTP attempts (retries, the JSON-mode fallback).
    public struct Call: Sendable, Codable, Equatable {
        public static let purposes = ["sql", "repair", "chart", "insight", "doctor"]

        /// sql | repair | chart | insight | doctor
        public var purpose: String
        /// ok (the server answered 2xx with a completion) | error
        public var status: String
        /// The last HTTP status seen; nil when no response arrived (refused, timed out).
        public var httpStatus: Int?
        /// HTTP requests made for this call (1 + retries + a JSON-mode fallback).
        public var attempts: Int
        public var promptTokens: Int
        public var completionTokens: Int
        public var latencyMs: Double
        /// Why the call failed, or why its answer was not used (`code: message`); never
        /// the API key or data values.
        public var error: String?
        /// For sql and repair calls: the statement the model proposed (truncated).
        public var sql: String?
        /// For sql and repair calls: why that statement was not used, if it was not
        /// (the sandbox's `code: message`).
        public var sqlError: String?

        public init(purpose: String, status: String, httpStatus: Int? = nil, attempts: Int = 0,
                    promptTokens: Int = 0, completionTokens: Int = 0, latencyMs: Double = 0,
                    error: String? = nil, sql: String? = nil, sqlError: String? = nil) {
            self.purpose = purpose
            self.status = status
            self.httpStatus = httpStatus
            self.attempts = attempts
            self.promptTokens = promptTokens
            self.completionTokens = completionTokens
            self.latencyMs = latencyMs
            self.error = error
            self.sql = sql
            self.sqlError = sqlError
        }

        enum CodingKeys: String, CodingKey {
            case purpose, status, attempts, error, sql
            case httpStatus = "http_status"
            case promptTokens = "prompt_tokens"
            case completionTokens = "completion_tokens"
            case latencyMs = "latency_ms"
            case sqlError = "sql_error"
        }
    }

    /// What left the machine, over all calls of the result.
    public struct Sent: Sendable, Codable, Equatable {
        /// The `llm.share` setting in force: schema | sample | full.
        public var share: String
        /// Names of the columns described to the model (source columns, result columns).
        public var columns: [String]
        /// Data values sent: range bounds, sample values and result cells.
        public var values: Int
        /// Result rows sent (share = full only).
        public var rows: Int

        public init(share: String, columns: [String] = [], values: Int = 0, rows: Int = 0) {
            self.share = share
            self.columns = columns
            self.values = values
            self.rows = rows
        }
    }

    public var model: String
    public var calls: [Call]
    public var promptTokens: Int
    public var completionTokens: Int
    public var sent: Sent

    public init(model: String, share: String, calls: [Call] = []) {
        self.model = model
        self.calls = calls
        self.promptTokens = calls.reduce(0) { $0 + $1.promptTokens }
        self.completionTokens = calls.reduce(0) { $0 + $1.completionTokens }
        self.sent = Sent(share: share)
    }

    /// Add a call and its tokens to the totals.
    public mutating func record(_ call: Call) {
        calls.append(call)
        promptTokens += call.promptTokens
        completionTokens += call.completionTokens
    }

    /// Count what one prompt sent (columns are merged by name, in first-seen order).
    public mutating func noteSent(columns: [String], values: Int, rows: Int) {
        for c in columns where !sent.columns.contains(c) { sent.columns.append(c) }
        sent.values += values
        sent.rows += rows
    }

    enum CodingKeys: String, CodingKey {
        case model, calls, sent
        case promptTokens = "prompt_tokens"
        case completionTokens = "completion_tokens"
    }
}

// JobProcessor: what a worker does with one claimed job. The daemon's scheduler owns the
// queue transitions and file moves; a processor only turns an input into outbox
// documents or an error, so it can be tested (and reused by `lumiere ask`) without a spool.

import Foundation
import LumiereCore
import LumiereStore

public struct OutboxDocument: Sendable {
    public var name: String
    public var data: Data

    public init(name: String, data: Data) {
        self.name = name
        self.data = data
    }
}

public struct JobOutput: Sendable {
    /// Files to write to the outbox (atomically, under these fixed names).
    public var documents: [OutboxDocument]
    /// nil: the job succeeded (input → archive/). Transient errors are retried; permanent
    /// ones send the input to failed/ with NAME.error.json.
    public var error: LumiereError?
    /// Run again after this many seconds without counting an attempt (a question waiting
    /// for its source's upload).
    public var deferral: Double?
    /// What the job did, for the history's timings, metrics and outbox/index.jsonl.
    public var facts = JobFacts()

    public init(documents: [OutboxDocument] = [], error: LumiereError? = nil, deferral: Double? = nil) {
        self.documents = documents
        self.error = error
        self.deferral = deferral
    }
}

/// Facts about a processed job that outlive its documents: stage timings (ms), the query
/// and source it touched, rows ingested. All optional: a refused file has none of them.
public struct JobFacts: Sendable, Equatable {
    public var timings: [String: Double] = [:]
    public var action: String?
    public var status: String?
    public var queryID: Int64?
    public var source: SourceRef?
    public var ingestedRows: Int?
    public var ingestedBytes: Int64?

    public init() {}
}

public protocol JobProcessor: Sendable {
    /// Process a job whose input is at `inputPath` (in the daemon-private work area).
    func process(job: Job, inputPath: String) -> JobOutput
    /// The outbox documents for a job that failed outside `process` (too many attempts,
    /// input vanished, a transient error that never cleared).
    func failureDocuments(job: Job, error: LumiereError) -> [OutboxDocument]
    /// The same processor under a reloaded configuration (SIGHUP).
    func reloaded(config: LumiereConfig) -> any JobProcessor
}

extension JobProcessor {
    /// Processors without settings of their own stay as they are.
    public func reloaded(config: LumiereConfig) -> any JobProcessor { self }
}

/// The `.error.json` written beside an input in failed/.
public struct FailureRecord: Codable, Sendable {
    public var schema = "lumiere.error/1"
    public var file: String
    public var jobID: Int64
    public var attempts: Int
    public var error: ErrorPayload
    public var failedAt: String

    public init(file: String, jobID: Int64, attempts: Int, error: ErrorPayload, failedAt: String) {
        self.file = file
        self.jobID = jobID
        self.attempts = attempts
        self.error = error
        self.failedAt = failedAt
    }

    enum CodingKeys: String, CodingKey {
        case schema, file, attempts, error
        case jobID = "job_id"
        case failedAt = "failed_at"
    }
}

public func encodeDocument<T: Encodable>(_ value: T) -> Data {
    let e = JSONEncoder()
    e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return ((try? e.encode(value)) ?? Data("{}".utf8)) + Data("\n".utf8)
}

// JobIndex: the line outbox/index.jsonl gets for each finished job — what an ETL tool
// needs to find the job's documents without listing the outbox: job id, tenant, input
// file, outcome, result file names, query id, source, error code, times.
//
// The line is composed when the outcome is recorded and stored with the job row, then
// appended (AppendLog) after the input has been moved; the row is marked indexed after.
// A crash in between is finished at the next start (`appendPending`), so no finished job
// is missing from the index; it may appear twice (deduplicate by job_id). Per tenant, the
// line goes to outbox/<tenant>/index.jsonl: a tenant's index never names another's files.

import Foundation
import Logging
import LumiereCore
import LumiereService
import LumiereSpool
import LumiereStore

public struct IndexLine: Codable, Sendable, Equatable {
    public var schema = "lumiere.index/1"
    public var jobID: Int64
    public var tenant: String?
    public var kind: String
    public var input: String
    public var state: String
    /// The result document's status (succeeded, failed, needs_clarification).
    public var status: String?
    public var action: String?
    /// Outbox documents written, relative to the tenant's outbox folder.
    public var documents: [String]
    /// Where the input went: "archive/NAME" or "failed/NAME" (tenant folder implied).
    public var inputFinal: String?
    public var queryID: Int64?
    public var source: SourceRef?
    public var errorCode: String?
    public var attempts: Int
    public var createdAt: String
    public var finishedAt: String
    public var durationMs: Double?

    enum CodingKeys: String, CodingKey {
        case schema, tenant, kind, input, state, status, action, documents, source, attempts
        case inputFinal = "input_final"
        case jobID = "job_id"
        case queryID = "query_id"
        case errorCode = "error_code"
        case createdAt = "created_at"
        case finishedAt = "finished_at"
        case durationMs = "duration_ms"
    }

    public var text: String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? e.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}

enum JobIndex {
    static func line(job: Job, state: JobState, output: JobOutput, disposition: Disposition?, finalName: String,
                     finishedAt: Double) -> IndexLine {
        IndexLine(jobID: job.id, tenant: job.tenant.isEmpty ? nil : job.tenant, kind: job.kind.rawValue,
                  input: job.inputName, state: state.rawValue, status: output.facts.status, action: output.facts.action,
                  documents: output.documents.map(\.name),
                  inputFinal: finalName.isEmpty ? nil : "\(disposition == .archive ? "archive" : "failed")/\(finalName)",
                  queryID: output.facts.queryID, source: output.facts.source, errorCode: output.error?.code.rawValue,
                  attempts: job.attempts, createdAt: isoTimestamp(Date(timeIntervalSince1970: job.createdAt)),
                  finishedAt: isoTimestamp(Date(timeIntervalSince1970: finishedAt)),
                  durationMs: output.facts.timings["total"].map { ($0 * 100).rounded() / 100 })
    }

    static func path(layout: SpoolLayout, tenant: String) -> String {
        "\(layout.outbox(tenant: tenant))/index.jsonl"
    }

    /// Append a job's recorded line and mark it indexed. Errors are logged: the line stays
    /// pending and is appended at the next start.
    static func append(_ job: Job, line: String, layout: SpoolLayout, store: any StateBackend, logger: Logger) {
        do {
            try layout.createTenantFolders(job.tenant)
            try AppendLog.append(line: line, to: path(layout: layout, tenant: job.tenant))
            try store.markIndexed(jobID: job.id)
        } catch {
            logger.warning("cannot append to the job index; it is retried at the next start",
                           metadata: ["job.id": "\(job.id)", "error.code": "\(error.code)", "error": "\(error.message)"])
        }
    }

    /// Append lines recorded but not appended: at start-up, before workers run. With
    /// several daemons on one spool another daemon may be between finishing a job and
    /// appending its line, so only jobs finished before `finishedBefore` are taken (and
    /// housekeeping sweeps again later).
    static func appendPending(layout: SpoolLayout, store: any StateBackend, logger: Logger,
                              finishedBefore: Double = .infinity) -> Int {
        guard let pending = try? store.unindexedJobs() else { return 0 }
        var count = 0
        for job in pending where (job.finishedAt ?? 0) < finishedBefore {
            guard let line = job.summary else { try? store.markIndexed(jobID: job.id); continue }
            append(job, line: line, layout: layout, store: store, logger: logger)
            count += 1
        }
        return count
    }
}

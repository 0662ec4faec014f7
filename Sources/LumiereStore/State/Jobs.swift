// The durable job queue: queued → running → succeeded | failed.
//
// An attempt is counted when a job is claimed, so a job that kills the daemon every time
// runs out of attempts instead of crash-looping. Deferrals (a question waiting for its
// source) give the attempt back. Uploads are claimed before questions so that a question
// dropped together with its CSV finds the source ready.

import Foundation
import GRDB
import LumiereCore

public enum JobKind: String, Sendable, Codable {
    case upload, request
    /// An inbox file refused at pick-up (unsupported or unsafe): it still gets a job, so
    /// its move to failed/ and its result are recorded and recovered like any other.
    case reject
    /// A standing question's rerun on a new source version (State/Subscriptions.swift):
    /// it has no input file; its subscription run row says what to answer.
    case standing
}

public enum JobState: String, Sendable, Codable, CaseIterable {
    case queued, running, succeeded, failed
}

public enum Disposition: String, Sendable, Codable {
    case archive, failed
}

public struct Job: Sendable, Equatable {
    public var id: Int64
    public var kind: JobKind
    public var tenant: String
    public var inputName: String
    public var workName: String
    public var state: JobState
    public var attempts: Int
    public var notBefore: Double
    public var waitSince: Double?
    public var lastError: ErrorPayload?
    public var rejectError: ErrorPayload?
    public var disposition: Disposition?
    public var finalName: String?
    public var createdAt: Double
    public var startedAt: Double?
    public var finishedAt: Double?
    /// Per-stage durations in ms of the finished job (ingest or question stages, "total").
    public var timings: [String: Double]
    /// The outbox/index.jsonl line recorded with the outcome, and whether it was appended.
    public var summary: String?
    public var indexed: Bool
    /// Shared backends only (PostgreSQL): the daemon holding the job while it runs, and
    /// until when (unix time, the database server's clock) its lease lasts. nil in SQLite.
    public var claimedBy: String? = nil
    public var leaseUntil: Double? = nil

    /// For backends other than SQLite, which build a job from their own rows.
    public init(id: Int64, kind: JobKind, tenant: String, inputName: String, workName: String, state: JobState,
                attempts: Int, notBefore: Double, waitSince: Double?, lastError: ErrorPayload?,
                rejectError: ErrorPayload?, disposition: Disposition?, finalName: String?, createdAt: Double,
                startedAt: Double?, finishedAt: Double?, timings: [String: Double], summary: String?, indexed: Bool,
                claimedBy: String? = nil, leaseUntil: Double? = nil) {
        self.id = id
        self.kind = kind
        self.tenant = tenant
        self.inputName = inputName
        self.workName = workName
        self.state = state
        self.attempts = attempts
        self.notBefore = notBefore
        self.waitSince = waitSince
        self.lastError = lastError
        self.rejectError = rejectError
        self.disposition = disposition
        self.finalName = finalName
        self.createdAt = createdAt
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.timings = timings
        self.summary = summary
        self.indexed = indexed
        self.claimedBy = claimedBy
        self.leaseUntil = leaseUntil
    }

    init(row: Row) {
        id = row["id"]
        kind = JobKind(rawValue: row["kind"]) ?? .reject
        tenant = row["tenant"]
        inputName = row["input_name"]
        workName = row["work_name"]
        state = JobState(rawValue: row["state"]) ?? .failed
        attempts = row["attempts"]
        notBefore = row["not_before"]
        waitSince = row["wait_since"]
        lastError = decodeJSON(ErrorPayload.self, row["last_error"])
        rejectError = decodeJSON(ErrorPayload.self, row["reject_error"])
        disposition = (row["disposition"] as String?).flatMap(Disposition.init(rawValue:))
        finalName = row["final_name"]
        createdAt = row["created_at"]
        startedAt = row["started_at"]
        finishedAt = row["finished_at"]
        timings = decodeJSON([String: Double].self, row["timings"]) ?? [:]
        summary = row["summary"]
        indexed = (row["indexed"] as Int?) == 1
    }
}

/// A job about to be created for a file just moved into the work area.
public struct NewJob: Sendable {
    public var kind: JobKind
    public var tenant: String
    public var inputName: String
    public var workName: String
    public var rejectError: ErrorPayload?
    /// The inbox file's identity when it was claimed (device, inode, size, mtime). With
    /// several daemons on one spool the PostgreSQL store keeps it unique among unfinished
    /// jobs, so one file becomes one job even where a shared file system's rename is not
    /// trustworthy (an NFS reply retransmitted to two clients); the SQLite store, one
    /// daemon, ignores it.
    public var claimKey: String?

    public init(kind: JobKind, tenant: String = "", inputName: String, workName: String, rejectError: ErrorPayload? = nil,
                claimKey: String? = nil) {
        self.kind = kind
        self.tenant = tenant
        self.inputName = inputName
        self.workName = workName
        self.rejectError = rejectError
        self.claimKey = claimKey
    }
}

extension StateStore {
    /// Insert jobs in one transaction (one fsync for a batch of claimed files). Work names
    /// that already have a job are skipped (start-up reconciliation may offer them again).
    @discardableResult
    public func enqueue(_ jobs: [NewJob]) throws(LumiereError) -> [Int64] {
        if jobs.isEmpty { return [] }
        let t = now()
        return try write("enqueuing jobs") { db in
            var ids: [Int64] = []
            for job in jobs {
                try db.execute(sql: """
                    INSERT OR IGNORE INTO jobs (kind, tenant, input_name, work_name, state, reject_error, created_at)
                    VALUES (?, ?, ?, ?, 'queued', ?, ?)
                    """, arguments: [job.kind.rawValue, job.tenant, job.inputName, job.workName,
                                     job.rejectError.map(encodeJSON), t])
                if db.changesCount > 0 { ids.append(db.lastInsertedRowID) }
            }
            return ids
        }
    }

    /// Claim the next runnable job: uploads first, then oldest. Counts the attempt.
    ///
    /// `maxDelay` is the longest delay the caller ever sets with `requeue`. A `not_before`
    /// further ahead than that was set before the wall clock stepped back (NTP, a resumed
    /// VM): the job is due now, instead of waiting for the length of the step.
    public func claimNext(now t: Double = Date().timeIntervalSince1970,
                          maxDelay: Double = .infinity) throws(LumiereError) -> Job? {
        try write("claiming a job") { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT id FROM jobs WHERE state = 'queued' AND (not_before <= ? OR not_before > ?)
                ORDER BY CASE kind WHEN 'reject' THEN 0 WHEN 'upload' THEN 1 ELSE 2 END, id LIMIT 1
                """, arguments: [t, t + min(maxDelay, 1e12)]) else { return nil }
            let id: Int64 = row["id"]
            try db.execute(sql: """
                UPDATE jobs SET state = 'running', attempts = attempts + 1, started_at = ? WHERE id = ?
                """, arguments: [t, id])
            return try Row.fetchOne(db, sql: "SELECT * FROM jobs WHERE id = ?", arguments: [id]).map(Job.init(row:))
        }
    }

    /// Record the final outcome. Called after the result file is in the outbox and before
    /// the input is moved, so a crash in between is finished by `finishMoves` at start-up.
    public func finish(jobID: Int64, state: JobState, disposition: Disposition, finalName: String,
                       error: ErrorPayload?, timings: [String: Double] = [:], summary: String? = nil,
                       finishedAt: Double? = nil) throws(LumiereError) {
        try write("finishing a job") { db in
            try db.execute(sql: """
                UPDATE jobs SET state = ?, disposition = ?, final_name = ?, last_error = ?, finished_at = ?,
                    timings = ?, summary = ?, indexed = ?
                WHERE id = ?
                """, arguments: [state.rawValue, disposition.rawValue, finalName, error.map(encodeJSON), finishedAt ?? now(),
                                 timings.isEmpty ? nil : encodeJSON(timings), summary, summary == nil ? 1 : 0, jobID])
        }
    }

    /// Put a job back in the queue to run again after `delay` seconds. `keepAttempt: false`
    /// gives the attempt back (waiting is not failing).
    public func requeue(jobID: Int64, delay: Double, error: ErrorPayload?, keepAttempt: Bool,
                        waitingSince: Double? = nil) throws(LumiereError) {
        try write("re-queuing a job") { db in
            try db.execute(sql: """
                UPDATE jobs SET state = 'queued', not_before = ?, last_error = ?,
                    attempts = attempts - ?, wait_since = COALESCE(wait_since, ?)
                WHERE id = ?
                """, arguments: [now() + delay, error.map(encodeJSON), keepAttempt ? 0 : 1, waitingSince, jobID])
        }
    }

    public func job(id: Int64) throws(LumiereError) -> Job? {
        try read("reading a job") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM jobs WHERE id = ?", arguments: [id]).map(Job.init(row:))
        }
    }

    public func jobs(inStates states: [JobState]) throws(LumiereError) -> [Job] {
        try read("listing jobs") { db in
            let marks = states.map { _ in "?" }.joined(separator: ",")
            return try Row.fetchAll(db, sql: "SELECT * FROM jobs WHERE state IN (\(marks)) ORDER BY id",
                                    arguments: StatementArguments(states.map(\.rawValue))).map(Job.init(row:))
        }
    }

    /// Work names of jobs whose input is still (or may still be) in the work area.
    public func allWorkNames() throws(LumiereError) -> Set<String> {
        try read("listing work names") { db in
            Set(try String.fetchAll(db, sql: "SELECT work_name FROM jobs"))
        }
    }

    /// At start-up: jobs that were running when the daemon died go back to the queue
    /// (Postfix puts `active` back into `incoming`). Their attempt stays counted.
    @discardableResult
    public func requeueInterrupted() throws(LumiereError) -> Int {
        try write("re-queuing interrupted jobs") { db in
            try db.execute(sql: "UPDATE jobs SET state = 'queued', not_before = 0 WHERE state = 'running'")
            return db.changesCount
        }
    }

    /// Jobs per state, and the oldest queued job's creation time.
    public func queueCounts() throws(LumiereError) -> (counts: [JobState: Int], oldestQueued: Double?) {
        try read("counting jobs") { db in
            var counts: [JobState: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT state, COUNT(*) AS n FROM jobs GROUP BY state") {
                if let s = JobState(rawValue: row["state"]) { counts[s] = row["n"] }
            }
            let oldest = try Double.fetchOne(db, sql: "SELECT MIN(created_at) FROM jobs WHERE state = 'queued'")
            return (counts, oldest)
        }
    }

    /// Is an upload for this source name still waiting or being ingested?
    public func hasPendingUpload(tenant: String, sourceName: String) throws(LumiereError) -> Bool {
        try read("checking pending uploads") { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT input_name FROM jobs WHERE kind = 'upload' AND tenant = ? AND state IN ('queued', 'running')
                """, arguments: [tenant])
            return rows.contains { SpoolNames.sourceName(forUpload: $0["input_name"]) == sourceName }
        }
    }

    /// Failures finished in the last `seconds`.
    public func failuresSince(_ t: Double) throws(LumiereError) -> Int {
        try read("counting failures") { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM jobs WHERE state = 'failed' AND finished_at >= ?",
                             arguments: [t]) ?? 0
        }
    }

    /// The index line of a job has been appended to outbox/index.jsonl.
    public func markIndexed(jobID: Int64) throws(LumiereError) {
        try write("marking a job indexed") { db in
            try db.execute(sql: "UPDATE jobs SET indexed = 1 WHERE id = ?", arguments: [jobID])
        }
    }

    /// Finished jobs whose index line was recorded but not yet appended (a crash came in
    /// between), oldest first.
    public func unindexedJobs() throws(LumiereError) -> [Job] {
        try read("listing unindexed jobs") { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM jobs WHERE indexed = 0 AND state IN ('succeeded', 'failed') ORDER BY id
                """).map(Job.init(row:))
        }
    }

    /// Stage timings of the most recent finished jobs (for `lumiere status` percentiles).
    public func recentTimings(limit: Int) throws(LumiereError) -> [[String: Double]] {
        try read("reading recent timings") { db in
            try String.fetchAll(db, sql: """
                SELECT timings FROM jobs WHERE timings IS NOT NULL AND state IN ('succeeded', 'failed')
                ORDER BY finished_at DESC LIMIT ?
                """, arguments: [limit]).compactMap { decodeJSON([String: Double].self, $0) }
        }
    }

    /// Retention: delete rows of jobs finished before `cutoff` whose index line is written.
    /// Queued and running jobs are never touched. Returns the count.
    @discardableResult
    public func pruneJobs(finishedBefore cutoff: Double) throws(LumiereError) -> Int {
        try write("pruning finished jobs") { db in
            try db.execute(sql: """
                DELETE FROM jobs WHERE state IN ('succeeded', 'failed') AND indexed = 1 AND finished_at < ?
                """, arguments: [cutoff])
            return db.changesCount
        }
    }

    /// Jobs still queued or running (retention keeps their files wherever they are).
    public func activeJobs() throws(LumiereError) -> [Job] {
        try jobs(inStates: [.queued, .running])
    }
}

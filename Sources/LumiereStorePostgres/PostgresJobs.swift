// The job queue in PostgreSQL: the SQLite queue's rules (uploads before questions, an
// attempt counted per claim, deferrals give it back, a `not_before` beyond `maxDelay` is a
// clock step) plus leases across daemons (see PostgresStateStore's header).

import Foundation
import LumiereCore
import LumiereStore
import PostgresNIO

extension PostgresStateStore { // JobQueueStore
    static func job(_ row: PostgresRow) throws -> Job {
        let r = row.makeRandomAccess()
        return Job(id: try r["id"].decode(Int64.self),
                   kind: JobKind(rawValue: try r["kind"].decode(String.self)) ?? .reject,
                   tenant: try r["tenant"].decode(String.self),
                   inputName: try r["input_name"].decode(String.self),
                   workName: try r["work_name"].decode(String.self),
                   state: JobState(rawValue: try r["state"].decode(String.self)) ?? .failed,
                   attempts: try r["attempts"].decode(Int.self),
                   notBefore: try r["not_before"].decode(Double.self),
                   waitSince: try r["wait_since"].decode(Double?.self),
                   lastError: StoredJSON.decode(ErrorPayload.self, try r["last_error"].decode(String?.self)),
                   rejectError: StoredJSON.decode(ErrorPayload.self, try r["reject_error"].decode(String?.self)),
                   disposition: try r["disposition"].decode(String?.self).flatMap(Disposition.init(rawValue:)),
                   finalName: try r["final_name"].decode(String?.self),
                   createdAt: try r["created_at"].decode(Double.self),
                   startedAt: try r["started_at"].decode(Double?.self),
                   finishedAt: try r["finished_at"].decode(Double?.self),
                   timings: StoredJSON.decode([String: Double].self, try r["timings"].decode(String?.self)) ?? [:],
                   summary: try r["summary"].decode(String?.self),
                   indexed: try r["indexed"].decode(Bool.self),
                   claimedBy: try r["claimed_by"].decode(String?.self),
                   leaseUntil: try r["lease_until"].decode(Double?.self))
    }

    static func jobs(_ rows: PostgresRowSequence) async throws -> [Job] {
        var jobs: [Job] = []
        for try await row in rows { jobs.append(try job(row)) }
        return jobs
    }

    /// Insert jobs in one transaction. Work names that already have a job are skipped.
    @discardableResult
    public func enqueue(_ jobs: [NewJob]) throws(LumiereError) -> [Int64] {
        if jobs.isEmpty { return [] }
        let t = Date().timeIntervalSince1970
        return try db.transaction("enqueuing jobs") { [logger] connection in
            var ids: [Int64] = []
            for job in jobs {
                let rows = try await connection.query("""
                    INSERT INTO jobs (kind, tenant, input_name, work_name, state, reject_error, created_at, claim_key)
                    VALUES (\(job.kind.rawValue), \(job.tenant), \(job.inputName), \(job.workName), 'queued',
                            \(job.rejectError.map(StoredJSON.encode)), \(t), \(job.claimKey))
                    ON CONFLICT DO NOTHING RETURNING id
                    """, logger: logger)
                for try await id in rows.decode(Int64.self) { ids.append(id) }
            }
            return ids
        }
    }

    /// Claim the next runnable job — queued and due, or running under a lease that ran out
    /// (its daemon is gone) — with FOR UPDATE SKIP LOCKED: concurrent claimers skip a row
    /// another is claiming instead of waiting for it or taking it too. Counts the attempt.
    public func claimNext(now t: Double = Date().timeIntervalSince1970,
                          maxDelay: Double = .infinity) throws(LumiereError) -> Job? {
        let limit = t + min(maxDelay, 1e12)
        let me = settings.daemonID
        let lease = settings.leaseSeconds
        let job = try db.call("claiming a job") { [logger] client in
            let rows = try await client.query("""
                WITH next AS (
                    SELECT id FROM jobs
                    WHERE (state = 'queued' AND (not_before <= \(t) OR not_before > \(limit)))
                       OR (state = 'running' AND lease_until < \(unescaped: Self.serverNow))
                    ORDER BY CASE kind WHEN 'reject' THEN 0 WHEN 'upload' THEN 1 ELSE 2 END, id
                    LIMIT 1
                    FOR UPDATE SKIP LOCKED
                )
                UPDATE jobs SET state = 'running', attempts = jobs.attempts + 1, started_at = \(t),
                    claimed_by = \(me), lease_until = \(unescaped: Self.serverNow) + \(lease),
                    claim_token = nextval('claim_tokens')
                FROM next WHERE jobs.id = next.id
                RETURNING jobs.*
                """, logger: logger)
            var claimed: (Job, Int64)?
            for try await row in rows {
                claimed = (try Self.job(row), try row.makeRandomAccess()["claim_token"].decode(Int64.self))
            }
            return claimed
        }
        guard let (claimed, token) = job else { return nil }
        held.withLock { $0[claimed.id] = token }
        return claimed
    }

    /// Record the final outcome — only while this store's claim is still the row's (fencing).
    public func finish(jobID: Int64, state: JobState, disposition: Disposition, finalName: String,
                       error: ErrorPayload?, timings: [String: Double] = [:], summary: String? = nil,
                       finishedAt: Double? = nil) throws(LumiereError) {
        let token = try token(for: jobID, "finishing it")
        let finished = finishedAt ?? Date().timeIntervalSince1970
        let applied = try db.call("finishing a job") { [logger] client in
            let rows = try await client.query("""
                UPDATE jobs SET state = \(state.rawValue), disposition = \(disposition.rawValue), final_name = \(finalName),
                    last_error = \(error.map(StoredJSON.encode)), finished_at = \(finished),
                    timings = \(timings.isEmpty ? nil : StoredJSON.encode(timings)), summary = \(summary),
                    indexed = \(summary == nil), claimed_by = NULL, lease_until = NULL
                WHERE id = \(jobID) AND state = 'running' AND claim_token = \(token)
                RETURNING id
                """, logger: logger)
            var n = 0
            for try await _ in rows { n += 1 }
            return n
        }
        release(jobID)
        if applied == 0 { throw Self.leaseLost(jobID, "finishing it") }
    }

    /// Put a claimed job back in the queue after `delay` seconds (fenced like `finish`).
    /// `keepAttempt: false` gives the attempt back (waiting is not failing).
    public func requeue(jobID: Int64, delay: Double, error: ErrorPayload?, keepAttempt: Bool,
                        waitingSince: Double? = nil) throws(LumiereError) {
        let token = try token(for: jobID, "re-queuing it")
        let due = Date().timeIntervalSince1970 + delay
        let applied = try db.call("re-queuing a job") { [logger] client in
            let rows = try await client.query("""
                UPDATE jobs SET state = 'queued', not_before = \(due), last_error = \(error.map(StoredJSON.encode)),
                    attempts = attempts - \(keepAttempt ? 0 : 1), wait_since = COALESCE(wait_since, \(waitingSince)),
                    claimed_by = NULL, lease_until = NULL
                WHERE id = \(jobID) AND state = 'running' AND claim_token = \(token)
                RETURNING id
                """, logger: logger)
            var n = 0
            for try await _ in rows { n += 1 }
            return n
        }
        release(jobID)
        if applied == 0 { throw Self.leaseLost(jobID, "re-queuing it") }
    }

    public func job(id: Int64) throws(LumiereError) -> Job? {
        try db.call("reading a job") { [logger] client in
            try await Self.jobs(try await client.query("SELECT * FROM jobs WHERE id = \(id)", logger: logger)).first
        }
    }

    public func jobs(inStates states: [JobState]) throws(LumiereError) -> [Job] {
        let names = states.map(\.rawValue)
        return try db.call("listing jobs") { [logger] client in
            try await Self.jobs(try await client.query("SELECT * FROM jobs WHERE state = ANY(\(names)) ORDER BY id",
                                                       logger: logger))
        }
    }

    public func allWorkNames() throws(LumiereError) -> Set<String> {
        try db.call("listing work names") { [logger] client in
            var names = Set<String>()
            for try await name in try await client.query("SELECT work_name FROM jobs", logger: logger).decode(String.self) {
                names.insert(name)
            }
            return names
        }
    }

    /// At start-up: running jobs whose daemon is gone (lease ran out) go back to the queue.
    /// Unlike SQLite's, jobs other daemons are running right now keep running. Their
    /// attempt stays counted.
    @discardableResult
    public func requeueInterrupted() throws(LumiereError) -> Int {
        try db.call("re-queuing interrupted jobs") { [logger] client in
            var n = 0
            for try await _ in try await client.query("""
                UPDATE jobs SET state = 'queued', not_before = 0, claimed_by = NULL, lease_until = NULL
                WHERE state = 'running' AND (lease_until IS NULL OR lease_until < \(unescaped: Self.serverNow))
                RETURNING id
                """, logger: logger) { n += 1 }
            return n
        }
    }

    public func queueCounts() throws(LumiereError) -> (counts: [JobState: Int], oldestQueued: Double?) {
        let result = try db.call("counting jobs") { [logger] client in
            var counts: [String: Int] = [:]
            for try await (state, n) in try await client.query("SELECT state, COUNT(*) FROM jobs GROUP BY state",
                                                               logger: logger).decode((String, Int).self) {
                counts[state] = n
            }
            var oldest: Double?
            for try await value in try await client.query("SELECT MIN(created_at) FROM jobs WHERE state = 'queued'",
                                                          logger: logger).decode(Double?.self) { oldest = value }
            return (counts, oldest)
        }
        var counts: [JobState: Int] = [:]
        for (name, n) in result.0 { if let s = JobState(rawValue: name) { counts[s] = n } }
        return (counts, result.1)
    }

    public func hasPendingUpload(tenant: String, sourceName: String) throws(LumiereError) -> Bool {
        let names = try db.call("checking pending uploads") { [logger] client in
            var names: [String] = []
            for try await name in try await client.query("""
                SELECT input_name FROM jobs WHERE kind = 'upload' AND tenant = \(tenant) AND state IN ('queued', 'running')
                """, logger: logger).decode(String.self) { names.append(name) }
            return names
        }
        return names.contains { SpoolNames.sourceName(forUpload: $0) == sourceName }
    }

    public func failuresSince(_ t: Double) throws(LumiereError) -> Int {
        try db.call("counting failures") { [logger] client in
            var n = 0
            for try await count in try await client.query("""
                SELECT COUNT(*) FROM jobs WHERE state = 'failed' AND finished_at >= \(t)
                """, logger: logger).decode(Int.self) { n = count }
            return n
        }
    }

    public func markIndexed(jobID: Int64) throws(LumiereError) {
        try db.call("marking a job indexed") { [logger] client in
            try await client.query("UPDATE jobs SET indexed = TRUE WHERE id = \(jobID)", logger: logger)
            return ()
        }
    }

    public func unindexedJobs() throws(LumiereError) -> [Job] {
        try db.call("listing unindexed jobs") { [logger] client in
            try await Self.jobs(try await client.query("""
                SELECT * FROM jobs WHERE NOT indexed AND state IN ('succeeded', 'failed') ORDER BY id
                """, logger: logger))
        }
    }

    public func recentTimings(limit: Int) throws(LumiereError) -> [[String: Double]] {
        try db.call("reading recent timings") { [logger] client in
            var all: [[String: Double]] = []
            for try await text in try await client.query("""
                SELECT timings FROM jobs WHERE timings IS NOT NULL AND state IN ('succeeded', 'failed')
                ORDER BY finished_at DESC LIMIT \(limit)
                """, logger: logger).decode(String.self) {
                if let t = StoredJSON.decode([String: Double].self, text) { all.append(t) }
            }
            return all
        }
    }

    @discardableResult
    public func pruneJobs(finishedBefore cutoff: Double) throws(LumiereError) -> Int {
        try db.call("pruning finished jobs") { [logger] client in
            var n = 0
            for try await _ in try await client.query("""
                DELETE FROM jobs WHERE state IN ('succeeded', 'failed') AND indexed AND finished_at < \(cutoff) RETURNING id
                """, logger: logger) { n += 1 }
            return n
        }
    }

    public func activeJobs() throws(LumiereError) -> [Job] {
        try jobs(inStates: [.queued, .running])
    }
}

// Standing questions (issue 14 item 1): subscriptions — a question or SQL statement kept
// on a source name — and their runs, one per (subscription, source version).
//
// Exactly once per version: recording a source version (`addSource`) inserts, in the
// same transaction, one `standing` job and one run row per active subscription of that
// tenant and name. A crash before the commit loses both with the version (the upload is
// re-ingested and records them then); a crash after it leaves a queued job the queue
// recovers like any other. The run row's UNIQUE (subscription_id, source_id) and the
// job's UNIQUE work name make a second insert for the same version a no-op. The source
// *id* (never reused) is the version's identity: version numbers restart at 1 when a
// source is deleted and uploaded again, and that upload must rerun too.
//
// The run row keeps the answer's table (`result`, JSON DiffTable) so the next version's
// run can diff against it; it is written before the result document, and a rerun of
// the same job (killed in between) writes the same row again. A run waits until the run
// on the version before it has finished (LumiereService StandingRuns), so each diff is
// against the previous version's answer whatever order workers and crashes run them in.

import Foundation
import GRDB
import LumiereCore

public struct SubscriptionRecord: Sendable, Equatable {
    public var id: Int64
    public var tenant: String
    public var sourceName: String
    public var question: String?
    public var sql: String?
    public var status: SubscriptionInfo.Status
    public var createdAt: Double
    /// Runs recorded (queued or finished), and the newest source version among them.
    public var runs: Int
    public var lastVersion: Int?

    public init(id: Int64, tenant: String, sourceName: String, question: String?, sql: String?,
                status: SubscriptionInfo.Status, createdAt: Double, runs: Int, lastVersion: Int?) {
        self.id = id
        self.tenant = tenant
        self.sourceName = sourceName
        self.question = question
        self.sql = sql
        self.status = status
        self.createdAt = createdAt
        self.runs = runs
        self.lastVersion = lastVersion
    }

    init(row: Row) {
        self.init(id: row["id"], tenant: row["tenant"], sourceName: row["source_name"], question: row["question"],
                  sql: row["sql"], status: SubscriptionInfo.Status(rawValue: row["status"]) ?? .paused,
                  createdAt: row["created_at"], runs: row["runs"] ?? 0, lastVersion: row["last_version"])
    }
}

/// One run of a subscription on one source version.
public struct SubscriptionRun: Sendable, Equatable {
    public var subscriptionID: Int64
    public var sourceID: Int64
    public var sourceVersion: Int
    public var jobID: Int64?
    /// The answer's table, once the run has finished (nil while queued, or when it failed).
    public var result: DiffTable?

    public init(subscriptionID: Int64, sourceID: Int64, sourceVersion: Int, jobID: Int64?, result: DiffTable?) {
        self.subscriptionID = subscriptionID
        self.sourceID = sourceID
        self.sourceVersion = sourceVersion
        self.jobID = jobID
        self.result = result
    }

    init(row: Row) {
        self.init(subscriptionID: row["subscription_id"], sourceID: row["source_id"], sourceVersion: row["source_version"],
                  jobID: row["job_id"], result: decodeJSON(DiffTable.self, row["result"]))
    }
}

/// A new subscription (`watch_add`).
public struct NewSubscription: Sendable {
    public var tenant: String
    public var sourceName: String
    public var question: String?
    public var sql: String?
    /// The job of the watch_add request: that job run again (killed after the commit)
    /// gets the subscription it made, not a second one.
    public var jobID: Int64?

    public init(tenant: String, sourceName: String, question: String?, sql: String?, jobID: Int64? = nil) {
        self.tenant = tenant
        self.sourceName = sourceName
        self.question = question
        self.sql = sql
        self.jobID = jobID
    }
}

/// The names a standing run's job goes by, the same in every backend.
public enum StandingRunNames {
    /// The job's input name: its result is `watch-S-vV-I.result.json` (I, the source id,
    /// keeps a re-uploaded version 1 from replacing the first one's result).
    public static func inputName(subscriptionID: Int64, version: Int, sourceID: Int64) -> String {
        "watch-\(subscriptionID)-v\(version)-\(sourceID).json"
    }

    /// The job's work name: unique per (subscription, version), and with a "/" so it can
    /// never be the name of a file in the work area (a standing job has no input file).
    public static func workName(subscriptionID: Int64, sourceID: Int64) -> String {
        "standing/\(subscriptionID)/\(sourceID)"
    }
}

extension StateStore {
    static let subscriptionColumns = """
        s.*, (SELECT COUNT(*) FROM subscription_runs r WHERE r.subscription_id = s.id) AS runs,
        (SELECT MAX(source_version) FROM subscription_runs r WHERE r.subscription_id = s.id) AS last_version
        """

    /// Inside a write: queue one run of every active subscription of `source`'s name.
    static func enqueueStandingRuns(_ db: Database, source: SourceRecord, onlySubscription: Int64? = nil) throws {
        var sql = "SELECT id FROM subscriptions WHERE tenant = ? AND source_name = ? AND status = 'active'"
        var args: [any DatabaseValueConvertible] = [source.tenant, source.name]
        if let onlySubscription { sql += " AND id = ?"; args.append(onlySubscription) }
        let t = now()
        for subscription in try Int64.fetchAll(db, sql: sql, arguments: StatementArguments(args)) {
            try db.execute(sql: """
                INSERT OR IGNORE INTO jobs (kind, tenant, input_name, work_name, state, created_at)
                VALUES ('standing', ?, ?, ?, 'queued', ?)
                """, arguments: [source.tenant,
                                 StandingRunNames.inputName(subscriptionID: subscription, version: source.version, sourceID: source.id),
                                 StandingRunNames.workName(subscriptionID: subscription, sourceID: source.id), t])
            guard db.changesCount > 0 else { continue }
            try db.execute(sql: """
                INSERT OR IGNORE INTO subscription_runs (subscription_id, source_id, source_version, job_id, created_at)
                VALUES (?, ?, ?, ?, ?)
                """, arguments: [subscription, source.id, source.version, db.lastInsertedRowID, t])
        }
    }

    /// Subscribe; when the source already has a version, its run is queued at once (the
    /// baseline the next version is compared with).
    public func addSubscription(_ new: NewSubscription) throws(LumiereError) -> SubscriptionRecord {
        let t = now()
        return try write("adding a subscription") { db in
            if let job = new.jobID, let made = try Row.fetchOne(db, sql: """
                SELECT \(Self.subscriptionColumns) FROM subscriptions s WHERE job_id = ?
                """, arguments: [job]) {
                return SubscriptionRecord(row: made)
            }
            try db.execute(sql: """
                INSERT INTO subscriptions (tenant, source_name, question, sql, status, job_id, created_at, updated_at)
                VALUES (?, ?, ?, ?, 'active', ?, ?, ?)
                """, arguments: [new.tenant, new.sourceName, new.question, new.sql, new.jobID, t, t])
            let id = db.lastInsertedRowID
            if let newest = try Row.fetchOne(db, sql: """
                SELECT * FROM sources WHERE tenant = ? AND name = ? ORDER BY version DESC LIMIT 1
                """, arguments: [new.tenant, new.sourceName]).map(SourceRecord.init(row:)) {
                try Self.enqueueStandingRuns(db, source: newest, onlySubscription: id)
            }
            return SubscriptionRecord(row: try Row.fetchOne(db, sql: "SELECT \(Self.subscriptionColumns) FROM subscriptions s WHERE id = ?",
                                                            arguments: [id])!)
        }
    }

    public func subscriptions(tenant: String) throws(LumiereError) -> [SubscriptionRecord] {
        try read("listing subscriptions") { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.subscriptionColumns) FROM subscriptions s WHERE tenant = ? ORDER BY id",
                             arguments: [tenant]).map(SubscriptionRecord.init(row:))
        }
    }

    /// nil when there is none in this tenant (another tenant's looks the same as none).
    public func subscription(tenant: String, id: Int64) throws(LumiereError) -> SubscriptionRecord? {
        try read("reading a subscription") { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.subscriptionColumns) FROM subscriptions s WHERE tenant = ? AND id = ?",
                             arguments: [tenant, id]).map(SubscriptionRecord.init(row:))
        }
    }

    /// Pause or resume. Returns the updated record, nil when there is none.
    public func setSubscriptionStatus(tenant: String, id: Int64,
                                      status: SubscriptionInfo.Status) throws(LumiereError) -> SubscriptionRecord? {
        try write("updating a subscription") { db in
            try db.execute(sql: "UPDATE subscriptions SET status = ?, updated_at = ? WHERE tenant = ? AND id = ?",
                           arguments: [status.rawValue, now(), tenant, id])
            return try Row.fetchOne(db, sql: "SELECT \(Self.subscriptionColumns) FROM subscriptions s WHERE tenant = ? AND id = ?",
                                    arguments: [tenant, id]).map(SubscriptionRecord.init(row:))
        }
    }

    /// Delete a subscription and its runs. Runs still queued fail with unknown_subscription.
    @discardableResult
    public func deleteSubscription(tenant: String, id: Int64) throws(LumiereError) -> Bool {
        try write("deleting a subscription") { db in
            try db.execute(sql: "DELETE FROM subscriptions WHERE tenant = ? AND id = ?", arguments: [tenant, id])
            guard db.changesCount > 0 else { return false }
            try db.execute(sql: "DELETE FROM subscription_runs WHERE subscription_id = ?", arguments: [id])
            return true
        }
    }

    /// The run a standing job performs.
    public func subscriptionRun(jobID: Int64) throws(LumiereError) -> SubscriptionRun? {
        try read("reading a subscription run") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM subscription_runs WHERE job_id = ?", arguments: [jobID])
                .map(SubscriptionRun.init(row:))
        }
    }

    /// The run on the newest version recorded before `sourceID`; with `answeredOnly`, the
    /// newest such run that has an answer (the one to diff with).
    public func previousSubscriptionRun(subscriptionID: Int64, beforeSourceID sourceID: Int64,
                                        answeredOnly: Bool) throws(LumiereError) -> SubscriptionRun? {
        try read("reading a subscription run") { db in
            try Row.fetchOne(db, sql: """
                SELECT * FROM subscription_runs WHERE subscription_id = ? AND source_id < ?
                \(answeredOnly ? "AND result IS NOT NULL" : "") ORDER BY source_id DESC LIMIT 1
                """, arguments: [subscriptionID, sourceID]).map(SubscriptionRun.init(row:))
        }
    }

    /// Keep a run's answer for the next diff.
    public func finishSubscriptionRun(subscriptionID: Int64, sourceID: Int64, result: DiffTable) throws(LumiereError) {
        try write("recording a subscription run") { db in
            try db.execute(sql: """
                UPDATE subscription_runs SET result = ?, finished_at = ? WHERE subscription_id = ? AND source_id = ?
                """, arguments: [encodeJSON(result), now(), subscriptionID, sourceID])
        }
    }
}

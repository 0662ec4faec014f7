// Standing questions in PostgreSQL: the SQLite store's statements (LumiereStore
// State/Subscriptions.swift, whose header explains the exactly-once rule). With several
// daemons, two recording versions of one source at once each queue their own version's
// runs; the UNIQUE keys make a repeated insert a no-op.

import Foundation
import Logging
import LumiereCore
import LumiereStore
import PostgresNIO

extension PostgresStateStore { // SubscriptionStore
    static let subscriptionColumns = """
        s.*, (SELECT COUNT(*) FROM subscription_runs r WHERE r.subscription_id = s.id) AS runs,
        (SELECT MAX(source_version) FROM subscription_runs r WHERE r.subscription_id = s.id) AS last_version
        """

    static func subscription(_ row: PostgresRow) throws -> SubscriptionRecord {
        let r = row.makeRandomAccess()
        return SubscriptionRecord(
            id: try r["id"].decode(Int64.self), tenant: try r["tenant"].decode(String.self),
            sourceName: try r["source_name"].decode(String.self), question: try r["question"].decode(String?.self),
            sql: try r["sql"].decode(String?.self),
            status: SubscriptionInfo.Status(rawValue: try r["status"].decode(String.self)) ?? .paused,
            createdAt: try r["created_at"].decode(Double.self), runs: try r["runs"].decode(Int.self),
            lastVersion: try r["last_version"].decode(Int?.self))
    }

    static func subscriptions(_ rows: PostgresRowSequence) async throws -> [SubscriptionRecord] {
        var all: [SubscriptionRecord] = []
        for try await row in rows { all.append(try subscription(row)) }
        return all
    }

    static func run(_ row: PostgresRow) throws -> SubscriptionRun {
        let r = row.makeRandomAccess()
        return SubscriptionRun(subscriptionID: try r["subscription_id"].decode(Int64.self),
                               sourceID: try r["source_id"].decode(Int64.self),
                               sourceVersion: try r["source_version"].decode(Int.self),
                               jobID: try r["job_id"].decode(Int64?.self),
                               result: StoredJSON.decode(DiffTable.self, try r["result"].decode(String?.self)))
    }

    /// Inside a transaction: queue one run of every active subscription of `source`'s name.
    static func enqueueStandingRuns(_ connection: PostgresConnection, source: SourceRecord, onlySubscription: Int64? = nil,
                                    logger: Logger) async throws {
        var ids: [Int64] = []
        for try await id in try await connection.query("""
            SELECT id FROM subscriptions WHERE tenant = \(source.tenant) AND source_name = \(source.name)
            AND status = 'active' AND (\(onlySubscription)::BIGINT IS NULL OR id = \(onlySubscription))
            ORDER BY id
            """, logger: logger).decode(Int64.self) { ids.append(id) }
        let t = Date().timeIntervalSince1970
        for subscription in ids {
            let input = StandingRunNames.inputName(subscriptionID: subscription, version: source.version, sourceID: source.id)
            let work = StandingRunNames.workName(subscriptionID: subscription, sourceID: source.id)
            var jobID: Int64?
            for try await id in try await connection.query("""
                INSERT INTO jobs (kind, tenant, input_name, work_name, state, created_at)
                VALUES ('standing', \(source.tenant), \(input), \(work), 'queued', \(t))
                ON CONFLICT DO NOTHING RETURNING id
                """, logger: logger).decode(Int64.self) { jobID = id }
            guard let jobID else { continue }
            try await connection.query("""
                INSERT INTO subscription_runs (subscription_id, source_id, source_version, job_id, created_at)
                VALUES (\(subscription), \(source.id), \(source.version), \(jobID), \(t))
                ON CONFLICT DO NOTHING
                """, logger: logger)
        }
    }

    public func addSubscription(_ new: NewSubscription) throws(LumiereError) -> SubscriptionRecord {
        let t = Date().timeIntervalSince1970
        return try db.transaction("adding a subscription") { [logger] connection in
            if let job = new.jobID, let made = try await Self.subscriptions(try await connection.query("""
                SELECT \(unescaped: Self.subscriptionColumns) FROM subscriptions s WHERE job_id = \(job)
                """, logger: logger)).first {
                return made
            }
            var id: Int64 = 0
            for try await value in try await connection.query("""
                INSERT INTO subscriptions (tenant, source_name, question, sql, status, job_id, created_at, updated_at)
                VALUES (\(new.tenant), \(new.sourceName), \(new.question), \(new.sql), 'active', \(new.jobID), \(t), \(t))
                RETURNING id
                """, logger: logger).decode(Int64.self) { id = value }
            if let newest = try await Self.sources(try await connection.query("""
                SELECT * FROM sources WHERE tenant = \(new.tenant) AND name = \(new.sourceName) ORDER BY version DESC LIMIT 1
                """, logger: logger)).first {
                try await Self.enqueueStandingRuns(connection, source: newest, onlySubscription: id, logger: logger)
            }
            return try await Self.subscriptions(try await connection.query("""
                SELECT \(unescaped: Self.subscriptionColumns) FROM subscriptions s WHERE id = \(id)
                """, logger: logger))[0]
        }
    }

    public func subscriptions(tenant: String) throws(LumiereError) -> [SubscriptionRecord] {
        try db.call("listing subscriptions") { [logger] client in
            try await Self.subscriptions(try await client.query("""
                SELECT \(unescaped: Self.subscriptionColumns) FROM subscriptions s WHERE tenant = \(tenant) ORDER BY id
                """, logger: logger))
        }
    }

    public func subscription(tenant: String, id: Int64) throws(LumiereError) -> SubscriptionRecord? {
        try db.call("reading a subscription") { [logger] client in
            try await Self.subscriptions(try await client.query("""
                SELECT \(unescaped: Self.subscriptionColumns) FROM subscriptions s WHERE tenant = \(tenant) AND id = \(id)
                """, logger: logger)).first
        }
    }

    public func setSubscriptionStatus(tenant: String, id: Int64,
                                      status: SubscriptionInfo.Status) throws(LumiereError) -> SubscriptionRecord? {
        let t = Date().timeIntervalSince1970
        return try db.transaction("updating a subscription") { [logger] connection in
            try await connection.query("""
                UPDATE subscriptions SET status = \(status.rawValue), updated_at = \(t) WHERE tenant = \(tenant) AND id = \(id)
                """, logger: logger)
            return try await Self.subscriptions(try await connection.query("""
                SELECT \(unescaped: Self.subscriptionColumns) FROM subscriptions s WHERE tenant = \(tenant) AND id = \(id)
                """, logger: logger)).first
        }
    }

    @discardableResult
    public func deleteSubscription(tenant: String, id: Int64) throws(LumiereError) -> Bool {
        try db.transaction("deleting a subscription") { [logger] connection in
            var deleted = false
            for try await _ in try await connection.query("""
                DELETE FROM subscriptions WHERE tenant = \(tenant) AND id = \(id) RETURNING id
                """, logger: logger).decode(Int64.self) { deleted = true }
            if deleted {
                try await connection.query("DELETE FROM subscription_runs WHERE subscription_id = \(id)", logger: logger)
            }
            return deleted
        }
    }

    public func subscriptionRun(jobID: Int64) throws(LumiereError) -> SubscriptionRun? {
        try db.call("reading a subscription run") { [logger] client in
            for try await row in try await client.query("SELECT * FROM subscription_runs WHERE job_id = \(jobID)",
                                                        logger: logger) { return try Self.run(row) }
            return nil
        }
    }

    public func previousSubscriptionRun(subscriptionID: Int64, beforeSourceID sourceID: Int64,
                                        answeredOnly: Bool) throws(LumiereError) -> SubscriptionRun? {
        try db.call("reading a subscription run") { [logger] client in
            for try await row in try await client.query("""
                SELECT * FROM subscription_runs WHERE subscription_id = \(subscriptionID) AND source_id < \(sourceID)
                AND (result IS NOT NULL OR NOT \(answeredOnly)) ORDER BY source_id DESC LIMIT 1
                """, logger: logger) { return try Self.run(row) }
            return nil
        }
    }

    public func finishSubscriptionRun(subscriptionID: Int64, sourceID: Int64, result: DiffTable) throws(LumiereError) {
        let text = StoredJSON.encode(result)
        let t = Date().timeIntervalSince1970
        try db.call("recording a subscription run") { [logger] client in
            try await client.query("""
                UPDATE subscription_runs SET result = \(text), finished_at = \(t)
                WHERE subscription_id = \(subscriptionID) AND source_id = \(sourceID)
                """, logger: logger)
            return ()
        }
    }
}

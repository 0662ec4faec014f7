// The query history: every question or SQL request with its full result document
// (rows bounded), so `show`, `rerun` and `chart`/`insight` regeneration work later.

import Foundation
import GRDB
import LumiereCore

public struct QueryRecord: Sendable, Equatable {
    public var id: Int64
    public var tenant: String
    public var jobID: Int64?
    public var rerunOf: Int64?
    public var sourceID: Int64?
    public var sourceName: String?
    public var sourceVersion: Int?
    public var action: String
    public var question: String?
    public var status: String
    public var engine: String?
    public var sql: String?
    public var document: ResultDocument?
    public var interpretation: String?
    public var confidence: Double?
    public var rowCount: Int?
    /// The request as received (JSON), nil for queries recorded before it was kept.
    public var request: JSONValue?
    public var errorCode: String?
    public var createdAt: Double
    public var finishedAt: Double?

    /// For backends other than SQLite, which build a record from their own rows.
    public init(id: Int64, tenant: String, jobID: Int64?, rerunOf: Int64?, sourceID: Int64?, sourceName: String?,
                sourceVersion: Int?, action: String, question: String?, status: String, engine: String?, sql: String?,
                document: ResultDocument?, interpretation: String?, confidence: Double?, rowCount: Int?,
                request: JSONValue?, errorCode: String?, createdAt: Double, finishedAt: Double?) {
        self.id = id
        self.tenant = tenant
        self.jobID = jobID
        self.rerunOf = rerunOf
        self.sourceID = sourceID
        self.sourceName = sourceName
        self.sourceVersion = sourceVersion
        self.action = action
        self.question = question
        self.status = status
        self.engine = engine
        self.sql = sql
        self.document = document
        self.interpretation = interpretation
        self.confidence = confidence
        self.rowCount = rowCount
        self.request = request
        self.errorCode = errorCode
        self.createdAt = createdAt
        self.finishedAt = finishedAt
    }

    init(row: Row) {
        id = row["id"]
        tenant = row["tenant"]
        jobID = row["job_id"]
        rerunOf = row["rerun_of"]
        sourceID = row["source_id"]
        sourceName = row["source_name"]
        sourceVersion = row["source_version"]
        action = row["action"]
        question = row["question"]
        status = row["status"]
        engine = row["engine"]
        sql = row["sql"]
        document = decodeJSON(ResultDocument.self, row["document"])
        interpretation = row["interpretation"]
        confidence = row["confidence"]
        rowCount = row["row_count"]
        request = decodeJSON(JSONValue.self, row["request"])
        errorCode = row["error_code"]
        createdAt = row["created_at"]
        finishedAt = row["finished_at"]
    }
}

extension StateStore {
    /// Reserve a query id before the work starts, so the result document can carry it.
    public func createQuery(tenant: String, jobID: Int64?, action: String, question: String?,
                            sourceName: String?, rerunOf: Int64? = nil, request: Request? = nil) throws(LumiereError) -> Int64 {
        try write("recording a query") { db in
            try db.execute(sql: """
                INSERT INTO queries (tenant, job_id, rerun_of, source_name, action, question, status, document, created_at, request)
                VALUES (?, ?, ?, ?, ?, ?, 'running', '{}', ?, ?)
                """, arguments: [tenant, jobID, rerunOf, sourceName, action, question, now(),
                                 request.map { encodeJSON($0.jsonValue) }])
            return db.lastInsertedRowID
        }
    }

    /// Store the finished document. Rows beyond `keepRows` are dropped from the stored copy.
    public func finishQuery(id: Int64, document: ResultDocument, keepRows: Int) throws(LumiereError) {
        var stored = document
        if let rows = stored.rows, rows.count > keepRows { stored.rows = Array(rows.prefix(keepRows)) }
        try write("storing a query result") { db in
            try db.execute(sql: """
                UPDATE queries SET status = ?, engine = ?, sql = ?, interpretation = ?, confidence = ?, row_count = ?,
                    source_id = ?, source_name = COALESCE(?, source_name), source_version = ?, document = ?, finished_at = ?,
                    error_code = ?
                WHERE id = ?
                """, arguments: [stored.status.rawValue, stored.engine, stored.sql, stored.interpretation, stored.confidence,
                                 stored.rowCount, stored.source?.id, stored.source?.name, stored.source?.version,
                                 encodeJSON(stored), now(), stored.error?.code, id])
        }
    }

    public func query(tenant: String, id: Int64) throws(LumiereError) -> QueryRecord? {
        try read("reading a query") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM queries WHERE tenant = ? AND id = ?", arguments: [tenant, id])
                .map(QueryRecord.init(row:))
        }
    }

    public func listQueries(tenant: String, source: String? = nil, status: String? = nil,
                            limit: Int = 50) throws(LumiereError) -> [QueryRecord] {
        try read("listing queries") { db in
            var sql = "SELECT * FROM queries WHERE tenant = ?"
            var args: [any DatabaseValueConvertible] = [tenant]
            if let source { sql += " AND source_name = ?"; args.append(source) }
            if let status { sql += " AND status = ?"; args.append(status) }
            sql += " ORDER BY id DESC LIMIT ?"
            args.append(limit)
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args)).map(QueryRecord.init(row:))
        }
    }

    /// At daemon start-up: query rows reserved by jobs that were interrupted (a crash or a
    /// kill mid-answer). Their jobs are queued again and reserve a fresh row, so these
    /// would stay `running` in the history forever. Rows of `lumiere ask` (no job) are
    /// left alone: one may be answering right now.
    @discardableResult
    public func deleteAbandonedQueries() throws(LumiereError) -> Int {
        try write("removing abandoned queries") { db in
            try db.execute(sql: "DELETE FROM queries WHERE status = 'running' AND job_id IS NOT NULL")
            return db.changesCount
        }
    }

    @discardableResult
    public func deleteQuery(tenant: String, id: Int64) throws(LumiereError) -> Bool {
        try write("deleting a query") { db in
            try db.execute(sql: "DELETE FROM queries WHERE tenant = ? AND id = ?", arguments: [tenant, id])
            return db.changesCount > 0
        }
    }

    /// Replace a finished query's stored document (chart or insight regenerated), in its
    /// tenant only. Returns false when there is no such query there.
    @discardableResult
    public func updateQueryDocument(tenant: String, id: Int64, document: ResultDocument,
                                    keepRows: Int) throws(LumiereError) -> Bool {
        var stored = document
        if let rows = stored.rows, rows.count > keepRows { stored.rows = Array(rows.prefix(keepRows)) }
        return try write("updating a query") { db in
            try db.execute(sql: "UPDATE queries SET document = ? WHERE tenant = ? AND id = ?",
                           arguments: [encodeJSON(stored), tenant, id])
            return db.changesCount > 0
        }
    }

    /// Retention: delete queries (any tenant) finished before `cutoff`. A query whose job
    /// is still queued or in a worker is never removed; one left 'running' by a crash
    /// (its job re-ran under a new query) goes once it is older than the cutoff.
    @discardableResult
    public func pruneQueries(before cutoff: Double) throws(LumiereError) -> Int {
        try write("pruning the query history") { db in
            try db.execute(sql: """
                DELETE FROM queries WHERE COALESCE(finished_at, created_at) < ?
                  AND (job_id IS NULL OR job_id NOT IN (SELECT id FROM jobs WHERE state IN ('queued', 'running')))
                  AND (status != 'running' OR created_at < ?)
                """, arguments: [cutoff, cutoff])
            return db.changesCount
        }
    }
}

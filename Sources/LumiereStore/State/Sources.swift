// The source catalog: every ingested upload is a version of a named source, with its
// profile and value index, and its own database file under state/sources/.

import Foundation
import GRDB
import LumiereCore

public struct SourceRecord: Sendable, Equatable, Codable {
    public var id: Int64
    public var tenant: String
    public var name: String
    public var version: Int
    public var description: String
    public var fileName: String
    public var sizeBytes: Int64
    public var sha256: String
    public var rowCount: Int
    public var columnCount: Int
    public var profile: SourceProfile
    public var valueIndex: ValueIndex
    /// Path of the source's database, relative to the state directory.
    public var databaseFile: String
    public var createdAt: Double
    public var updatedAt: Double
    /// The source name's glossary (shared by every version), filled by the catalog's
    /// single-source reads (`source(tenant:name:version:)`, `source(id:)`); empty in lists.
    public var glossary: [GlossaryEntry] = []

    /// For backends other than SQLite, which build a record from their own rows.
    public init(id: Int64, tenant: String, name: String, version: Int, description: String, fileName: String,
                sizeBytes: Int64, sha256: String, rowCount: Int, columnCount: Int, profile: SourceProfile,
                valueIndex: ValueIndex, databaseFile: String, createdAt: Double, updatedAt: Double) {
        self.id = id
        self.tenant = tenant
        self.name = name
        self.version = version
        self.description = description
        self.fileName = fileName
        self.sizeBytes = sizeBytes
        self.sha256 = sha256
        self.rowCount = rowCount
        self.columnCount = columnCount
        self.profile = profile
        self.valueIndex = valueIndex
        self.databaseFile = databaseFile
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    init(row: Row) {
        id = row["id"]
        tenant = row["tenant"]
        name = row["name"]
        version = row["version"]
        description = row["description"]
        fileName = row["file_name"]
        sizeBytes = row["size_bytes"]
        sha256 = row["sha256"]
        rowCount = row["row_count"]
        columnCount = row["column_count"]
        profile = decodeJSON(SourceProfile.self, row["profile"]) ?? SourceProfile(rowCount: 0, columns: [])
        valueIndex = decodeJSON(ValueIndex.self, row["value_index"]) ?? ValueIndex()
        databaseFile = row["db_file"]
        createdAt = row["created_at"]
        updatedAt = row["updated_at"]
    }

    public var ref: SourceRef { SourceRef(id: id, name: name, version: version, rowCount: rowCount) }
    public var schema: SourceSchema {
        SourceSchema(rowCount: rowCount, columns: profile.columns, valueIndex: valueIndex, sourceName: name, glossary: glossary)
    }

    enum CodingKeys: String, CodingKey {
        case id, tenant, name, version, description, sha256, profile
        case fileName = "file_name"
        case sizeBytes = "size_bytes"
        case rowCount = "row_count"
        case columnCount = "column_count"
        case valueIndex = "value_index"
        case databaseFile = "db_file"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

public struct NewSourceVersion: Sendable {
    public var tenant: String
    public var name: String
    public var fileName: String
    public var sizeBytes: Int64
    public var sha256: String
    public var profile: SourceProfile
    public var valueIndex: ValueIndex

    public init(tenant: String, name: String, fileName: String, sizeBytes: Int64, sha256: String,
                profile: SourceProfile, valueIndex: ValueIndex) {
        self.tenant = tenant
        self.name = name
        self.fileName = fileName
        self.sizeBytes = sizeBytes
        self.sha256 = sha256
        self.profile = profile
        self.valueIndex = valueIndex
    }
}

extension StateStore {
    /// The version number the next upload of `name` gets.
    public func nextVersion(tenant: String, name: String) throws(LumiereError) -> Int {
        try read("reading source versions") { db in
            (try Int.fetchOne(db, sql: "SELECT MAX(version) FROM sources WHERE tenant = ? AND name = ?",
                              arguments: [tenant, name]) ?? 0) + 1
        }
    }

    /// Record an ingested version whose database file is already in place, and queue the
    /// standing runs of its active subscriptions (State/Subscriptions.swift).
    public func addSource(_ new: NewSourceVersion, version: Int, databaseFile: String) throws(LumiereError) -> SourceRecord {
        let t = now()
        return try write("recording a source") { db in
            try db.execute(sql: """
                INSERT INTO sources (tenant, name, version, file_name, size_bytes, sha256, row_count, column_count,
                                     profile, value_index, db_file, created_at, updated_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [new.tenant, new.name, version, new.fileName, new.sizeBytes, new.sha256,
                                 new.profile.rowCount, new.profile.columns.count, encodeJSON(new.profile),
                                 encodeJSON(new.valueIndex), databaseFile, t, t])
            let id = db.lastInsertedRowID
            let record = SourceRecord(row: try Row.fetchOne(db, sql: "SELECT * FROM sources WHERE id = ?", arguments: [id])!)
            // In this transaction: a recorded version never misses its standing runs.
            try Self.enqueueStandingRuns(db, source: record)
            return record
        }
    }

    /// The newest version of a source, or a given version. nil when there is none (in this
    /// tenant: another tenant's source is indistinguishable from a missing one).
    public func source(tenant: String, name: String, version: Int? = nil) throws(LumiereError) -> SourceRecord? {
        try read("reading a source") { db in
            let row = version == nil
                ? try Row.fetchOne(db, sql: """
                    SELECT * FROM sources WHERE tenant = ? AND name = ? ORDER BY version DESC LIMIT 1
                    """, arguments: [tenant, name])
                : try Row.fetchOne(db, sql: "SELECT * FROM sources WHERE tenant = ? AND name = ? AND version = ?",
                                   arguments: [tenant, name, version])
            return try row.map { row in try Self.withGlossary(SourceRecord(row: row), db) }
        }
    }

    public func source(id: Int64) throws(LumiereError) -> SourceRecord? {
        try read("reading a source") { db in
            try Row.fetchOne(db, sql: "SELECT * FROM sources WHERE id = ?", arguments: [id]).map { row in
                try Self.withGlossary(SourceRecord(row: row), db)
            }
        }
    }

    static func withGlossary(_ record: SourceRecord, _ db: Database) throws -> SourceRecord {
        var r = record
        r.glossary = try glossary(db, tenant: r.tenant, source: r.name)
        return r
    }

    /// Newest version of each source name in a tenant.
    public func listSources(tenant: String) throws(LumiereError) -> [SourceRecord] {
        try read("listing sources") { db in
            try Row.fetchAll(db, sql: """
                SELECT s.* FROM sources s
                WHERE s.tenant = ? AND s.version = (SELECT MAX(version) FROM sources t WHERE t.tenant = s.tenant AND t.name = s.name)
                ORDER BY s.name
                """, arguments: [tenant]).map(SourceRecord.init(row:))
        }
    }

    public func versions(tenant: String, name: String) throws(LumiereError) -> [SourceRecord] {
        try read("listing source versions") { db in
            try Row.fetchAll(db, sql: "SELECT * FROM sources WHERE tenant = ? AND name = ? ORDER BY version",
                             arguments: [tenant, name]).map(SourceRecord.init(row:))
        }
    }

    /// Rename every version of a source. Fails when the new name is taken.
    public func renameSource(tenant: String, name: String, to newName: String) throws(LumiereError) {
        try write("renaming a source") { db in
            let taken = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sources WHERE tenant = ? AND name = ?",
                                         arguments: [tenant, newName]) ?? 0
            if taken > 0 {
                throw LumiereError(.malformedRequest, "a source named \(newName) already exists",
                                   hint: "pick another name or delete that source first")
            }
            try db.execute(sql: "UPDATE sources SET name = ?, updated_at = ? WHERE tenant = ? AND name = ?",
                           arguments: [newName, now(), tenant, name])
            // The history follows the rename, so `queries list --source NEW` finds old questions.
            try db.execute(sql: "UPDATE queries SET source_name = ? WHERE tenant = ? AND source_name = ?",
                           arguments: [newName, tenant, name])
            // Standing questions keep following the source under its new name.
            try db.execute(sql: "UPDATE subscriptions SET source_name = ? WHERE tenant = ? AND source_name = ?",
                           arguments: [newName, tenant, name])
            // So does the glossary (a stale one under the new name would otherwise apply).
            try db.execute(sql: "DELETE FROM glossary WHERE tenant = ? AND source_name = ?", arguments: [tenant, newName])
            try db.execute(sql: "UPDATE glossary SET source_name = ? WHERE tenant = ? AND source_name = ?",
                           arguments: [newName, tenant, name])
        }
    }

    public func describeSource(tenant: String, name: String, description: String) throws(LumiereError) {
        try write("describing a source") { db in
            try db.execute(sql: "UPDATE sources SET description = ?, updated_at = ? WHERE tenant = ? AND name = ?",
                           arguments: [description, now(), tenant, name])
        }
    }

    /// Remove catalog rows; returns the removed records so the caller deletes their files.
    public func deleteSource(tenant: String, name: String, version: Int? = nil) throws(LumiereError) -> [SourceRecord] {
        try write("deleting a source") { db in
            var sql = "SELECT * FROM sources WHERE tenant = ? AND name = ?"
            var args: [any DatabaseValueConvertible] = [tenant, name]
            if let version { sql += " AND version = ?"; args.append(version) }
            let rows = try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args)).map(SourceRecord.init(row:))
            for r in rows { try db.execute(sql: "DELETE FROM sources WHERE id = ?", arguments: [r.id]) }
            // The glossary goes with the last version: a new upload of the name starts afresh.
            let left = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM sources WHERE tenant = ? AND name = ?",
                                        arguments: [tenant, name]) ?? 0
            if left == 0 {
                try db.execute(sql: "DELETE FROM glossary WHERE tenant = ? AND source_name = ?", arguments: [tenant, name])
            }
            return rows
        }
    }

    /// Versions beyond the newest `keep` of a name; removed from the catalog and returned.
    public func pruneVersions(tenant: String, name: String, keep: Int) throws(LumiereError) -> [SourceRecord] {
        try write("pruning source versions") { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT * FROM sources WHERE tenant = ? AND name = ? ORDER BY version DESC LIMIT -1 OFFSET ?
                """, arguments: [tenant, name, keep]).map(SourceRecord.init(row:))
            for r in rows { try db.execute(sql: "DELETE FROM sources WHERE id = ?", arguments: [r.id]) }
            return rows
        }
    }

    /// Every database file the catalog references (to find orphans at start-up).
    public func allSourceFiles() throws(LumiereError) -> Set<String> {
        try read("listing source files") { db in Set(try String.fetchAll(db, sql: "SELECT db_file FROM sources")) }
    }
}

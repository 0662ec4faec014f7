// SourceDatabaseWriter: builds one source database — table `data` with the inferred
// columns, filled by prepared multi-row INSERTs in one transaction, plus `lumiere_meta`.
//
// Inputs: a path for a NEW database (the caller passes the temporary name and renames),
// the inferred columns, then batches of rows.
// Outputs: after `finish`, a normal rollback-journal database: `data` and
// `lumiere_meta(key, value)` holding the profile and value index as JSON, fsynced.
// Bulk-load settings (journal off, no syncs, exclusive lock, 64 MiB cache) are safe
// because nobody sees the file until it is complete and renamed.
// Failure modes: `database_error`, `disk_full`, `io_error` from SQLite or fsync.

import Foundation
import GRDBSQLite
import LumiereCore

final class SourceDatabaseWriter {
    private let connection: SQLiteConnection
    private var insert: SQLiteStatement?
    private var groupInsert: SQLiteStatement?
    private var rowsPerGroup = 1
    let path: String

    init(path: String, columns: [InferredColumn]) throws(LumiereError) {
        self.path = path
        connection = try SQLiteConnection(path: path, mode: .create)
        // page_size must be set before the first table exists; 16 KiB pages suit a
        // table that is written once and scanned by analytic queries.
        try connection.execute("""
            PRAGMA page_size = 16384;
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            PRAGMA locking_mode = EXCLUSIVE;
            PRAGMA cache_size = -65536;
            PRAGMA temp_store = MEMORY;
            """)
        let definitions = columns.map { "\(quoteIdentifier($0.name)) \($0.type.sqliteDeclaredType)" }
        try connection.execute("CREATE TABLE \(SourceSchema.tableName) (\(definitions.joined(separator: ", ")))")
        try connection.execute("BEGIN")
        let tuple = "(" + Array(repeating: "?", count: columns.count).joined(separator: ", ") + ")"
        insert = try connection.prepare("INSERT INTO \(SourceSchema.tableName) VALUES \(tuple)")
        // Several rows per statement run the VDBE program (and step/reset) once per group;
        // SQLite allows 32 766 parameters per statement.
        rowsPerGroup = max(1, min(32, 32_000 / max(1, columns.count)))
        if rowsPerGroup > 1 {
            let tuples = Array(repeating: tuple, count: rowsPerGroup).joined(separator: ", ")
            groupInsert = try connection.prepare("INSERT INTO \(SourceSchema.tableName) VALUES \(tuples)")
        }
    }

    /// Inserts every row of a batch: groups of `rowsPerGroup` rows with one statement,
    /// the rest one by one. Text is bound without a copy: the batch is not reused until
    /// this returns.
    func insert(_ batch: RowBatch) throws(LumiereError) {
        guard let single = insert else { return }
        let columns = batch.columnCount
        let arena = UnsafeRawPointer(batch.arena)
        var cell = batch.cells
        var remaining = batch.rowCount
        if let group = groupInsert {
            while remaining >= rowsPerGroup {
                Self.bind(group, cell, count: rowsPerGroup * columns, arena: arena)
                try group.executeAndReset()
                cell += rowsPerGroup * columns
                remaining -= rowsPerGroup
            }
        }
        while remaining > 0 {
            Self.bind(single, cell, count: columns, arena: arena)
            try single.executeAndReset()
            cell += columns
            remaining -= 1
        }
    }

    @inline(__always)
    private static func bind(_ statement: SQLiteStatement, _ cells: UnsafeMutablePointer<BatchCell>, count: Int,
                             arena: UnsafeRawPointer) {
        for k in 0..<count {
            let index = Int32(k + 1)
            switch cells[k] {
            case .null: statement.bindNull(index)
            case .integer(let v): statement.bind(index, v)
            case .real(let v): statement.bind(index, v)
            case .text(let offset, let count):
                statement.bindTextNoCopy(index, UnsafeRawBufferPointer(start: arena + offset, count: count))
            }
        }
    }

    /// Writes the meta table, commits, switches back to a normal journal and syncs.
    func finish(profile: SourceProfile, valueIndex: ValueIndex) throws(LumiereError) {
        insert = nil
        groupInsert = nil
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let profileJSON: String, indexJSON: String
        do {
            profileJSON = String(decoding: try encoder.encode(profile), as: UTF8.self)
            indexJSON = String(decoding: try encoder.encode(valueIndex), as: UTF8.self)
        } catch {
            throw LumiereError(.internalError, "the profile could not be encoded as JSON",
                               hint: "this is a bug in Lumiere; please report it with the file", underlying: "\(error)")
        }
        try connection.execute("CREATE TABLE lumiere_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        let meta = try connection.prepare("INSERT INTO lumiere_meta (key, value) VALUES (?, ?)")
        for (key, value) in [("format", "lumiere.source-db/1"), ("profile", profileJSON), ("value_index", indexJSON)] {
            meta.bind(1, key)
            meta.bind(2, value)
            try meta.step()
            meta.reset()
        }
        try connection.execute("COMMIT")
        // Leave a file any SQLite client opens normally, then make it durable.
        try connection.execute("PRAGMA locking_mode = NORMAL; PRAGMA journal_mode = DELETE;")
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)
        if fd >= 0 {
            defer { close(fd) }
            if fsync(fd) != 0 {
                throw LumiereError(.ioError, "syncing the new source database failed", hint: "check the disk",
                                   transient: true, underlying: String(cString: strerror(errno)))
            }
        }
    }
}

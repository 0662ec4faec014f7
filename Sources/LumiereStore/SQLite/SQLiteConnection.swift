// SQLiteConnection: a thin owner of one raw sqlite3 handle, for the two places where
// GRDB's conveniences get in the way: bulk ingest (prepared INSERT in a tight loop) and
// the sandboxed executor (which installs its own authorizer — GRDB uses the authorizer
// internally, so it cannot share a handle with ours).
//
// One instance owns one handle and closes it in `deinit`. Not thread-safe: use a
// connection from one thread at a time (each worker opens its own).

import Foundation
import GRDBSQLite
import LumiereCore

let SQLITE_TRANSIENT_DESTRUCTOR = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

public final class SQLiteConnection {
    /// The raw handle; valid for the connection's lifetime.
    public let handle: OpaquePointer
    public let path: String

    public struct OpenMode: Sendable {
        public var flags: Int32
        public static let readOnly = OpenMode(flags: SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX)
        public static let readWrite = OpenMode(flags: SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX)
        public static let create = OpenMode(flags: SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX)
    }

    public init(path: String, mode: OpenMode) throws(LumiereError) {
        var db: OpaquePointer?
        // SQLITE_OPEN_NOFOLLOW: never open a database through a symlink planted in state/.
        let rc = sqlite3_open_v2(path, &db, mode.flags | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_EXRESCODE, nil)
        guard rc == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
            if let db { sqlite3_close_v2(db) }
            throw SQLiteConnection.error(code: rc, message: message, context: "opening the database")
        }
        self.handle = db
        self.path = path
        sqlite3_extended_result_codes(db, 1)
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    /// Run one or more statements that return no rows (schema, pragmas, BEGIN/COMMIT).
    public func execute(_ sql: String) throws(LumiereError) {
        var errmsg: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(handle, sql, nil, nil, &errmsg)
        if rc != SQLITE_OK {
            let message = errmsg.map { String(cString: $0) } ?? lastErrorMessage
            sqlite3_free(errmsg)
            throw SQLiteConnection.error(code: rc, message: message, context: "executing SQL")
        }
    }

    public func prepare(_ sql: String) throws(LumiereError) -> SQLiteStatement {
        var stmt: OpaquePointer?
        var tail: UnsafePointer<CChar>?
        let rc = sql.withCString { sqlite3_prepare_v3(handle, $0, -1, 0, &stmt, &tail) }
        guard rc == SQLITE_OK, let stmt else {
            throw SQLiteConnection.error(code: rc, message: lastErrorMessage, context: "preparing SQL")
        }
        return SQLiteStatement(stmt, connection: self)
    }

    public var lastErrorMessage: String { String(cString: sqlite3_errmsg(handle)) }

    /// Map a SQLite result code to a LumiereError. BUSY/LOCKED and FULL are transient.
    public static func error(code rc: Int32, message: String, context: String) -> LumiereError {
        let primary = rc & 0xff
        switch primary {
        case SQLITE_BUSY, SQLITE_LOCKED:
            return LumiereError(.databaseBusy, "the database is busy while \(context)",
                                hint: "another process holds a lock; it will be retried", transient: true,
                                underlying: message)
        case SQLITE_FULL:
            return LumiereError(.diskFull, "the disk is full while \(context)",
                                hint: "free disk space; work resumes by itself", transient: true, underlying: message)
        case SQLITE_IOERR:
            return LumiereError(.ioError, "an I/O error occurred while \(context)",
                                hint: "check the disk and the spool's permissions", transient: true, underlying: message)
        default:
            return LumiereError(.databaseError, "SQLite failed while \(context): \(message)",
                                hint: nil, underlying: "sqlite code \(rc)")
        }
    }
}

/// A prepared statement; finalized in `deinit`. Indices are 1-based for binding and
/// 0-based for columns, as in SQLite.
public final class SQLiteStatement {
    public let handle: OpaquePointer
    // Keeps the connection alive while a statement exists.
    let connection: SQLiteConnection

    init(_ handle: OpaquePointer, connection: SQLiteConnection) {
        self.handle = handle
        self.connection = connection
    }

    deinit { sqlite3_finalize(handle) }

    public var columnCount: Int { Int(sqlite3_column_count(handle)) }
    public func columnName(_ i: Int) -> String { String(cString: sqlite3_column_name(handle, Int32(i))) }
    public var isReadOnly: Bool { sqlite3_stmt_readonly(handle) != 0 }

    @inline(__always) public func bindNull(_ i: Int32) { sqlite3_bind_null(handle, i) }
    @inline(__always) public func bind(_ i: Int32, _ v: Int64) { sqlite3_bind_int64(handle, i, v) }
    @inline(__always) public func bind(_ i: Int32, _ v: Double) { sqlite3_bind_double(handle, i, v) }
    @inline(__always) public func bind(_ i: Int32, _ v: String) {
        var s = v
        s.withUTF8 { buf in
            _ = sqlite3_bind_text(handle, i, UnsafeRawPointer(buf.baseAddress!).assumingMemoryBound(to: CChar.self),
                                  Int32(buf.count), SQLITE_TRANSIENT_DESTRUCTOR)
        }
    }
    /// Bind UTF-8 bytes without building a String (ingest's hot path).
    @inline(__always) public func bindText(_ i: Int32, _ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            sqlite3_bind_text(handle, i, "", 0, SQLITE_TRANSIENT_DESTRUCTOR)
            return
        }
        sqlite3_bind_text(handle, i, base.assumingMemoryBound(to: CChar.self), Int32(bytes.count),
                          SQLITE_TRANSIENT_DESTRUCTOR)
    }
    /// Bind UTF-8 bytes without SQLite copying them (SQLITE_STATIC). The bytes must stay
    /// valid and unchanged until the statement is stepped and this parameter rebound;
    /// bulk ingest rebinds every parameter of every row, so its row buffer qualifies.
    @inline(__always) public func bindTextNoCopy(_ i: Int32, _ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else {
            sqlite3_bind_text(handle, i, "", 0, SQLITE_TRANSIENT_DESTRUCTOR)
            return
        }
        sqlite3_bind_text(handle, i, base.assumingMemoryBound(to: CChar.self), Int32(bytes.count), nil)
    }
    public func bind(_ i: Int32, _ v: SQLValue) {
        switch v {
        case .null: bindNull(i)
        case .integer(let x): bind(i, x)
        case .real(let x): bind(i, x)
        case .text(let x): bind(i, x)
        }
    }

    /// Step once: true when a row is available, false when done.
    @discardableResult
    public func step() throws(LumiereError) -> Bool {
        let rc = sqlite3_step(handle)
        if rc == SQLITE_ROW { return true }
        if rc == SQLITE_DONE { return false }
        throw SQLiteConnection.error(code: rc, message: connection.lastErrorMessage, context: "running SQL")
    }

    public func reset() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// Run a statement that returns no rows, then reset it keeping its bindings
    /// (bulk INSERT: every parameter is rebound before the next step anyway).
    @inline(__always) public func executeAndReset() throws(LumiereError) {
        let rc = sqlite3_step(handle)
        sqlite3_reset(handle)
        if rc != SQLITE_DONE && rc != SQLITE_ROW {
            throw SQLiteConnection.error(code: rc, message: connection.lastErrorMessage, context: "running SQL")
        }
    }

    public func value(at i: Int) -> SQLValue {
        let col = Int32(i)
        switch sqlite3_column_type(handle, col) {
        case SQLITE_NULL: return .null
        case SQLITE_INTEGER: return .integer(sqlite3_column_int64(handle, col))
        case SQLITE_FLOAT: return .real(sqlite3_column_double(handle, col))
        case SQLITE_BLOB:
            // Sources hold no blobs; a query can still make one (zeroblob). Report its size.
            return .text("<blob \(sqlite3_column_bytes(handle, col)) bytes>")
        default:
            guard let p = sqlite3_column_text(handle, col) else { return .null }
            let n = Int(sqlite3_column_bytes(handle, col))
            return .text(String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self))
        }
    }

    /// All rows as values (for small results: schema queries, previews).
    public func allRows(limit: Int = .max) throws(LumiereError) -> [[SQLValue]] {
        var rows: [[SQLValue]] = []
        let n = columnCount
        while rows.count < limit, try step() {
            rows.append((0..<n).map { value(at: $0) })
        }
        return rows
    }
}

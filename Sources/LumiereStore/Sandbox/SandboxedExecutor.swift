// SandboxedExecutor: runs one untrusted SQL statement (written by an LLM, the rule engine
// or a user) against one data source's SQLite file, so that no query, however hostile,
// can change a file, read anything but table `data`, or hold a worker for long.
//
// Inputs: the path of a source database (a table `data`, maybe `lumiere_meta`), limits,
// and SQL text. Outputs: a `QueryResult` (columns with types, rows, `truncated`).
// Failure modes, all as `LumiereError`:
//   .forbiddenSQL    empty SQL, more than one statement, parameters, EXPLAIN, anything but
//                    a read-only SELECT, or an authorizer denial (say what was refused)
//   .sqlTimeout      the progress-handler deadline passed (`limits.timeoutSeconds`)
//   .resultTooLarge  a value passed SQLITE_LIMIT_LENGTH, SQLite hit the heap limit, or the
//                    collected rows passed `limits.maxResultBytes`
//   .sqlError        SQLite refused the SQL (syntax, unknown column...), with a hint that
//                    lists the columns of `data`
//   .databaseError   the source cannot be opened or has no table `data`
//
// Defence in depth, outermost first:
//   1. The file is opened read-only (`mode=ro`, SQLITE_OPEN_READONLY), through no symlink
//      (SQLITE_OPEN_NOFOLLOW), and `immutable=1` when no -wal/-journal file sits beside it
//      (see `openURI`): SQLite then takes no locks and creates no side files.
//   2. `query_only`, DEFENSIVE on, TRUSTED_SCHEMA / triggers / views / FTS3 tokenizers /
//      extension loading off, ATTACH limit 0; temp storage in memory, so nothing a query
//      does (sorts, recursive CTEs) writes to disk — memory is bounded by the heap limit.
//   3. An allowlist authorizer (SandboxAuthorizer): SELECT, reads of `data`, and named
//      functions only.
//   4. After prepare: exactly one statement, sqlite3_stmt_readonly, not EXPLAIN, returns
//      columns, binds no parameters.
//   5. While running: a progress-handler deadline backed by a watchdog interrupt, tight
//      sqlite3_limit()s, the hard heap limit, a row cap and a byte cap; instr, replace and
//      two-argument trim replaced by linear-time versions (SandboxStringFunctions).
//
// Known limits (measured): work done inside one VM instruction cannot be interrupted. The
// worst left is an in-memory ORDER BY: sorting 10M rows took ~5 s past a 3 s deadline;
// the heap limit caps it (~13M small rows at 512 MiB). One LIKE call over an 8 MiB string
// with a 100-byte pattern overshoots by up to ~0.85 s. Compilation (sqlite3_prepare) runs
// before any deadline; exponential CTE expansion there is ended by the heap limit (~1 s).
//
// Threading: one executor is one SQLite connection opened without a mutex; use it from one
// thread at a time (a worker opens its own, runs its query, and drops it). Blocking: `run`
// blocks for up to `timeoutSeconds`; call it from a Dispatch worker, not a Swift task.

import CSQLiteShim
import Foundation
import GRDBSQLite
import LumiereCore

public final class SandboxedExecutor {
    public let databasePath: String
    public let limits: SandboxLimits
    /// The columns of table `data`, in order (used for hints in error messages).
    public let dataColumns: [String]

    private let connection: SQLiteConnection
    /// Reached by the C callbacks through an unretained pointer; lives as long as `self`,
    /// which unregisters the callbacks in `deinit` before it goes.
    private let state = SandboxCallbackState()
    private let watchdog = SandboxWatchdog()

    public init(databasePath: String, limits: SandboxLimits = .init()) throws(LumiereError) {
        self.databasePath = databasePath
        self.limits = limits
        let flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX
        connection = try SQLiteConnection(path: Self.openURI(for: databasePath),
                                          mode: SQLiteConnection.OpenMode(flags: flags))
        let db = connection.handle

        // Connection hardening. sqlite3_db_config is variadic, hence the C shim.
        let configs: [(Int32, Int32, String)] = [
            (SQLITE_DBCONFIG_DEFENSIVE, 1, "DEFENSIVE"),
            (SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, "TRUSTED_SCHEMA"),
            (SQLITE_DBCONFIG_WRITABLE_SCHEMA, 0, "WRITABLE_SCHEMA"),
            (SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER, 0, "ENABLE_FTS3_TOKENIZER"),
            (SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0, "ENABLE_LOAD_EXTENSION"),
            // A source holds only tables; a trigger or view in it would be someone's plant.
            (SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, "ENABLE_TRIGGER"),
            (SQLITE_DBCONFIG_ENABLE_VIEW, 0, "ENABLE_VIEW"),
            // Double-quoted strings are identifiers, never string literals: otherwise a
            // misspelled "Salez" silently becomes the text 'Salez' and answers are wrong.
            (SQLITE_DBCONFIG_DQS_DML, 0, "DQS_DML"),
            (SQLITE_DBCONFIG_DQS_DDL, 0, "DQS_DDL"),
        ]
        for (op, value, name) in configs {
            // SQLite writes the setting in force after the call: check it took.
            var now: Int32 = -1
            let rc = lumiere_sqlite3_db_config_int(UnsafeMutableRawPointer(db), op, value, &now)
            guard rc == SQLITE_OK, now == value else {
                throw SQLiteConnection.error(code: rc, message: "sqlite3_db_config(\(name)) failed",
                                             context: "configuring the sandbox")
            }
        }
        // Our own statements, before the authorizer exists. temp_store=MEMORY keeps sorter
        // and ephemeral-table spills off the disk (they count against the heap limit).
        try connection.execute("PRAGMA query_only = 1; PRAGMA temp_store = MEMORY;")
        dataColumns = try Self.columns(of: connection)
        state.sourceTables = try Self.tableNames(of: connection)

        let sqliteLimits: [(Int32, Int)] = [
            (SQLITE_LIMIT_LENGTH, limits.maxValueLength),
            (SQLITE_LIMIT_SQL_LENGTH, limits.maxSQLLength),
            (SQLITE_LIMIT_COMPOUND_SELECT, limits.maxCompoundSelect),
            (SQLITE_LIMIT_EXPR_DEPTH, limits.maxExpressionDepth),
            (SQLITE_LIMIT_VDBE_OP, limits.maxVDBEOps),
            (SQLITE_LIMIT_FUNCTION_ARG, limits.maxFunctionArguments),
            (SQLITE_LIMIT_LIKE_PATTERN_LENGTH, limits.maxLikePatternLength),
            (SQLITE_LIMIT_VARIABLE_NUMBER, limits.maxVariableNumber),
            (SQLITE_LIMIT_ATTACHED, SandboxLimits.maxAttached),
            (SQLITE_LIMIT_TRIGGER_DEPTH, SandboxLimits.maxTriggerDepth),
            (SQLITE_LIMIT_WORKER_THREADS, SandboxLimits.maxWorkerThreads),
        ]
        for (id, value) in sqliteLimits {
            // SQLite only lowers limits below its compile-time maxima; clamp to Int32 first.
            sqlite3_limit(db, id, Int32(clamping: max(0, value)))
        }

        var rc = SandboxFunctions.register(on: db)
        if rc == SQLITE_OK { rc = SandboxStringFunctions.register(on: db) }
        guard rc == SQLITE_OK else {
            throw SQLiteConnection.error(code: rc, message: connection.lastErrorMessage,
                                         context: "registering sandbox functions")
        }
        Self.applyHeapLimit(limits.heapLimitBytes)

        let context = Unmanaged.passUnretained(state).toOpaque()
        sqlite3_set_authorizer(db, sandboxAuthorizerCallback, context)
        sqlite3_progress_handler(db, Int32(clamping: max(1, limits.progressInterval)),
                                 sandboxProgressCallback, context)
    }

    deinit {
        // Unhook the callbacks before `state` can go away.
        sqlite3_set_authorizer(connection.handle, nil, nil)
        sqlite3_progress_handler(connection.handle, 0, nil, nil)
    }

    /// Prepare only, without running: the same checks as `run`, for engines that want to
    /// validate SQL they produce.
    public func check(_ sql: String) throws(LumiereError) {
        _ = try prepare(sql)
    }

    /// Prepare and run one SELECT. Returns at most `limits.maxRows` rows (`truncated` tells
    /// whether there were more). Column types: the declared type of a source column
    /// (sqlite3_column_decltype), else the storage class of the column's first non-null
    /// value, else "NULL".
    public func run(_ sql: String) throws(LumiereError) -> QueryResult {
        let statement = try prepare(sql)
        let stmt = statement.handle
        let columnCount = statement.columnCount
        var types: [String?] = (0..<columnCount).map { i in
            sqlite3_column_decltype(stmt, Int32(i)).map { String(cString: $0) }
        }
        var rows: [[SQLValue]] = []
        var bytes = 0
        var truncated = false

        state.timedOut = false
        state.deadline = monotonicNanoseconds() + Self.nanoseconds(limits.timeoutSeconds)
        watchdog.arm(connection.handle, seconds: limits.timeoutSeconds)
        defer {
            watchdog.disarm()
            state.deadline = .max
        }

        while true {
            let rc = sqlite3_step(stmt)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { throw runError(code: rc) }
            if rows.count >= limits.maxRows {
                truncated = true
                break
            }
            var row: [SQLValue] = []
            row.reserveCapacity(columnCount)
            for i in 0..<columnCount {
                let storage = sqlite3_column_type(stmt, Int32(i))
                if types[i] == nil, storage != SQLITE_NULL { types[i] = Self.storageClassName(storage) }
                let value = statement.value(at: i)
                if case .text(let s) = value { bytes += s.utf8.count } else { bytes += 8 }
                row.append(value)
            }
            if bytes > limits.maxResultBytes {
                throw LumiereError(
                    .resultTooLarge, "the result is larger than \(Self.megabytes(limits.maxResultBytes))",
                    hint: "select fewer or shorter columns, aggregate, or add LIMIT")
            }
            rows.append(row)
        }
        let columns = (0..<columnCount).map { i in
            ResultColumn(name: statement.columnName(i), type: types[i] ?? "NULL")
        }
        return QueryResult(columns: columns, rows: rows, truncated: truncated)
    }

    // MARK: Preparing

    private func prepare(_ sql: String) throws(LumiereError) -> SQLiteStatement {
        let utf8 = Array(sql.utf8)
        if utf8.contains(0) {
            throw forbidden("the SQL contains a NUL character")
        }
        if Self.isBlank(utf8[...]) {
            throw forbidden("the SQL is empty")
        }
        if utf8.count > limits.maxSQLLength {
            throw forbidden("the SQL is longer than \(limits.maxSQLLength) bytes")
        }

        state.reset()
        var handle: OpaquePointer?
        var tailOffset = 0
        let rc = utf8.withUnsafeBufferPointer { buffer -> Int32 in
            buffer.withMemoryRebound(to: CChar.self) { chars in
                var tail: UnsafePointer<CChar>?
                let rc = sqlite3_prepare_v3(connection.handle, chars.baseAddress, Int32(chars.count), 0, &handle, &tail)
                if let tail, let base = chars.baseAddress { tailOffset = tail - base }
                return rc
            }
        }
        guard rc == SQLITE_OK else {
            if let handle { sqlite3_finalize(handle) }
            throw prepareError(code: rc, sql: sql)
        }
        // Only comments: SQLite compiles nothing.
        guard let handle else { throw forbidden("the SQL is empty") }
        let statement = SQLiteStatement(handle, connection: connection)

        if !Self.isBlank(utf8[min(tailOffset, utf8.count)...]) {
            throw forbidden("only one statement is allowed")
        }
        if let table = state.unresolvedReads.first {
            throw forbidden("reading table \(table) is not allowed")
        }
        if sqlite3_stmt_isexplain(handle) != 0 {
            throw forbidden("EXPLAIN is not allowed")
        }
        // The authorizer already refused writes; these catch statements that compile
        // without consulting it (VACUUM does its work at run time).
        if !statement.isReadOnly || statement.columnCount == 0 {
            throw forbidden("only SELECT statements are allowed")
        }
        if sqlite3_bind_parameter_count(handle) > 0 {
            throw forbidden("query parameters (?, :name, $name) are not supported; write values into the SQL")
        }
        return statement
    }

    /// True when the bytes hold only whitespace, semicolons and comments (SQLite's rules:
    /// `--` to end of line, `/* */` — an unterminated block comment runs to the end).
    static func isBlank(_ bytes: ArraySlice<UInt8>) -> Bool {
        var i = bytes.startIndex
        let end = bytes.endIndex
        while i < end {
            let c = bytes[i]
            switch c {
            case 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, UInt8(ascii: ";"):
                i += 1
            case UInt8(ascii: "-") where i + 1 < end && bytes[i + 1] == UInt8(ascii: "-"):
                i += 2
                while i < end && bytes[i] != 0x0A { i += 1 }
            case UInt8(ascii: "/") where i + 1 < end && bytes[i + 1] == UInt8(ascii: "*"):
                i += 2
                while i < end && !(bytes[i] == UInt8(ascii: "*") && i + 1 < end && bytes[i + 1] == UInt8(ascii: "/")) {
                    i += 1
                }
                i = min(i + 2, end)
            default:
                return false
            }
        }
        return true
    }

    // MARK: Errors

    private func forbidden(_ message: String) -> LumiereError {
        LumiereError(.forbiddenSQL, message, hint: SandboxAuthorizer.shortHint)
    }

    private var columnList: String { dataColumns.joined(separator: ", ") }

    private func prepareError(code rc: Int32, sql: String) -> LumiereError {
        let message = connection.lastErrorMessage
        // A denial shows up as SQLITE_AUTH for statements, but as a plain SQLITE_ERROR
        // ("not authorized to use function", "vtable constructor failed") for functions
        // and virtual tables: the recorded denial is what counts.
        if var reason = state.denial {
            if message.hasPrefix("vtable constructor failed: ") {
                reason = "table-valued function or virtual table \(message.dropFirst(27)) is not allowed"
            } else if state.deniedSchemaWrite, Self.looksLikeQuery(sql) {
                reason = "table-valued functions and virtual tables (pragma_*, json_each, dbstat) are not allowed"
            }
            let hint = reason.hasPrefix("function ") ? SandboxAuthorizer.functionHint : SandboxAuthorizer.shortHint
            return LumiereError(.forbiddenSQL, reason, hint: hint, underlying: message)
        }
        switch rc & 0xff {
        case SQLITE_AUTH:
            return LumiereError(.forbiddenSQL, "the query was not authorized", hint: SandboxAuthorizer.shortHint,
                                underlying: message)
        case SQLITE_TOOBIG, SQLITE_NOMEM:
            return limitError(code: rc, message: message)
        default:
            return sqlError(message: message)
        }
    }

    /// Whether the SQL starts (after blanks) with SELECT, WITH or VALUES: then a denied
    /// schema write can only come from a table-valued function or virtual table.
    static func looksLikeQuery(_ sql: String) -> Bool {
        let words = sql.lowercased().split(whereSeparator: { !$0.isLetter }).prefix(1)
        return ["select", "with", "values"].contains(words.first.map(String.init) ?? "")
    }

    private func runError(code rc: Int32) -> LumiereError {
        let message = connection.lastErrorMessage
        switch rc & 0xff {
        case SQLITE_INTERRUPT where state.timedOut || watchdog.fired:
            return LumiereError(
                .sqlTimeout, "the query ran longer than \(Self.seconds(limits.timeoutSeconds))",
                hint: "narrow the query: filter rows with WHERE, aggregate before joining, "
                    + "avoid joining the table with itself, or add LIMIT",
                underlying: message)
        case SQLITE_AUTH:
            // Statements like VACUUM consult the authorizer only while they run.
            return LumiereError(.forbiddenSQL, state.denial ?? "the query was not authorized",
                                hint: SandboxAuthorizer.shortHint, underlying: message)
        case SQLITE_TOOBIG, SQLITE_NOMEM:
            return limitError(code: rc, message: message)
        default:
            return sqlError(message: message)
        }
    }

    private func limitError(code rc: Int32, message: String) -> LumiereError {
        if rc & 0xff == SQLITE_NOMEM {
            let limit = limits.heapLimitBytes > 0 ? " (\(Self.megabytes(Int(limits.heapLimitBytes))))" : ""
            return LumiereError(
                .resultTooLarge, "the query needed more memory than the sandbox allows\(limit)",
                hint: "simplify the query: filter or aggregate before sorting, joining or taking medians "
                    + "of many rows, and avoid deeply nested subqueries",
                underlying: message)
        }
        return LumiereError(
            .resultTooLarge, "a value built by the query grew past \(Self.megabytes(limits.maxValueLength))",
            hint: "build shorter strings: group_concat fewer rows or aggregate first", underlying: message)
    }

    private func sqlError(message: String) -> LumiereError {
        let hint: String
        if message.hasPrefix("no such column") {
            hint = "table \(SandboxCallbackState.table) has columns: \(columnList); "
                + "write text values in single quotes ('North') and names with spaces in double quotes"
        } else if message.hasPrefix("no such table") {
            hint = "the only table is \(SandboxCallbackState.table), with columns: \(columnList)"
        } else if message.hasPrefix("no such function") {
            hint = SandboxAuthorizer.functionHint
        } else {
            hint = "check the SQL; table \(SandboxCallbackState.table) has columns: \(columnList)"
        }
        return LumiereError(.sqlError, message, hint: hint, underlying: message)
    }

    // MARK: Helpers

    /// A `file:` URI for the path, with `?`, `#` and `%` escaped. `immutable=1` tells
    /// SQLite the file cannot change: no locks, no -shm, no hot-journal recovery. That is
    /// true of sources — the daemon never writes a source after ingest and replaces it by
    /// rename, which leaves an open descriptor on the old file. It is not safe when a -wal
    /// file sits beside the database (immutable mode ignores the WAL, so committed rows
    /// would be missing) or a journal does (an interrupted write); then plain read-only.
    static func openURI(for path: String) -> String {
        let fm = FileManager.default
        let hasSideFiles = fm.fileExists(atPath: path + "-wal") || fm.fileExists(atPath: path + "-journal")
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "?#%")
        let escaped = path.addingPercentEncoding(withAllowedCharacters: allowed) ?? path
        return "file:\(escaped)?mode=ro" + (hasSideFiles ? "" : "&immutable=1")
    }

    /// The column names of table `data`, read before the authorizer is installed.
    private static func columns(of connection: SQLiteConnection) throws(LumiereError) -> [String] {
        let statement: SQLiteStatement
        do {
            statement = try connection.prepare("SELECT * FROM \(SandboxCallbackState.table) LIMIT 0")
        } catch {
            throw LumiereError(.databaseError, "the source database has no readable table \(SandboxCallbackState.table)",
                               hint: "ingest the CSV file again", underlying: error.message)
        }
        return (0..<statement.columnCount).map { statement.columnName($0) }
    }

    /// Lower-cased names of all tables and views in the source, read before the authorizer
    /// is installed.
    private static func tableNames(of connection: SQLiteConnection) throws(LumiereError) -> Set<String> {
        let statement = try connection.prepare("SELECT name FROM sqlite_schema WHERE type IN ('table', 'view')")
        return Set(try statement.allRows().compactMap { $0.first?.textValue?.lowercased() })
    }

    /// sqlite3_hard_heap_limit64 is process-wide: set it only when it differs, so opening
    /// many executors with the same limits is a no-op.
    private static func applyHeapLimit(_ bytes: Int64) {
        let wanted = max(0, bytes)
        if sqlite3_hard_heap_limit64(-1) != wanted {
            _ = sqlite3_hard_heap_limit64(wanted)
        }
    }

    /// The process-wide heap limit now in force.
    static var currentHeapLimit: Int64 { sqlite3_hard_heap_limit64(-1) }

    static func storageClassName(_ type: Int32) -> String {
        switch type {
        case SQLITE_INTEGER: return "INTEGER"
        case SQLITE_FLOAT: return "REAL"
        case SQLITE_TEXT: return "TEXT"
        case SQLITE_BLOB: return "BLOB"
        default: return "NULL"
        }
    }

    static func nanoseconds(_ seconds: Double) -> UInt64 {
        guard seconds.isFinite, seconds > 0 else { return 0 }
        return UInt64(min(seconds, 1e9) * 1e9)
    }

    static func seconds(_ s: Double) -> String {
        s.rounded() == s ? "\(Int(s)) s" : "\(s) s"
    }

    static func megabytes(_ bytes: Int) -> String {
        if bytes % (1 << 20) == 0 { return "\(bytes >> 20) MiB" }
        if bytes % 1_000_000 == 0 { return "\(bytes / 1_000_000) MB" }
        return "\(bytes) bytes"
    }
}

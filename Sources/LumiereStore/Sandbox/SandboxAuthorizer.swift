// SandboxAuthorizer: the allowlist SQLite consults while it compiles an untrusted query.
//
// Inputs: SQLite's authorizer callbacks (action code + table/column/function names), made
// while sqlite3_prepare compiles a statement and while a statement runs nested SQL (VACUUM).
// Outputs: SQLITE_OK for what analytic SELECTs need, SQLITE_DENY for everything else, and
// the first denial's reason in words, so the executor can say what was not allowed.
// Failure modes: none of its own; a denial makes sqlite3_prepare fail with SQLITE_AUTH.
//
// Why an allowlist and not a denylist: SQLite grows new actions, pragmas, table-valued
// functions and virtual tables with each release; anything we did not think about must be
// refused by default. Schema loading at open and on first prepare does not go through the
// authorizer (SQLite skips it while `db->init.busy`), so denying reads of sqlite_schema
// does not break compilation; the tests check that.

import Foundation
import GRDBSQLite

/// State shared with the C callbacks (authorizer, progress handler) through a context
/// pointer. Owned by one `SandboxedExecutor` and used only on the thread that runs it.
final class SandboxCallbackState {
    /// The only table a query may read.
    static let table = "data"

    /// Why the authorizer first said no; cleared before each prepare.
    var denial: String?
    /// Whether a denial was a write to the schema table, which is also how SQLite's
    /// table-valued functions and virtual tables (pragma_table_info, dbstat) show up.
    var deniedSchemaWrite = false
    /// Tables read without naming a column (`count(*)`), which SQLite reports without a
    /// database name for real tables and CTEs alike; checked after prepare (`unresolvedReads`).
    var columnlessReads: Set<String> = []
    /// Lower-cased names of the CTEs the statement uses (SQLite passes them as the
    /// callbacks' last argument for everything inside a CTE body).
    var cteNames: Set<String> = []
    /// Monotonic deadline in nanoseconds (CLOCK_MONOTONIC); `UInt64.max` when no query runs.
    var deadline: UInt64 = .max
    /// Set by the progress handler when it interrupted a query for running too long.
    var timedOut = false
    /// Lower-cased names of the source's tables, read at open: a CTE may not shadow one.
    var sourceTables: Set<String> = []

    func reset() {
        denial = nil
        deniedSchemaWrite = false
        columnlessReads = []
        cteNames = []
    }

    func deny(_ reason: String) -> Int32 {
        // Keep the first reason: later callbacks are often consequences of the first.
        if denial == nil { denial = reason }
        return SQLITE_DENY
    }

    /// Column-less reads of anything but `data` or a CTE of this statement. A CTE named
    /// like a real table (`WITH lumiere_meta AS (...)`) does not count: `count(*)` over the
    /// real table would then pass as a read of the CTE.
    var unresolvedReads: [String] {
        columnlessReads.filter { name in
            let lower = name.lowercased()
            if lower == Self.table { return false }
            let shadowsTable = sourceTables.contains(lower) || lower.hasPrefix("sqlite_")
            return shadowsTable || !cteNames.contains(lower)
        }.sorted()
    }

    /// The authorizer decision for one action; `inside` is the CTE, trigger or view the
    /// action belongs to.
    func authorize(action: Int32, _ arg1: String?, _ arg2: String?, _ database: String?, inside: String?) -> Int32 {
        if let inside { cteNames.insert(inside.lowercased()) }
        switch action {
        case SQLITE_SELECT, SQLITE_RECURSIVE:
            return SQLITE_OK
        case SQLITE_READ:
            // arg1 = table, arg2 = column. Table names are compared as SQLite does
            // (ASCII case-insensitively); the database must be main (no temp tables exist,
            // none can be created, and attaching is disabled — this is the last guard).
            guard let table = arg1 else { return deny("reading an unnamed table is not allowed") }
            if arg2 == nil || arg2 == "", database == nil {
                // count(*) and the like: the table may be a CTE; decided after prepare.
                columnlessReads.insert(table)
                return SQLITE_OK
            }
            guard table.lowercased() == Self.table, database == nil || database == "main" else {
                return deny("reading table \(table) is not allowed")
            }
            return SQLITE_OK
        case SQLITE_FUNCTION:
            // arg2 = function name (arg1 is NULL). Names are case-insensitive in SQL, and
            // SQLite reports them as the query spelled them.
            guard let name = arg2 else { return deny("an unnamed function is not allowed") }
            guard SandboxAuthorizer.allowedFunctions.contains(name.lowercased()) else {
                return deny("function \(name) is not allowed")
            }
            return SQLITE_OK
        case SQLITE_PRAGMA:
            return deny("PRAGMA \(arg1 ?? "") is not allowed")
        case SQLITE_ATTACH, SQLITE_DETACH:
            return deny("ATTACH and DETACH are not allowed")
        case SQLITE_INSERT, SQLITE_UPDATE, SQLITE_DELETE:
            let table = arg1 ?? ""
            if ["sqlite_master", "sqlite_temp_master"].contains(table.lowercased()) {
                deniedSchemaWrite = true
                return deny("changing the database schema is not allowed")
            }
            return deny("changing table \(table) is not allowed")
        case SQLITE_TRANSACTION, SQLITE_SAVEPOINT:
            return deny("transactions are not allowed")
        default:
            return deny("\(SandboxAuthorizer.actionName(action)) is not allowed")
        }
    }
}

enum SandboxAuthorizer {
    /// Functions analytic SQL needs, lower-cased. Everything else — printf/format (one call
    /// with a huge precision burns seconds inside a single VM instruction, out of the
    /// progress handler's reach), randomblob/zeroblob (only useful to build huge values),
    /// hex/quote (double a value's size), load_extension, fts3_tokenizer, readfile,
    /// sqlite_version and the other introspection functions, and every table-valued
    /// function (pragma_*, json_each, dbstat) — is refused.
    static let allowedFunctions: Set<String> = [
        // Aggregates (count(*) is reported as "count").
        "count", "sum", "total", "avg", "min", "max", "group_concat",
        // Registered by the executor (missing from SQLite 3.40).
        "median", "percentile", "stddev", "variance",
        // Window functions.
        "row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile",
        "lag", "lead", "first_value", "last_value", "nth_value",
        // Scalars: nulls, text, comparison helpers (LIKE/GLOB arrive as functions).
        "abs", "round", "coalesce", "ifnull", "nullif", "iif", "typeof",
        "lower", "upper", "length", "substr", "substring", "trim", "ltrim", "rtrim",
        "replace", "instr", "like", "glob", "char", "unicode",
        "likely", "unlikely", "likelihood", "random", "sign",
        // Dates (CURRENT_DATE & co. arrive as functions too).
        "date", "time", "datetime", "julianday", "strftime", "unixepoch",
        "current_date", "current_time", "current_timestamp",
        // Math (SQLITE_ENABLE_MATH_FUNCTIONS, on in Debian's build).
        "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "ceil", "ceiling",
        "cos", "cosh", "degrees", "exp", "floor", "ln", "log", "log10", "log2", "mod", "pi",
        "pow", "power", "radians", "sin", "sinh", "sqrt", "tan", "tanh", "trunc",
        // JSON (built in since 3.38): reading values and shaping small results. Output is
        // bounded by SQLITE_LIMIT_LENGTH like any other value.
        "json", "json_extract", "json_type", "json_valid", "json_array_length",
        "json_array", "json_object", "json_group_array", "json_group_object", "->", "->>",
    ]

    /// A readable name for an authorizer action code, for denial messages.
    static func actionName(_ action: Int32) -> String {
        switch action {
        case SQLITE_CREATE_INDEX, SQLITE_CREATE_TABLE, SQLITE_CREATE_TEMP_INDEX,
             SQLITE_CREATE_TEMP_TABLE, SQLITE_CREATE_TEMP_TRIGGER, SQLITE_CREATE_TEMP_VIEW,
             SQLITE_CREATE_TRIGGER, SQLITE_CREATE_VIEW, SQLITE_CREATE_VTABLE:
            return "CREATE"
        case SQLITE_DROP_INDEX, SQLITE_DROP_TABLE, SQLITE_DROP_TEMP_INDEX, SQLITE_DROP_TEMP_TABLE,
             SQLITE_DROP_TEMP_TRIGGER, SQLITE_DROP_TEMP_VIEW, SQLITE_DROP_TRIGGER, SQLITE_DROP_VIEW,
             SQLITE_DROP_VTABLE:
            return "DROP"
        case SQLITE_ALTER_TABLE: return "ALTER TABLE"
        case SQLITE_REINDEX: return "REINDEX"
        case SQLITE_ANALYZE: return "ANALYZE"
        default: return "SQLite action \(action)"
        }
    }

    /// The hint for most refusals: what kind of SQL is allowed.
    static let shortHint = "write one SELECT (WITH ... SELECT is fine) that reads only table "
        + "\(SandboxCallbackState.table); nothing that writes, attaches, or uses PRAGMA"

    /// The hint for a refused or unknown function: the functions that are allowed.
    static let functionHint = "allowed functions: " + allowedFunctions.sorted().joined(separator: ", ")
}

/// The C authorizer: forwards to the state object behind the context pointer.
let sandboxAuthorizerCallback: @convention(c) (
    UnsafeMutableRawPointer?, Int32, UnsafePointer<CChar>?, UnsafePointer<CChar>?,
    UnsafePointer<CChar>?, UnsafePointer<CChar>?
) -> Int32 = { context, action, arg1, arg2, database, inside in
    guard let context else { return SQLITE_DENY }
    let state = Unmanaged<SandboxCallbackState>.fromOpaque(context).takeUnretainedValue()
    return state.authorize(action: action, arg1.map { String(cString: $0) },
                           arg2.map { String(cString: $0) }, database.map { String(cString: $0) },
                           inside: inside.map { String(cString: $0) })
}

/// The C progress handler: non-zero interrupts the running statement (SQLITE_INTERRUPT).
let sandboxProgressCallback: @convention(c) (UnsafeMutableRawPointer?) -> Int32 = { context in
    guard let context else { return 1 }
    let state = Unmanaged<SandboxCallbackState>.fromOpaque(context).takeUnretainedValue()
    if state.deadline == .max { return 0 }
    if monotonicNanoseconds() >= state.deadline {
        state.timedOut = true
        return 1
    }
    return 0
}

/// CLOCK_MONOTONIC in nanoseconds: immune to wall-clock changes, read through the vDSO.
func monotonicNanoseconds() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
}

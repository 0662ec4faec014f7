// SandboxDialect: what the sandboxed executor accepts, in the words an SQL writer needs —
// the SQLite version linked and the functions the authorizer allows — so engines that
// write SQL (the LLM's prompt) describe the real sandbox, not a copy that can drift.

import GRDBSQLite

public enum SandboxDialect {
    /// The SQLite library version in use, e.g. "3.40.1".
    public static var sqliteVersion: String { String(cString: sqlite3_libversion()) }

    /// The functions a query may call, sorted (aggregates, window, text, date, math, JSON).
    public static var allowedFunctions: [String] { SandboxAuthorizer.allowedFunctions.sorted() }

    /// The one table every source has.
    public static var tableName: String { SandboxCallbackState.table }
}

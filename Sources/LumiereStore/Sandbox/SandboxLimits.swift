// SandboxLimits: the resource bounds the sandboxed executor puts on one untrusted query.
//
// Inputs: none (a plain configuration value). Outputs: the numbers `SandboxedExecutor`
// applies through sqlite3_limit(), its progress handler, its row/byte caps and
// sqlite3_hard_heap_limit64(). Failure modes: none here; a query that hits a limit fails
// with `.sqlTimeout`, `.resultTooLarge` or `.sqlError` (see SandboxedExecutor).
//
// How the defaults were chosen: analytic SQL over one table (GROUP BY, CTEs, window
// functions, CASE buckets, a dozen UNION ALLs) compiles to a few hundred VM ops, nests
// expressions a few dozen deep and uses short LIKE patterns. The defaults leave an order of
// magnitude of headroom over that and cut SQLite's own maxima (1 GB values, 1000-deep
// expressions, 500-term compounds, 250,000 variables) by one to four orders of magnitude.

public struct SandboxLimits: Sendable, Equatable {
    /// Wall-clock budget of one `run()`, checked by a progress handler every
    /// `progressInterval` VM instructions against a monotonic clock. When it runs out the
    /// query is interrupted and `run()` throws `.sqlTimeout`.
    /// The default is 10.
    public var timeoutSeconds: Double = 10

    /// How many VM instructions run between two deadline checks. Each check is one
    /// vDSO clock read (~20 ns); 1000 instructions take a few microseconds, so a deadline
    /// is noticed within milliseconds of passing.
    /// The default is 1000.
    public var progressInterval: Int = 1000

    /// Most rows `run()` returns. A query with more rows stops stepping there and its
    /// result has `truncated == true`.
    /// The default is 10_000.
    public var maxRows: Int = 10_000

    /// Most bytes of cell data (text bytes, 8 per number) `run()` collects before it gives
    /// up with `.resultTooLarge`. Guards the daemon's memory against wide rows of long
    /// strings that stay under `maxRows`.
    /// The default is 64 MiB.
    public var maxResultBytes: Int = 64 << 20

    /// The process-wide SQLite heap ceiling, set with sqlite3_hard_heap_limit64().
    ///
    /// **This is process-wide**: it bounds every SQLite connection in the process (the
    /// state database, ingest, every concurrent sandboxed query), not just this executor,
    /// because SQLite has no per-connection memory limit. The executor sets it when it opens
    /// (a no-op when it already has this value); executors opened with different values
    /// overwrite each other, the last one wins. Sandboxed queries keep temporary tables and
    /// sorts in memory (`temp_store = MEMORY`), so this also bounds what a hostile sort or
    /// recursive CTE can take, instead of letting it fill the disk with temp files. A query
    /// that hits it fails with `.resultTooLarge`. 0 means no limit.
    /// The default is 512 MiB.
    public var heapLimitBytes: Int64 = 512 << 20

    /// SQLITE_LIMIT_SQL_LENGTH: longest SQL text, in bytes. Generated analytic SQL is a
    /// few hundred bytes; long IN lists stay well under this.
    /// The default is 100_000.
    public var maxSQLLength: Int = 100_000

    /// SQLITE_LIMIT_LENGTH: longest string or blob any expression may build, in bytes
    /// (SQLite's own maximum is 1 GB). This is what stops string-doubling CTEs and
    /// group_concat blow-ups (they fail with `.resultTooLarge`). 10 MB holds a
    /// group_concat of a 100k-row column of short labels; source cells are far smaller.
    /// The default is 10_000_000.
    public var maxValueLength: Int = 10_000_000

    /// SQLITE_LIMIT_COMPOUND_SELECT: most terms in a UNION/INTERSECT/EXCEPT chain. A
    /// month-by-month UNION ALL over a year needs 12.
    /// The default is 50.
    public var maxCompoundSelect: Int = 50

    /// SQLITE_LIMIT_EXPR_DEPTH: deepest expression tree. `a + b + c + ...` of n terms is
    /// n deep, so a sum of 100 columns still fits.
    /// The default is 250.
    public var maxExpressionDepth: Int = 250

    /// SQLITE_LIMIT_VDBE_OP: most instructions in one compiled statement. A SELECT over a
    /// 2000-column table with a few joins stays under it.
    /// The default is 100_000.
    public var maxVDBEOps: Int = 100_000

    /// SQLITE_LIMIT_FUNCTION_ARG: most arguments to one function call (coalesce, max,
    /// json_object with many keys).
    /// The default is 64.
    public var maxFunctionArguments: Int = 64

    /// SQLITE_LIMIT_LIKE_PATTERN_LENGTH: longest LIKE or GLOB pattern, in bytes. Analytic
    /// patterns are a word or two. Matching costs up to pattern length × string length in
    /// one VM instruction, which no deadline can interrupt: a 100-byte pattern against an
    /// 8 MiB string (the longest `maxValueLength` allows) measured 0.85 s per call, so this
    /// bounds how far one LIKE can overshoot the deadline. (SQLite's default is 50,000.)
    /// The default is 100.
    public var maxLikePatternLength: Int = 100

    /// SQLITE_LIMIT_VARIABLE_NUMBER: highest parameter number. The executor binds no
    /// parameters and refuses SQL that has any (`.forbiddenSQL`); this only keeps a
    /// `?99999` from allocating a large parameter array while preparing.
    /// The default is 10.
    public var maxVariableNumber: Int = 10

    public init() {}
}

extension SandboxLimits {
    /// SQLITE_LIMIT_ATTACHED: always 0 — no query may attach another database file.
    static let maxAttached: Int = 0
    /// SQLITE_LIMIT_TRIGGER_DEPTH: always 0 — SELECT fires no triggers, and the
    /// connection disables them anyway.
    static let maxTriggerDepth: Int = 0
    /// SQLITE_LIMIT_WORKER_THREADS: always 0 — no helper threads for sorting, so a query's
    /// CPU use stays on the worker that runs it and under the progress handler.
    static let maxWorkerThreads: Int = 0
}

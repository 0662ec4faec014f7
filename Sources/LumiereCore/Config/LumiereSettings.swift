// LumiereSettings: every setting as a typed, documented field, built once from the
// validated key table (LumiereConfig.keys) and handed to the code that needs it.
//
// The key table stays the single place that names a key, its range, its default and its
// documentation: the loader validates against it, config/lumiere.toml is rendered from
// it, and this file is the only reader of its values by name. Code outside the config
// parser reads `config.queue.maxAttempts`, never a string key, so a typo is a compile
// error instead of a crash at run time. Units are converted here, once: `_ms`/`_s` keys
// become seconds (TimeInterval), `_mb`/`_kb` keys become bytes.
//
// LumiereSettingsTests checks that every key in the table reaches a field (changing any
// key changes the settings), so a key cannot be added and then silently ignored.

import Foundation

/// Which NL→SQL engine answers questions (`engine`, and a request's `engine` field).
public enum EngineMode: String, Sendable, Codable, CaseIterable {
    /// The embedded deterministic engine; offline, no API key.
    case builtin
    /// The configured OpenAI-compatible server.
    case llm
    /// Builtin first; the LLM when builtin refuses or is unsure.
    case auto
}

/// `log.level`, the levels swift-log knows by the same names.
public enum LogLevelSetting: String, Sendable, CaseIterable {
    case trace, debug, info, notice, warning, error, critical
}

/// `log.target`.
public enum LogTargetSetting: String, Sendable, CaseIterable {
    /// The journal when stderr is connected to it (JOURNAL_STREAM), else stderr.
    case auto
    case journal
    case stderr
}

/// Where the queue, catalog and history live (`store.backend`).
public enum StoreBackendKind: String, Sendable, CaseIterable {
    /// state/lumiere.db in the spool; one daemon per spool.
    case sqlite
    /// A PostgreSQL server that several daemons share.
    case postgres
}

/// What may leave the machine in LLM prompts (`llm.share`).
public enum LLMShare: String, Sendable, CaseIterable {
    /// Column names, types, counts, and ranges of numeric and date columns.
    case schema
    /// Also a few distinct values per text column.
    case sample
    /// Also result rows (for LLM charts and insights).
    case full
}

public struct LumiereSettings: Sendable, Equatable {
    /// Worker threads running jobs; 0 means one per CPU (see `workerCount`).
    public var workers: Int
    public var engine: EngineMode
    public var spool: Spool
    public var log: Log
    public var queue: Queue
    public var daemon: Daemon
    public var sql: SQL
    public var ingest: Ingest
    public var sources: Sources
    public var results: Results
    public var retention: Retention
    public var metrics: Metrics
    public var tenants: Tenants
    public var llm: LLM
    public var store: Store

    public struct Spool: Sendable, Equatable {
        /// The spool directory (inbox/, outbox/, archive/, failed/, state/); a restart applies it.
        public var directory: String
        /// A file written in place is picked up only after its size and mtime were stable this long.
        public var settleSeconds: TimeInterval
        /// Full inbox rescan period; inotify is only a hint.
        public var rescanSeconds: TimeInterval
        /// Inbox files larger than this are refused to failed/.
        public var maxFileBytes: Int64
        /// Intake pauses while the spool's file system has less free space than this.
        public var minFreeBytes: Int64
        /// Intake stops claiming inbox files while this many jobs are queued.
        public var maxQueued: Int
    }

    public struct Log: Sendable, Equatable {
        public var level: LogLevelSetting
        public var target: LogTargetSetting
    }

    public struct Queue: Sendable, Equatable {
        /// Attempts before a job fails for good; a job that crashes the daemon counts too.
        public var maxAttempts: Int
        /// First retry delay of a transient failure; doubles per attempt, with jitter.
        public var retryBaseSeconds: TimeInterval
        /// Longest retry delay.
        public var retryMaxSeconds: TimeInterval
        /// How long a question waits for its source's upload to be ingested.
        public var sourceWaitSeconds: TimeInterval
    }

    public struct Daemon: Sendable, Equatable {
        /// On SIGTERM, running jobs get this long to finish.
        public var shutdownTimeoutSeconds: TimeInterval
        /// With the PostgreSQL backend: this daemon's name among those sharing the spool
        /// (its work folder state/work/<name>/ and lock state/daemons/<name>.lock); empty
        /// means the host name.
        public var name: String
    }

    public struct SQL: Sendable, Equatable {
        /// A query running longer than this is stopped (sql_timeout).
        public var timeoutSeconds: TimeInterval
        /// Rows returned per query; more are cut and the result says truncated.
        public var maxRows: Int
        /// SQLite's process-wide hard heap limit.
        public var heapLimitBytes: Int64
    }

    public struct Ingest: Sendable, Equatable {
        /// Uploads with more columns are refused.
        public var maxColumns: Int
        /// Largest single field.
        public var maxFieldBytes: Int
        /// Distinct values kept per text column for matching question words to data.
        public var valueIndexCap: Int
    }

    public struct Sources: Sendable, Equatable {
        /// Versions kept per source name.
        public var keepVersions: Int
    }

    public struct Results: Sendable, Equatable {
        /// Result rows kept with each query in the history.
        public var historyRows: Int
        /// Write outbox/<stem>.report.html beside each question's result.
        public var writeReport: Bool
        /// Append one JSON line per finished job to outbox/index.jsonl.
        public var writeIndex: Bool
    }

    /// Ages in days; 0 keeps forever.
    public struct Retention: Sendable, Equatable {
        public var archiveDays: Double
        public var failedDays: Double
        public var outboxDays: Double
        public var historyDays: Double
        /// How often the daemon prunes (also once at start-up).
        public var intervalSeconds: TimeInterval
    }

    public struct Metrics: Sendable, Equatable {
        /// Prometheus textfile, relative to the spool; empty disables.
        public var file: String
        public var intervalSeconds: TimeInterval
    }

    public struct Tenants: Sendable, Equatable {
        public var enabled: Bool
        /// Tenant → uids allowed to own files in its inbox folder (parsed `tenants.allowed_uids`).
        public var allowedUIDs: [String: Set<UInt32>]
    }

    public struct Store: Sendable, Equatable {
        public var backend: StoreBackendKind
        /// postgres://USER@HOST[:PORT]/DATABASE[?sslmode=…]; never a password.
        public var url: String
        /// File holding the database password; empty: the credential store-password.
        public var passwordFile: String
        /// How long a PostgreSQL claim lasts without a heartbeat.
        public var leaseSeconds: TimeInterval
    }

    /// The `[llm]` keys; LumiereLLM's `LLMSettings` is this type.
    public struct LLM: Sendable, Equatable {
        /// The API base without a trailing slash ("" = no LLM configured).
        public var baseURL: String
        public var model: String
        public var apiKeyFile: String
        public var apiKeyEnv: String
        public var temperatureSQL: Double
        public var temperatureText: Double
        /// Longest time one HTTP request may take, connecting included.
        public var timeout: TimeInterval
        public var connectTimeout: TimeInterval
        /// Longest time one LLM stage of a question (SQL with repairs, chart, insights) may take.
        public var questionTimeout: TimeInterval
        public var maxRetries: Int
        /// First retry delay without Retry-After, in seconds.
        public var retryBase: TimeInterval
        public var maxConcurrent: Int
        public var share: LLMShare
        public var repairAttempts: Int
        /// HTTP requests per UTC day; 0: no limit.
        public var dailyRequestBudget: Int
        /// Tokens per UTC day; 0: no limit.
        public var dailyTokenBudget: Int
        public var promptDir: String
        public var autoMinConfidence: Double
        /// The longest Retry-After honoured; a server asking for longer gets no more retries.
        /// Not a config key: a safety bound.
        public var maxRetryWait: TimeInterval = 60
        /// Completion tokens asked for at most per call. Not a config key.
        public var maxTokens: Int = 2000
    }

    /// Worker threads to start: `workers`, or one per active CPU when it is 0.
    public var workerCount: Int {
        workers > 0 ? workers : max(1, ProcessInfo.processInfo.activeProcessorCount)
    }
}

extension LumiereSettings {
    /// Read the validated values. Only LumiereConfig calls this, after every value was
    /// checked against its key's kind and range, so a mismatch here is a programming error
    /// in this file (caught by LumiereSettingsTests), not a user error.
    init(validated v: ValueTable) throws(LumiereError) {
        workers = v.int("workers")
        engine = v.choice("engine")
        spool = Spool(directory: v.string("spool.dir"),
                      settleSeconds: v.milliseconds("spool.settle_ms"),
                      rescanSeconds: v.milliseconds("spool.rescan_ms"),
                      maxFileBytes: v.megabytes("spool.max_file_mb"),
                      minFreeBytes: v.megabytes("spool.min_free_mb"),
                      maxQueued: v.int("spool.max_queued"))
        log = Log(level: v.choice("log.level"), target: v.choice("log.target"))
        queue = Queue(maxAttempts: v.int("queue.max_attempts"),
                      retryBaseSeconds: v.milliseconds("queue.retry_base_ms"),
                      retryMaxSeconds: v.milliseconds("queue.retry_max_ms"),
                      sourceWaitSeconds: v.double("queue.source_wait_s"))
        daemon = Daemon(shutdownTimeoutSeconds: v.double("daemon.shutdown_timeout_s"), name: v.string("daemon.name"))
        sql = SQL(timeoutSeconds: v.double("sql.timeout_s"), maxRows: v.int("sql.max_rows"),
                  heapLimitBytes: v.megabytes("sql.heap_limit_mb"))
        ingest = Ingest(maxColumns: v.int("ingest.max_columns"),
                        maxFieldBytes: v.int("ingest.max_field_kb") * 1024,
                        valueIndexCap: v.int("ingest.value_index_cap"))
        sources = Sources(keepVersions: v.int("sources.keep_versions"))
        results = Results(historyRows: v.int("results.history_rows"), writeReport: v.bool("results.report"),
                          writeIndex: v.bool("results.index"))
        retention = Retention(archiveDays: v.double("retention.archive_days"),
                              failedDays: v.double("retention.failed_days"),
                              outboxDays: v.double("retention.outbox_days"),
                              historyDays: v.double("retention.history_days"),
                              intervalSeconds: v.double("retention.interval_s"))
        metrics = Metrics(file: v.string("metrics.file"), intervalSeconds: v.double("metrics.interval_s"))
        // The one key with a syntax of its own: a bad binding stops start-up (or keeps the
        // old config on SIGHUP) with config_error.
        tenants = Tenants(enabled: v.bool("tenants.enabled"),
                          allowedUIDs: try TenantPolicy.parseBindings(v.string("tenants.allowed_uids")))
        store = Store(backend: v.choice("store.backend"), url: v.string("store.url"),
                      passwordFile: v.string("store.password_file"),
                      leaseSeconds: v.milliseconds("store.lease_ms"))
        var base = v.string("llm.base_url").trimmingCharacters(in: .whitespaces)
        while base.hasSuffix("/") { base.removeLast() }
        llm = LLM(baseURL: base, model: v.string("llm.model"),
                  apiKeyFile: v.string("llm.api_key_file"), apiKeyEnv: v.string("llm.api_key_env"),
                  temperatureSQL: v.double("llm.temperature_sql"), temperatureText: v.double("llm.temperature_text"),
                  timeout: v.double("llm.timeout_s"), connectTimeout: v.double("llm.connect_timeout_s"),
                  questionTimeout: v.double("llm.question_timeout_s"), maxRetries: v.int("llm.max_retries"),
                  retryBase: v.milliseconds("llm.retry_base_ms"), maxConcurrent: v.int("llm.max_concurrent"),
                  share: v.choice("llm.share"), repairAttempts: v.int("llm.repair_attempts"),
                  dailyRequestBudget: v.int("llm.daily_request_budget"),
                  dailyTokenBudget: v.int("llm.daily_token_budget"),
                  promptDir: v.string("llm.prompt_dir"), autoMinConfidence: v.double("llm.auto_min_confidence"))
    }
}

/// The validated values by key name, read by type. Internal to the config parser: the only
/// string-keyed lookups in the code base are here.
struct ValueTable {
    let values: [String: TOMLValue]

    func int(_ name: String) -> Int {
        if case .integer(let i)? = values[name] { return Int(i) }
        preconditionFailure("config key \(name) is not an integer key")
    }
    func double(_ name: String) -> Double {
        switch values[name] {
        case .float(let d)?: return d
        case .integer(let i)?: return Double(i)
        default: preconditionFailure("config key \(name) is not a number key")
        }
    }
    func bool(_ name: String) -> Bool {
        if case .bool(let b)? = values[name] { return b }
        preconditionFailure("config key \(name) is not a boolean key")
    }
    func string(_ name: String) -> String {
        if case .string(let s)? = values[name] { return s }
        preconditionFailure("config key \(name) is not a string key")
    }
    func choice<Choice: RawRepresentable>(_ name: String) -> Choice where Choice.RawValue == String {
        guard let c = Choice(rawValue: string(name)) else {
            preconditionFailure("config key \(name): its allowed values and \(Choice.self) differ")
        }
        return c
    }
    func milliseconds(_ name: String) -> TimeInterval { Double(int(name)) / 1000 }
    func megabytes(_ name: String) -> Int64 { Int64(int(name)) * 1024 * 1024 }
}

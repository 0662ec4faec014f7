// LumiereConfig: every setting, its default and where it can be overridden.
//
// Layers, later wins: built-in defaults → the config file (TOML, see config/lumiere.toml)
// → environment variables `LUMIERE_<SECTION>_<KEY>` (top-level keys: `LUMIERE_<KEY>`) →
// command-line flags. Unknown keys in the file or in LUMIERE_* variables are errors, so a
// typo never silently falls back to a default. Pure: the caller reads the file and passes
// the environment in.

import Foundation

public struct ConfigKey: Sendable {
    public enum Kind: Sendable { case int(ClosedRange<Int64>), double(ClosedRange<Double>), bool, string([String]?) }
    public let name: String
    public let kind: Kind
    public let defaultValue: TOMLValue
    public let doc: String

    /// `LUMIERE_SPOOL_SETTLE_MS` for `spool.settle_ms`, `LUMIERE_WORKERS` for `workers`.
    public var environmentName: String {
        "LUMIERE_" + name.replacingOccurrences(of: ".", with: "_").uppercased()
    }
}

/// The layered, validated configuration. Read settings through its typed fields
/// (`config.queue.maxAttempts`, forwarded to `settings`); `values` keeps the raw table for
/// rendering (`lumiere config`) and the provenance digest.
@dynamicMemberLookup
public struct LumiereConfig: Sendable, Equatable {
    /// The documented keys. config/lumiere.toml lists each of them with this text.
    public static let keys: [ConfigKey] = [
        ConfigKey(name: "workers", kind: .int(0...256), defaultValue: .integer(0),
                  doc: "Worker threads running jobs; 0 means one per CPU."),
        ConfigKey(name: "engine", kind: .string(EngineMode.allCases.map(\.rawValue)), defaultValue: .string("builtin"),
                  doc: "NL→SQL engine for questions: builtin (offline), llm, or auto (builtin, then LLM)."),
        ConfigKey(name: "spool.dir", kind: .string(nil), defaultValue: .string("./spool"),
                  doc: "The spool directory (inbox/, outbox/, archive/, failed/, state/)."),
        ConfigKey(name: "spool.settle_ms", kind: .int(0...600_000), defaultValue: .integer(1000),
                  doc: "A file written in place is picked up only after its size and mtime were stable this long."),
        ConfigKey(name: "spool.rescan_ms", kind: .int(100...3_600_000), defaultValue: .integer(2000),
                  doc: "Full inbox rescan period; inotify is only a hint (NFS sends none)."),
        ConfigKey(name: "spool.max_file_mb", kind: .int(1...1_048_576), defaultValue: .integer(2048),
                  doc: "Inbox files larger than this are refused to failed/."),
        ConfigKey(name: "spool.min_free_mb", kind: .int(0...1_048_576), defaultValue: .integer(64),
                  doc: "Intake pauses while the spool's file system has less free space than this."),
        ConfigKey(name: "spool.max_queued", kind: .int(1...10_000_000), defaultValue: .integer(512),
                  doc: "Intake stops claiming inbox files while this many jobs are queued (back-pressure)."),
        ConfigKey(name: "log.level", kind: .string(LogLevelSetting.allCases.map(\.rawValue)),
                  defaultValue: .string("info"), doc: "Log level."),
        ConfigKey(name: "log.target", kind: .string(LogTargetSetting.allCases.map(\.rawValue)), defaultValue: .string("auto"),
                  doc: "auto logs to the journal when stderr is connected to it, else to stderr."),
        ConfigKey(name: "queue.max_attempts", kind: .int(1...100), defaultValue: .integer(5),
                  doc: "Attempts before a job fails for good; a job that crashes the daemon counts too."),
        ConfigKey(name: "queue.retry_base_ms", kind: .int(1...3_600_000), defaultValue: .integer(500),
                  doc: "First retry delay of a transient failure; doubles per attempt, with jitter."),
        ConfigKey(name: "queue.retry_max_ms", kind: .int(1...86_400_000), defaultValue: .integer(60_000),
                  doc: "Longest retry delay."),
        ConfigKey(name: "queue.source_wait_s", kind: .int(0...86_400), defaultValue: .integer(600),
                  doc: "How long a question waits for its source's upload to be ingested before failing."),
        ConfigKey(name: "daemon.shutdown_timeout_s", kind: .int(0...3600), defaultValue: .integer(30),
                  doc: "On SIGTERM, running jobs get this long to finish; unfinished ones are re-queued at next start."),
        ConfigKey(name: "daemon.name", kind: .string(nil), defaultValue: .string(""),
                  doc: "With store.backend = \"postgres\", this daemon's name among those sharing the spool: it claims into state/work/<name>/ (empty: the host name)."),
        ConfigKey(name: "sql.timeout_s", kind: .double(0.05...3600), defaultValue: .float(10),
                  doc: "A query running longer than this is stopped (sql_timeout)."),
        ConfigKey(name: "sql.max_rows", kind: .int(1...1_000_000), defaultValue: .integer(10_000),
                  doc: "Rows returned per query; more are cut and the result says truncated."),
        ConfigKey(name: "sql.heap_limit_mb", kind: .int(16...65_536), defaultValue: .integer(1024),
                  doc: "SQLite's process-wide hard heap limit."),
        ConfigKey(name: "ingest.max_columns", kind: .int(1...2000), defaultValue: .integer(2000),
                  doc: "Uploads with more columns are refused (SQLite here caps a table at 2000)."),
        ConfigKey(name: "ingest.max_field_kb", kind: .int(1...1_048_576), defaultValue: .integer(1024),
                  doc: "Largest single CSV field."),
        ConfigKey(name: "ingest.value_index_cap", kind: .int(0...1_000_000), defaultValue: .integer(1000),
                  doc: "Distinct values kept per text column for matching words in questions to data."),
        ConfigKey(name: "sources.keep_versions", kind: .int(1...1000), defaultValue: .integer(5),
                  doc: "Versions kept per source name; older ones are deleted with their database file."),
        ConfigKey(name: "results.history_rows", kind: .int(0...100_000), defaultValue: .integer(200),
                  doc: "Result rows kept with each query in the history."),
        ConfigKey(name: "results.report", kind: .bool, defaultValue: .bool(true),
                  doc: "Write outbox/<stem>.report.html beside each question's result."),
        ConfigKey(name: "results.index", kind: .bool, defaultValue: .bool(true),
                  doc: "Append one JSON line per finished job to outbox/index.jsonl (outbox/<tenant>/index.jsonl with tenants)."),
        ConfigKey(name: "retention.archive_days", kind: .double(0...36_500), defaultValue: .float(30),
                  doc: "Inputs in archive/ older than this many days are deleted by the daemon; 0 keeps them forever."),
        ConfigKey(name: "retention.failed_days", kind: .double(0...36_500), defaultValue: .float(30),
                  doc: "Inputs in failed/ (and their .error.json) older than this many days are deleted; 0 keeps them forever."),
        ConfigKey(name: "retention.outbox_days", kind: .double(0...36_500), defaultValue: .float(30),
                  doc: "Result documents and reports in outbox/ older than this many days are deleted (index.jsonl never); 0 keeps them."),
        ConfigKey(name: "retention.history_days", kind: .double(0...36_500), defaultValue: .float(30),
                  doc: "Finished queries and jobs older than this many days leave the history database; 0 keeps them forever."),
        ConfigKey(name: "retention.interval_s", kind: .int(1...86_400), defaultValue: .integer(600),
                  doc: "How often the daemon prunes by the retention.* limits (also once at start-up)."),
        ConfigKey(name: "metrics.file", kind: .string(nil), defaultValue: .string("state/metrics.prom"),
                  doc: "Prometheus text-format metrics, rewritten atomically (node_exporter textfile collector); relative to the spool; empty disables."),
        ConfigKey(name: "metrics.interval_s", kind: .int(1...3600), defaultValue: .integer(5),
                  doc: "How often the metrics file is rewritten."),
        ConfigKey(name: "tenants.enabled", kind: .bool, defaultValue: .bool(false),
                  doc: "Each first-level folder of inbox/ is a tenant with its own sources, queries and outbox/<tenant>/."),
        ConfigKey(name: "tenants.allowed_uids", kind: .string(nil), defaultValue: .string(""),
                  doc: "Bind tenants to file owners, e.g. \"acme:1000,1001; beta:1002\"; other owners' files are refused (tenant_forbidden)."),
        // The LLM engine (an OpenAI-compatible chat-completions server: OpenAI, Ollama,
        // llama.cpp's llama-server, vLLM). Read by LumiereLLM's LLMSettings.
        ConfigKey(name: "llm.base_url", kind: .string(nil), defaultValue: .string(""),
                  doc: "OpenAI-compatible API base, e.g. https://api.openai.com/v1 or http://127.0.0.1:11434/v1 (Ollama); empty: no LLM."),
        ConfigKey(name: "llm.model", kind: .string(nil), defaultValue: .string("gpt-4o-mini"),
                  doc: "Model name sent with each request (llama3.2 for Ollama, anything for llama-server)."),
        ConfigKey(name: "llm.api_key_file", kind: .string(nil), defaultValue: .string(""),
                  doc: "File holding the API key (trimmed); empty: systemd's credential llm-api-key, then llm.api_key_env."),
        ConfigKey(name: "llm.api_key_env", kind: .string(nil), defaultValue: .string("OPENAI_API_KEY"),
                  doc: "Environment variable holding the API key when no key file or credential has one; no key is fine for local servers."),
        ConfigKey(name: "llm.temperature_sql", kind: .double(0...2), defaultValue: .float(0.1),
                  doc: "Sampling temperature for SQL generation and repair."),
        ConfigKey(name: "llm.temperature_text", kind: .double(0...2), defaultValue: .float(0.3),
                  doc: "Sampling temperature for charts and insights."),
        ConfigKey(name: "llm.timeout_s", kind: .double(0.1...3600), defaultValue: .float(60),
                  doc: "Longest time one HTTP request may take, connecting included (each retry gets it anew)."),
        ConfigKey(name: "llm.connect_timeout_s", kind: .double(0.1...600), defaultValue: .float(10),
                  doc: "Longest time to establish the connection to the server."),
        ConfigKey(name: "llm.question_timeout_s", kind: .double(0.1...86_400), defaultValue: .float(120),
                  doc: "Longest time the LLM may spend on one stage of a question (SQL with its repairs, the chart, the insights), retries included; then the builtin engine takes over."),
        ConfigKey(name: "llm.max_retries", kind: .int(0...10), defaultValue: .integer(2),
                  doc: "Retries of a request after a timeout, a lost connection, HTTP 429 or 5xx (Retry-After is honoured)."),
        ConfigKey(name: "llm.retry_base_ms", kind: .int(1...600_000), defaultValue: .integer(500),
                  doc: "First retry delay when the server gives no Retry-After; doubles per retry, with jitter."),
        ConfigKey(name: "llm.max_concurrent", kind: .int(1...256), defaultValue: .integer(4),
                  doc: "Requests in flight to the LLM server at once, whatever the number of workers."),
        ConfigKey(name: "llm.share", kind: .string(LLMShare.allCases.map(\.rawValue)), defaultValue: .string("schema"),
                  doc: "What may leave the machine: schema (names, types, numeric and date ranges), sample (+ a few values per text column), full (+ result rows, for LLM charts and insights)."),
        ConfigKey(name: "llm.repair_attempts", kind: .int(0...5), defaultValue: .integer(2),
                  doc: "Times the SQL error is sent back to the model for a corrected query."),
        ConfigKey(name: "llm.daily_request_budget", kind: .int(0...100_000_000), defaultValue: .integer(1000),
                  doc: "HTTP requests per UTC day (kept in the state database); 0: no limit. Past it: llm_budget_exhausted."),
        ConfigKey(name: "llm.daily_token_budget", kind: .int(0...1_000_000_000_000), defaultValue: .integer(1_000_000),
                  doc: "Prompt + completion tokens per UTC day, as the server reports them; 0: no limit."),
        ConfigKey(name: "llm.prompt_dir", kind: .string(nil), defaultValue: .string(""),
                  doc: "Directory of the prompt templates (sql.txt, repair.txt, chart.txt, insight.txt); empty: ./config/prompts, /etc/lumiere/prompts, or the checkout's."),
        ConfigKey(name: "llm.auto_min_confidence", kind: .double(0...1), defaultValue: .float(0.7),
                  doc: "With engine = auto, the LLM is asked when the builtin engine refuses, or answers with less confidence than this."),
        // Where the queue, catalog and history live (issue 13; LumiereStorePostgres).
        ConfigKey(name: "store.backend", kind: .string(StoreBackendKind.allCases.map(\.rawValue)), defaultValue: .string("sqlite"),
                  doc: "Where the job queue, source catalog and query history live: sqlite (state/lumiere.db, one daemon per spool) or postgres (one server several daemons share)."),
        ConfigKey(name: "store.url", kind: .string(nil), defaultValue: .string(""),
                  doc: "With backend = \"postgres\": postgres://USER@HOST[:PORT]/DATABASE[?sslmode=disable|prefer|require]; never a password."),
        ConfigKey(name: "store.password_file", kind: .string(nil), defaultValue: .string(""),
                  doc: "File holding the database password (trimmed; never logged); empty: systemd's credential store-password, else none."),
        ConfigKey(name: "store.lease_ms", kind: .int(2_000...3_600_000), defaultValue: .integer(30_000),
                  doc: "With backend = \"postgres\": how long a claimed job stays this daemon's without a heartbeat (renewed every third of it); a daemon that dies frees its jobs this long after its last heartbeat."),
    ]

    public private(set) var values: [String: TOMLValue]
    /// The typed settings, rebuilt from `values` whenever they change (only while loading).
    public private(set) var settings: LumiereSettings

    /// Defaults only.
    public init() {
        values = Dictionary(uniqueKeysWithValues: Self.keys.map { ($0.name, $0.defaultValue) })
        do {
            settings = try LumiereSettings(validated: ValueTable(values: values))
        } catch {
            preconditionFailure("the built-in defaults do not parse: \(error)")
        }
    }

    public subscript<Value>(dynamicMember path: KeyPath<LumiereSettings, Value>) -> Value {
        settings[keyPath: path]
    }

    /// Build from the layers. `file` is the config file's text (nil when there is none),
    /// `environment` the process environment, `overrides` command-line flags by key name.
    public static func load(file: String?, fileName: String = "config", environment: [String: String],
                            overrides: [String: String] = [:]) throws(LumiereError) -> LumiereConfig {
        var config = LumiereConfig()
        if let file {
            for (name, value) in try TOMLSubset.parse(file).sorted(by: { $0.key < $1.key }) {
                guard let key = Self.keys.first(where: { $0.name == name }) else {
                    throw LumiereError(.configError, "\(fileName): unknown key \"\(name)\"",
                                       hint: "known keys: \(Self.keys.map(\.name).joined(separator: ", "))")
                }
                config.values[name] = try check(key, value, origin: fileName)
            }
        }
        let known = Set(Self.keys.map(\.environmentName))
        // Variables that configure something else than a key (LUMIERE_CONFIG names the file;
        // LUMIERE_FAILPOINT arms a crash point for the daemon's crash-recovery tests).
        let reserved: Set<String> = ["LUMIERE_CONFIG", "LUMIERE_FAILPOINT"]
        for (envName, text) in environment.sorted(by: { $0.key < $1.key }) where envName.hasPrefix("LUMIERE_") {
            if reserved.contains(envName) { continue }
            guard known.contains(envName), let key = Self.keys.first(where: { $0.environmentName == envName }) else {
                throw LumiereError(.configError, "unknown environment variable \(envName)",
                                   hint: "known: \(Self.keys.map(\.environmentName).joined(separator: ", "))")
            }
            config.values[key.name] = try check(key, parseText(text, for: key), origin: envName)
        }
        for (name, text) in overrides.sorted(by: { $0.key < $1.key }) {
            guard let key = Self.keys.first(where: { $0.name == name }) else {
                throw LumiereError(.configError, "unknown setting \(name)", hint: nil)
            }
            config.values[key.name] = try check(key, parseText(text, for: key), origin: "--\(name)")
        }
        // Typed once, here; keys with a syntax of their own (tenants.allowed_uids) are parsed
        // too, so a bad value stops start-up.
        config.settings = try LumiereSettings(validated: ValueTable(values: config.values))
        return config
    }

    /// Environment and flag values are text; read them as the key's type.
    static func parseText(_ text: String, for key: ConfigKey) -> TOMLValue {
        switch key.kind {
        case .int: return Int64(text.trimmingCharacters(in: .whitespaces)).map(TOMLValue.integer) ?? .string(text)
        case .double: return Double(text.trimmingCharacters(in: .whitespaces)).map(TOMLValue.float) ?? .string(text)
        case .bool:
            switch text.lowercased() {
            case "1", "true", "yes", "on": return .bool(true)
            case "0", "false", "no", "off": return .bool(false)
            default: return .string(text)
            }
        case .string: return .string(text)
        }
    }

    static func check(_ key: ConfigKey, _ value: TOMLValue, origin: String) throws(LumiereError) -> TOMLValue {
        func bad(_ expected: String) -> LumiereError {
            LumiereError(.configError, "\(origin): \(key.name) must be \(expected)", hint: key.doc)
        }
        switch (key.kind, value) {
        case (.int(let range), .integer(let i)):
            guard range.contains(i) else { throw bad("from \(range.lowerBound) to \(range.upperBound)") }
            return value
        case (.double(let range), .float(let d)):
            guard range.contains(d) else { throw bad("from \(range.lowerBound) to \(range.upperBound)") }
            return value
        case (.double(let range), .integer(let i)):
            guard range.contains(Double(i)) else { throw bad("from \(range.lowerBound) to \(range.upperBound)") }
            return .float(Double(i))
        case (.bool, .bool): return value
        case (.string(let allowed), .string(let s)):
            if let allowed, !allowed.contains(s) { throw bad("one of \(allowed.joined(separator: ", "))") }
            return value
        case (.int, _): throw bad("a whole number")
        case (.double, _): throw bad("a number")
        case (.bool, _): throw bad("true or false")
        case (.string, _): throw bad("a string")
        }
    }

    public var spoolDirectory: String { settings.spool.directory }

    /// A digest of every effective setting, for result provenance (FNV-1a 64; identifies a
    /// configuration, it is not a security hash).
    public var digest: String {
        let canonical = values.keys.sorted().map { "\($0)=\(values[$0]!.description)" }.joined(separator: "\n")
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in canonical.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

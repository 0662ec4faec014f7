// StateStore: the daemon's durable memory — the job queue, the source catalog and the
// query history — in one SQLite database (state/lumiere.db) through GRDB.
//
// WAL mode so the CLI can read while the daemon writes; synchronous=FULL so a committed
// job row survives power loss (a result file must never exist for a job the database
// forgot). GRDB types stay inside this module: callers see plain Sendable structs and
// LumiereError.

import Foundation
import GRDB
import LumiereCore

public final class StateStore: Sendable {
    let pool: DatabasePool
    public let path: String

    public init(path: String) throws(LumiereError) {
        self.path = path
        var config = Configuration()
        config.busyMode = .timeout(10)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            try Self.migrator.migrate(pool)
        } catch {
            throw Self.map(error, "opening the state database")
        }
    }

    /// Schema changes, in order. Never edit a shipped migration: add a new one.
    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.execute(sql: """
                CREATE TABLE jobs (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    kind TEXT NOT NULL,                 -- upload | request | reject
                    tenant TEXT NOT NULL DEFAULT '',
                    input_name TEXT NOT NULL,           -- name as dropped in the inbox
                    work_name TEXT NOT NULL UNIQUE,     -- name in state/work/
                    state TEXT NOT NULL,                -- queued | running | succeeded | failed
                    attempts INTEGER NOT NULL DEFAULT 0,
                    not_before REAL NOT NULL DEFAULT 0, -- unix time; retry backoff and waits
                    wait_since REAL,                    -- when a question started waiting for its source
                    last_error TEXT,                    -- JSON ErrorPayload
                    reject_error TEXT,                  -- JSON ErrorPayload for kind=reject
                    disposition TEXT,                   -- archive | failed, set when finished
                    final_name TEXT,                    -- name in archive/ or failed/
                    created_at REAL NOT NULL,
                    started_at REAL,
                    finished_at REAL
                );
                CREATE INDEX jobs_by_state ON jobs(state, not_before);

                CREATE TABLE sources (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    tenant TEXT NOT NULL DEFAULT '',
                    name TEXT NOT NULL,
                    version INTEGER NOT NULL,
                    description TEXT NOT NULL DEFAULT '',
                    file_name TEXT NOT NULL,
                    size_bytes INTEGER NOT NULL,
                    sha256 TEXT NOT NULL,
                    row_count INTEGER NOT NULL,
                    column_count INTEGER NOT NULL,
                    profile TEXT NOT NULL,              -- JSON SourceProfile
                    value_index TEXT NOT NULL,          -- JSON ValueIndex
                    db_file TEXT NOT NULL,              -- relative to state/
                    status TEXT NOT NULL DEFAULT 'ready',
                    created_at REAL NOT NULL,
                    updated_at REAL NOT NULL,
                    UNIQUE (tenant, name, version)
                );

                CREATE TABLE queries (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    tenant TEXT NOT NULL DEFAULT '',
                    job_id INTEGER,
                    rerun_of INTEGER,
                    source_id INTEGER,
                    source_name TEXT,
                    source_version INTEGER,
                    action TEXT NOT NULL,
                    question TEXT,
                    status TEXT NOT NULL,
                    engine TEXT,
                    sql TEXT,
                    interpretation TEXT,
                    confidence REAL,
                    row_count INTEGER,
                    document TEXT NOT NULL,             -- JSON ResultDocument (rows bounded)
                    created_at REAL NOT NULL,
                    finished_at REAL
                );
                CREATE INDEX queries_by_source ON queries(tenant, source_name);
                """)
        }
        // Management (issue 6): the request as received and the error code with each query;
        // per-stage timings and the outbox/index.jsonl line with each finished job, and
        // whether that line was appended yet (so a crash never loses one); indexes for
        // retention. Jobs finished before this migration count as indexed.
        m.registerMigration("v2_management") { db in
            try db.execute(sql: """
                ALTER TABLE queries ADD COLUMN request TEXT;        -- JSON of the request
                ALTER TABLE queries ADD COLUMN error_code TEXT;
                ALTER TABLE jobs ADD COLUMN timings TEXT;           -- JSON stage → ms
                ALTER TABLE jobs ADD COLUMN summary TEXT;           -- the index.jsonl line
                ALTER TABLE jobs ADD COLUMN indexed INTEGER NOT NULL DEFAULT 0;
                UPDATE jobs SET indexed = 1 WHERE state IN ('succeeded', 'failed');
                CREATE INDEX jobs_by_finished ON jobs(finished_at);
                CREATE INDEX queries_by_time ON queries(tenant, created_at);
                """)
        }
        // The LLM engine's daily request/token budget (State/LLMBudget.swift), kept here so
        // a restart does not reset it and the daemon and `lumiere ask --spool` share it.
        m.registerMigration("llm_usage") { db in
            try db.execute(sql: """
                CREATE TABLE llm_usage (
                    day TEXT PRIMARY KEY,               -- UTC, YYYY-MM-DD
                    requests INTEGER NOT NULL DEFAULT 0,
                    prompt_tokens INTEGER NOT NULL DEFAULT 0,
                    completion_tokens INTEGER NOT NULL DEFAULT 0
                );
                """)
        }
        // Per-source glossaries (issue 14 item 4): the owner's words, one row per term, kept
        // per source name so every version shares them (State/Glossary.swift).
        m.registerMigration("v3_glossary") { db in
            try db.execute(sql: """
                CREATE TABLE glossary (
                    tenant TEXT NOT NULL DEFAULT '',
                    source_name TEXT NOT NULL,
                    term_key TEXT NOT NULL,             -- normalized words, what questions match
                    term TEXT NOT NULL,                 -- as the owner wrote it
                    column_name TEXT NOT NULL,
                    value TEXT,                         -- NULL: the term names the column
                    created_at REAL NOT NULL,
                    PRIMARY KEY (tenant, source_name, term_key)
                );
                """)
        }
        // Standing questions (issue 14, State/Subscriptions.swift): subscriptions and one run
        // per (subscription, source version), the version identified by its catalog id.
        m.registerMigration("v4_subscriptions") { db in
            try db.execute(sql: """
                CREATE TABLE subscriptions (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    tenant TEXT NOT NULL DEFAULT '',
                    source_name TEXT NOT NULL,
                    question TEXT,
                    sql TEXT,
                    status TEXT NOT NULL DEFAULT 'active',   -- active | paused
                    job_id INTEGER,                         -- the watch_add job (a re-run adds no second)
                    created_at REAL NOT NULL,
                    updated_at REAL NOT NULL
                );
                CREATE INDEX subscriptions_by_source ON subscriptions(tenant, source_name, status);
                CREATE UNIQUE INDEX subscriptions_by_job ON subscriptions(job_id) WHERE job_id IS NOT NULL;

                CREATE TABLE subscription_runs (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    subscription_id INTEGER NOT NULL,
                    source_id INTEGER NOT NULL,             -- sources.id: the version's identity
                    source_version INTEGER NOT NULL,
                    job_id INTEGER,
                    result TEXT,                            -- JSON DiffTable, once finished
                    created_at REAL NOT NULL,
                    finished_at REAL,
                    UNIQUE (subscription_id, source_id)
                );
                CREATE INDEX subscription_runs_by_job ON subscription_runs(job_id);
                """)
        }
        return m
    }

    static func map(_ error: any Error, _ context: String) -> LumiereError {
        if let e = error as? LumiereError { return e }
        if let db = error as? DatabaseError {
            return SQLiteConnection.error(code: db.extendedResultCode.rawValue, message: db.message ?? "\(db)",
                                          context: context)
        }
        return LumiereError(.databaseError, "state database failed while \(context)", underlying: "\(error)")
    }

    func write<T>(_ context: String, _ body: (Database) throws -> T) throws(LumiereError) -> T {
        do { return try pool.write(body) } catch { throw Self.map(error, context) }
    }

    func read<T>(_ context: String, _ body: (Database) throws -> T) throws(LumiereError) -> T {
        do { return try pool.read(body) } catch { throw Self.map(error, context) }
    }

    /// Checkpoint and close the WAL cleanly (on shutdown).
    public func checkpoint() {
        _ = try? pool.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
    }
}

let jsonEncoder: JSONEncoder = {
    let e = JSONEncoder()
    e.outputFormatting = [.sortedKeys]
    return e
}()

func encodeJSON<T: Encodable>(_ value: T) -> String {
    (try? jsonEncoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null"
}

func decodeJSON<T: Decodable>(_ type: T.Type, _ text: String?) -> T? {
    guard let text else { return nil }
    return try? JSONDecoder().decode(T.self, from: Data(text.utf8))
}

func now() -> Double { Date().timeIntervalSince1970 }

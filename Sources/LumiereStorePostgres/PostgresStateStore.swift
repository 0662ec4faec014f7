// PostgresStateStore: the job queue, the source catalog, the query history and the LLM
// usage counters in a PostgreSQL server that several daemons (on several hosts) share —
// the StateBackend the SQLite StateStore also is, with the same tables and columns.
//
// Claiming across daemons (as graphile-worker, pg-boss and Oban do): `claimNext` takes the
// next runnable row with `SELECT … FOR UPDATE SKIP LOCKED`, so concurrent claimers never
// wait on or take the same row, and marks it running with a lease: `claimed_by` (this
// daemon), `lease_until` (the server's clock, so hosts' clocks need not agree) and a fresh
// `claim_token` from a sequence. A heartbeat renews the leases this store holds. A job whose
// lease ran out (its daemon was SIGKILLed, or cut off the network) is runnable again for
// any daemon, and the claim counts an attempt, so a job that kills every daemon that runs
// it fails with too_many_attempts like in SQLite. Fencing: `finish` and `requeue` only
// apply while the row still carries this store's claim token; a daemon whose lease was
// taken over gets `lease_lost` and its outcome is dropped.
//
// Start-up: connect once directly (so a refused login says so instead of timing out in
// the pool), run the migrations under an advisory lock (daemons starting together), then
// open the pool and start the heartbeat.
//
// Failure modes: `config_error` (login refused, no such database), `database_unavailable`
// (transient: server down, restarting, unreachable, too slow), `database_busy` (transient:
// serialization conflicts), `lease_lost`, `database_error`.

import Foundation
import Logging
import LumiereCore
import LumiereStore
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization

public final class PostgresStateStore: StateBackend {
    public let settings: PostgresStoreSettings
    let db: BlockingPostgresClient
    let logger: Logger
    /// Claims this store holds: job id → claim token. Renewed by the heartbeat; a token
    /// must match the row's for `finish` and `requeue` (fencing).
    let held = Mutex<[Int64: Int64]>([:])
    private let heartbeat = Mutex<Task<Void, Never>?>(nil)

    public var backendName: String { "postgres" }
    public var location: String { settings.safeLocation }
    public var daemonID: String { settings.daemonID }

    /// Connect, migrate, open the pool. Call from a Dispatch thread (see BlockingPostgresClient).
    public init(settings: PostgresStoreSettings, logger: Logger) throws(LumiereError) {
        self.settings = settings
        self.logger = logger
        try Self.migrate(settings: settings, logger: logger)
        db = BlockingPostgresClient(settings: settings, logger: logger)
        if settings.heartbeatSeconds > 0 { startHeartbeat() }
        logger.info("state database opened", metadata: [
            "store.backend": "postgres", "store.location": "\(settings.safeLocation)",
            "store.daemon_id": "\(settings.daemonID)", "store.lease_s": "\(settings.leaseSeconds)",
            "store.password": "\(settings.password?.origin.rawValue ?? "none")",
        ])
    }

    deinit {
        heartbeat.withLock { $0?.cancel() }
        db.shutdown()
    }

    public func close() {
        heartbeat.withLock { $0?.cancel(); $0 = nil }
        db.shutdown()
    }

    // MARK: schema

    /// Schema changes, in order, each applied once (table lumiere_migrations). Never edit a
    /// shipped migration: add a new one. Columns match the SQLite schema (StateStore.migrator
    /// v1, v2_management, llm_usage) plus the lease columns; times are unix seconds.
    static let migrations: [(name: String, statements: [String])] = [
        ("v1", [
            """
            CREATE TABLE jobs (
                id BIGSERIAL PRIMARY KEY,
                kind TEXT NOT NULL,
                tenant TEXT NOT NULL DEFAULT '',
                input_name TEXT NOT NULL,
                work_name TEXT NOT NULL UNIQUE,
                state TEXT NOT NULL,
                attempts BIGINT NOT NULL DEFAULT 0,
                not_before DOUBLE PRECISION NOT NULL DEFAULT 0,
                wait_since DOUBLE PRECISION,
                last_error TEXT,
                reject_error TEXT,
                disposition TEXT,
                final_name TEXT,
                created_at DOUBLE PRECISION NOT NULL,
                started_at DOUBLE PRECISION,
                finished_at DOUBLE PRECISION,
                timings TEXT,
                summary TEXT,
                indexed BOOLEAN NOT NULL DEFAULT FALSE,
                claimed_by TEXT,
                lease_until DOUBLE PRECISION,
                claim_token BIGINT
            )
            """,
            "CREATE INDEX jobs_by_state ON jobs(state, not_before)",
            "CREATE INDEX jobs_by_lease ON jobs(lease_until) WHERE state = 'running'",
            "CREATE INDEX jobs_by_finished ON jobs(finished_at)",
            "CREATE SEQUENCE claim_tokens",
            """
            CREATE TABLE sources (
                id BIGSERIAL PRIMARY KEY,
                tenant TEXT NOT NULL DEFAULT '',
                name TEXT NOT NULL,
                version BIGINT NOT NULL,
                description TEXT NOT NULL DEFAULT '',
                file_name TEXT NOT NULL,
                size_bytes BIGINT NOT NULL,
                sha256 TEXT NOT NULL,
                row_count BIGINT NOT NULL,
                column_count BIGINT NOT NULL,
                profile TEXT NOT NULL,
                value_index TEXT NOT NULL,
                db_file TEXT NOT NULL,
                status TEXT NOT NULL DEFAULT 'ready',
                created_at DOUBLE PRECISION NOT NULL,
                updated_at DOUBLE PRECISION NOT NULL,
                UNIQUE (tenant, name, version)
            )
            """,
            """
            CREATE TABLE queries (
                id BIGSERIAL PRIMARY KEY,
                tenant TEXT NOT NULL DEFAULT '',
                job_id BIGINT,
                rerun_of BIGINT,
                source_id BIGINT,
                source_name TEXT,
                source_version BIGINT,
                action TEXT NOT NULL,
                question TEXT,
                status TEXT NOT NULL,
                engine TEXT,
                sql TEXT,
                interpretation TEXT,
                confidence DOUBLE PRECISION,
                row_count BIGINT,
                document TEXT NOT NULL,
                created_at DOUBLE PRECISION NOT NULL,
                finished_at DOUBLE PRECISION,
                request TEXT,
                error_code TEXT
            )
            """,
            "CREATE INDEX queries_by_source ON queries(tenant, source_name)",
            "CREATE INDEX queries_by_time ON queries(tenant, created_at)",
            """
            CREATE TABLE llm_usage (
                day TEXT PRIMARY KEY,
                requests BIGINT NOT NULL DEFAULT 0,
                prompt_tokens BIGINT NOT NULL DEFAULT 0,
                completion_tokens BIGINT NOT NULL DEFAULT 0
            )
            """,
        ]),
        // One inbox file, one unfinished job, whichever daemon renamed it (NewJob.claimKey).
        // Only while the job is queued or running: a file moved from archive/ back into the
        // inbox keeps its inode and mtime, and must become a new job.
        ("v2_claim_key", [
            "ALTER TABLE jobs ADD COLUMN claim_key TEXT",
            """
            CREATE UNIQUE INDEX jobs_by_claim_key ON jobs(claim_key)
            WHERE claim_key IS NOT NULL AND state IN ('queued', 'running')
            """,
        ]),
        // Per-source glossaries, as the SQLite store's v3_glossary.
        ("v3_glossary", [
            """
            CREATE TABLE glossary (
                tenant TEXT NOT NULL DEFAULT '',
                source_name TEXT NOT NULL,
                term_key TEXT NOT NULL,
                term TEXT NOT NULL,
                column_name TEXT NOT NULL,
                value TEXT,
                created_at DOUBLE PRECISION NOT NULL,
                PRIMARY KEY (tenant, source_name, term_key)
            )
            """,
        ]),
        // Standing questions (issue 14): the SQLite store's v4_subscriptions.
        ("v4_subscriptions", [
            """
            CREATE TABLE subscriptions (
                id BIGSERIAL PRIMARY KEY,
                tenant TEXT NOT NULL DEFAULT '',
                source_name TEXT NOT NULL,
                question TEXT,
                sql TEXT,
                status TEXT NOT NULL DEFAULT 'active',
                job_id BIGINT,
                created_at DOUBLE PRECISION NOT NULL,
                updated_at DOUBLE PRECISION NOT NULL
            )
            """,
            "CREATE INDEX subscriptions_by_source ON subscriptions(tenant, source_name, status)",
            "CREATE UNIQUE INDEX subscriptions_by_job ON subscriptions(job_id) WHERE job_id IS NOT NULL",
            """
            CREATE TABLE subscription_runs (
                id BIGSERIAL PRIMARY KEY,
                subscription_id BIGINT NOT NULL,
                source_id BIGINT NOT NULL,
                source_version BIGINT NOT NULL,
                job_id BIGINT,
                result TEXT,
                created_at DOUBLE PRECISION NOT NULL,
                finished_at DOUBLE PRECISION,
                UNIQUE (subscription_id, source_id)
            )
            """,
            "CREATE INDEX subscription_runs_by_job ON subscription_runs(job_id)",
        ]),
    ]

    /// Names of the migrations applied, in order (for tests and `lumiere doctor`).
    public func appliedMigrations() throws(LumiereError) -> [String] {
        try db.call("reading migrations") { client in
            var names: [String] = []
            for try await name in try await client.query("SELECT name FROM lumiere_migrations ORDER BY applied_at, name")
                .decode(String.self) { names.append(name) }
            return names
        }
    }

    /// Any number for pg_advisory_xact_lock, the same in every daemon: "lumi".
    static let migrationLockKey: Int64 = 0x6c75_6d69

    static func migrate(settings: PostgresStoreSettings, logger: Logger) throws(LumiereError) {
        let connectionSettings = settings
        // A one-off client, so the login is checked by a direct connection (clear errors).
        let bridge = BlockingPostgresClient.Direct(settings: connectionSettings, logger: logger)
        try bridge.run("migrating the state database") { connection in
            try await connection.withTransaction(logger: logger) { connection in
                try await connection.query("SELECT pg_advisory_xact_lock(\(migrationLockKey))", logger: logger)
                try await connection.query("""
                    CREATE TABLE IF NOT EXISTS lumiere_migrations (
                        name TEXT PRIMARY KEY, applied_at DOUBLE PRECISION NOT NULL)
                    """, logger: logger)
                var applied = Set<String>()
                for try await name in try await connection.query("SELECT name FROM lumiere_migrations", logger: logger)
                    .decode(String.self) { applied.insert(name) }
                for migration in migrations where !applied.contains(migration.name) {
                    for statement in migration.statements {
                        try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await connection.query("""
                        INSERT INTO lumiere_migrations (name, applied_at) VALUES (\(migration.name), \(Date().timeIntervalSince1970))
                        """, logger: logger)
                    logger.notice("state database migrated", metadata: ["migration": "\(migration.name)"])
                }
            }
        }
    }

    // MARK: heartbeat

    private func startHeartbeat() {
        let interval = settings.heartbeatSeconds
        let task = Task(executorPreference: StoreTaskExecutor.shared) { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(Int64(interval * 1000)))
                guard let self, !Task.isCancelled else { return }
                await self.renewLeases()
            }
        }
        heartbeat.withLock { $0 = task }
    }

    /// Extend every lease this store holds. A token the server no longer has running (the
    /// lease ran out and another daemon claimed the job) is dropped: that job is not ours.
    func renewLeases() async {
        let tokens = held.withLock { Array($0.values) }
        if tokens.isEmpty { return }
        do {
            var renewed = Set<Int64>()
            let rows = try await db.client.query("""
                UPDATE jobs SET lease_until = \(unescaped: Self.serverNow) + \(settings.leaseSeconds)
                WHERE claim_token = ANY(\(tokens)) AND state = 'running' RETURNING claim_token
                """, logger: logger)
            for try await token in rows.decode(Int64.self) { renewed.insert(token) }
            let lost = held.withLock { claims -> [Int64] in
                let gone = claims.filter { tokens.contains($0.value) && !renewed.contains($0.value) }.map(\.key)
                for id in gone { claims[id] = nil }
                return gone
            }
            for id in lost {
                logger.warning("lost the lease on a job; another daemon has it", metadata: ["job.id": "\(id)"])
            }
        } catch {
            let e = PostgresErrors.map(error, "renewing leases", location: settings.safeLocation)
            logger.warning("cannot renew job leases", metadata: ["error.code": "\(e.code)", "error": "\(e.message)"])
        }
    }

    /// The server's clock in unix seconds: leases are compared on one clock, whatever the
    /// daemons' hosts think the time is.
    static let serverNow = "extract(epoch from clock_timestamp())::float8"

    /// Forget a claim (after finish/requeue, or when the fencing check failed).
    func release(_ jobID: Int64) {
        _ = held.withLock { $0.removeValue(forKey: jobID) }
    }

    func token(for jobID: Int64, _ context: String) throws(LumiereError) -> Int64 {
        guard let token = held.withLock({ $0[jobID] }) else {
            throw Self.leaseLost(jobID, context)
        }
        return token
    }

    static func leaseLost(_ jobID: Int64, _ context: String) -> LumiereError {
        LumiereError(.leaseLost, "job \(jobID) is no longer this daemon's while \(context): its lease ran out and another daemon took it over",
                     hint: "nothing to do: the other daemon finishes it; if this repeats, the heartbeat cannot reach the database in time")
    }
}

extension BlockingPostgresClient {
    /// A single direct connection (not the pool), for start-up: a refused login or a
    /// missing database fails at once with the server's reason instead of the pool
    /// retrying until the call times out.
    struct Direct: Sendable {
        let settings: PostgresStoreSettings
        let logger: Logger

        func run(_ context: String,
                 _ body: @escaping @Sendable (PostgresConnection) async throws -> Void) throws(LumiereError) {
            let settings = settings
            let logger = logger
            let waiter = BlockingPostgresClient.Waiter(settings: settings)
            try waiter.wait(context) {
                var config = PostgresConnection.Configuration(
                    host: settings.host, port: settings.port, username: settings.user,
                    password: settings.password?.secret, database: settings.database,
                    tls: try Self.connectionTLS(settings.tls))
                config.options.connectTimeout = .milliseconds(Int64(min(settings.callTimeoutSeconds, 10) * 1000))
                let connection = try await PostgresConnection.connect(configuration: config, id: 0, logger: logger)
                do {
                    try await body(connection)
                } catch {
                    try? await connection.close()
                    throw error
                }
                try await connection.close()
            }
        }

        static func connectionTLS(_ mode: PostgresStoreSettings.TLSMode) throws -> PostgresConnection.Configuration.TLS {
            switch mode {
            case .disable: return .disable
            case .prefer: return .prefer(try .init(configuration: .makeClientConfiguration()))
            case .require: return .require(try .init(configuration: .makeClientConfiguration()))
            }
        }
    }
}

// BlockingPostgresClient: postgres-nio's async PostgresClient behind synchronous calls.
//
// Why a bridge, and why this one: the daemon's store calls are synchronous and run on its
// Dispatch worker threads (Scheduler, Intake), like the SQLite store's. postgres-nio is
// async: its connection pool (PostgresClient) needs a long-running `run()` task, and its
// queries complete on NIO event-loop threads. So each call starts a Task that does the
// async work, and the calling Dispatch thread waits on a semaphore for its result.
//
// That wait is only safe where the awaited work cannot need the waiting thread:
//   - never on an event-loop thread: the query's reply is delivered on an event loop, so
//     blocking one could wait for itself (checked with a precondition);
//   - not on Swift's cooperative pool either, which has one thread per core (two here):
//     callers blocked on it would starve the tasks that run the queries, a deadlock under
//     load. So the awaited tasks do not run there: they prefer `StoreTaskExecutor`, a
//     Dispatch queue of their own (Dispatch adds threads while others block), and any
//     thread, a test's cooperative one included, may wait without starving them.
// Every wait has a deadline (callTimeoutSeconds): a server that hangs, or a pool that
// cannot connect, fails the call with `database_unavailable` (transient) instead of
// pinning a worker forever; the task is cancelled, and the lease model makes a half-done
// claim harmless (it expires).

import Dispatch
import Foundation
import Logging
import LumiereCore
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization

final class BlockingPostgresClient: Sendable {
    let client: PostgresClient
    let settings: PostgresStoreSettings
    let logger: Logger
    private let runTask: Task<Void, Never>

    init(settings: PostgresStoreSettings, logger: Logger) {
        self.settings = settings
        self.logger = logger
        var config = PostgresClient.Configuration(host: settings.host, port: settings.port, username: settings.user,
                                                  password: settings.password?.secret, database: settings.database,
                                                  tls: Self.clientTLS(settings.tls))
        config.options.maximumConnections = max(1, settings.maxConnections)
        config.options.connectTimeout = .milliseconds(Int64(min(settings.callTimeoutSeconds, 10) * 1000))
        // The pool's own background log (connection attempts, keep-alives) carries no
        // password: postgres-nio never logs its configuration. Quieter than ours.
        var background = logger
        background.logLevel = max(logger.logLevel, .notice)
        let client = PostgresClient(configuration: config, backgroundLogger: background)
        self.client = client
        runTask = Task(executorPreference: StoreTaskExecutor.shared) { await client.run() }
    }

    static func clientTLS(_ mode: PostgresStoreSettings.TLSMode) -> PostgresClient.Configuration.TLS {
        switch mode {
        case .disable: return .disable
        case .prefer: return .prefer(.makeClientConfiguration())
        case .require: return .require(.makeClientConfiguration())
        }
    }

    /// Closing cancels the pool's run task: open connections close, later calls fail.
    func shutdown() {
        runTask.cancel()
    }

    /// Run `body` with the pool and wait for it. See the file header for where this may be
    /// called. Errors come back mapped to LumiereError (`PostgresErrors.map`).
    func call<T: Sendable>(_ context: String,
                           _ body: @escaping @Sendable (PostgresClient) async throws -> T) throws(LumiereError) -> T {
        try wait(context) { [client] in try await body(client) }
    }

    /// One statement in its own transaction, with the pool.
    func transaction<T: Sendable>(_ context: String,
                                  _ body: @escaping @Sendable (PostgresConnection) async throws -> T) throws(LumiereError) -> T {
        try wait(context) { [client, logger] in
            try await client.withTransaction(logger: logger) { connection in try await body(connection) }
        }
    }

    func wait<T: Sendable>(_ context: String, _ body: @escaping @Sendable () async throws -> T) throws(LumiereError) -> T {
        try Waiter(settings: settings).wait(context, body)
    }

    /// The blocking wait itself (also used before the pool exists).
    struct Waiter: Sendable {
        let settings: PostgresStoreSettings

        func wait<T: Sendable>(_ context: String, _ body: @escaping @Sendable () async throws -> T) throws(LumiereError) -> T {
            precondition(MultiThreadedEventLoopGroup.currentEventLoop == nil,
                         "a PostgreSQL store call blocked an event-loop thread (it would wait for itself)")
            let outcome = Mutex<Result<T, any Error>?>(nil)
            let done = DispatchSemaphore(value: 0)
            let task = Task(executorPreference: StoreTaskExecutor.shared) {
                let result: Result<T, any Error>
                do { result = .success(try await body()) } catch { result = .failure(error) }
                outcome.withLock { $0 = result }
                done.signal()
            }
            if done.wait(timeout: .now() + settings.callTimeoutSeconds) == .timedOut {
                task.cancel()
                throw LumiereError(.databaseUnavailable,
                                   "the state database \(settings.safeLocation) did not answer within \(Int(settings.callTimeoutSeconds)) s while \(context)",
                                   hint: "check that the PostgreSQL server is up and reachable from this host", transient: true)
            }
            switch outcome.withLock({ $0 })! {
            case .success(let value): return value
            case .failure(let error): throw PostgresErrors.map(error, context, location: settings.safeLocation)
            }
        }
    }
}

/// postgres-nio's errors as LumiereError: lost connections and a server going down are
/// transient (`database_unavailable`), so the scheduler retries; a refused login is a
/// configuration error. Messages name the server by `safeLocation`, never the password.
enum PostgresErrors {
    static func map(_ error: any Error, _ context: String, location: String) -> LumiereError {
        if let e = error as? LumiereError { return e }
        if let t = error as? PostgresTransactionError {
            if let inner = t.closureError ?? t.beginError ?? t.commitError ?? t.rollbackError {
                return map(inner, context, location: location)
            }
        }
        if error is CancellationError {
            return unavailable(context, location, "the call was cancelled")
        }
        if let p = error as? PSQLError {
            if p.code == .server {
                let state = p.serverInfo?[.sqlState] ?? ""
                let message = p.serverInfo?[.message] ?? "server error"
                switch state {
                case "28P01", "28000":
                    return LumiereError(.configError, "the state database \(location) refused the login: \(message)",
                                        hint: "check the user in store.url and the password in store.password_file (or the credential store-password)")
                case "3D000":
                    return LumiereError(.configError, "the state database \(location) does not exist",
                                        hint: "create it (createdb) or fix the database name in store.url")
                case "40001", "40P01", "55P03":
                    return LumiereError(.databaseBusy, "the state database was busy while \(context)",
                                        hint: "this is retried", transient: true, underlying: "SQLSTATE \(state): \(message)")
                case "23505":
                    return LumiereError(.databaseBusy, "another daemon wrote the same row first while \(context)",
                                        hint: "this is retried", transient: true, underlying: "SQLSTATE \(state): \(message)")
                case _ where state.hasPrefix("08") || state.hasPrefix("53") || state.hasPrefix("57"):
                    return unavailable(context, location, "SQLSTATE \(state): \(message)")
                default:
                    return LumiereError(.databaseError, "the state database failed while \(context): \(message)",
                                        underlying: "SQLSTATE \(state)")
                }
            }
            if [.connectionError, .serverClosedConnection, .clientClosedConnection, .uncleanShutdown, .poolClosed,
                .queryCancelled, .sslUnsupported, .failedToAddSSLHandler].contains(p.code) {
                return unavailable(context, location, "\(p.code)" + (p.underlying.map { ": \($0)" } ?? ""))
            }
            return LumiereError(.databaseError, "the state database failed while \(context)", underlying: "\(p.code)")
        }
        if error is IOError || error is ChannelError || error is NIOConnectionError {
            return unavailable(context, location, "\(error)")
        }
        return LumiereError(.databaseError, "the state database failed while \(context)", underlying: "\(type(of: error))")
    }

    static func unavailable(_ context: String, _ location: String, _ why: String) -> LumiereError {
        LumiereError(.databaseUnavailable, "the state database \(location) is unavailable while \(context)",
                     hint: "check that the PostgreSQL server is up and reachable; this is retried",
                     transient: true, underlying: why)
    }
}

/// Where the store's async work runs: a concurrent Dispatch queue, not the cooperative
/// pool (see the header: a blocked caller must never be what the awaited work waits for).
final class StoreTaskExecutor: TaskExecutor {
    static let shared = StoreTaskExecutor()
    private let queue = DispatchQueue(label: "lumiere.store.postgres", attributes: .concurrent)

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}

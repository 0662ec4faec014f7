// The two backends under one factory, for tests that must hold on both: SQLite in a fresh
// temporary directory, PostgreSQL in a fresh database on the shared test server.

import Foundation
import Logging
import LumiereCore
import LumiereStore
import LumiereStorePostgres
import LumiereTestSupport
import Synchronization
import Testing

enum Backend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres
    var testDescription: String { rawValue }

    /// Both, unless LUMIERE_PG_TESTS=0 turned PostgreSQL off on purpose.
    static var testable: [Backend] { PostgresTestServer.enabled ? allCases : [.sqlite] }
}

/// Logs kept in memory, to check what a store writes (and that no password is in it).
/// A struct, as swift-log expects: postgres-nio sets metadata on its own copies of the
/// logger from its event-loop threads, and a class here had them all write one
/// dictionary at once (a crash under load: swift_isUniquelyReferenced on `metadata`).
/// Copies share only `lines`, behind a Mutex.
struct RecordingLogHandler: LogHandler {
    private final class Lines: Sendable {
        let lines = Mutex<[String]>([])
    }
    private let store = Lines()
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .trace

    func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String,
             file: String, function: String, line: UInt) {
        let all = self.metadata.merging(metadata ?? [:]) { $1 }
        store.lines.withLock { $0.append("\(level) \(message) \(all.map { "\($0.key)=\($0.value)" }.sorted())") }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    var text: String { store.lines.withLock { $0.joined(separator: "\n") } }
}

enum TestStores {
    static var quietLogger: Logger {
        var logger = Logger(label: "test.store")
        logger.logLevel = .error
        return logger
    }

    /// Settings for a fresh database on `server`.
    static func postgresSettings(on server: PostgresTestServer, leaseSeconds: Double = 30,
                                 heartbeatSeconds: Double? = nil, callTimeout: Double = 20) throws -> PostgresStoreSettings {
        let name = try server.createDatabase()
        return try settings(on: server, database: name, leaseSeconds: leaseSeconds, heartbeatSeconds: heartbeatSeconds,
                            callTimeout: callTimeout)
    }

    /// Settings for an existing database (another daemon's view of the same one).
    static func settings(on server: PostgresTestServer, database: String, leaseSeconds: Double = 30,
                         heartbeatSeconds: Double? = nil, callTimeout: Double = 20) throws -> PostgresStoreSettings {
        var settings = try PostgresStoreSettings.parse(url: server.url(database: database))
        settings.password = try PostgresStoreSettings.password(file: server.passwordFile, environment: [:])
        settings.leaseSeconds = leaseSeconds
        settings.heartbeatSeconds = heartbeatSeconds ?? leaseSeconds / 3
        settings.callTimeoutSeconds = callTimeout
        settings.maxConnections = 4
        return settings
    }

    static func withStore(_ backend: Backend, _ body: (any StateBackend) throws -> Void) throws {
        switch backend {
        case .sqlite:
            let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lumiere-store-\(UUID().uuidString.prefix(8))").path
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let store = try StateStore(path: dir + "/lumiere.db")
            defer { store.close() }
            try body(store)
        case .postgres:
            let store = try PostgresStateStore(settings: try postgresSettings(on: try PostgresTestServer.shared()),
                                               logger: quietLogger)
            defer { store.close() }
            try body(store)
        }
    }
}

/// Poll `condition` until it holds or `seconds` pass (a deadline, not a sleep as synchronisation).
func eventually(within seconds: Double, _ what: String, _ condition: () throws -> Bool) throws {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
        if try condition() { return }
        usleep(50_000)
    }
    Issue.record("not within \(seconds) s: \(what)")
    throw PostgresTestServerError(description: "timed out: \(what)")
}

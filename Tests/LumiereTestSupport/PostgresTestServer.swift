// PostgresTestServer: a real PostgreSQL 15 server for tests, started by
// scripts/pg-test-server in a fresh temporary directory on a free loopback port, with
// password (scram-sha-256) logins. `shared` is one server for the whole test process
// (stopped at exit); tests that restart or stop a server start their own.
//
// No silent skips: when the server binaries are missing, `start` throws with what to
// install, so the test fails in CI. Only LUMIERE_PG_TESTS=0 turns the PostgreSQL tests
// off (`PostgresTestServer.enabled`, for a `.enabled(if:)` trait that says so).

import Foundation
import Synchronization

public struct PostgresTestServerError: Error, CustomStringConvertible {
    public var description: String
    public init(description: String) { self.description = description }
}

public final class PostgresTestServer: Sendable {
    public let directory: String
    public let port: Int
    public let user = "lumiere"
    public let passwordFile: String
    private let stopped = Mutex(false)

    /// False only when LUMIERE_PG_TESTS=0.
    public static var enabled: Bool { ProcessInfo.processInfo.environment["LUMIERE_PG_TESTS"] != "0" }

    static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url.path }
        }
        return FileManager.default.currentDirectoryPath
    }()

    static var script: String { packageRoot + "/scripts/pg-test-server" }

    /// initdb + start in a new temporary directory.
    public static func start() throws -> PostgresTestServer {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("lumiere-pg-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let out = try run([script, "start", dir])
        return try PostgresTestServer(directory: dir, startOutput: out)
    }

    private init(directory: String, startOutput: String) throws {
        self.directory = directory
        guard let portText = startOutput.split(separator: " ").first(where: { $0.hasPrefix("port=") }),
              let port = Int(portText.dropFirst(5)) else {
            throw PostgresTestServerError(description: "pg-test-server printed no port: \(startOutput)")
        }
        self.port = port
        passwordFile = directory + "/password"
    }

    /// One server for the whole test process, started on first use, stopped at exit.
    public static func shared() throws -> PostgresTestServer {
        try sharedServer.get()
    }

    private static let sharedServer: Result<PostgresTestServer, any Error> = {
        let result = Result { try PostgresTestServer.start() }
        if case .success = result { atexit { try? PostgresTestServer.sharedServer.get().stop() } }
        return result
    }()

    public var password: String {
        (try? String(contentsOfFile: passwordFile, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
    }

    /// postgres://lumiere@127.0.0.1:PORT/NAME?sslmode=disable
    public func url(database: String) -> String {
        "postgres://\(user)@127.0.0.1:\(port)/\(database)?sslmode=disable"
    }

    /// A fresh, empty database on this server; returns its name.
    public func createDatabase(prefix: String = "t") throws -> String {
        let name = "\(prefix)_\(UUID().uuidString.prefix(12).lowercased().replacingOccurrences(of: "-", with: ""))"
        _ = try Self.run([Self.script, "createdb", directory, name])
        return name
    }

    /// Stop (fast, clients see their connections closed) and start again on the same port.
    public func restart() throws {
        _ = try Self.run([Self.script, "restart", directory])
    }

    /// Stop immediately and remove the directory.
    public func stop() {
        let already = stopped.withLock { s in defer { s = true }; return s }
        if already { return }
        _ = try? Self.run([Self.script, "stop", directory])
        try? FileManager.default.removeItem(atPath: directory)
    }

    deinit { stop() }

    @discardableResult
    static func run(_ argv: [String]) throws -> String {
        // Output goes to files, not pipes: the server the script starts must not be able
        // to keep a pipe open (the read would wait for an EOF that never comes).
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("pg-run-\(UUID().uuidString.prefix(8))").path
        FileManager.default.createFile(atPath: base + ".out", contents: nil)
        FileManager.default.createFile(atPath: base + ".err", contents: nil)
        defer { unlink(base + ".out"); unlink(base + ".err") }
        // posix_spawn + waitpid (through /bin/sh for the redirections), not Foundation's
        // Process: its wait spins a run loop, which hung when called from Swift Testing's
        // cooperative threads while other tests waited for the shared server.
        let quoted = argv.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }.joined(separator: " ")
        let command = "bash \(quoted) </dev/null >'\(base).out' 2>'\(base).err'"
        var pid: pid_t = 0
        let cArgs: [UnsafeMutablePointer<CChar>?] = ["/bin/sh", "-c", command].map { (s: String) in strdup(s) } + [nil]
        defer { cArgs.forEach { free($0) } }
        guard posix_spawn(&pid, "/bin/sh", nil, nil, cArgs, environ) == 0 else {
            throw PostgresTestServerError(description: "cannot start /bin/sh for \(argv.joined(separator: " "))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let exitCode = (status >> 8) & 0xff
        let output = FileManager.default.contents(atPath: base + ".out") ?? Data()
        let errors = FileManager.default.contents(atPath: base + ".err") ?? Data()
        guard status & 0x7f == 0, exitCode == 0 else {
            throw PostgresTestServerError(description: """
                \(argv.joined(separator: " ")) failed (status \(status)): \
                \(String(decoding: errors, as: UTF8.self)); set LUMIERE_PG_TESTS=0 to skip the PostgreSQL tests on purpose
                """)
        }
        return String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

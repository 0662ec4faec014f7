// PostgresStoreSettings: where the shared state database is and how to log in, from the
// config keys `store.url` and `store.password_file` (or systemd's credential
// `$CREDENTIALS_DIRECTORY/store-password`, LoadCredential=store-password).
//
// The password never appears in any text Lumiere writes: it is not allowed in the URL
// (where a config dump or a log line would show it), `StorePassword`'s description is
// "[redacted]", and `safeLocation` (host, port, database, user) is what logs and errors name.
//
// Failure modes: `config_error` for a URL that is not postgres://user@host[:port]/database,
// a password in the URL, an unreadable password file, an unknown sslmode.

import Foundation
import LumiereCore

/// A database password that does not print.
public struct StorePassword: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public enum Origin: String, Sendable { case file, credential }
    let secret: String
    public let origin: Origin

    public init(secret: String, origin: Origin) {
        self.secret = secret
        self.origin = origin
    }

    public var description: String { "[redacted]" }
    public var debugDescription: String { "StorePassword(\(origin.rawValue), [redacted])" }

    /// True when `text` contains the password (tests check logs and errors with it).
    public func occurs(in text: String) -> Bool { !secret.isEmpty && text.contains(secret) }
}

public struct PostgresStoreSettings: Sendable {
    public enum TLSMode: String, Sendable { case disable, prefer, require }

    public var host: String
    /// The default is 5432.
    public var port: Int
    public var user: String
    public var database: String
    public var password: StorePassword?
    /// `?sslmode=` in the URL. The default is prefer (TLS when the server offers it), as libpq.
    public var tls: TLSMode
    /// Who holds a claimed job (jobs.claimed_by): unique per daemon process, so a restarted
    /// daemon never mistakes a dead predecessor's lease for its own. The default is
    /// "<hostname>:<pid>:<random>".
    public var daemonID: String
    /// How long a claim lasts without a heartbeat. A daemon that dies (SIGKILL, network
    /// cut) frees its jobs this long after its last heartbeat. The default is 30 s.
    public var leaseSeconds: Double
    /// How often held leases are renewed; 0 turns the heartbeat off (tests of lost leases).
    /// The default is a third of the lease.
    public var heartbeatSeconds: Double
    /// Longest time one store call may take, waiting for a connection included; then it
    /// fails with `database_unavailable` (transient). The default is 30 s.
    public var callTimeoutSeconds: Double
    /// Connections this daemon opens at most. The default is 8.
    public var maxConnections: Int

    public init(host: String, port: Int = 5432, user: String, database: String, password: StorePassword?,
                tls: TLSMode = .prefer, daemonID: String = PostgresStoreSettings.defaultDaemonID(),
                leaseSeconds: Double = 30, heartbeatSeconds: Double? = nil, callTimeoutSeconds: Double = 30,
                maxConnections: Int = 8) {
        self.host = host
        self.port = port
        self.user = user
        self.database = database
        self.password = password
        self.tls = tls
        self.daemonID = daemonID
        self.leaseSeconds = leaseSeconds
        self.heartbeatSeconds = heartbeatSeconds ?? leaseSeconds / 3
        self.callTimeoutSeconds = callTimeoutSeconds
        self.maxConnections = maxConnections
    }

    /// From the configuration: `store.url`, then `store.password_file` or the credential.
    public init(config: LumiereConfig, environment: [String: String]) throws(LumiereError) {
        let url = config.store.url
        if url.isEmpty {
            throw LumiereError(.configError, "store.backend is \"postgres\" but store.url is empty",
                               hint: "set store.url = \"postgres://USER@HOST:5432/DATABASE\" and the password in store.password_file")
        }
        var settings = try Self.parse(url: url)
        settings.password = try Self.password(file: config.store.passwordFile, environment: environment)
        settings.leaseSeconds = config.store.leaseSeconds
        settings.heartbeatSeconds = config.store.leaseSeconds / 3
        self = settings
    }

    /// host:port/database as user — for logs, `lumiere doctor` and error messages.
    public var safeLocation: String { "postgres://\(user)@\(host):\(port)/\(database)" }

    public static func defaultDaemonID() -> String {
        var name = [CChar](repeating: 0, count: 256)
        let host = gethostname(&name, name.count) == 0
            ? String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "host"
        return "\(host):\(getpid()):\(UInt32.random(in: 0...UInt32.max))"
    }

    /// postgres://user@host[:port]/database[?sslmode=disable|prefer|require]
    public static func parse(url text: String) throws(LumiereError) -> PostgresStoreSettings {
        let hint = "store.url looks like postgres://lumiere@db.example.com:5432/lumiere; the password goes in store.password_file"
        guard let url = URLComponents(string: text), let scheme = url.scheme,
              ["postgres", "postgresql"].contains(scheme.lowercased()) else {
            throw LumiereError(.configError, "store.url is not a postgres:// URL", hint: hint)
        }
        if url.password != nil {
            throw LumiereError(.configError, "store.url must not contain a password (it would show in config dumps and logs)",
                               hint: hint)
        }
        guard let host = url.host, !host.isEmpty else {
            throw LumiereError(.configError, "store.url names no host", hint: hint)
        }
        guard let user = url.user, !user.isEmpty else {
            throw LumiereError(.configError, "store.url names no user", hint: hint)
        }
        let database = String(url.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else {
            throw LumiereError(.configError, "store.url names no database", hint: hint)
        }
        var tls = TLSMode.prefer
        for item in url.queryItems ?? [] {
            guard item.name == "sslmode", let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                throw LumiereError(.configError, "store.url: unsupported parameter \(item.name)=\(item.value ?? "")",
                                   hint: "the only parameter is sslmode=disable, prefer or require")
            }
            tls = mode
        }
        let port = url.port ?? 5432
        guard (1...65535).contains(port) else { throw LumiereError(.configError, "store.url: bad port", hint: hint) }
        return PostgresStoreSettings(host: host, port: port, user: user, database: database, password: nil, tls: tls)
    }

    /// `store.password_file` when set (must be readable), else systemd's credential
    /// store-password, else none (trust or peer authentication).
    public static func password(file: String, environment: [String: String]) throws(LumiereError) -> StorePassword? {
        if !file.isEmpty {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw LumiereError(.configError, "cannot read the database password file \(file)",
                                   hint: "check store.password_file and that the file is readable by this user")
            }
            return trimmed(data, origin: .file)
        }
        if let dir = environment["CREDENTIALS_DIRECTORY"], !dir.isEmpty,
           let data = FileManager.default.contents(atPath: dir + "/store-password") {
            return trimmed(data, origin: .credential)
        }
        return nil
    }

    private static func trimmed(_ data: Data, origin: StorePassword.Origin) -> StorePassword? {
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines)
        return text.isEmpty ? nil : StorePassword(secret: text, origin: origin)
    }
}

// Options every command shares: where the config file and the spool are, and overrides.
// Precedence: defaults < config file < LUMIERE_* environment < these flags.

import ArgumentParser
import Foundation
import LumiereCore

public struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: "Config file (default: $LUMIERE_CONFIG, ./config/lumiere.toml, /etc/lumiere/lumiere.toml).")
    public var config: String?

    @Option(name: .long, help: "Spool directory (overrides spool.dir).")
    public var spool: String?

    @Option(name: .long, help: "Set any config key, e.g. --set sql.timeout_s=5 (repeatable).")
    public var set: [String] = []

    public init() {}

    /// The config file in effect, if any.
    public var configPath: String? {
        if let config { return config }
        let env = ProcessInfo.processInfo.environment
        if let path = env["LUMIERE_CONFIG"], !path.isEmpty { return path }
        for candidate in ["config/lumiere.toml", "/etc/lumiere/lumiere.toml"]
        where FileManager.default.fileExists(atPath: candidate) {
            return candidate
        }
        return nil
    }

    public func load(extra: [String: String] = [:]) throws(LumiereError) -> LumiereConfig {
        try Self.load(path: configPath, set: set, spool: spool, extra: extra)
    }

    /// The loader without the parsed-arguments struct, for closures that must be Sendable
    /// (SIGHUP reload).
    public static func load(path: String?, set: [String], spool: String?,
                     extra: [String: String]) throws(LumiereError) -> LumiereConfig {
        var overrides = extra
        for item in set {
            guard let eq = item.firstIndex(of: "=") else {
                throw LumiereError(.configError, "--set takes KEY=VALUE, got \"\(item)\"", hint: "e.g. --set workers=4")
            }
            overrides[String(item[..<eq])] = String(item[item.index(after: eq)...])
        }
        if let spool { overrides["spool.dir"] = spool }
        var text: String?
        if let path {
            guard let data = FileManager.default.contents(atPath: path) else {
                throw LumiereError(.configError, "cannot read the config file \(path)",
                                   hint: "check the path and its permissions, or run without --config")
            }
            text = String(decoding: data, as: UTF8.self)
        }
        return try LumiereConfig.load(file: text, fileName: path ?? "config",
                                      environment: ProcessInfo.processInfo.environment, overrides: overrides)
    }
}

/// Print an error the way every command does (`error:` and `hint:` lines) and pick the exit code.
public func fail(_ error: LumiereError) -> ExitCode {
    var text = "error: \(error.message) [\(error.code)]\n"
    if let hint = error.hint { text += "hint: \(hint)\n" }
    FileHandle.standardError.write(Data(text.utf8))
    return ExitCode(exitCode(for: error))
}

/// Documented exit codes (README "Exit codes").
public func exitCode(for error: LumiereError) -> Int32 {
    switch error.code {
    case .configError: return 78          // EX_CONFIG
    case .spoolLocked: return 3
    case .unknownSource, .unknownQuery, .unknownSubscription: return 4
    case .unsupportedQuestion, .needsClarification: return 5
    case .forbiddenSQL, .sqlTimeout, .sqlError: return 6
    case .invalidTenant, .tenantRequired: return 64   // EX_USAGE
    case .daemonNotRunning: return 69                 // EX_UNAVAILABLE
    case .waitTimeout: return 75                      // EX_TEMPFAIL
    default: return 1
    }
}

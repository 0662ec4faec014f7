// Support for the LLM tests: settings pointing at a scripted server, the repository's prompt
// templates, a free port nobody listens on, a logger that drops everything.

import Foundation
import Logging
import LumiereCore
import LumiereLLM
import LumiereTestSupport

enum LLMTestSupport {
    static let packageRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url.path }
        }
        return FileManager.default.currentDirectoryPath
    }()

    static var promptDir: String { packageRoot + "/config/prompts" }

    /// Settings with fast retries and short timeouts, plus `overrides` (config key → text).
    static func settings(base: String, _ overrides: [String: String] = [:]) throws -> LLMSettings {
        var o = ["llm.base_url": base, "llm.model": "test-model", "llm.retry_base_ms": "10",
                 "llm.timeout_s": "10", "llm.connect_timeout_s": "5", "llm.prompt_dir": promptDir,
                 "llm.daily_request_budget": "0", "llm.daily_token_budget": "0"]
        o.merge(overrides) { $1 }
        return LLMSettings(config: try LumiereConfig.load(file: nil, environment: [:], overrides: o))
    }

    static func client(_ settings: LLMSettings, key: String? = nil,
                       ledger: (any LLMBudgetLedger)? = nil) throws -> LLMClient {
        let apiKey = try key.flatMap { try APIKey.resolve(settings: settings, environment: [settings.apiKeyEnv: $0]) }
        return LLMClient(settings: settings, key: apiKey, ledger: ledger, logger: quietLogger)
    }

    static let quietLogger: Logger = {
        var l = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        l.logLevel = .critical
        return l
    }()

    /// A loopback port with no listener.
    static func closedPort() -> Int { closedLoopbackPort() }

    static let salesSchema = SourceSchema(rowCount: 15, columns: [
        ColumnProfile(name: "Date", type: .date, distinctCount: 15, min: .text("2024-01-01"), max: .text("2024-01-15")),
        ColumnProfile(name: "Region", type: .text, distinctCount: 4, samples: ["North", "South"]),
        ColumnProfile(name: "Sales", type: .real, distinctCount: 15, min: .real(100), max: .real(2500)),
    ], valueIndex: ValueIndex(values: ["Region": ["North", "South", "East", "West"]]))

    static var templates: PromptTemplates { get throws { try PromptTemplates.load(directory: promptDir) } }
}

// Where the API key comes from (file, systemd credential, environment, none), in that
// order, and that bad keys are refused without their content appearing in the error.

import Foundation
import Testing
import LumiereCore
import LumiereLLM

@Suite("API key resolution")
struct APIKeyTests {
    func withDir<T>(_ body: (String) throws -> T) throws -> T {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lumiere-key-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        return try body(dir)
    }

    func settings(_ o: [String: String] = [:]) throws -> LLMSettings {
        try LLMTestSupport.settings(base: "http://127.0.0.1:1/v1", o)
    }

    @Test("file, then credential, then the environment variable; blank values count as none")
    func order() throws {
        try withDir { dir in
            try "sk-file\n".write(toFile: dir + "/key", atomically: true, encoding: .utf8)
            try "  sk-cred \n".write(toFile: dir + "/llm-api-key", atomically: true, encoding: .utf8)
            let env = ["CREDENTIALS_DIRECTORY": dir, "OPENAI_API_KEY": "sk-env"]
            #expect(try APIKey.resolve(settings: settings(["llm.api_key_file": dir + "/key"]), environment: env)?.origin == .file)
            #expect(try APIKey.resolve(settings: settings(), environment: env)?.origin == .credential)
            #expect(try APIKey.resolve(settings: settings(), environment: ["OPENAI_API_KEY": "sk-env"])?.origin == .environment)
            #expect(try APIKey.resolve(settings: settings(["llm.api_key_env": "MY_KEY"]), environment: ["MY_KEY": "k", "OPENAI_API_KEY": "x"])?.occurs(in: "k") == true)
            // systemd's SetCredential=llm-api-key:\n fallback: blank, so the environment is used.
            try "\n".write(toFile: dir + "/llm-api-key", atomically: true, encoding: .utf8)
            #expect(try APIKey.resolve(settings: settings(), environment: env)?.origin == .environment)
            #expect(try APIKey.resolve(settings: settings(), environment: ["CREDENTIALS_DIRECTORY": dir]) == nil)
            #expect(try APIKey.origin(settings: settings(), environment: [:]) == "none")
            #expect(try APIKey.origin(settings: settings(), environment: env) == "environment")
        }
    }

    @Test("an unreadable key file or a key with a newline inside is a config_error that never shows the key")
    func refused() throws {
        try withDir { dir in
            #expect { try APIKey.resolve(settings: settings(["llm.api_key_file": dir + "/missing"]), environment: [:]) } throws: {
                ($0 as? LumiereError)?.code == .configError && "\($0)".contains("missing")
            }
            try "sk-one\nsk-two".write(toFile: dir + "/key", atomically: true, encoding: .utf8)
            #expect { try APIKey.resolve(settings: settings(["llm.api_key_file": dir + "/key"]), environment: [:]) } throws: {
                guard let e = $0 as? LumiereError else { return false }
                return e.code == .configError && !e.description.contains("sk-one") && !e.description.contains("sk-two")
            }
        }
    }

    @Test("redact replaces every occurrence")
    func redact() throws {
        let key = try #require(try APIKey.resolve(settings: settings(), environment: ["OPENAI_API_KEY": "sk-abc"]))
        #expect(key.redact("a sk-abc b sk-abc") == "a [redacted] b [redacted]")
        #expect(key.occurs(in: "xx sk-abc"))
        #expect(!key.occurs(in: "sk-ab"))
    }
}

// APIKey: finding the LLM server's API key, and keeping it out of every text Lumiere
// writes. Order: `llm.api_key_file` when set (must be readable), then systemd's credential
// `$CREDENTIALS_DIRECTORY/llm-api-key` (LoadCredential=llm-api-key; a blank one counts as
// none), then the environment variable named by `llm.api_key_env` (OPENAI_API_KEY by
// default). No key at all is fine: local servers (Ollama, llama-server) need none.
//
// The key is only ever read by `authorizationHeader`. Its description is "[redacted]", so
// interpolating it by mistake prints nothing secret, and `redact` removes it from any text
// that came back from the server before that text is logged or stored.

import Foundation
import LumiereCore

public struct APIKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public enum Origin: String, Sendable {
        case file, credential, environment
    }

    private let secret: String
    public let origin: Origin

    init(secret: String, origin: Origin) {
        self.secret = secret
        self.origin = origin
    }

    public var description: String { "[redacted]" }
    public var debugDescription: String { "APIKey(\(origin.rawValue), [redacted])" }

    var authorizationHeader: (name: String, value: String) { ("Authorization", "Bearer " + secret) }

    /// True when `text` contains the key.
    public func occurs(in text: String) -> Bool { !secret.isEmpty && text.contains(secret) }

    /// `text` with every occurrence of the key replaced by "[redacted]".
    public func redact(_ text: String) -> String {
        secret.isEmpty ? text : text.replacingOccurrences(of: secret, with: "[redacted]")
    }

    /// The key in effect, or nil for none. Throws `config_error` for an unreadable key file
    /// or a key with characters that cannot go into an HTTP header (the message names the
    /// origin, never the content).
    public static func resolve(settings: LLMSettings, environment: [String: String]) throws(LumiereError) -> APIKey? {
        if !settings.apiKeyFile.isEmpty {
            guard let data = FileManager.default.contents(atPath: settings.apiKeyFile) else {
                throw LumiereError(.configError, "cannot read the API key file \(settings.apiKeyFile)",
                                   hint: "check llm.api_key_file and that the file is readable by this user")
            }
            return try checked(String(decoding: data, as: UTF8.self), origin: .file, where: settings.apiKeyFile)
        }
        if let dir = environment["CREDENTIALS_DIRECTORY"], !dir.isEmpty,
           let data = FileManager.default.contents(atPath: dir + "/llm-api-key"),
           let key = try checked(String(decoding: data, as: UTF8.self), origin: .credential, where: "the credential llm-api-key") {
            return key
        }
        if !settings.apiKeyEnv.isEmpty, let value = environment[settings.apiKeyEnv] {
            return try checked(value, origin: .environment, where: "$\(settings.apiKeyEnv)")
        }
        return nil
    }

    /// Where the key would come from ("file", "credential", "environment" or "none"), for
    /// logs and `lumiere doctor`; never the key.
    public static func origin(settings: LLMSettings, environment: [String: String]) -> String {
        do {
            return try resolve(settings: settings, environment: environment)?.origin.rawValue ?? "none"
        } catch {
            return "unusable (\(error.message))"
        }
    }

    private static func checked(_ raw: String, origin: Origin, where place: String) throws(LumiereError) -> APIKey? {
        let trimmed = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty { return nil }
        guard trimmed.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f }) else {
            throw LumiereError(.configError, "the API key from \(place) contains spaces or characters that cannot go into an HTTP header",
                               hint: "the file or variable should hold just the key")
        }
        return APIKey(secret: trimmed, origin: origin)
    }
}

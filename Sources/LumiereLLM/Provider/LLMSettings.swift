// LLMSettings: the `[llm]` section of the typed configuration, and the endpoint URLs built
// from `llm.base_url`. No I/O.

import Foundation
import LumiereCore

/// The `[llm]` section of the typed configuration (LumiereSettings.LLM, with `llm.share` as
/// `LLMShare`, both defined in LumiereCore so that the config parser owns every key).
public typealias LLMSettings = LumiereSettings.LLM

extension LumiereSettings.LLM {
    public init(config: LumiereConfig) {
        self = config.llm
    }

    /// True when `llm.base_url` is set.
    public var isConfigured: Bool { !baseURL.isEmpty }

    /// `{base_url}/{path}`, after checking the base is an http(s) URL with a host.
    public func endpoint(_ path: String) throws(LumiereError) -> String {
        guard isConfigured else {
            throw LumiereError(.llmUnavailable, "no LLM is configured (llm.base_url is empty)",
                               hint: "set llm.base_url, e.g. LUMIERE_LLM_BASE_URL=http://127.0.0.1:11434/v1 for Ollama")
        }
        guard let url = URL(string: baseURL), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme),
              let host = url.host, !host.isEmpty else {
            throw LumiereError(.configError, "llm.base_url is not an http:// or https:// URL",
                               hint: "e.g. https://api.openai.com/v1 or http://127.0.0.1:8080/v1")
        }
        if url.user != nil || url.password != nil {
            throw LumiereError(.configError, "llm.base_url must not carry a user name or password",
                               hint: "put the key in llm.api_key_file or the variable named by llm.api_key_env")
        }
        return baseURL + "/" + path
    }
}

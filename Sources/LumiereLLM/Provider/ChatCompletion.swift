// The OpenAI chat-completions wire format: the request body Lumiere sends and the parts of
// the response it reads (the first choice's message content, token usage, an error body).
// Decoding is lenient about extra fields (servers add their own) and strict about types.

import Foundation

public struct ChatMessage: Sendable, Codable, Equatable {
    public var role: String
    public var content: String

    public init(role: String, content: String) {
        self.role = role
        self.content = content
    }

    public static func system(_ text: String) -> ChatMessage { ChatMessage(role: "system", content: text) }
    public static func user(_ text: String) -> ChatMessage { ChatMessage(role: "user", content: text) }
    public static func assistant(_ text: String) -> ChatMessage { ChatMessage(role: "assistant", content: text) }
}

struct ChatCompletionRequest: Encodable {
    struct ResponseFormat: Encodable { var type: String }
    var model: String
    var messages: [ChatMessage]
    var temperature: Double
    /// nil in the plain fallback: some servers and models reject max_tokens too.
    var maxTokens: Int?
    var responseFormat: ResponseFormat?
    var stream = false

    enum CodingKeys: String, CodingKey {
        case model, messages, temperature, stream
        case maxTokens = "max_tokens"
        case responseFormat = "response_format"
    }
}

struct ChatCompletionResponse: Decodable {
    struct Choice: Decodable {
        struct Message: Decodable { var content: String? }
        var message: Message?
        var finishReason: String?
        enum CodingKeys: String, CodingKey {
            case message
            case finishReason = "finish_reason"
        }
    }
    struct Usage: Decodable {
        var promptTokens: Int?
        var completionTokens: Int?
        enum CodingKeys: String, CodingKey {
            case promptTokens = "prompt_tokens"
            case completionTokens = "completion_tokens"
        }
    }
    var choices: [Choice]
    var usage: Usage?
}

/// `{"error": {"message": ...}}` (OpenAI, vLLM) or `{"error": "..."}` (Ollama, llama-server).
struct ServerErrorBody: Decodable {
    var message: String?

    init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: Keys.self)
        if let text = try? c.decode(String.self, forKey: .error) {
            message = text
        } else {
            let inner = try c.nestedContainer(keyedBy: Keys.self, forKey: .error)
            message = try inner.decodeIfPresent(String.self, forKey: .message)
        }
    }

    enum Keys: String, CodingKey { case error, message }
}

struct ModelList: Decodable {
    struct Model: Decodable { var id: String }
    var data: [Model]
}

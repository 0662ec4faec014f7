// The HTTP exchange as plain values, between the curl wrapper and the OpenAI client: a
// request (method, URL, headers, body, timeouts), a response (status, headers, body), and
// a transport failure classified by what a caller can do about it (retry, give up).

import Foundation

struct HTTPRequest: Sendable {
    enum Method: String, Sendable { case get = "GET", post = "POST" }
    var method: Method
    var url: String
    /// Header lines without the key (added by the client when it sends).
    var headers: [(name: String, value: String)]
    var body: Data?
    /// The whole transfer, connecting included.
    var timeout: Double
    var connectTimeout: Double
    /// Responses larger than this are cut off (`tooLarge`).
    var maxResponseBytes: Int = 8 << 20
}

struct HTTPResponse: Sendable {
    var status: Int
    /// Header names lower-cased; the last value wins for repeated names.
    var headers: [String: String]
    var body: Data
}

struct TransportFailure: Error, Sendable {
    enum Kind: Sendable, Equatable {
        /// No connection: refused, no route, name not resolved.
        case unreachable
        /// The connect or total timeout passed.
        case timeout
        /// The connection broke or the server closed it without a (full) answer.
        case connectionLost
        /// The caller's cancellation flag was raised.
        case cancelled
        /// The response was larger than the cap.
        case tooLarge
        /// Anything else (TLS, bad URL, out of memory): retrying will not help.
        case other
    }
    var kind: Kind
    /// libcurl's words (curl_easy_strerror and its error buffer); never request data.
    var message: String

    var isRetryable: Bool { kind == .timeout || kind == .connectionLost || kind == .unreachable }
}

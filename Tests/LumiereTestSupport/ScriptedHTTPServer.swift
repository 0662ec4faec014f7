// ScriptedHTTPServer: a small HTTP/1.1 server on 127.0.0.1 (an ephemeral port) that tests
// start to play an OpenAI-compatible LLM server. Each request is recorded and answered by a
// handler the test scripts: a response (any status, headers, body, after a delay), a hang
// (the connection stays open without an answer until the client gives up), or a close
// without an answer. It counts requests in flight, so concurrency limits can be checked.
//
// Plain Glibc sockets, one thread per connection, `Connection: close` on every answer.
// Requests with `Expect: 100-continue` get the interim answer. Never reaches beyond
// loopback. Failure modes: init throws when the socket cannot be bound.

import Foundation
#if canImport(Glibc)
import Glibc
#endif

public struct RecordedRequest: Sendable {
    public var index: Int
    public var method: String
    public var path: String
    /// Header names lower-cased.
    public var headers: [String: String]
    public var body: Data
    /// When the request was fully read.
    public var receivedAt: Date

    public var bodyText: String { String(decoding: body, as: UTF8.self) }

    /// The chat messages of a chat-completions body, as (role, content).
    public var messages: [(role: String, content: String)] {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
              let list = object["messages"] as? [[String: Any]] else { return [] }
        return list.map { (($0["role"] as? String) ?? "", ($0["content"] as? String) ?? "") }
    }

    /// Everything the client sent in its messages, joined.
    public var promptText: String { messages.map(\.content).joined(separator: "\n") }
    public var lastUserMessage: String { messages.last { $0.role == "user" }?.content ?? "" }
    public var systemMessage: String { messages.first { $0.role == "system" }?.content ?? "" }

    /// True when the body asked for `response_format: {"type": "json_object"}`.
    public var hasJSONMode: Bool {
        guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any],
              let format = object["response_format"] as? [String: Any] else { return false }
        return format["type"] as? String == "json_object"
    }

    public var jsonBody: [String: Any]? { try? JSONSerialization.jsonObject(with: body) as? [String: Any] }
}

public struct ScriptedReply: Sendable {
    public enum Action: Sendable { case respond, hang, close }
    public var action: Action = .respond
    public var status: Int = 200
    public var headers: [(String, String)] = []
    public var body: Data = Data()
    /// Seconds to wait before answering.
    public var delay: Double = 0

    public init(status: Int = 200, headers: [(String, String)] = [], body: Data = Data(), delay: Double = 0) {
        self.status = status
        self.headers = headers
        self.body = body
        self.delay = delay
    }

    /// Keep the connection open and never answer.
    public static let hang: ScriptedReply = { var r = ScriptedReply(); r.action = .hang; return r }()
    /// Close the connection without an answer.
    public static let close: ScriptedReply = { var r = ScriptedReply(); r.action = .close; return r }()

    public static func json(_ status: Int = 200, _ text: String, headers: [(String, String)] = [], delay: Double = 0) -> ScriptedReply {
        ScriptedReply(status: status, headers: [("Content-Type", "application/json")] + headers, body: Data(text.utf8), delay: delay)
    }

    /// A chat completion whose message content is `content`, with usage figures.
    public static func completion(_ content: String, promptTokens: Int = 100, completionTokens: Int = 20,
                                  delay: Double = 0) -> ScriptedReply {
        let object: [String: Any] = [
            "id": "chatcmpl-test", "object": "chat.completion", "created": 1_700_000_000, "model": "test-model",
            "choices": [["index": 0, "message": ["role": "assistant", "content": content], "finish_reason": "stop"]],
            "usage": ["prompt_tokens": promptTokens, "completion_tokens": completionTokens,
                      "total_tokens": promptTokens + completionTokens],
        ]
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
        return ScriptedReply(status: 200, headers: [("Content-Type", "application/json")], body: data, delay: delay)
    }

    /// A completion answering the SQL prompt with {sql, interpretation, confidence}.
    public static func sqlAnswer(_ sql: String?, interpretation: String = "as asked", confidence: Double = 0.9,
                                 delay: Double = 0) -> ScriptedReply {
        var object: [String: Any] = ["interpretation": interpretation, "confidence": confidence]
        object["sql"] = sql ?? NSNull()
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data()
        return completion(String(decoding: data, as: UTF8.self), delay: delay)
    }

    /// An OpenAI-style error body.
    public static func error(_ status: Int, _ message: String, headers: [(String, String)] = []) -> ScriptedReply {
        let data = (try? JSONSerialization.data(withJSONObject: ["error": ["message": message, "type": "test"]])) ?? Data()
        return ScriptedReply(status: status, headers: [("Content-Type", "application/json")] + headers, body: data)
    }
}

public final class ScriptedHTTPServer: @unchecked Sendable {
    // @unchecked: mutable state is guarded by `lock`; the handler is @Sendable.
    public let port: Int
    private let listenFD: Int32
    private let handler: @Sendable (RecordedRequest) -> ScriptedReply
    private let lock = NSLock()
    private var recorded: [RecordedRequest] = []
    private var inFlight = 0
    private var peakInFlight = 0
    private var connections = 0
    private var stopped = false
    private var openThreads = 0
    private let acceptThreadDone = DispatchSemaphore(value: 0)

    public init(_ handler: @escaping @Sendable (RecordedRequest) -> ScriptedReply) throws {
        self.handler = handler
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ServerError("socket: \(String(cString: strerror(errno)))") }
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 128) == 0 else {
            let e = String(cString: strerror(errno))
            close(fd)
            throw ServerError("bind/listen: \(e)")
        }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        port = Int(UInt16(bigEndian: addr.sin_port))
        listenFD = fd
        let thread = Thread { [self] in acceptLoop() }
        thread.name = "scripted-http-accept"
        thread.start()
    }

    deinit { stop() }

    /// `http://127.0.0.1:PORT/v1`: what llm.base_url should be.
    public var baseURL: String { "http://127.0.0.1:\(port)/v1" }

    public var requests: [RecordedRequest] { lock.withLock { recorded } }
    public var requestCount: Int { lock.withLock { recorded.count } }
    /// The most requests that were being handled at the same moment.
    public var maxInFlight: Int { lock.withLock { peakInFlight } }
    public var connectionCount: Int { lock.withLock { connections } }

    /// Stop accepting, end hanging connections, and wait (briefly) for handler threads.
    public func stop() {
        let first = lock.withLock { () -> Bool in
            defer { stopped = true }
            return !stopped
        }
        guard first else { return }
        acceptThreadDone.wait()
        close(listenFD)
        let deadline = Date().addingTimeInterval(5)
        while lock.withLock({ openThreads }) > 0 && Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
    }

    private var isStopped: Bool { lock.withLock { stopped } }

    private func acceptLoop() {
        defer { acceptThreadDone.signal() }
        while !isStopped {
            var pfd = pollfd(fd: listenFD, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 50) > 0 else { continue }
            let client = accept(listenFD, nil, nil)
            guard client >= 0 else { continue }
            lock.withLock { connections += 1; openThreads += 1 }
            let t = Thread { [self] in
                serve(client)
                close(client)
                lock.withLock { openThreads -= 1 }
            }
            t.name = "scripted-http-conn"
            t.start()
        }
    }

    private func serve(_ fd: Int32) {
        guard var request = readRequest(fd) else { return }
        lock.withLock {
            request.index = recorded.count
            recorded.append(request)
            inFlight += 1
            peakInFlight = max(peakInFlight, inFlight)
        }
        let answer = handler(request)
        // A request stops counting as in flight just before its answer is written: the
        // client cannot start its next request before then, so the peak never includes
        // a connection that is only being torn down.
        var counted = true
        func finished() {
            if counted { lock.withLock { inFlight -= 1 } }
            counted = false
        }
        defer { finished() }
        switch answer.action {
        case .close:
            return
        case .hang:
            waitForClientClose(fd, timeout: 600)
            return
        case .respond:
            if answer.delay > 0 {
                let end = Date().addingTimeInterval(answer.delay)
                while Date() < end && !isStopped { Thread.sleep(forTimeInterval: min(0.01, max(0, end.timeIntervalSinceNow))) }
            }
            var head = "HTTP/1.1 \(answer.status) \(Self.reason(answer.status))\r\n"
            var names = Set<String>()
            for (k, v) in answer.headers { head += "\(k): \(v)\r\n"; names.insert(k.lowercased()) }
            if !names.contains("content-type") { head += "Content-Type: application/json\r\n" }
            head += "Content-Length: \(answer.body.count)\r\nConnection: close\r\n\r\n"
            finished()
            writeAll(fd, Data(head.utf8) + answer.body)
            shutdown(fd, Int32(SHUT_WR))
            // Let the client read everything before the socket closes.
            waitForClientClose(fd, timeout: 2)
        }
    }

    private func waitForClientClose(_ fd: Int32, timeout: Double) {
        let end = Date().addingTimeInterval(timeout)
        var buf = [UInt8](repeating: 0, count: 4096)
        while Date() < end && !isStopped {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let r = poll(&pfd, 1, 50)
            if r < 0 { return }
            if r > 0 {
                let n = recv(fd, &buf, buf.count, 0)
                if n <= 0 { return }
            }
        }
    }

    private func readRequest(_ fd: Int32) -> RecordedRequest? {
        var data = Data()
        var buf = [UInt8](repeating: 0, count: 65536)
        let separator = Data("\r\n\r\n".utf8)
        var headerEnd: Range<Data.Index>?
        let deadline = Date().addingTimeInterval(30)
        while headerEnd == nil {
            guard Date() < deadline, data.count < 1 << 20, let n = receive(fd, &buf), n > 0 else { return nil }
            data.append(contentsOf: buf[0..<n])
            headerEnd = data.range(of: separator)
        }
        let head = String(decoding: data[..<headerEnd!.lowerBound], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let requestLine = lines.removeFirst().split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        if headers["expect"]?.lowercased() == "100-continue" {
            writeAll(fd, Data("HTTP/1.1 100 Continue\r\n\r\n".utf8))
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        var body = Data(data[headerEnd!.upperBound...])
        while body.count < length {
            guard Date() < deadline, let n = receive(fd, &buf), n > 0 else { return nil }
            body.append(contentsOf: buf[0..<n])
        }
        return RecordedRequest(index: 0, method: String(requestLine[0]), path: String(requestLine[1]),
                               headers: headers, body: body.prefix(length), receivedAt: Date())
    }

    /// recv with a 50 ms poll, so a stop is noticed; nil on error or stop.
    private func receive(_ fd: Int32, _ buf: inout [UInt8]) -> Int? {
        while !isStopped {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let r = poll(&pfd, 1, 50)
            if r < 0 { return nil }
            if r == 0 { continue }
            let n = recv(fd, &buf, buf.count, 0)
            return n < 0 ? nil : n
        }
        return nil
    }

    private func writeAll(_ fd: Int32, _ data: Data) {
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = send(fd, raw.baseAddress! + offset, raw.count - offset, Int32(MSG_NOSIGNAL))
                if n <= 0 { return }
                offset += n
            }
        }
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 404: return "Not Found"
        case 422: return "Unprocessable Entity"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        default: return "Status"
        }
    }
}

public struct ServerError: Error, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}

/// A value shared between a test and a server handler running on other threads.
public final class Locked<Value>: @unchecked Sendable {
    // @unchecked: every access goes through `lock`.
    private let lock = NSLock()
    private var value: Value
    public init(_ value: Value) { self.value = value }
    public func get() -> Value { lock.withLock { value } }
    public func set(_ v: Value) { lock.withLock { value = v } }
    @discardableResult
    public func update<T>(_ body: (inout Value) -> T) -> T { lock.withLock { body(&value) } }
}

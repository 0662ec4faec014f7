// CurlHandle: the one owner of a libcurl easy handle (created in init, freed in deinit), and
// the only code that calls libcurl. Performs one blocking HTTP request at a time.
//
// Inputs: an HTTPRequest and an optional cancellation flag. Output: an HTTPResponse (any
// status) or a TransportFailure. Every transfer sets: no signals (timeouts are safe across
// threads), http/https only, no redirects (a bearer key must not follow a Location to
// another host), connect and total timeouts, a response size cap, and a progress callback
// that aborts when the flag is raised. Loopback addresses never go through a proxy from
// http_proxy/https_proxy (added to NO_PROXY), so a local model server works behind one.
//
// Threading: not thread-safe; one transfer at a time per handle (LLMClient pools them).
// Blocking: `perform` blocks for up to the request's timeout — call it from a Dispatch
// queue or thread, never from a Swift task on the cooperative pool.

import CCurl
import Foundation

final class CurlHandle {
    private let handle: UnsafeMutableRawPointer
    private let errorBuffer: UnsafeMutablePointer<CChar>

    private static let globalInit: CURLcode = lumiere_curl_global_init()

    init() throws(TransportFailure) {
        guard Self.globalInit == CURLE_OK else {
            throw TransportFailure(kind: .other, message: "curl_global_init failed: \(Self.text(Self.globalInit))")
        }
        guard let h = curl_easy_init() else {
            throw TransportFailure(kind: .other, message: "curl_easy_init failed")
        }
        handle = h
        errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE))
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE))
    }

    deinit {
        curl_easy_cleanup(handle)
        errorBuffer.deallocate()
    }

    /// The state the C callbacks reach through their context pointer during one transfer.
    fileprivate final class Transfer {
        var body = Data()
        var headers: [String: String] = [:]
        var tooLarge = false
        var cancelledByFlag = false
        let maxBytes: Int
        let cancel: CancellationFlag?
        init(maxBytes: Int, cancel: CancellationFlag?) {
            self.maxBytes = maxBytes
            self.cancel = cancel
        }
    }

    func perform(_ request: HTTPRequest, cancel: CancellationFlag? = nil) -> Result<HTTPResponse, TransportFailure> {
        let transfer = Transfer(maxBytes: request.maxResponseBytes, cancel: cancel)
        let context = Unmanaged.passRetained(transfer)
        var headerList: UnsafeMutablePointer<curl_slist>?
        defer {
            // Reset before the context goes: the handle keeps no pointer to freed memory.
            // Live connections survive a reset, so the next request can reuse them.
            curl_easy_reset(handle)
            curl_slist_free_all(headerList)
            context.release()
        }
        errorBuffer[0] = 0
        var problems: [String] = []
        func check(_ rc: CURLcode, _ what: String) {
            if rc != CURLE_OK { problems.append("\(what): \(Self.text(rc))") }
        }
        check(lumiere_curl_easy_setopt_string(handle, CURLOPT_URL, request.url), "URL")
        check(lumiere_curl_easy_setopt_long(handle, CURLOPT_NOSIGNAL, 1), "NOSIGNAL")
        check(lumiere_curl_easy_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https"), "PROTOCOLS_STR")
        check(lumiere_curl_easy_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0), "FOLLOWLOCATION")
        check(lumiere_curl_easy_setopt_long(handle, CURLOPT_TIMEOUT_MS, Self.milliseconds(request.timeout)), "TIMEOUT_MS")
        check(lumiere_curl_easy_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS,
                                            Self.milliseconds(min(request.connectTimeout, request.timeout))), "CONNECTTIMEOUT_MS")
        check(lumiere_curl_easy_setopt_string(handle, CURLOPT_NOPROXY, Self.noProxy), "NOPROXY")
        check(lumiere_curl_easy_setopt_string(handle, CURLOPT_ACCEPT_ENCODING, ""), "ACCEPT_ENCODING")
        check(lumiere_curl_easy_setopt_pointer(handle, CURLOPT_ERRORBUFFER, errorBuffer), "ERRORBUFFER")
        // curl sends "Expect: 100-continue" for larger bodies and waits a second for the
        // interim answer some servers never send; we always send the body at once.
        var lines = request.headers.map { "\($0.name): \($0.value)" }
        lines.append("Expect:")
        for line in lines { headerList = curl_slist_append(headerList, line) }
        check(lumiere_curl_easy_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList), "HTTPHEADER")
        switch request.method {
        case .get:
            check(lumiere_curl_easy_setopt_long(handle, CURLOPT_HTTPGET, 1), "HTTPGET")
        case .post:
            let body = request.body ?? Data()
            check(lumiere_curl_easy_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count)), "POSTFIELDSIZE")
            // COPYPOSTFIELDS: curl copies the bytes now, so their lifetime does not matter.
            // A NUL after the bytes gives an empty body a valid pointer too.
            var bytes = [UInt8](body)
            bytes.append(0)
            bytes.withUnsafeMutableBytes { raw in
                check(lumiere_curl_easy_setopt_pointer(handle, CURLOPT_COPYPOSTFIELDS, raw.baseAddress), "COPYPOSTFIELDS")
            }
        }
        let ctx = context.toOpaque()
        check(lumiere_curl_easy_setopt_write_function(handle, curlWriteBody), "WRITEFUNCTION")
        check(lumiere_curl_easy_setopt_pointer(handle, CURLOPT_WRITEDATA, ctx), "WRITEDATA")
        check(lumiere_curl_easy_setopt_header_function(handle, curlWriteHeader), "HEADERFUNCTION")
        check(lumiere_curl_easy_setopt_pointer(handle, CURLOPT_HEADERDATA, ctx), "HEADERDATA")
        check(lumiere_curl_easy_setopt_long(handle, CURLOPT_NOPROGRESS, 0), "NOPROGRESS")
        check(lumiere_curl_easy_setopt_xferinfo_function(handle, curlProgress), "XFERINFOFUNCTION")
        check(lumiere_curl_easy_setopt_pointer(handle, CURLOPT_XFERINFODATA, ctx), "XFERINFODATA")
        if !problems.isEmpty {
            return .failure(TransportFailure(kind: .other, message: "cannot set up the request: " + problems.joined(separator: "; ")))
        }

        let rc = curl_easy_perform(handle)
        if rc != CURLE_OK {
            return .failure(failure(rc, transfer))
        }
        var status = 0
        _ = lumiere_curl_easy_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        return .success(HTTPResponse(status: status, headers: transfer.headers, body: transfer.body))
    }

    private func failure(_ rc: CURLcode, _ transfer: Transfer) -> TransportFailure {
        let detail = String(cString: errorBuffer)
        let message = detail.isEmpty ? Self.text(rc) : "\(Self.text(rc)): \(detail)"
        let kind: TransportFailure.Kind
        switch rc {
        case CURLE_OPERATION_TIMEDOUT: kind = .timeout
        case CURLE_COULDNT_CONNECT, CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: kind = .unreachable
        case CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_PARTIAL_FILE: kind = .connectionLost
        case CURLE_ABORTED_BY_CALLBACK: kind = .cancelled
        case CURLE_WRITE_ERROR where transfer.tooLarge: kind = .tooLarge
        default: kind = .other
        }
        return TransportFailure(kind: kind, message: message)
    }

    static func text(_ rc: CURLcode) -> String { String(cString: curl_easy_strerror(rc)) }

    static func milliseconds(_ seconds: Double) -> Int {
        Int(max(1, min(Double(Int32.max), (seconds * 1000).rounded())))
    }

    /// The environment's no_proxy list plus loopback.
    static let noProxy: String = {
        let env = ProcessInfo.processInfo.environment
        let given = env["no_proxy"] ?? env["NO_PROXY"] ?? ""
        return ([given] + ["localhost", "127.0.0.1", "::1"]).filter { !$0.isEmpty }.joined(separator: ",")
    }()

    fileprivate static func transfer(_ context: UnsafeMutableRawPointer?) -> Transfer? {
        context.map { Unmanaged<Transfer>.fromOpaque($0).takeUnretainedValue() }
    }

    fileprivate static func appendBody(_ data: UnsafeMutablePointer<CChar>?, _ n: Int, _ context: UnsafeMutableRawPointer?) -> Int {
        guard let t = transfer(context), let data else { return 0 }
        if t.body.count + n > t.maxBytes {
            t.tooLarge = true
            return 0  // curl stops with CURLE_WRITE_ERROR
        }
        t.body.append(UnsafeRawPointer(data).assumingMemoryBound(to: UInt8.self), count: n)
        return n
    }

    fileprivate static func appendHeader(_ data: UnsafeMutablePointer<CChar>?, _ n: Int, _ context: UnsafeMutableRawPointer?) -> Int {
        guard let t = transfer(context), let data else { return 0 }
        let line = String(decoding: UnsafeRawBufferPointer(start: data, count: n), as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        if line.hasPrefix("HTTP/") {
            t.headers = [:]  // a new response (after 100 Continue): its headers only
        } else if let colon = line.firstIndex(of: ":") {
            let name = line[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
            t.headers[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return n
    }

    fileprivate static func progress(_ context: UnsafeMutableRawPointer?) -> Int32 {
        guard let t = transfer(context) else { return 1 }
        if t.cancel?.isCancelled == true {
            t.cancelledByFlag = true
            return 1  // CURLE_ABORTED_BY_CALLBACK
        }
        return 0
    }
}

private let curlWriteBody: lumiere_curl_data_callback = { data, size, count, context in
    CurlHandle.appendBody(data, size * count, context)
}

private let curlWriteHeader: lumiere_curl_data_callback = { data, size, count, context in
    CurlHandle.appendHeader(data, size * count, context)
}

private let curlProgress: lumiere_curl_xferinfo_callback = { context, _, _, _, _ in
    CurlHandle.progress(context)
}

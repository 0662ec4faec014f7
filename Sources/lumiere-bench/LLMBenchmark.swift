// `lumiere-bench llm`: what the LLM path costs on this machine, apart from the model's own
// time, against a scripted OpenAI-compatible server on loopback that answers at once.
//
// Measures (median and p95 of --calls runs, after a warm-up):
//   1. one chat completion through LLMClient (libcurl, JSON encode/decode), against one
//      raw HTTP exchange on a fresh loopback socket (the floor: server + kernel);
//   2. a whole question through Analyst.answer with engine = llm (prompt, call, parse,
//      sandboxed execution, chart, insights) against engine = builtin on the same source;
//   3. the concurrency limit: --calls requests from 8 threads, max_concurrent = 4, each
//      answered after 50 ms; the wall time against the ideal calls × 50 ms / 4.
// Outputs: a table on stdout. Failure modes: exits non-zero when a call fails.

import ArgumentParser
import Foundation
import Logging
import LumiereCore
import LumiereService
import LumiereLLM
import LumiereSpool
import LumiereStore
import LumiereTestSupport

struct LLMBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "llm", abstract: "Overhead of the LLM path against a loopback server that answers at once.")

    @Option(help: "Measured calls per figure.")
    var calls: Int = 200

    @Option(help: "Directory for the temporary spool.")
    var dir: String = "/tmp/lumiere-bench-llm"

    func validate() throws {
        if calls < 10 { throw ValidationError("--calls must be at least 10") }
    }

    func run() throws {
        let sql = "SELECT Region, SUM(Sales) AS total FROM data GROUP BY Region ORDER BY total DESC"
        let server = try ScriptedHTTPServer { r in
            r.path.contains("/slow/") ? .completion("{}", delay: 0.05)
                : .sqlAnswer(sql, interpretation: "total sales per region", confidence: 0.9)
        }
        var logger = Logger(label: "bench") { _ in SwiftLogNoOpLogHandler() }
        logger.logLevel = .critical
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }

        let promptDir = PromptTemplates.searchPath().first { FileManager.default.fileExists(atPath: $0 + "/sql.txt") } ?? ""
        let config = try LumiereConfig.load(file: nil, environment: [:], overrides: [
            "spool.dir": dir + "/spool", "llm.base_url": server.baseURL, "llm.model": "bench",
            "llm.prompt_dir": promptDir, "llm.daily_request_budget": "0", "llm.daily_token_budget": "0",
            "llm.max_concurrent": "4", "results.report": "false"])
        let settings = LLMSettings(config: config)
        let client = LLMClient(settings: settings, key: nil, ledger: nil, logger: logger)
        let messages: [ChatMessage] = [.system("You answer in JSON."), .user("total sales by region")]

        // 1. One call against one raw exchange.
        let raw = try measure { try rawExchange(port: server.port) }
        let chat = try measure {
            if case .failure(let e) = client.chat(messages, purpose: "sql", temperature: 0.1).content { throw e }
        }

        // 2. A whole question, builtin against llm.
        let layout = SpoolLayout(root: config.spoolDirectory)
        try layout.create()
        let store = try StateStore(path: layout.database)
        let analyst = Analyst(store: store, layout: layout, config: config, logger: logger, environment: [:])
        let csv = dir + "/sales.csv"
        try SalesCSVGenerator.write(rows: 10_000, to: csv)
        _ = try analyst.ingest(inputPath: csv, inputName: "sales.csv", tenant: "", jobID: nil)
        func ask(_ engine: EngineMode) throws {
            let request = Request(action: .ask, source: "sales", question: "What were the total sales by region?", engine: engine)
            let (doc, _) = try analyst.answer(request, tenant: "", jobID: nil, file: nil, queryID: nil)
            guard doc.status == .succeeded, doc.engine == engine.rawValue else {
                throw ValidationError("engine \(engine.rawValue) did not answer: \(doc.error?.message ?? doc.engine ?? "?")")
            }
        }
        let builtin = try measure { try ask(.builtin) }
        let llm = try measure { try ask(.llm) }

        // 3. The concurrency limit under load.
        let slowSettings = try LLMSettings(config: LumiereConfig.load(file: nil, environment: [:], overrides: [
            "llm.base_url": server.baseURL + "/slow", "llm.max_concurrent": "4", "llm.daily_request_budget": "0"]))
        let slow = LLMClient(settings: slowSettings, key: nil, ledger: nil, logger: logger)
        let started = ChildProcess.monotonicSeconds()
        let done = DispatchSemaphore(value: 0)
        let perThread = calls / 8
        for _ in 0..<8 {
            Thread {
                for _ in 0..<perThread { _ = slow.chat(messages, purpose: "sql", temperature: 0) }
                done.signal()
            }.start()
        }
        for _ in 0..<8 { done.wait() }
        let wall = ChildProcess.monotonicSeconds() - started
        let ideal = Double(perThread * 8) * 0.05 / 4

        print("LLM path overhead, \(calls) calls each, loopback server answering at once (ms)")
        print(row(["", "median", "p95", "ratio"]))
        print(row(["raw HTTP exchange", fmt(raw.median), fmt(raw.p95), "1.00"]))
        print(row(["LLMClient.chat", fmt(chat.median), fmt(chat.p95), fmt(chat.median / raw.median)]))
        print(row(["question, builtin", fmt(builtin.median), fmt(builtin.p95), "1.00"]))
        print(row(["question, llm", fmt(llm.median), fmt(llm.p95), fmt(llm.median / builtin.median)]))
        print("concurrency: \(perThread * 8) calls of 50 ms from 8 threads, max_concurrent 4: "
              + "\(fmt(wall * 1000)) ms wall, ideal \(fmt(ideal * 1000)) ms (ratio \(fmt(wall / ideal))), "
              + "at most \(server.maxInFlight) in flight")
        server.stop()
    }

    struct Figures { var median: Double; var p95: Double }

    /// Run `body` 10 times to warm up, then `calls` times; milliseconds.
    func measure(_ body: () throws -> Void) throws -> Figures {
        for _ in 0..<10 { try body() }
        var times: [Double] = []
        for _ in 0..<calls {
            let t = ChildProcess.monotonicSeconds()
            try body()
            times.append((ChildProcess.monotonicSeconds() - t) * 1000)
        }
        times.sort()
        return Figures(median: times[times.count / 2], p95: times[min(times.count - 1, times.count * 95 / 100)])
    }

    /// One POST over a fresh socket, read to the end: the floor any HTTP client pays.
    func rawExchange(port: Int) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw ValidationError("socket failed") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = in_port_t(UInt16(port).bigEndian)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard rc == 0 else { throw ValidationError("connect failed") }
        let body = #"{"model":"bench","messages":[{"role":"user","content":"total sales by region"}]}"#
        let request = "POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
        _ = request.withCString { send(fd, $0, strlen($0), Int32(MSG_NOSIGNAL)) }
        var buf = [UInt8](repeating: 0, count: 65536)
        while recv(fd, &buf, buf.count, 0) > 0 {}
    }

    func fmt(_ v: Double) -> String { String(format: "%.2f", v) }
    func row(_ cells: [String]) -> String {
        zip(cells, [20, 9, 9, 7]).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: " ")
    }
}

// Support for the LLM tests of the daemon and CLI: an in-process analyst on a temp spool
// (real state database, real ingest, real sandbox) wired to a scripted LLM server, and a
// way to tell which of Lumiere's prompts a recorded request carries.

import Foundation
import Logging
import LumiereCore
import LumiereService
import LumiereSpool
import LumiereStore
import LumiereTestSupport

extension RecordedRequest {
    /// Which prompt this is, from the shipped templates' first lines: sql (the first SQL
    /// call), repair (the same conversation, continued), chart, insight, or other.
    var lumierePurpose: String {
        let system = systemMessage
        if system.hasPrefix("You write one SQLite query") { return messages.count > 2 ? "repair" : "sql" }
        if system.hasPrefix("You choose the chart") { return "chart" }
        if system.hasPrefix("You are a careful business analyst") { return "insight" }
        return "other"
    }
}

let salesByRegionSQL = "SELECT Region, SUM(Sales) AS total FROM data GROUP BY Region ORDER BY total DESC"

/// An Analyst on `dir/spool` with the sample sales data (or `csv`) ingested as `sales`.
struct AnalystHarness {
    let layout: SpoolLayout
    let store: StateStore
    let analyst: Analyst
    let source: SourceRecord

    init(dir: String, settings: [String: String], csv: String? = nil, environment: [String: String] = [:]) throws {
        var overrides = ["spool.dir": dir + "/spool", "llm.prompt_dir": TestPaths.packageRoot + "/config/prompts",
                         "llm.retry_base_ms": "10", "llm.timeout_s": "10", "llm.model": "test-model"]
        overrides.merge(settings) { $1 }
        let config = try LumiereConfig.load(file: nil, environment: [:], overrides: overrides)
        layout = SpoolLayout(root: config.spoolDirectory)
        try layout.create()
        store = try StateStore(path: layout.database)
        var logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        logger.logLevel = .critical
        analyst = Analyst(store: store, layout: layout, config: config, logger: logger, environment: environment)
        var input = TestPaths.sampleCSV
        if let csv {
            input = dir + "/upload.csv"
            try csv.write(toFile: input, atomically: true, encoding: .utf8)
        }
        source = try analyst.ingest(inputPath: input, inputName: "sales.csv", tenant: "", jobID: nil).1
    }

    /// Ask like the daemon does: reserve a query, answer, store the document in the history.
    func ask(_ question: String, engine: EngineMode? = nil, chart: Bool = true, insight: Bool = true) throws -> ResultDocument {
        let request = Request(action: .ask, source: "sales", question: question, chart: chart, insight: insight, engine: engine)
        let id = try store.createQuery(tenant: "", jobID: nil, action: "ask", question: question, sourceName: "sales")
        let (doc, _) = try analyst.answer(request, tenant: "", jobID: nil, file: nil, queryID: id)
        try store.finishQuery(id: id, document: doc, keepRows: 200)
        return doc
    }

    /// Count the rows of the source's table through a fresh sandbox: proof it is intact.
    func rowCount() throws -> Int64? {
        let executor = try SandboxedExecutor(databasePath: "\(layout.state)/\(source.databaseFile)")
        return try executor.run("SELECT COUNT(*) FROM data").rows.first?.first.flatMap { if case .integer(let i) = $0 { return i } else { return nil } }
    }
}

/// Run the real `lumiere` binary to completion with a clean environment (no inherited
/// LUMIERE_*, OPENAI_API_KEY or CREDENTIALS_DIRECTORY) plus `environment`, and an empty
/// config file, in `directory`.
func runLumiere(_ arguments: [String], environment: [String: String] = [:], directory: String,
                timeout: Double = 120) throws -> (status: Int32, stdout: String, stderr: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: TestPaths.binary)
    process.arguments = arguments
    var env = ProcessInfo.processInfo.environment.filter {
        !$0.key.hasPrefix("LUMIERE_") && $0.key != "OPENAI_API_KEY" && $0.key != "CREDENTIALS_DIRECTORY"
    }
    let emptyConfig = directory + "/.empty-config.toml"
    FileManager.default.createFile(atPath: emptyConfig, contents: Data())
    env["LUMIERE_CONFIG"] = emptyConfig
    env.merge(environment) { $1 }
    process.environment = env
    process.currentDirectoryURL = URL(fileURLWithPath: directory)
    let out = directory + "/.stdout-\(UUID().uuidString.prefix(6))", err = directory + "/.stderr-\(UUID().uuidString.prefix(6))"
    FileManager.default.createFile(atPath: out, contents: nil)
    FileManager.default.createFile(atPath: err, contents: nil)
    let outHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
    let errHandle = try FileHandle(forWritingTo: URL(fileURLWithPath: err))
    defer { try? outHandle.close(); try? errHandle.close() }
    process.standardOutput = outHandle
    process.standardError = errHandle
    try process.run()
    let deadline = Date().addingTimeInterval(timeout)
    while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
    if process.isRunning {
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        throw TestFailure("lumiere \(arguments.joined(separator: " ")) did not finish within \(timeout) s")
    }
    let read = { (p: String) in (try? String(contentsOfFile: p, encoding: .utf8)) ?? "" }
    return (process.terminationStatus, read(out), read(err))
}

/// Every byte of every file under `dir`, for "this secret is nowhere" checks.
func allFileContents(under dir: String) -> [(path: String, data: Data)] {
    guard let walker = FileManager.default.enumerator(atPath: dir) else { return [] }
    var out: [(String, Data)] = []
    while let rel = walker.nextObject() as? String {
        let path = dir + "/" + rel
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDir), !isDir.boolValue,
           let data = FileManager.default.contents(atPath: path) {
            out.append((path, data))
        }
    }
    return out
}

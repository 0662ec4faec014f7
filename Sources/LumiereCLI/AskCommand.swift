// `lumiere ask`: answer one question in-process, without a daemon, through the same
// stages the daemon runs. With --csv the file is ingested first: into a temporary state
// (removed afterwards), or into the spool's when --spool is given.

import ArgumentParser
import Foundation
import Logging
import LumiereCore
import LumiereService
import LumiereSpool
import LumiereStore

struct AskCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ask",
        abstract: "Answer a question about a CSV file or a source, without a daemon.",
        discussion: """
            Examples:
              lumiere ask --csv sales.csv "What were the total sales by region?"
              lumiere ask --source sales --json "top 3 products by revenue"
              lumiere ask --source sales --choose 2 "top customers"
            """)

    @OptionGroup var options: ConfigOptions
    @OptionGroup var tenant: TenantOptions

    @Option(name: .long, help: "A CSV file to ask about (ingested first).")
    var csv: String?

    @Option(name: .long, help: "A source already in the spool's catalog.")
    var source: String?

    @Option(name: .long, help: "Engine: builtin, llm or auto (default: the config's engine).")
    var engine: EngineMode?

    @Flag(name: .long, help: "Print the result document (as the daemon writes it) instead of text.")
    var json = false

    @Option(name: .long, help: "Also write the HTML report to this file.")
    var report: String?

    @Option(name: .long, help: "When the question is ambiguous, run candidate K of the clarification.")
    var choose: Int?

    @Argument(help: "The question, in plain English.")
    var question: String

    func validate() throws {
        if (csv == nil) == (source == nil) {
            throw ValidationError("give exactly one of --csv FILE or --source NAME")
        }
        if let choose, !(1...10).contains(choose) {
            throw ValidationError("--choose takes a candidate number from 1 to 10")
        }
    }

    func run() throws {
        var tempDir: String?
        defer { if let tempDir { try? FileManager.default.removeItem(atPath: tempDir) } }
        do {
            var extra: [String: String] = [:]
            if let engine { extra["engine"] = engine.rawValue }
            var config = try options.load(extra: extra)
            if csv != nil && options.spool == nil {
                let dir = FileManager.default.temporaryDirectory.appendingPathComponent("lumiere-ask-\(UUID().uuidString)").path
                tempDir = dir
                // A throwaway spool keeps its state with it, whatever store.backend says:
                // a one-off question must not add a source to a shared catalog.
                config = try options.load(extra: extra.merging(["spool.dir": dir, "store.backend": "sqlite"]) { $1 })
            }
            let tenant = try TenantPolicy(config: config).resolve(self.tenant.tenant)
            var logger = Logger(label: "lumiere") { _ in StderrLogHandler(level: .warning) }
            logger.logLevel = .warning
            let layout = SpoolLayout(root: config.spoolDirectory)
            try layout.create()
            let store = try StateBackends.open(config: config, layout: layout, logger: logger)
            let analyst = Analyst(store: store, layout: layout, config: config, logger: logger)
            var sourceName = source
            if let csv {
                let name = URL(fileURLWithPath: csv).lastPathComponent
                let (_, record) = try analyst.ingest(inputPath: csv, inputName: name, tenant: tenant, jobID: nil)
                sourceName = record.name
            }
            var request = Request(action: .ask, source: sourceName, question: question)
            request.choice = choose
            let queryID = try store.createQuery(tenant: tenant, jobID: nil, action: "ask", question: question,
                                                sourceName: sourceName, request: request)
            let (doc, html) = try analyst.answer(request, tenant: tenant, jobID: nil, file: nil, queryID: queryID)
            try store.finishQuery(id: queryID, document: doc, keepRows: config.results.historyRows)
            if let report {
                let page = html ?? HTMLReport.render(doc, svg: nil)
                guard FileManager.default.createFile(atPath: report, contents: Data(page.utf8)) else {
                    throw LumiereError(.ioError, "cannot write the report to \(report)", hint: "check the path")
                }
            }
            if json {
                FileHandle.standardOutput.write(encodeDocument(doc))
            } else {
                print(TextRenderer.render(doc))
            }
            if doc.status != .succeeded, let error = doc.error {
                throw fail(LumiereError(LumiereError.Code(rawValue: error.code), error.message, hint: error.hint))
            }
        } catch let error as LumiereError {
            throw fail(error)
        }
    }
}

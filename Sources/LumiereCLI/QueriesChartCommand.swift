// `lumiere queries chart ID [--type KIND] [--engine E]`: draw a past query's chart again,
// e.g. as another chart type (POST /ai/chart; request action chart).

import ArgumentParser
import Foundation
import LumiereCore

struct QueriesChartCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "chart", abstract: "Regenerate a past query's chart (another type, or another engine).")

    @OptionGroup var options: ConfigOptions
    @OptionGroup var tenant: TenantOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var wait: WaitOptions

    @Option(name: .long, help: "Chart type: bar, horizontal_bar, grouped_bar, stacked_bar, line, area, pie, doughnut, scatter, none.")
    var type: ChartKind?

    @Option(name: .long, help: "Chart engine: builtin (default), llm (needs llm.share = full) or auto.")
    var engine: EngineMode?

    @Option(name: .long, help: "Also write the HTML report to this file (when run here, without a daemon).")
    var report: String?

    @Argument(help: "The query id.")
    var id: Int64

    func validate() throws {
        if id < 1 { throw ValidationError("query ids start at 1") }
    }

    func run() throws {
        do {
            let session = try SpoolSession.open(options, tenant)
            var request = Request(action: .chart, engine: engine, queryID: id)
            request.chartType = type
            let (doc, html) = try session.write(request, timeout: wait.timeout)
            if let report, let html, !FileManager.default.createFile(atPath: report, contents: Data(html.utf8)) {
                throw LumiereError(.ioError, "cannot write the report to \(report)", hint: "check the path")
            }
            try SpoolSession.finish(doc, json: output.json, text: ManagementRenderer.answer)
        } catch let error as LumiereError {
            throw fail(error)
        }
    }
}

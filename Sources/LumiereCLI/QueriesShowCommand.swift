// `lumiere queries show ID`: one history entry — request, engine, SQL, interpretation,
// confidence, status, error, stored rows, chart, insights, timings, source version, times
// (GET /ai/query/{id}; request action show_query).

import ArgumentParser
import LumiereCore

struct QueriesShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show a past query with its stored result.")

    @OptionGroup var options: ConfigOptions
    @OptionGroup var tenant: TenantOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var wait: WaitOptions

    @Argument(help: "The query id.")
    var id: Int64

    func validate() throws {
        if id < 1 { throw ValidationError("query ids start at 1") }
    }

    func run() throws {
        do {
            let session = try SpoolSession.open(options, tenant)
            let doc = try session.read(Request(action: .showQuery, queryID: id), timeout: wait.timeout)
            try SpoolSession.finish(doc, json: output.json, text: ManagementRenderer.queryDetail)
        } catch let error as LumiereError {
            throw fail(error)
        }
    }
}

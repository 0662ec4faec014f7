// `lumiere queries list [--source NAME --status S --limit N]`: the history, newest first
// (GET /ai/queries; request action list_queries).

import ArgumentParser
import LumiereCore
import LumiereService

struct QueriesListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List past questions and SQL requests, newest first.")

    @OptionGroup var options: ConfigOptions
    @OptionGroup var tenant: TenantOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var wait: WaitOptions

    @Option(name: .long, help: "Only queries of this source.")
    var source: String?

    @Option(name: .long, help: "Only queries with this status: succeeded, failed, needs_clarification, running.")
    var status: Request.QueryStatusFilter?

    @Option(name: .long, help: "At most this many (default 50, at most 1000).")
    var limit: Int = 50

    func validate() throws {
        if !(1...ManagementActions.maxListItems).contains(limit) {
            throw ValidationError("--limit takes 1 to \(ManagementActions.maxListItems)")
        }
    }

    func run() throws {
        do {
            let session = try SpoolSession.open(options, tenant)
            var request = Request(action: .listQueries, source: source)
            request.status = status
            request.limit = limit
            let doc = try session.read(request, timeout: wait.timeout)
            try SpoolSession.finish(doc, json: output.json, text: ManagementRenderer.queryList)
        } catch let error as LumiereError {
            throw fail(error)
        }
    }
}

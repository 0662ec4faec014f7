// `lumiere queries delete ID`: remove a query from the history
// (DELETE /ai/query/{id}; request action delete_query).

import ArgumentParser
import LumiereCore

struct QueriesDeleteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Delete a query from the history.")

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
            let (doc, _) = try session.write(Request(action: .deleteQuery, queryID: id), timeout: wait.timeout)
            try SpoolSession.finish(doc, json: output.json) { _ in "deleted query \(id)" }
        } catch let error as LumiereError {
            throw fail(error)
        }
    }
}

// `lumiere watch delete ID`: remove a standing question and its runs (request action
// watch_delete). Results already in the outbox stay.

import ArgumentParser
import LumiereCore

struct WatchDeleteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "delete", abstract: "Delete a standing question.")

    @OptionGroup var options: ConfigOptions
    @OptionGroup var tenant: TenantOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var wait: WaitOptions

    @Argument(help: "The subscription id (see `lumiere watch list`).")
    var id: Int64

    func validate() throws {
        if id < 1 { throw ValidationError("subscription ids start at 1") }
    }

    func run() throws {
        do {
            let session = try SpoolSession.open(options, tenant)
            let (doc, _) = try session.write(Request(action: .watchDelete, subscriptionID: id), timeout: wait.timeout)
            try SpoolSession.finish(doc, json: output.json) { _ in "deleted subscription \(id)" }
        } catch let error as LumiereError {
            throw fail(error)
        }
    }
}

// `lumiere watch list`: the tenant's standing questions (request action watch_list).

import ArgumentParser
import LumiereCore

struct WatchListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List standing questions.")

    @OptionGroup var options: ConfigOptions
    @OptionGroup var tenant: TenantOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var wait: WaitOptions

    func run() throws {
        do {
            let session = try SpoolSession.open(options, tenant)
            let doc = try session.read(Request(action: .watchList), timeout: wait.timeout)
            try SpoolSession.finish(doc, json: output.json, text: ManagementRenderer.subscriptionList)
        } catch let error as LumiereError {
            throw fail(error)
        }
    }
}

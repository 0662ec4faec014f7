// `lumiere sources list`: every source of the tenant, newest version each
// (GET /data/sources; request action list_sources).

import ArgumentParser
import LumiereCore

struct SourcesListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the sources (newest version of each).")

    @OptionGroup var options: ConfigOptions
    @OptionGroup var tenant: TenantOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var wait: WaitOptions

    func run() throws {
        do {
            let session = try SpoolSession.open(options, tenant)
            let doc = try session.read(Request(action: .listSources), timeout: wait.timeout)
            try SpoolSession.finish(doc, json: output.json, text: ManagementRenderer.sourceList)
        } catch let error as LumiereError {
            throw fail(error)
        }
    }
}

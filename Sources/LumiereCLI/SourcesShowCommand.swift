// `lumiere sources show NAME`: one source with its versions and column profile
// (GET /data/source/{id}; request action show_source).

import ArgumentParser
import LumiereCore

struct SourcesShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show a source: versions, file, columns with inferred types and profile.")

    @OptionGroup var options: ConfigOptions
    @OptionGroup var tenant: TenantOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var wait: WaitOptions

    @Option(name: .long, help: "A version other than the newest.")
    var version: Int?

    @Argument(help: "The source's name.")
    var name: String

    func run() throws {
        do {
            let session = try SpoolSession.open(options, tenant)
            let doc = try session.read(Request(action: .showSource, source: name, sourceVersion: version), timeout: wait.timeout)
            try SpoolSession.finish(doc, json: output.json, text: ManagementRenderer.sourceDetail)
        } catch let error as LumiereError {
            throw fail(error)
        }
    }
}

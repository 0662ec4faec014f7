// `lumiere sources describe NAME "text"`: set a source's description
// (PATCH /data/source/{id} description; request action update_source with "description").

import ArgumentParser
import LumiereCore

struct SourcesDescribeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "describe", abstract: "Set a source's description.")

    @OptionGroup var options: ConfigOptions
    @OptionGroup var tenant: TenantOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var wait: WaitOptions

    @Argument(help: "The source's name.")
    var name: String

    @Argument(help: "The description (an empty string clears it).")
    var text: String

    func validate() throws {
        if text.count > 10_000 { throw ValidationError("descriptions are at most 10000 characters") }
    }

    func run() throws {
        do {
            let session = try SpoolSession.open(options, tenant)
            var request = Request(action: .updateSource, source: name)
            request.description = text
            let (doc, _) = try session.write(request, timeout: wait.timeout)
            try SpoolSession.finish(doc, json: output.json) { _ in "described \(name)" }
        } catch let error as LumiereError {
            throw fail(error)
        }
    }
}

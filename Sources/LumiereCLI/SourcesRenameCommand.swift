// `lumiere sources rename NAME NEW`: rename every version of a source; the history
// follows (PATCH /data/source/{id} name; request action update_source with "name").

import ArgumentParser
import LumiereCore

struct SourcesRenameCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rename", abstract: "Rename a source (all its versions; its queries follow).")

    @OptionGroup var options: ConfigOptions
    @OptionGroup var tenant: TenantOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var wait: WaitOptions

    @Argument(help: "The source's current name.")
    var name: String

    @Argument(help: "The new name (letters, digits, _, - and .).")
    var newName: String

    func run() throws {
        do {
            let session = try SpoolSession.open(options, tenant)
            var request = Request(action: .updateSource, source: name)
            request.name = newName
            let (doc, _) = try session.write(request, timeout: wait.timeout)
            try SpoolSession.finish(doc, json: output.json) { _ in "renamed \(name) to \(newName)" }
        } catch let error as LumiereError {
            throw fail(error)
        }
    }
}

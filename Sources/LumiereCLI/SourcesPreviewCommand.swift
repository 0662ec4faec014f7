// `lumiere sources preview NAME [--limit N --offset N]`: rows of a source as uploaded
// (GET /data/source/{id}/preview; request action preview_source).

import ArgumentParser
import LumiereCore
import LumiereService

struct SourcesPreviewCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview", abstract: "Show a window of a source's rows, in file order.")

    @OptionGroup var options: ConfigOptions
    @OptionGroup var tenant: TenantOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var wait: WaitOptions

    @Option(name: .long, help: "Rows to show (at most 1000).")
    var limit: Int = 20

    @Option(name: .long, help: "Rows to skip first.")
    var offset: Int = 0

    @Option(name: .long, help: "A version other than the newest.")
    var version: Int?

    @Argument(help: "The source's name.")
    var name: String

    func validate() throws {
        if !(0...ManagementActions.maxPreviewRows).contains(limit) { throw ValidationError("--limit takes 0 to \(ManagementActions.maxPreviewRows) rows") }
        if offset < 0 { throw ValidationError("--offset cannot be negative") }
    }

    func run() throws {
        do {
            let session = try SpoolSession.open(options, tenant)
            var request = Request(action: .previewSource, source: name, sourceVersion: version)
            request.limit = limit
            request.offset = offset
            let doc = try session.read(request, timeout: wait.timeout)
            try SpoolSession.finish(doc, json: output.json, text: ManagementRenderer.preview)
        } catch let error as LumiereError {
            throw fail(error)
        }
    }
}

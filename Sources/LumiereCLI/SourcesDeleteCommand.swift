// `lumiere sources delete NAME [--version N]`: remove a source (or one version) from the
// catalog with its database files (DELETE /data/source/{id}; request action delete_source).
// Its queries stay in the history.

import ArgumentParser
import LumiereCore

struct SourcesDeleteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Delete a source, or one version of it, and its database files.")

    @OptionGroup var options: ConfigOptions
    @OptionGroup var tenant: TenantOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var wait: WaitOptions

    @Option(name: .long, help: "Delete only this version.")
    var version: Int?

    @Argument(help: "The source's name.")
    var name: String

    func run() throws {
        do {
            let session = try SpoolSession.open(options, tenant)
            let (doc, _) = try session.write(Request(action: .deleteSource, source: name, sourceVersion: version),
                                             timeout: wait.timeout)
            try SpoolSession.finish(doc, json: output.json) { doc in
                let deleted = ManagementRenderer.data(doc).deleted
                let versions = (deleted?.versions ?? []).map(String.init).joined(separator: ", ")
                return "deleted \(name) version\((deleted?.versions?.count ?? 0) == 1 ? "" : "s") \(versions) (\(deleted?.files ?? 0) file\(deleted?.files == 1 ? "" : "s"))"
            }
        } catch let error as LumiereError {
            throw fail(error)
        }
    }
}

// `lumiere queries rerun ID`: run a past query's SQL again on the newest version of its
// source; the run is a new query linked to the old one by rerun_of
// (POST /ai/query/{id}/rerun; request action rerun).

import ArgumentParser
import Foundation
import LumiereCore

struct QueriesRerunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rerun", abstract: "Run a past query's SQL again on the newest version of its source.")

    @OptionGroup var options: ConfigOptions
    @OptionGroup var tenant: TenantOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var wait: WaitOptions

    @Option(name: .long, help: "Also write the HTML report to this file (when run here, without a daemon).")
    var report: String?

    @Argument(help: "The query id.")
    var id: Int64

    func validate() throws {
        if id < 1 { throw ValidationError("query ids start at 1") }
    }

    func run() throws {
        do {
            let session = try SpoolSession.open(options, tenant)
            let (doc, html) = try session.write(Request(action: .rerun, queryID: id), timeout: wait.timeout)
            if let report, let html, !FileManager.default.createFile(atPath: report, contents: Data(html.utf8)) {
                throw LumiereError(.ioError, "cannot write the report to \(report)", hint: "check the path")
            }
            try SpoolSession.finish(doc, json: output.json, text: ManagementRenderer.answer)
        } catch let error as LumiereError {
            throw fail(error)
        }
    }
}

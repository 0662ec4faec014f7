// `lumiere watch add SOURCE (--question Q | --sql SQL)`: subscribe (request action watch_add).

import ArgumentParser
import LumiereCore

struct WatchAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Rerun a question (or SQL) on every new version of a source.",
        discussion: "If the source already has a version, it is answered at once: the next version is compared with it.")

    @OptionGroup var options: ConfigOptions
    @OptionGroup var tenant: TenantOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var wait: WaitOptions

    @Argument(help: "The source name (it need not exist yet).")
    var source: String

    @Option(name: .long, help: "The question to rerun.")
    var question: String?

    @Option(name: .long, help: "The SQL statement to rerun (instead of a question).")
    var sql: String?

    func validate() throws {
        if (question == nil) == (sql == nil) { throw ValidationError("give either --question or --sql") }
    }

    func run() throws {
        do {
            let session = try SpoolSession.open(options, tenant)
            let request = Request(action: .watchAdd, source: source, question: question, sql: sql)
            let (doc, _) = try session.write(request, timeout: wait.timeout)
            try SpoolSession.finish(doc, json: output.json) { ManagementRenderer.subscription($0, verb: "added") }
        } catch let error as LumiereError {
            throw fail(error)
        }
    }
}

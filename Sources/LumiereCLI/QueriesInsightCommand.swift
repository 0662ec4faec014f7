// `lumiere queries insight ID [--engine E]`: write a past query's insights again
// (POST /ai/insight; request action insight).

import ArgumentParser
import LumiereCore

struct QueriesInsightCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "insight", abstract: "Regenerate a past query's written insights.")

    @OptionGroup var options: ConfigOptions
    @OptionGroup var tenant: TenantOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var wait: WaitOptions

    @Option(name: .long, help: "Insight engine: builtin (default), llm (needs llm.share = full) or auto.")
    var engine: EngineMode?

    @Argument(help: "The query id.")
    var id: Int64

    func validate() throws {
        if id < 1 { throw ValidationError("query ids start at 1") }
    }

    func run() throws {
        do {
            let session = try SpoolSession.open(options, tenant)
            let (doc, _) = try session.write(Request(action: .insight, engine: engine, queryID: id), timeout: wait.timeout)
            try SpoolSession.finish(doc, json: output.json, text: ManagementRenderer.answer)
        } catch let error as LumiereError {
            throw fail(error)
        }
    }
}

// `lumiere watch resume ID`: request action watch_resume.

import ArgumentParser
import LumiereCore

struct WatchResumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume", abstract: "Rerun a paused standing question again from the next version on.")

    @OptionGroup var options: ConfigOptions
    @OptionGroup var tenant: TenantOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var wait: WaitOptions

    @Argument(help: "The subscription id (see `lumiere watch list`).")
    var id: Int64

    func validate() throws {
        if id < 1 { throw ValidationError("subscription ids start at 1") }
    }

    func run() throws {
        do {
            let session = try SpoolSession.open(options, tenant)
            let (doc, _) = try session.write(Request(action: .watchResume, subscriptionID: id), timeout: wait.timeout)
            try SpoolSession.finish(doc, json: output.json) { ManagementRenderer.subscription($0, verb: "resumed") }
        } catch let error as LumiereError {
            throw fail(error)
        }
    }
}

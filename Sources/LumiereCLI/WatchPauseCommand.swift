// `lumiere watch pause ID`: request action watch_pause.

import ArgumentParser
import LumiereCore

struct WatchPauseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause", abstract: "Stop rerunning a standing question (versions recorded meanwhile are skipped).")

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
            let (doc, _) = try session.write(Request(action: .watchPause, subscriptionID: id), timeout: wait.timeout)
            try SpoolSession.finish(doc, json: output.json) { ManagementRenderer.subscription($0, verb: "paused") }
        } catch let error as LumiereError {
            throw fail(error)
        }
    }
}

// `lumiere watch pause ID`: request action watch_pause.

import ArgumentParser
import LumiereCore

struct WatchPauseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pause", abstract: "Stop rerunning a standing question (versions recorded meanwhile are skipped).")

    @OptionGroup var subscription: SubscriptionCommandOptions

    func run() throws {
        try subscription.perform(.watchPause) { ManagementRenderer.subscription($0, verb: "paused") }
    }
}

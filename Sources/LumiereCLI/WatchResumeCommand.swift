// `lumiere watch resume ID`: request action watch_resume.

import ArgumentParser
import LumiereCore

struct WatchResumeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume", abstract: "Rerun a paused standing question again from the next version on.")

    @OptionGroup var subscription: SubscriptionCommandOptions

    func run() throws {
        try subscription.perform(.watchResume) { ManagementRenderer.subscription($0, verb: "resumed") }
    }
}

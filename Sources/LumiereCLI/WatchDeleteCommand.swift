// `lumiere watch delete ID`: remove a standing question and its runs (request action
// watch_delete). Results already in the outbox stay.

import ArgumentParser
import LumiereCore

struct WatchDeleteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete", abstract: "Delete a standing question.")

    @OptionGroup var subscription: SubscriptionCommandOptions

    func run() throws {
        try subscription.perform(.watchDelete) { _ in "deleted subscription \(subscription.id)" }
    }
}

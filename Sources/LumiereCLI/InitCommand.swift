// `lumiere init`: create a spool's folders and state database, and say where they are.

import ArgumentParser
import Foundation
import LumiereCore
import LumiereSpool
import LumiereStore

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create the spool folders (inbox, outbox, archive, failed, state) and the state database.")

    @OptionGroup var options: ConfigOptions

    func run() throws {
        do {
            let config = try options.load()
            let layout = SpoolLayout(root: config.spoolDirectory)
            try layout.create()
            _ = try StateStore(path: layout.database)
            print("spool ready at \(layout.root)")
            print("  drop files into \(layout.inbox)")
            print("  results appear in \(layout.outbox)")
        } catch let error as LumiereError {
            throw fail(error)
        }
    }
}

// The executable: the command line of LumiereCLI plus `lumiere daemon`, which is wired here
// so that nothing but this target imports LumiereDaemon.

import ArgumentParser
import LumiereCLI

// `@main` on the type, not a top-level `main()` call: in main.swift, ArgumentParser's
// synchronous `main()` would be chosen and `lumiere daemon` (async) refused to run.
@main
struct Lumiere: AsyncParsableCommand {
    static let configuration = LumiereCommand.rootConfiguration(daemon: DaemonCommand.self)
}

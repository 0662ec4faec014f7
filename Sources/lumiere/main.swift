// The executable: the command line of LumiereCLI plus `lumiere daemon`, which is wired here
// so that nothing but this target imports LumiereDaemon.

import ArgumentParser
import LumiereCLI

struct Lumiere: ParsableCommand {
    static let configuration = LumiereCommand.rootConfiguration(daemon: DaemonCommand.self)
}

Lumiere.main()

// The root command: configuration only (abstract, version, subcommands).

import ArgumentParser

public struct LumiereCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "lumiere",
        abstract: "Ask plain-English questions of CSV files: a spool daemon and its command line.",
        version: "0.1.0",
        subcommands: [DaemonCommand.self, InitCommand.self, AskCommand.self, ConfigCommand.self,
                      SourcesCommand.self, QueriesCommand.self, SubmitCommand.self, StatusCommand.self,
                      DoctorCommand.self])
    public init() {}
}

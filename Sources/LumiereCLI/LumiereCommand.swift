// The root command: configuration only (abstract, version, subcommands).
//
// `lumiere daemon` is not among the subcommands here: it lives in the executable, the one
// place that imports LumiereDaemon, which adds it through `rootConfiguration(daemon:)`.

import ArgumentParser

public struct LumiereCommand: ParsableCommand {
    public static let configuration = rootConfiguration(daemon: nil)

    /// The root configuration, with the executable's `daemon` subcommand first when given.
    public static func rootConfiguration(daemon: (any ParsableCommand.Type)?) -> CommandConfiguration {
        let commands: [any ParsableCommand.Type] = [
            InitCommand.self, AskCommand.self, ConfigCommand.self, SourcesCommand.self, QueriesCommand.self, WatchCommand.self,
            SubmitCommand.self, StatusCommand.self, DoctorCommand.self,
        ]
        return CommandConfiguration(
            commandName: "lumiere",
            abstract: "Ask plain-English questions of CSV files: a spool daemon and its command line.",
            version: "0.1.0",
            subcommands: (daemon.map { [$0] } ?? []) + commands)
    }

    public init() {}
}

import ArgumentParser

public struct LumiereCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "lumiere",
        abstract: "Ask plain-English questions of CSV files.",
        version: "0.1.0",
        subcommands: [])
    public init() {}
}

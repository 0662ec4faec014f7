// `lumiere queries`: the query history — the prototype's /ai/queries, /ai/query/{id},
// rerun, delete, /ai/chart and /ai/insight endpoints. Configuration only; each subcommand
// has its own file.

import ArgumentParser

struct QueriesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queries",
        abstract: "List, show, rerun and delete past questions; regenerate their charts and insights.",
        subcommands: [QueriesListCommand.self, QueriesShowCommand.self, QueriesRerunCommand.self,
                      QueriesDeleteCommand.self, QueriesChartCommand.self, QueriesInsightCommand.self])
}

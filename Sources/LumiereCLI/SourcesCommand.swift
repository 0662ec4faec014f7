// `lumiere sources`: the source catalog — the prototype's upload and /data/source
// endpoints. Only configuration here; each subcommand has its own file.

import ArgumentParser

struct SourcesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sources",
        abstract: "Upload, list, show, rename, describe, preview and delete data sources; edit their glossary.",
        discussion: """
            Reads come straight from the state database (also while the daemon runs); changes go
            through the running daemon as request files, or are made directly under the spool
            lock when no daemon runs.
            """,
        subcommands: [SourcesAddCommand.self, SourcesListCommand.self, SourcesShowCommand.self,
                      SourcesRenameCommand.self, SourcesDescribeCommand.self, SourcesPreviewCommand.self,
                      SourcesDeleteCommand.self, SourcesGlossaryCommand.self])
}

// `lumiere watch`: standing questions — a question or SQL statement rerun on every new
// version of a source, each result carrying a diff against the previous answer (request
// actions watch_add, watch_list, watch_pause, watch_resume, watch_delete). Configuration
// only; each subcommand has its own file.

import ArgumentParser
import LumiereCore

struct WatchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Rerun a question on every new version of a source and report what changed.",
        subcommands: [WatchAddCommand.self, WatchListCommand.self, WatchPauseCommand.self, WatchResumeCommand.self,
                      WatchDeleteCommand.self])
}

extension ManagementRenderer {
    static func subscriptionList(_ doc: ResultDocument) -> String {
        let subscriptions = data(doc).subscriptions ?? []
        if subscriptions.isEmpty { return "No standing questions: add one with `lumiere watch add SOURCE --question ...`." }
        let rows = subscriptions.map { s in
            [String(s.id), s.status.rawValue, s.source, String(s.runs ?? 0), s.lastVersion.map(String.init) ?? "",
             day(s.createdAt), s.question ?? s.sql ?? ""]
        }
        return TextRenderer.table(["ID", "STATUS", "SOURCE", "RUNS", "LAST VERSION", "CREATED", "QUESTION"], rows)
    }

    static func subscription(_ doc: ResultDocument, verb: String) -> String {
        guard let s = data(doc).subscription else { return "" }
        return "\(verb) subscription \(s.id) on \(s.source) (\(s.status.rawValue)): \(s.question ?? s.sql ?? "")"
    }
}

// The management commands parsed in-process from argv arrays (they live in the LumiereCLI
// library): every command has --help, every read command --json, every management command
// --spool and --tenant, and bad arguments are usage errors (exit 64) before anything runs.

import ArgumentParser
import Foundation
@testable import LumiereCLI
import Testing

@Suite("Command line parsing")
struct CLIParsingTests {
    /// Leaf commands under `lumiere`, with their argv path.
    static func leaves(_ command: any ParsableCommand.Type = LumiereCommand.self, path: [String] = []) -> [([String], any ParsableCommand.Type)] {
        let subs = command.configuration.subcommands
        if subs.isEmpty { return [(path, command)] }
        return subs.flatMap { leaves($0, path: path + [$0.configuration.commandName ?? ""]) }
    }

    static let management: Set<String> = [
        "sources add", "sources list", "sources show", "sources rename", "sources describe", "sources preview", "sources delete",
        "queries list", "queries show", "queries rerun", "queries delete", "queries chart", "queries insight", "submit", "status",
        "watch add", "watch list", "watch pause", "watch resume", "watch delete",
    ]

    @Test func everyManagementCommandExists() {
        let names = Set(Self.leaves().map { $0.0.joined(separator: " ") })
        #expect(Self.management.isSubset(of: names), "missing: \(Self.management.subtracting(names))")
    }

    @Test func helpEverywhere() {
        for (path, command) in Self.leaves() {
            let help = LumiereCommand.helpMessage(for: command)
            let name = path.joined(separator: " ")
            #expect(help.contains("USAGE: lumiere \(name)"), "\(name)")
            #expect(help.contains("--spool"), "\(name) lacks --spool")
            if Self.management.contains(name) || name == "ask" {
                #expect(help.contains("--tenant"), "\(name) lacks --tenant")
                #expect(help.contains("--json"), "\(name) lacks --json")
            }
        }
        // --help itself parses to a help request everywhere (ArgumentParser's help command,
        // which prints the help and exits 0), even with other arguments missing.
        for (path, _) in Self.leaves() {
            do {
                let parsed = try LumiereCommand.parseAsRoot(path + ["--help"])
                #expect(String(describing: type(of: parsed)).contains("HelpCommand"), "\(path)")
            } catch {
                #expect(LumiereCommand.exitCode(for: error) == .success, "\(path)")
            }
        }
    }

    @Test func parsesOptions() throws {
        let preview = try #require(try LumiereCommand.parseAsRoot(
            ["sources", "preview", "sales", "--limit", "5", "--offset", "10", "--tenant", "acme", "--spool", "/s", "--json"]) as? SourcesPreviewCommand)
        #expect(preview.name == "sales" && preview.limit == 5 && preview.offset == 10)
        #expect(preview.tenant.tenant == "acme" && preview.options.spool == "/s" && preview.output.json)
        let list = try #require(try LumiereCommand.parseAsRoot(["queries", "list", "--source", "sales", "--status", "failed", "--limit", "7"]) as? QueriesListCommand)
        #expect(list.source == "sales" && list.status == .failed && list.limit == 7)
        let submit = try #require(try LumiereCommand.parseAsRoot(["submit", "--wait", "--timeout", "9", "a.csv", "q.json"]) as? SubmitCommand)
        #expect(submit.wait && submit.timeout == 9 && submit.files == ["a.csv", "q.json"])
        let add = try #require(try LumiereCommand.parseAsRoot(["sources", "add", "x/export.csv.gz", "--name", "sales"]) as? SourcesAddCommand)
        #expect(add.sourceName == "sales" && add.uploadExtension == ".csv.gz")
        let derived = try #require(try LumiereCommand.parseAsRoot(["sources", "add", "/tmp/my data.csv"]) as? SourcesAddCommand)
        #expect(derived.sourceName == "my_data")
        let jsonl = try #require(try LumiereCommand.parseAsRoot(["sources", "add", "x/Events.JSONL.gz"]) as? SourcesAddCommand)
        #expect(jsonl.sourceName == "Events" && jsonl.uploadExtension == ".jsonl.gz")
        let del = try #require(try LumiereCommand.parseAsRoot(["sources", "delete", "sales", "--version", "2"]) as? SourcesDeleteCommand)
        #expect(del.version == 2)
        let chart = try #require(try LumiereCommand.parseAsRoot(["queries", "chart", "3", "--type", "donut"]) as? QueriesChartCommand)
        #expect(chart.id == 3 && chart.type == .doughnut)
        let watch = try #require(try LumiereCommand.parseAsRoot(["watch", "add", "sales", "--question", "total sales by region"]) as? WatchAddCommand)
        #expect(watch.source == "sales" && watch.question == "total sales by region" && watch.sql == nil)
        let pause = try #require(try LumiereCommand.parseAsRoot(["watch", "pause", "4", "--tenant", "acme"]) as? WatchPauseCommand)
        #expect(pause.subscription.id == 4 && pause.subscription.tenant.tenant == "acme")
    }

    @Test(arguments: [
        ["sources", "preview", "sales", "--limit", "5000"],
        ["sources", "preview", "sales", "--offset", "-1"],
        ["sources", "add", "notes.txt"],
        ["sources", "add", "a.csv", "--name", "../etc"],
        ["sources", "rename", "only-one"],
        ["queries", "list", "--status", "done"],
        ["queries", "list", "--limit", "0"],
        ["queries", "show", "0"],
        ["queries", "show", "abc"],
        ["queries", "chart", "1", "--type", "radar"],
        ["queries", "insight", "1", "--engine", "gpt"],
        ["submit"],
        ["submit", "--timeout", "5", "q.json"],
        ["submit", "notes.txt"],
        ["submit", "a/q.json", "b/q.json"],
        ["submit", ".hidden.json"],
        ["sources", "list", "--timeout", "0"],
        ["watch", "add", "sales"],
        ["watch", "add", "sales", "--question", "q", "--sql", "SELECT 1"],
        ["watch", "pause", "0"],
        ["watch", "delete", "abc"],
    ])
    func usageErrors(argv: [String]) {
        do {
            _ = try LumiereCommand.parseAsRoot(argv)
            Issue.record("accepted: \(argv)")
        } catch {
            #expect(LumiereCommand.exitCode(for: error).rawValue == 64, "\(argv): \(LumiereCommand.message(for: error))")
        }
    }

    @Test func exitCodesAsDocumented() {
        #expect(exitCode(for: .init(.unknownSource, "")) == 4)
        #expect(exitCode(for: .init(.unknownQuery, "")) == 4)
        #expect(exitCode(for: .init(.tenantRequired, "")) == 64)
        #expect(exitCode(for: .init(.invalidTenant, "")) == 64)
        #expect(exitCode(for: .init(.daemonNotRunning, "")) == 69)
        #expect(exitCode(for: .init(.waitTimeout, "")) == 75)
        #expect(exitCode(for: .init(.notRerunnable, "")) == 1)
        #expect(exitCode(for: .init(.unsupportedEngine, "")) == 1)
    }
}

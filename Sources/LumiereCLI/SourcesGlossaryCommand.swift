// `lumiere sources glossary add|delete|list NAME ...`: a source's glossary — the owner's
// words for its columns and values (request actions glossary_add, glossary_delete; the list
// is show_source's `glossary`).

import ArgumentParser
import LumiereCore

struct SourcesGlossaryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "glossary",
        abstract: "Teach the engine a source's own words: \"revenue\" means Sales, \"EMEA\" means Region = Europe.",
        discussion: """
            Terms apply to every version of the source, are used by the builtin engine like the
            column or value they stand for (the interpretation says so), and are listed in the
            LLM's prompt. Examples:
              lumiere sources glossary add sales revenue Sales
              lumiere sources glossary add sales EMEA Region --value Europe
              lumiere sources glossary delete sales EMEA
            """,
        subcommands: [Add.self, Delete.self, List.self])

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "add", abstract: "Add a term (or replace the one with the same words).")

        @OptionGroup var options: ConfigOptions
        @OptionGroup var tenant: TenantOptions
        @OptionGroup var output: OutputOptions
        @OptionGroup var wait: WaitOptions

        @Argument(help: "The source's name.")
        var name: String
        @Argument(help: "The word or phrase people type (1 to 4 words).")
        var term: String
        @Argument(help: "The column it means.")
        var column: String
        @Option(name: .long, help: "A value of the column: the term then means COLUMN = VALUE.")
        var value: String?

        func run() throws {
            do {
                let session = try SpoolSession.open(options, tenant)
                var request = Request(action: .glossaryAdd, source: name)
                request.term = term
                request.column = column
                request.value = value
                let (doc, _) = try session.write(request, timeout: wait.timeout)
                try SpoolSession.finish(doc, json: output.json, text: ManagementRenderer.glossary)
            } catch let error as LumiereError {
                throw fail(error)
            }
        }
    }

    struct Delete: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "delete", abstract: "Remove a term.")

        @OptionGroup var options: ConfigOptions
        @OptionGroup var tenant: TenantOptions
        @OptionGroup var output: OutputOptions
        @OptionGroup var wait: WaitOptions

        @Argument(help: "The source's name.")
        var name: String
        @Argument(help: "The term to remove.")
        var term: String

        func run() throws {
            do {
                let session = try SpoolSession.open(options, tenant)
                var request = Request(action: .glossaryDelete, source: name)
                request.term = term
                let (doc, _) = try session.write(request, timeout: wait.timeout)
                try SpoolSession.finish(doc, json: output.json, text: ManagementRenderer.glossary)
            } catch let error as LumiereError {
                throw fail(error)
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "List a source's terms.")

        @OptionGroup var options: ConfigOptions
        @OptionGroup var tenant: TenantOptions
        @OptionGroup var output: OutputOptions
        @OptionGroup var wait: WaitOptions

        @Argument(help: "The source's name.")
        var name: String

        func run() throws {
            do {
                let session = try SpoolSession.open(options, tenant)
                let doc = try session.read(Request(action: .showSource, source: name), timeout: wait.timeout)
                try SpoolSession.finish(doc, json: output.json, text: ManagementRenderer.glossary)
            } catch let error as LumiereError {
                throw fail(error)
            }
        }
    }
}

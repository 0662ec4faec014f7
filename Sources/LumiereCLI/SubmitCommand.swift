// `lumiere submit [--wait [--timeout S]] FILE...`: copy uploads and request files into the
// inbox the safe way (a dotfile temp name, fsync, then rename — the daemon never sees a
// partial file, and a name already waiting there is never replaced). With --wait, print
// each result as it appears in the outbox, in the order they finish.
//
// Exit: 0 when every result succeeded; with --wait, 75 when some result did not appear
// before --timeout, else the exit code of the failures' error (1 when they differ).
// --wait needs a running daemon and says so at once when there is none; without --wait
// the files simply wait in the inbox for one.

import ArgumentParser
import Foundation
import LumiereCore
import LumiereService
import LumiereSpool

struct SubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Put CSV uploads and request files into the inbox safely; optionally wait for their results.",
        discussion: """
            Examples:
              lumiere submit sales.csv q1.json
              lumiere submit --wait --timeout 60 q1.json q2.json
              lumiere submit --tenant acme --wait --json q1.json | jq .status
            """)

    @OptionGroup var options: ConfigOptions
    @OptionGroup var tenant: TenantOptions
    @OptionGroup var output: OutputOptions

    @Flag(name: .long, help: "Wait for each file's result and print it when it appears.")
    var wait = false

    @Option(name: .long, help: "With --wait: give up after this many seconds (default 300).")
    var timeout: Double?

    @Argument(help: "Files to submit: .csv, .tsv, .csv.gz, .jsonl, .jsonl.gz, .xlsx uploads and .json requests.", completion: .file())
    var files: [String]

    func validate() throws {
        if files.isEmpty { throw ValidationError("name at least one file to submit") }
        if timeout != nil && !wait { throw ValidationError("--timeout only applies with --wait") }
        if let timeout, !(timeout > 0 && timeout <= 86_400) { throw ValidationError("--timeout takes seconds, from 0 to 86400") }
        var seen = Set<String>()
        for file in files {
            let name = URL(fileURLWithPath: file).lastPathComponent
            if SpoolNames.kind(of: name) == nil {
                throw ValidationError("\(name) is not an upload (.csv, .tsv, .csv.gz, .jsonl, .jsonl.gz, .xlsx) or a request (.json)")
            }
            if SpoolNames.isIgnored(name) { throw ValidationError("\(name) has a name the daemon ignores (a dotfile or temp name)") }
            if !seen.insert(name).inserted { throw ValidationError("two files are named \(name); the inbox holds one of each name") }
        }
    }

    /// One submitted file and where its result will appear.
    private struct Pending {
        var file: String
        var name: String
        var kind: InputKind
        var resultPath: String
        var previousInode: UInt64?
    }

    func run() throws {
        do {
            let session = try SpoolSession.open(options, tenant)
            let daemon = session.daemon
            if wait, case .notRunning = daemon {
                throw LumiereError(.daemonNotRunning, "no lumiere daemon is running on \(session.layout.root), so --wait would never see a result",
                                   hint: "start the daemon first, or submit without --wait (the files wait in the inbox)")
            }
            let inbox = try session.ensureInbox()
            let outbox = session.layout.outbox(tenant: session.tenant)
            var pending: [Pending] = []
            for file in files {
                let name = URL(fileURLWithPath: file).lastPathComponent
                let kind = SpoolNames.kind(of: name)!
                let resultPath = "\(outbox)/\(SpoolNames.resultName(forInput: name, kind: kind))"
                var st = stat()
                let previous = lstat(resultPath, &st) == 0 ? UInt64(st.st_ino) : nil
                try InboxSubmit.copy(file, into: inbox, as: name)
                pending.append(Pending(file: file, name: name, kind: kind, resultPath: resultPath, previousInode: previous))
                if !wait && !output.json { print("submitted \(name) → \(inbox)/\(name)") }
            }
            if !wait {
                if case .notRunning = daemon {
                    FileHandle.standardError.write(Data("note: no daemon is running on \(session.layout.root); the files wait in the inbox until one starts\n".utf8))
                }
                return
            }
            try waitForResults(pending, timeout: timeout ?? 300)
        } catch let error as LumiereError {
            throw fail(error)
        }
    }

    private func waitForResults(_ submitted: [Pending], timeout: Double) throws {
        var waiting = submitted
        var failures: [ErrorPayload] = []
        let deadline = Date().addingTimeInterval(timeout)
        while !waiting.isEmpty && Date() < deadline {
            var still: [Pending] = []
            for p in waiting {
                if let outcome = result(of: p) {
                    report(p, outcome)
                    if let error = outcome.error { failures.append(error) }
                } else {
                    still.append(p)
                }
            }
            waiting = still
            if !waiting.isEmpty { Thread.sleep(forTimeInterval: 0.05) }
        }
        for p in waiting {
            FileHandle.standardError.write(Data("\(p.name): no result within \(Int(timeout)) s (\(p.resultPath)) [wait_timeout]\n".utf8))
        }
        if !waiting.isEmpty { throw ExitCode(LumiereCLI.exitCode(for: LumiereError(.waitTimeout, ""))) }
        if !failures.isEmpty {
            let codes = Set(failures.map(\.code))
            throw ExitCode(codes.count == 1 ? LumiereCLI.exitCode(for: LumiereError(LumiereError.Code(rawValue: codes.first!), "")) : 1)
        }
    }

    /// The decoded result once a new one is in place: (status, error, raw bytes).
    private func result(of p: Pending) -> (status: String, error: ErrorPayload?, data: Data, queryID: Int64?)? {
        var st = stat()
        guard lstat(p.resultPath, &st) == 0, UInt64(st.st_ino) != p.previousInode,
              let data = FileManager.default.contents(atPath: p.resultPath) else { return nil }
        switch p.kind {
        case .upload:
            guard let doc = try? JSONDecoder().decode(SourceDocument.self, from: data) else { return nil }
            return (doc.status.rawValue, doc.status == .succeeded ? nil : doc.error, data, nil)
        case .request:
            guard let doc = try? JSONDecoder().decode(ResultDocument.self, from: data) else { return nil }
            return (doc.status.rawValue, doc.status == .succeeded ? nil : doc.error, data, doc.queryID)
        }
    }

    private func report(_ p: Pending, _ outcome: (status: String, error: ErrorPayload?, data: Data, queryID: Int64?)) {
        if output.json {
            // One document per line, as each appears.
            if let value = try? JSONDecoder().decode(JSONValue.self, from: outcome.data) {
                let e = JSONEncoder()
                e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                if let line = try? e.encode(value) { FileHandle.standardOutput.write(line + Data("\n".utf8)) }
            }
            return
        }
        var line = "\(p.name): \(outcome.status)"
        if let id = outcome.queryID { line += " (query \(id))" }
        line += " → \(p.resultPath)"
        if let e = outcome.error {
            line += "\n  error: \(e.message) [\(e.code)]"
            if let hint = e.hint { line += "\n  hint: \(hint)" }
        }
        print(line)
    }
}

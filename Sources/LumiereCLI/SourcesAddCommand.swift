// `lumiere sources add FILE [--name NAME]`: upload a CSV or JSON Lines file as a new source, or as the next
// version of an existing one (POST /data/upload; as a file: drop NAME.csv into the inbox).
//
// With no daemon on the spool, the file is ingested here and now, under the spool lock.
// With a daemon running, it is handed over the way any upload is — copied into the inbox
// (temp name, fsync, rename) as NAME.csv — and the command waits for
// outbox/NAME.source.json (unless --no-wait). Either way the source document is printed.
// `--sheet` (workbooks) reads that sheet: directly, or handed over as NAME#SHEET.xlsx, the
// inbox's way of naming a sheet, so both paths read the same one.

import ArgumentParser
import Foundation
import LumiereCore
import LumiereService
import LumiereSpool

struct SourcesAddCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Upload a CSV (.csv, .tsv, .csv.gz), JSON Lines (.jsonl, .jsonl.gz) or Excel (.xlsx) file as a source, or a new version of one.",
        discussion: """
            Examples:
              lumiere sources add sales.csv
              lumiere sources add export-2024-06.csv.gz --name sales
              lumiere sources add events.jsonl
              lumiere sources add budget.xlsx
              lumiere sources add budget.xlsx --sheet "Q3 2024"
            """)

    @OptionGroup var options: ConfigOptions
    @OptionGroup var tenant: TenantOptions
    @OptionGroup var output: OutputOptions
    @OptionGroup var wait: WaitOptions

    @Option(name: .long, help: "The source name (default: the file name without its extension).")
    var name: String?

    @Option(name: .long, help: "The sheet of an .xlsx workbook to read (default: the first).")
    var sheet: String?

    @Flag(name: .long, help: "When a daemon runs, return once the file is in the inbox instead of waiting for the ingest.")
    var noWait = false

    @Argument(help: "The CSV, JSON Lines or Excel .xlsx file.", completion: .file())
    var file: String

    var fileName: String { URL(fileURLWithPath: file).lastPathComponent }

    /// The upload extension of the file, as the inbox recognises it.
    var uploadExtension: String? {
        let lower = fileName.lowercased()
        return SpoolNames.uploadExtensions.first { lower.hasSuffix($0.suffix) }?.suffix
    }

    var sourceName: String { name ?? SpoolNames.sourceName(forUpload: fileName) }

    func validate() throws {
        if uploadExtension == nil { throw ValidationError("\(fileName) is not a .csv, .tsv, .csv.gz, .jsonl, .jsonl.gz or .xlsx file") }
        if let sheet {
            guard uploadExtension == ".xlsx" else { throw ValidationError("--sheet is for .xlsx workbooks; \(fileName) is not one") }
            guard !sheet.isEmpty, sheet.count <= SpoolNames.maxSheetNameLength else {
                throw ValidationError("a sheet name is 1 to \(SpoolNames.maxSheetNameLength) characters")
            }
        }
        if let name, SpoolNames.sanitize(name) != name {
            throw ValidationError("\"\(name)\" is not a valid source name; use letters, digits, _, - and ., e.g. \(SpoolNames.sanitize(name))")
        }
    }

    func run() throws {
        do {
            let session = try SpoolSession.open(options, tenant)
            if case .notRunning = session.daemon, session.canOpenState, let lock = try? SpoolLock(path: session.layout.lockFile) {
                let (doc, _) = try withExtendedLifetime(lock) { () throws(LumiereError) in
                    try session.analyst().ingest(inputPath: file, inputName: fileName, tenant: session.tenant, jobID: nil,
                                                 sourceName: sourceName, sheet: sheet)
                }
                show(doc)
                return
            }
            try handOver(session)
        } catch let error as LumiereError {
            throw fail(error)
        }
    }

    private func handOver(_ session: SpoolSession) throws {
        if case .notRunning = session.daemon {
            throw LumiereError(.daemonNotRunning, "the spool's state cannot be opened by this user and no daemon is running to ingest \(fileName)",
                               hint: "start the daemon, or run as the daemon's user")
        }
        let inbox = try session.ensureInbox()
        let requested: String?
        if let sheet { requested = sheet } else { requested = try SpoolNames.sheet(forUpload: fileName) }
        let inboxStem = sourceName + (requested.map { "#" + $0 } ?? "")
        let inboxName = inboxStem + uploadExtension!
        let resultPath = "\(session.layout.outbox(tenant: session.tenant))/\(inboxStem).source.json"
        var before = stat()
        let hadOne = lstat(resultPath, &before) == 0
        try InboxSubmit.copy(file, into: inbox, as: inboxName)
        if noWait {
            print("handed \(fileName) to the daemon as \(inbox)/\(inboxName); the source document will be \(resultPath)")
            return
        }
        let doc = try SpoolSession.waitForDocument(at: resultPath, timeout: wait.timeout, what: "source document",
                                                   isNew: { st in !hadOne || st.st_ino != before.st_ino }) { data in
            try? JSONDecoder().decode(SourceDocument.self, from: data)
        }
        show(doc)
        if doc.status != .succeeded, let e = doc.error {
            throw fail(LumiereError(LumiereError.Code(rawValue: e.code), e.message, hint: e.hint))
        }
    }

    private func show(_ doc: SourceDocument) {
        if output.json {
            FileHandle.standardOutput.write(encodeDocument(doc))
            return
        }
        guard doc.status == .succeeded, let source = doc.source else { return }
        var lines = ["source \(source.name) version \(source.version): \(source.rowCount) rows from \(doc.fileName ?? fileName)"]
        if let profile = doc.profile {
            lines.append(TextRenderer.table(["COLUMN", "TYPE", "NULLS", "DISTINCT"], profile.columns.map {
                [$0.name, $0.type.rawValue, String($0.nullCount), String($0.distinctCount)]
            }))
            for w in profile.warnings { lines.append("warning: \(w)") }
        }
        print(lines.joined(separator: "\n"))
    }
}

// `lumiere-bench ingest-one IN OUT`: one ingest, run as a child of `ingest` so its wall
// time and peak RSS can be measured alone.
//
// Inputs: a CSV or JSON Lines path (optionally .gz; the format by extension, CSV if
// none) and a database path to create.
// Outputs: the database; one line of stage timings on stdout.
// Failure modes: exits 1 with the LumiereError on stderr.

import ArgumentParser
import Foundation
import LumiereCore
import LumiereStore

struct IngestOne: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest-one", abstract: "Ingest one file (used by `ingest`).", shouldDisplay: false)

    @Argument(help: "The CSV or JSON Lines file.") var input: String
    @Argument(help: "The database to create.") var output: String

    func run() throws {
        do {
            let outcome = try SourceIngestor.ingest(inputPath: input, gzip: input.hasSuffix(".gz"),
                                                    format: SpoolNames.uploadFormat(of: input) ?? .csv,
                                                    databasePath: output, limits: IngestLimits())
            let stages = outcome.timingsMs.sorted { $0.key < $1.key }
                .map { "\($0.key)=\(String(format: "%.0f", $0.value))ms" }
            print("rows=\(outcome.profile.rowCount) \(stages.joined(separator: " "))")
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode(1)
        }
    }
}

// `lumiere-bench generate --rows N --out FILE`: write the deterministic synthetic sales CSV
// (the one `ingest` uses) for scripts that need big sources: scripts/bench and scripts/soak.
//
// Inputs: a row count and an output path. Outputs: the file, written under FILE.part and
// renamed when complete, so a spool inbox never sees a half-written file; the byte count on
// stdout. Failure modes: exits non-zero when the file cannot be written.

import ArgumentParser
import Foundation

struct Generate: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate", abstract: "Write the synthetic sales CSV used by the benchmarks.")

    @Option(help: "Data rows to generate.") var rows: Int
    @Option(help: "Where to write the CSV.") var out: String

    func validate() throws {
        if rows < 0 { throw ValidationError("--rows must be 0 or more") }
    }

    func run() throws {
        let part = out + ".part"
        try SalesCSVGenerator.write(rows: rows, to: part)
        guard rename(part, out) == 0 else {
            throw ValidationError("cannot rename \(part) to \(out): \(String(cString: strerror(errno)))")
        }
        let size = (try FileManager.default.attributesOfItem(atPath: out)[.size] as? NSNumber)?.int64Value ?? 0
        print("\(out): \(rows) rows, \(size) bytes")
    }
}

// `lumiere-bench ingest`: Lumiere's CSV ingest against `sqlite3 .import --csv` on the
// same synthetic sales files, each run in its own child process.
//
// Inputs: --rows (comma-separated sizes), --dir (generated files are cached there),
// --runs (repeats per size; the median counts; sizes of 5M rows and more run once).
// Outputs: a table per size: rows, MB, rows/s, MB/s and peak RSS for each tool, and the
// ratio sqlite3 time / Lumiere time (≥ 1 means Lumiere is at least as fast).
// Failure modes: exits non-zero when a child fails or sqlite3 is not installed.

import ArgumentParser
import Foundation

struct IngestBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ingest", abstract: "Compare CSV ingest with sqlite3's .import.")

    @Option(help: "Row counts to generate and ingest, comma-separated.")
    var rows: String = "100000,1000000,5000000"

    @Option(help: "Directory for generated CSVs and databases.")
    var dir: String = "/tmp/lumiere-bench"

    @Option(help: "Runs per size (the median is reported); sizes of 5M rows and more run once.")
    var runs: Int = 3

    var sizes: [Int] { rows.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }

    func validate() throws {
        if sizes.isEmpty || sizes.contains(where: { $0 <= 0 }) {
            throw ValidationError("--rows must be positive integers separated by commas")
        }
        if runs < 1 { throw ValidationError("--runs must be at least 1") }
    }

    func run() throws {
        guard let sqlite = ChildProcess.which("sqlite3") else {
            throw ValidationError("sqlite3 is not on PATH (apt-get install sqlite3)")
        }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let me = ChildProcess.selfPath
        var lines: [String] = []
        var notes: [String] = []
        lines.append(pad(["rows", "MB", "lumiere rows/s", "MB/s", "peak RSS", "sqlite3 rows/s", "MB/s", "peak RSS", "ratio"]))
        for size in sizes {
            let csv = "\(dir)/sales_\(size).csv"
            if !FileManager.default.fileExists(atPath: csv) {
                try SalesCSVGenerator.write(rows: size, to: csv + ".part")
                rename(csv + ".part", csv)
            }
            let bytes = Double((try FileManager.default.attributesOfItem(atPath: csv)[.size] as? NSNumber)?.int64Value ?? 0)
            let repeats = size >= 5_000_000 ? 1 : runs
            if repeats == 1 && runs > 1 { notes.append("\(size) rows: one run each") }
            var lumiere: [ChildRun] = []
            var reference: [ChildRun] = []
            for _ in 0..<repeats {
                let db1 = "\(dir)/lumiere_\(size).sqlite"
                unlink(db1)
                let a = try ChildProcess.run(me, ["ingest-one", csv, db1])
                guard a.status == 0 else { throw ValidationError("lumiere ingest failed (exit \(a.status))") }
                lumiere.append(a)
                unlink(db1)
                let db2 = "\(dir)/sqlite3_\(size).sqlite"
                unlink(db2)
                let b = try ChildProcess.run(sqlite, [db2, ".import --csv \(csv) data"])
                guard b.status == 0 else { throw ValidationError("sqlite3 .import failed (exit \(b.status))") }
                reference.append(b)
                unlink(db2)
            }
            let l = median(lumiere), s = median(reference)
            let mb = bytes / 1e6
            lines.append(pad([
                "\(size)", String(format: "%.1f", mb),
                String(format: "%.0f", Double(size) / l.seconds), String(format: "%.1f", mb / l.seconds),
                String(format: "%.0f MB", Double(l.peakRSSBytes) / 1e6),
                String(format: "%.0f", Double(size) / s.seconds), String(format: "%.1f", mb / s.seconds),
                String(format: "%.0f MB", Double(s.peakRSSBytes) / 1e6),
                String(format: "%.2f", s.seconds / l.seconds),
            ]))
        }
        print(lines.joined(separator: "\n"))
        if !notes.isEmpty { print("note: " + notes.joined(separator: "; ")) }
        print("ratio = sqlite3 time / lumiere time (median of \(runs) runs); ≥ 1 means lumiere is at least as fast")
    }

    /// The run with the median wall time (its RSS is reported with it).
    func median(_ runs: [ChildRun]) -> ChildRun {
        runs.sorted { $0.seconds < $1.seconds }[runs.count / 2]
    }

    func pad(_ cells: [String]) -> String {
        let widths = [9, 7, 15, 7, 9, 15, 7, 9, 6]
        return zip(cells, widths).map { String(repeating: " ", count: max(0, $1 - $0.count)) + $0 }.joined(separator: " ")
    }
}

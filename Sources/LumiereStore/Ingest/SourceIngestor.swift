// SourceIngestor: a CSV or JSON Lines file (optionally gzip) or an Excel workbook in, a
// new typed SQLite source database out.
//
// Inputs: the input path, whether it is gzip, its format, the sheet of a workbook (nil:
// its first), the database path to create, limits.
// Outputs: the database at `databasePath` (table `data` and `lumiere_meta`), and an
// `IngestOutcome` with the profile, value index, SHA-256, size and stage timings.
// How: pass 1 streams the file through `CSVAnalyzer` (encoding, dialect, header, types;
// SHA-256 on the way; restarted once as Windows-1252 if non-UTF-8 bytes appear after
// the sample); pass 2 streams it again through `CSVConverter` on a second thread while
// this one runs the prepared INSERTs (`RowBatchPipeline`, `SourceDatabaseWriter`).
// JSON Lines take the same two passes through `JSONLinesAnalyzer` / `JSONLinesConverter`
// (UTF-8 only, so there is no restart), and so share the types, profile and memory bound.
// An `.xlsx` workbook is opened once (`XLSXWorkbook`: ZIP, sheet list, styles, shared
// strings) and its sheet streamed twice, as records, through the same two passes.
// The database is built as `databasePath + ".tmp"`, synced, and renamed into place only
// when complete, so readers never see a partial source. Two ingests must not target the
// same `databasePath` at once (they would share the temporary name).
// Failure modes: every `LumiereError` of the reader, the CSV core and SQLite; on any
// failure the temporary database is removed and nothing exists at `databasePath`
// that this call made.

import Foundation
import LumiereCore

public enum SourceIngestor {
    public static func ingest(inputPath: String, gzip: Bool, format: UploadFormat = .csv, sheet: String? = nil,
                              databasePath: String,
                              limits: IngestLimits = IngestLimits()) throws(LumiereError) -> IngestOutcome {
        let started = now()
        let input = try IngestInput(path: inputPath, gzip: gzip && format != .xlsx, maxBytes: limits.maxBytes)
        let analysis: CSVAnalysis
        var sha: String?
        var workbook: XLSXWorkbook?
        switch format {
        case .xlsx:
            (analysis, sha, workbook) = try analyzeXLSX(input, sheet: sheet, limits)
        case .csv:
            (analysis, sha) = try analyzeCSV(input, limits)
        case .jsonl:
            let analyzer = JSONLinesAnalyzer(limits: limits.csvLimits, maxDepth: limits.maxJSONDepth)
            sha = try input.stream(hashing: true) { (chunk) throws(LumiereError) in
                try analyzer.feed(chunk)
                return true
            }
            analysis = try analyzer.finish()
        }
        let analyzed = now()

        // Pass 2: convert and load into a temporary database, then rename.
        let temporaryPath = databasePath + ".tmp"
        removeDatabaseFiles(temporaryPath)
        let outcome: IngestOutcome
        do throws(LumiereError) {
            let converter: any UploadRowConverter
            switch format {
            case .csv, .xlsx:
                converter = CSVConverter(analysis: analysis, limits: limits.csvLimits, profileOptions: limits.profileOptions)
            case .jsonl:
                converter = JSONLinesConverter(analysis: analysis, limits: limits.csvLimits,
                                               profileOptions: limits.profileOptions, maxDepth: limits.maxJSONDepth)
            }
            let loaded: Double
            do {
                let writer = try SourceDatabaseWriter(path: temporaryPath, columns: analysis.columns)
                let parts = ProducerParts(input: input, converter: converter, workbook: workbook)
                try RowBatchPipeline.run(columnCount: analysis.columns.count, produce: { (sink) throws(LumiereError) in
                    if let workbook = parts.workbook, let records = parts.converter as? CSVConverter {
                        try workbook.readSheet(header: { _ in }, row: { (fields) throws(LumiereError) in
                            try records.convert(fields: fields, into: &sink)
                        })
                        return
                    }
                    try parts.input.stream(hashing: false) { (chunk) throws(LumiereError) in
                        try parts.converter.feed(chunk, into: &sink)
                        return true
                    }
                    try parts.converter.finish(into: &sink)
                }, consume: { (batch) throws(LumiereError) in
                    try writer.insert(batch)
                })
                loaded = now()
                let (profile, valueIndex) = converter.profile()
                try writer.finish(profile: profile, valueIndex: valueIndex)
            }
            // The writer (and its connection) is closed here, before the rename.
            if rename(temporaryPath, databasePath) != 0 {
                throw LumiereError(.ioError, "the new source database could not be moved into place",
                                   hint: "check the state directory's permissions and free space",
                                   transient: true, underlying: String(cString: strerror(errno)))
            }
            syncDirectory(of: databasePath)
            let finished = now()
            let (profile, valueIndex) = converter.profile()
            outcome = IngestOutcome(
                profile: profile, valueIndex: valueIndex, sha256: sha ?? "", sizeBytes: input.sizeBytes,
                timingsMs: ["analyze": analyzed - started, "load": loaded - analyzed,
                            "finalize": finished - loaded, "total": finished - started])
        } catch {
            removeDatabaseFiles(temporaryPath)
            throw error
        }
        return outcome
    }

    /// Excel pass 1: the file's signature, the workbook's parts, then the sheet's rows as
    /// records (the header row names the columns). The hash is of the file as uploaded.
    private static func analyzeXLSX(_ input: IngestInput, sheet: String?,
                                    _ limits: IngestLimits) throws(LumiereError) -> (CSVAnalysis, String?, XLSXWorkbook) {
        var head: [UInt8] = []
        let sha = try input.stream(hashing: true) { (chunk) throws(LumiereError) in
            if head.isEmpty { head = Array(chunk.prefix(8)) }
            return true
        }
        try XLSXWorkbook.checkSignature(head)
        let workbook = try XLSXWorkbook(path: input.path, fileSize: input.sizeBytes, sheet: sheet, limits: limits)
        let table = RecordTableAnalyzer(limits: limits.csvLimits)
        var keys: [String] = []
        try workbook.readSheet(header: { (header) throws(LumiereError) in
            keys = header
            try table.widen(to: header.count)
        }, row: { (fields) throws(LumiereError) in
            try table.observe(fields)
        })
        let analysis = try table.finish(format: .xlsx, keys: keys, notes: ["read sheet \"\(workbook.sheetName)\""])
        return (analysis, sha, workbook)
    }

    /// CSV pass 1: analysis and hash, restarted once as Windows-1252 if bytes that are not
    /// UTF-8 turn up after the sample.
    private static func analyzeCSV(_ input: IngestInput, _ limits: IngestLimits) throws(LumiereError) -> (CSVAnalysis, String?) {
        let analyzer = CSVAnalyzer(limits: limits.csvLimits)
        var sha = try input.stream(hashing: true) { (chunk) throws(LumiereError) in
            try analyzer.feed(chunk)
            return !analyzer.needsWindows1252Restart
        }
        var analysis = try analyzer.finish()
        if analysis == nil {
            // Not UTF-8 after all: read the whole file again as Windows-1252.
            let retry = CSVAnalyzer(limits: limits.csvLimits, forcedEncoding: .windows1252)
            sha = try input.stream(hashing: true) { (chunk) throws(LumiereError) in
                try retry.feed(chunk)
                return true
            }
            analysis = try retry.finish()
        }
        guard let analysis else {
            throw LumiereError(.internalError, "the CSV analysis did not settle on an encoding",
                               hint: "this is a bug in Lumiere; please report it with the file")
        }
        return (analysis, sha)
    }

    /// Makes the rename durable. Best effort: a failure here leaves a complete database
    /// that a crash could only make disappear, so it is not reported.
    private static func syncDirectory(of path: String) {
        let directory = (path as NSString).deletingLastPathComponent
        let fd = open(directory.isEmpty ? "." : directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return }
        fsync(fd)
        close(fd)
    }

    private static func removeDatabaseFiles(_ path: String) {
        for suffix in ["", "-journal", "-wal", "-shm"] { unlink(path + suffix) }
    }

    /// Milliseconds on the monotonic clock.
    private static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) * 1000 + Double(ts.tv_nsec) / 1_000_000
    }
}

/// What the producer thread of pass 2 uses. Safe to send: the calling thread does not
/// touch these objects until `RowBatchPipeline.run` has returned, which is after the
/// producer thread finished with them.
private final class ProducerParts: @unchecked Sendable {
    let input: IngestInput
    let converter: any UploadRowConverter
    let workbook: XLSXWorkbook?

    init(input: IngestInput, converter: any UploadRowConverter, workbook: XLSXWorkbook?) {
        self.input = input
        self.converter = converter
        self.workbook = workbook
    }
}

// RecordTableAnalyzer: the first pass for uploads that arrive as records rather than
// delimited text (JSON Lines objects, Excel sheet rows) — the same type inference as CSV.
//
// Inputs: one record at a time as fields by column index (nil = no value); the table
// widens when a record has more fields than any before (earlier records were NULL there).
// Outputs: `finish` gives the `CSVAnalysis` the second pass (`CSVConverter`) needs: column
// names (from the keys), types, the row count and warnings.
// Memory: one inference per column; records are not kept.
// Failure modes: `too_many_columns` when the table would be wider than `maxColumns`,
// `empty_file` when no record was seen.

public final class RecordTableAnalyzer {
    public let limits: CSVLimits
    private var inferences: [ColumnTypeInference] = []
    /// Records seen.
    public private(set) var rowCount = 0

    public init(limits: CSVLimits = CSVLimits()) {
        self.limits = limits
    }

    public var columnCount: Int { inferences.count }

    /// Makes the table at least `width` columns wide.
    public func widen(to width: Int) throws(LumiereError) {
        guard width > inferences.count else { return }
        if width > limits.maxColumns {
            throw LumiereError(.tooManyColumns, "the data has more than \(limits.maxColumns) columns",
                               hint: "remove columns, or raise ingest.max_columns (SQLite allows up to 2000)")
        }
        inferences += Array(repeating: ColumnTypeInference(), count: width - inferences.count)
    }

    public func observe(_ fields: UnsafeBufferPointer<UnsafeRawBufferPointer?>) throws(LumiereError) {
        try widen(to: fields.count)
        rowCount += 1
        for i in 0..<fields.count {
            if let f = fields[i], !inferences[i].isSettledAsText { inferences[i].observe(f) }
        }
    }

    /// Ends the pass. `keys` name the columns (made unique ignoring case, as SQLite compares
    /// names); `notes` go first among the warnings.
    public func finish(format: UploadFormat, keys: [String], notes: [String] = []) throws(LumiereError) -> CSVAnalysis {
        if rowCount == 0 || inferences.isEmpty {
            throw LumiereError(.emptyFile, "the file has no rows",
                               hint: format == .xlsx
                                   ? "the sheet needs a header row and at least one row of data below it"
                                   : "upload a JSON Lines file with one object per line, like {\"region\": \"North\", \"sales\": 12}")
        }
        let width = inferences.count
        let names = HeaderNames.make(from: keys + Array(repeating: "", count: max(0, width - keys.count)))
        var warnings = notes
        var columns: [InferredColumn] = []
        for (name, inference) in zip(names, inferences) {
            let r = inference.resolve()
            if r.ambiguousSlashDates {
                warnings.append("column \(name): dates like 01/02/2024 could be month/day or day/month; read as month/day/year")
            }
            columns.append(InferredColumn(name: name, type: r.type, slashOrder: r.slashOrder))
        }
        let dialect = CSVDialect(delimiter: UInt8(ascii: ","), hasHeader: true, columnCount: width)
        return CSVAnalysis(encoding: .utf8, dialect: dialect, columns: columns, rowCount: rowCount,
                           warnings: warnings, format: format, recordKeys: keys)
    }
}

extension Array where Element == UnsafeRawBufferPointer? {
    /// `withUnsafeBufferPointer` for closures that throw `LumiereError`.
    @inline(__always)
    func withUnsafeBufferPointerTyped(
        _ body: (UnsafeBufferPointer<UnsafeRawBufferPointer?>) throws(LumiereError) -> Void) throws(LumiereError) {
        let result: Result<Void, LumiereError> = withUnsafeBufferPointer { p in
            do throws(LumiereError) { try body(p); return .success(()) } catch { return .failure(error) }
        }
        try result.get()
    }
}

// RecordTableAnalyzer: the first pass for uploads that arrive as records rather than
// delimited text (JSON Lines objects, workbook rows) — the same type inference as CSV.
//
// Inputs: one record at a time as fields by column index (nil = no value); the table
// widens when a record has more fields than any before (earlier records were NULL there).
// With `detectsHeader`, the first records (up to `DialectDetector.maxSampleRows`) are held
// back and the CSV header rule decides whether the first one is a header row.
// Outputs: `finish` gives the `CSVAnalysis` the second pass (`CSVConverter`) needs: column
// names (header, keys, or `column_N`), types, the row count and warnings.
// Memory: the held-back sample (at most 200 records) and one inference per column.
// Failure modes: `too_many_columns` when the table would be wider than `maxColumns`,
// `empty_file` when no record (or only a header) was seen.

public final class RecordTableAnalyzer {
    public let limits: CSVLimits
    let detectsHeader: Bool
    private var inferences: [ColumnTypeInference] = []
    /// Records held back until the header is decided (detectsHeader only).
    private var heldBack: [[[UInt8]?]] = []
    private var headerDecided: Bool
    public private(set) var headerFields: [String]?
    /// Data records seen (a header row excluded).
    public private(set) var rowCount = 0

    public init(limits: CSVLimits = CSVLimits(), detectsHeader: Bool) {
        self.limits = limits
        self.detectsHeader = detectsHeader
        headerDecided = !detectsHeader
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
        if !headerDecided {
            heldBack.append(fields.map { $0.map { Array($0) } })
            if heldBack.count >= DialectDetector.maxSampleRows { try decideHeader() }
            return
        }
        rowCount += 1
        for i in 0..<fields.count {
            if let f = fields[i], !inferences[i].isSettledAsText { inferences[i].observe(f) }
        }
    }

    private func decideHeader() throws(LumiereError) {
        headerDecided = true
        let rows = heldBack
        heldBack = []
        guard let first = rows.first else { return }
        // Blank cells count as empty text, as an empty CSV field would.
        let sample = rows.map { $0.map { $0 ?? [] } }
        var replay = rows[...]
        if DialectDetector.detectHeader(sample) {
            headerFields = first.map { String(decoding: $0 ?? [], as: UTF8.self) }
            replay = rows.dropFirst()
        }
        for row in replay {
            var buffers: [UnsafeRawBufferPointer?] = []
            // Each held-back field is an array; observe them through stable pointers.
            try Self.withPointers(row, into: &buffers) { (fields) throws(LumiereError) in
                rowCount += 1
                for i in 0..<fields.count {
                    if let f = fields[i], !inferences[i].isSettledAsText { inferences[i].observe(f) }
                }
            }
        }
    }

    /// Calls `body` with `row`'s fields as buffer pointers valid during the call.
    static func withPointers(_ row: [[UInt8]?], into buffers: inout [UnsafeRawBufferPointer?],
                             _ body: (UnsafeBufferPointer<UnsafeRawBufferPointer?>) throws(LumiereError) -> Void) throws(LumiereError) {
        // One contiguous copy, so every pointer stays valid for the whole call.
        var joined: [UInt8] = []
        var ranges: [Range<Int>?] = []
        for field in row {
            if let field {
                ranges.append(joined.count..<(joined.count + field.count))
                joined += field
            } else {
                ranges.append(nil)
            }
        }
        try joined.withBytes { (base) throws(LumiereError) in
            buffers = ranges.map { r in r.map { UnsafeRawBufferPointer(rebasing: base[$0]) } }
            try buffers.withUnsafeBufferPointerTyped(body)
        }
    }

    /// Ends the pass. `keys` names the columns (JSON Lines); otherwise the header row or
    /// `column_N`. `notes` go first among the warnings.
    public func finish(format: UploadFormat, encoding: CSVEncoding = .utf8, keys: [String]? = nil,
                       sheet: String? = nil, notes: [String] = []) throws(LumiereError) -> CSVAnalysis {
        if !headerDecided { try decideHeader() }
        if rowCount == 0 || inferences.isEmpty {
            throw LumiereError(.emptyFile, "the file has no rows",
                               hint: format == .jsonl ? "upload a JSON Lines file with one object per line"
                                   : "put a header row and at least one data row on the sheet")
        }
        let width = inferences.count
        let names: [String]
        if let keys {
            names = HeaderNames.make(from: keys + Array(repeating: "", count: max(0, width - keys.count)))
        } else if let headerFields {
            names = HeaderNames.make(from: headerFields + Array(repeating: "", count: max(0, width - headerFields.count)))
        } else {
            names = HeaderNames.generic(count: width)
        }
        var warnings = notes
        var columns: [InferredColumn] = []
        for (name, inference) in zip(names, inferences) {
            let r = inference.resolve()
            if r.ambiguousSlashDates {
                warnings.append("column \(name): dates like 01/02/2024 could be month/day or day/month; read as month/day/year")
            }
            columns.append(InferredColumn(name: name, type: r.type, slashOrder: r.slashOrder))
        }
        let dialect = CSVDialect(delimiter: UInt8(ascii: ","), hasHeader: keys != nil || headerFields != nil,
                                 columnCount: width)
        return CSVAnalysis(encoding: encoding, dialect: dialect, columns: columns, rowCount: rowCount,
                           warnings: warnings, format: format, sheet: sheet, recordKeys: keys)
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

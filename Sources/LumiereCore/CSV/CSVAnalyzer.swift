// CSVAnalyzer: the first pass over a CSV file — encoding, dialect, header and the type
// of every column, from every row.
//
// Inputs: the file's bytes (already decompressed) in chunks, in order; `finish()` at
// the end. The first `sampleBytes` are held back to detect the dialect.
// Outputs: `CSVAnalysis` — what the second pass (`CSVConverter`) needs to read the file
// again the same way, plus warnings. When bytes that are not UTF-8 turn up after the
// sample, `needsWindows1252Restart` becomes true (feeding more is ignored) and
// `finish()` returns nil: the caller runs a new analyzer with
// `forcedEncoding: .windows1252` over the whole file.
// Failure modes: `empty_file` (no bytes, or no records), `not_csv` (binary),
// `malformed_csv` (unclosed quote), `field_too_large`, `too_many_columns`.

public struct InferredColumn: Sendable, Equatable {
    public var name: String
    public var type: ColumnType
    /// How `a/b/yyyy` dates in this column are read.
    public var slashOrder: SlashOrder
    /// Whether numbers in this column are written with a decimal comma (`1.234,56`).
    public var decimalComma: Bool = false

    public init(name: String, type: ColumnType, slashOrder: SlashOrder, decimalComma: Bool = false) {
        self.name = name
        self.type = type
        self.slashOrder = slashOrder
        self.decimalComma = decimalComma
    }
}

public struct CSVAnalysis: Sendable, Equatable {
    public var encoding: CSVEncoding
    public var dialect: CSVDialect
    public var columns: [InferredColumn]
    /// Data records (the header excluded).
    public var rowCount: Int
    public var warnings: [String]
    /// The upload's format; for JSON Lines the second pass is fed records
    /// (`CSVConverter.convert(fields:into:)`), not bytes.
    public var format: UploadFormat = .csv
    /// JSON Lines: the key of every column, in column order (names may differ: they are
    /// made unique ignoring case, as SQLite compares them).
    public var recordKeys: [String]?

    public init(encoding: CSVEncoding, dialect: CSVDialect, columns: [InferredColumn], rowCount: Int,
                warnings: [String], format: UploadFormat = .csv, recordKeys: [String]? = nil) {
        self.encoding = encoding
        self.dialect = dialect
        self.columns = columns
        self.rowCount = rowCount
        self.warnings = warnings
        self.format = format
        self.recordKeys = recordKeys
    }
}

public final class CSVAnalyzer {
    // Stored properties skip Swift's dynamic exclusivity checks (about 4% of ingest time
    // in perf): the instance is used from one thread and no method overlaps accesses.
    public let limits: CSVLimits
    let forcedEncoding: CSVEncoding?
    let sampleBytes: Int
    @exclusivity(unchecked) private var sample: [UInt8] = []
    @exclusivity(unchecked) private var sampleLineBreaks = 0
    @exclusivity(unchecked) private var validator = UTF8Validator()
    @exclusivity(unchecked) private var started = false
    @exclusivity(unchecked) private var decoder = CSVByteDecoder(encoding: .utf8)
    @exclusivity(unchecked) private var dialect = CSVDialect(delimiter: UInt8(ascii: ","), hasHeader: true, columnCount: 1)
    @exclusivity(unchecked) private var tokenizer: CSVTokenizer?
    @exclusivity(unchecked) private var shaper: RowShaper?
    @exclusivity(unchecked) private var inferences: [ColumnTypeInference] = []
    @exclusivity(unchecked) private var headerFields: [String]?
    @exclusivity(unchecked) private var sawFirstRow = false
    @exclusivity(unchecked) private var dataRows = 0
    @exclusivity(unchecked) public private(set) var needsWindows1252Restart = false

    public init(limits: CSVLimits = CSVLimits(), forcedEncoding: CSVEncoding? = nil, sampleBytes: Int = 64 * 1024) {
        self.limits = limits
        self.forcedEncoding = forcedEncoding
        self.sampleBytes = max(1024, sampleBytes)
    }

    public func feed(_ chunk: UnsafeRawBufferPointer) throws(LumiereError) {
        if needsWindows1252Restart || chunk.isEmpty { return }
        // UTF-8 validation decides between UTF-8 and Windows-1252; a UTF-16 file (known
        // once started) is not UTF-8 either way.
        if forcedEncoding == nil && (!started || decoder.encoding.isUTF8) { validator.validate(chunk) }
        if !started {
            sample.append(contentsOf: chunk)
            sampleLineBreaks += chunk.reduce(0) { $0 + ($1 == 0x0A || $1 == 0x0D ? 1 : 0) }
            // Detection needs a few whole records: a very wide header can be longer than
            // the sample, so keep reading (up to 16 MiB) until two line breaks.
            if sample.count >= sampleBytes && (sampleLineBreaks >= 2 || sample.count >= min(limits.maxRowBytes, 16 << 20)) {
                try start(isComplete: false)
            }
            return
        }
        if forcedEncoding == nil && !validator.isValid && decoder.encoding.isUTF8 {
            needsWindows1252Restart = true
            return
        }
        try decoder.decode(chunk) { (text) throws(LumiereError) in
            try tokenizer!.feed(text, handleRow)
        }
    }

    /// Ends the pass. Returns nil when the file turned out not to be UTF-8: run a new
    /// analyzer with `forcedEncoding: .windows1252` over the whole file.
    public func finish() throws(LumiereError) -> CSVAnalysis? {
        if needsWindows1252Restart { return nil }
        if !started { try start(isComplete: true) }
        if forcedEncoding == nil {
            validator.finish()
            if !validator.isValid && decoder.encoding.isUTF8 {
                needsWindows1252Restart = true
                return nil
            }
        }
        guard let tokenizer, let shaper else { throw Self.emptyError }
        try decoder.finish { (text) throws(LumiereError) in try tokenizer.feed(text, handleRow) }
        try tokenizer.finish(handleRow)
        if !sawFirstRow { throw Self.emptyError }

        let names = headerFields.map(HeaderNames.make) ?? HeaderNames.generic(count: dialect.columnCount)
        var warnings: [String] = []
        if decoder.encoding == .windows1252 {
            warnings.append("the file is not valid UTF-8; it was read as Windows-1252 (Latin-1)")
        }
        if decoder.replacedSequences > 0 {
            warnings.append("\(decoder.replacedSequences) broken UTF-16 sequence(s) were replaced with U+FFFD")
        }
        warnings += shaper.warnings
        var columns: [InferredColumn] = []
        for (name, inference) in zip(names, inferences) {
            let r = inference.resolve()
            if r.ambiguousSlashDates {
                warnings.append("column \(name): dates like 01/02/2024 could be month/day or day/month; read as month/day/year")
            }
            if r.decimalComma {
                warnings.append("column \(name): numbers are written with a decimal comma (1.234,56 is 1234.56)")
            }
            columns.append(InferredColumn(name: name, type: r.type, slashOrder: r.slashOrder, decimalComma: r.decimalComma))
        }
        return CSVAnalysis(encoding: decoder.encoding, dialect: dialect, columns: columns,
                           rowCount: dataRows, warnings: warnings)
    }

    static let emptyError = LumiereError(.emptyFile, "the file has no rows",
                                         hint: "upload a CSV file with a header row and at least one data row")

    private func start(isComplete: Bool) throws(LumiereError) {
        started = true
        let raw = sample
        sample = []
        if raw.isEmpty { throw Self.emptyError }
        let utf16 = raw.withUnsafeBytes { CSVByteDecoder.utf16BOM($0) }
        // UTF-16 text is full of NUL bytes: it is checked for binary once decoded.
        if utf16 == nil {
            try raw.withBytes { (p) throws(LumiereError) in try DialectDetector.checkLooksLikeText(p) }
        }
        let hasBOM = raw.withUnsafeBytes { CSVByteDecoder.hasBOM($0) }
        let encoding: CSVEncoding
        if let forcedEncoding {
            encoding = forcedEncoding
        } else if let utf16 {
            encoding = utf16
        } else if !validator.isValid || (isComplete && { var v = validator; v.finish(); return !v.isValid }()) {
            encoding = .windows1252
        } else {
            encoding = hasBOM ? .utf8BOM : .utf8
        }
        decoder = CSVByteDecoder(encoding: encoding)
        var text: [UInt8] = []
        try raw.withBytes { (p) throws(LumiereError) in
            try decoder.decode(p) { (t) throws(LumiereError) in text.append(contentsOf: t) }
        }
        if isComplete {
            try decoder.finish { (t) throws(LumiereError) in text.append(contentsOf: t) }
        }
        if text.isEmpty { throw Self.emptyError }
        if utf16 != nil {
            try text.withBytes { (p) throws(LumiereError) in try DialectDetector.checkLooksLikeText(p) }
        }
        // Detect on about `sampleBytes` (the first read may be much larger), unless that
        // cuts the sample before its second record.
        var detectCount = text.count
        if text.count > sampleBytes && text[..<sampleBytes].lazy.filter({ $0 == 0x0A || $0 == 0x0D }).count >= 2 {
            detectCount = sampleBytes
        }
        dialect = try text.withBytes { (p) throws(LumiereError) in
            try DialectDetector.detect(sample: UnsafeRawBufferPointer(rebasing: p[..<detectCount]),
                                       isComplete: isComplete && detectCount == text.count, limits: limits)
        }
        let tokenizer = CSVTokenizer(delimiter: dialect.delimiter, limits: limits)
        self.tokenizer = tokenizer
        shaper = RowShaper(columnCount: dialect.columnCount, delimiter: dialect.delimiter)
        inferences = Array(repeating: ColumnTypeInference(decimalComma: dialect.allowsDecimalComma),
                           count: dialect.columnCount)
        try text.withBytes { (p) throws(LumiereError) in try tokenizer.feed(p, handleRow) }
    }

    private func handleRow(_ row: CSVRow) throws(LumiereError) {
        if !sawFirstRow {
            sawFirstRow = true
            if dialect.hasHeader {
                headerFields = row.strings
                if row.count != dialect.columnCount {
                    dialect.columnCount = row.count
                    shaper = RowShaper(columnCount: row.count, delimiter: dialect.delimiter)
                    inferences = Array(repeating: ColumnTypeInference(decimalComma: dialect.allowsDecimalComma),
                                       count: row.count)
                }
                return
            }
        }
        guard let shaper else { return }
        dataRows += 1
        shaper.prepare(row)
        for i in 0..<inferences.count {
            if inferences[i].isSettledAsText { continue }
            if let f = shaper.field(row, i) { inferences[i].observe(f) }
        }
    }
}

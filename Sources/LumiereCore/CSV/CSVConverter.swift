// CSVConverter: the second pass — reads the file again exactly as the analysis says and
// turns every field into the value stored for its column's type, while profiling.
//
// Inputs: the `CSVAnalysis` of the first pass, then the same bytes in chunks.
// Outputs: one row of `CSVCell`s per record, handed to a `CSVRowSink` (the store binds
// them to an INSERT); at the end `profile()` gives the `SourceProfile` and `ValueIndex`.
// Storage rules: null tokens are NULL in typed columns; in TEXT columns only an empty
// field is NULL and every other text is kept exactly (so "NA" in a text column stays);
// BOOLEAN is 1/0; DATE `YYYY-MM-DD`; DATETIME `YYYY-MM-DD HH:MM:SS`. A value that does
// not convert (cannot happen after a consistent first pass) is stored as its text.
// Text cells point into buffers reused for the next row: sinks must copy or use them
// before returning.
// Failure modes: the tokenizer's errors; whatever the sink throws.

public enum CSVCell {
    case null
    case integer(Int64)
    case real(Double)
    case text(UnsafeRawBufferPointer)
}

public protocol CSVRowSink {
    /// One record's cells, one per column, valid only during the call.
    mutating func consume(_ cells: UnsafeBufferPointer<CSVCell>) throws(LumiereError)
}

/// The second pass of any upload format: bytes in, rows into a sink, a profile at the end.
/// The store's ingest drives CSV and JSON Lines through this one shape.
public protocol UploadRowConverter: AnyObject {
    func feed<Sink: CSVRowSink>(_ chunk: UnsafeRawBufferPointer, into sink: inout Sink) throws(LumiereError)
    func finish<Sink: CSVRowSink>(into sink: inout Sink) throws(LumiereError)
    func profile() -> (SourceProfile, ValueIndex)
}

public final class CSVConverter: UploadRowConverter {
    // Stored properties skip Swift's dynamic exclusivity checks (about 4% of ingest time
    // in perf): the instance is used from one thread and no method overlaps accesses.
    public let analysis: CSVAnalysis
    @exclusivity(unchecked) private var decoder: CSVByteDecoder
    private let tokenizer: CSVTokenizer
    private let shaper: RowShaper
    // Per-column state in plain buffers: the hot loop indexes them once per cell, and
    // arrays in a class would add exclusivity and uniqueness checks to every access.
    private let columnCount: Int
    private let types: UnsafeMutablePointer<ColumnType>
    private let orders: UnsafeMutablePointer<SlashOrder>
    private let decimalCommas: UnsafeMutablePointer<Bool>
    private let accumulators: UnsafeMutablePointer<ColumnProfileAccumulator>
    private let cells: UnsafeMutablePointer<CSVCell>
    private let scratch: UnsafeMutablePointer<UInt8>
    private static let scratchStride = 24
    @exclusivity(unchecked) private var skipHeader: Bool
    @exclusivity(unchecked) public private(set) var rowCount = 0

    public init(analysis: CSVAnalysis, limits: CSVLimits = CSVLimits(),
                profileOptions: CSVProfileOptions = CSVProfileOptions()) {
        self.analysis = analysis
        decoder = CSVByteDecoder(encoding: analysis.encoding)
        tokenizer = CSVTokenizer(delimiter: analysis.dialect.delimiter, limits: limits)
        let n = analysis.columns.count
        shaper = RowShaper(columnCount: n, delimiter: analysis.dialect.delimiter)
        columnCount = n
        types = .allocate(capacity: max(1, n))
        types.initialize(from: analysis.columns.map(\.type), count: n)
        orders = .allocate(capacity: max(1, n))
        orders.initialize(from: analysis.columns.map(\.slashOrder), count: n)
        decimalCommas = .allocate(capacity: max(1, n))
        decimalCommas.initialize(from: analysis.columns.map(\.decimalComma), count: n)
        let perColumnCap = max(profileOptions.valueIndexCap + 1,
                               min(profileOptions.distinctExactCap, profileOptions.distinctBudget / max(1, n)))
        accumulators = .allocate(capacity: max(1, n))
        accumulators.initialize(from: analysis.columns.map {
            ColumnProfileAccumulator(name: $0.name, type: $0.type, exactDistinctCap: perColumnCap,
                                     valueIndexCap: profileOptions.valueIndexCap)
        }, count: n)
        cells = .allocate(capacity: max(1, n))
        cells.initialize(repeating: .null, count: max(1, n))
        scratch = .allocate(capacity: max(1, n) * Self.scratchStride)
        skipHeader = analysis.dialect.hasHeader
    }

    deinit {
        cells.deinitialize(count: max(1, columnCount))
        cells.deallocate()
        scratch.deallocate()
        types.deinitialize(count: columnCount)
        types.deallocate()
        orders.deinitialize(count: columnCount)
        orders.deallocate()
        decimalCommas.deinitialize(count: columnCount)
        decimalCommas.deallocate()
        accumulators.deinitialize(count: columnCount)
        accumulators.deallocate()
    }

    public func feed<Sink: CSVRowSink>(_ chunk: UnsafeRawBufferPointer, into sink: inout Sink) throws(LumiereError) {
        try decoder.decode(chunk) { (text) throws(LumiereError) in
            try tokenizer.feed(text) { (row) throws(LumiereError) in try convert(row, &sink) }
        }
    }

    public func finish<Sink: CSVRowSink>(into sink: inout Sink) throws(LumiereError) {
        try decoder.finish { (text) throws(LumiereError) in
            try tokenizer.feed(text) { (row) throws(LumiereError) in try convert(row, &sink) }
        }
        try tokenizer.finish { (row) throws(LumiereError) in try convert(row, &sink) }
    }

    /// The profile and value index of what was converted.
    public func profile() -> (SourceProfile, ValueIndex) {
        var index = ValueIndex()
        let all = Array(UnsafeBufferPointer(start: accumulators, count: columnCount))
        for a in all where a.type == .text {
            index.values[a.name] = a.indexValues
            if a.indexTruncated { index.truncatedColumns.append(a.name) }
        }
        let isCSV = analysis.format == .csv
        let profile = SourceProfile(rowCount: rowCount, columns: all.map(\.profile),
                                    warnings: analysis.warnings, encoding: analysis.encoding.rawValue,
                                    delimiter: isCSV ? analysis.dialect.delimiterText : "",
                                    hasHeader: analysis.dialect.hasHeader,
                                    format: analysis.format.rawValue)
        return (profile, index)
    }

    /// One record given as fields by column (JSON Lines): nil or a missing
    /// trailing field is NULL.
    public func convert<Sink: CSVRowSink>(fields: UnsafeBufferPointer<UnsafeRawBufferPointer?>,
                                          into sink: inout Sink) throws(LumiereError) {
        let n = columnCount
        for i in 0..<n {
            cells[i] = cell(i < fields.count ? fields[i] : nil, column: i)
        }
        rowCount += 1
        try sink.consume(UnsafeBufferPointer(start: cells, count: n))
    }

    @inline(__always)
    private func convert<Sink: CSVRowSink>(_ row: CSVRow, _ sink: inout Sink) throws(LumiereError) {
        if skipHeader {
            skipHeader = false
            return
        }
        shaper.prepare(row)
        let n = columnCount
        for i in 0..<n {
            cells[i] = cell(shaper.field(row, i), column: i)
        }
        rowCount += 1
        try sink.consume(UnsafeBufferPointer(start: cells, count: n))
    }

    @inline(__always)
    private func cell(_ field: UnsafeRawBufferPointer?, column i: Int) -> CSVCell {
        guard let field else {
            accumulators[i].addNull()
            return .null
        }
        let type = types[i]
        if type == .text {
            if field.isEmpty {
                accumulators[i].addNull()
                return .null
            }
            accumulators[i].add(text: field)
            return .text(field)
        }
        let t = ValueParsing.trim(field)
        if ValueParsing.isNull(t) {
            accumulators[i].addNull()
            return .null
        }
        switch type {
        case .integer, .real:
            switch decimalCommas[i] ? ValueParsing.parseDecimalCommaNumber(t) : ValueParsing.parseNumber(t) {
            case .integer(let v)? where type == .integer:
                accumulators[i].add(integer: v)
                return .integer(v)
            case let number?:
                let v = number.doubleValue
                accumulators[i].add(real: v)
                return .real(v)
            case nil:
                break
            }
        case .boolean:
            if let b = ValueParsing.parseBool(t) {
                accumulators[i].add(integer: b ? 1 : 0)
                return .integer(b ? 1 : 0)
            }
        case .date, .datetime:
            if let parsed = DateParsing.parse(t), let value = DateParsing.resolve(parsed, order: orders[i]) {
                let out = scratch + i * Self.scratchStride
                let length: Int
                if type == .date {
                    DateParsing.writeDate(value, to: out)
                    length = 10
                } else {
                    DateParsing.writeDateTime(value, to: out)
                    length = 19
                }
                let text = UnsafeRawBufferPointer(start: out, count: length)
                accumulators[i].add(text: text)
                return .text(text)
            }
        case .text:
            break
        }
        accumulators[i].add(text: field)
        return .text(field)
    }
}

// DialectDetector: looks at the start of a file and decides how to read it.
//
// Inputs: the first bytes of the file (raw for the text check, decoded UTF-8 for the
// rest) and whether that sample is the whole file.
// Outputs: `CSVDialect` — the delimiter among `,` `;` TAB `|` (the one giving the most
// consistent field count over the sample's complete records, more than one field, ties
// broken in that order), whether the first record is a header, and the column count.
// Header rule: the first record is data when any of its fields is a number or a date;
// it is a header when some column below holds mostly numbers or dates; with text only,
// it is a header unless one of its values appears again in its column.
// Failure modes: `not_csv` for binary data (NUL bytes, or more than 1% control
// characters); errors of the tokenizer (field or column caps) when no delimiter works.

public struct CSVDialect: Sendable, Equatable {
    public var delimiter: UInt8
    public var hasHeader: Bool
    /// Columns of the table: the header's width, or the widest sampled record without one.
    public var columnCount: Int

    public init(delimiter: UInt8, hasHeader: Bool, columnCount: Int) {
        self.delimiter = delimiter
        self.hasHeader = hasHeader
        self.columnCount = columnCount
    }

    /// Whether numbers may be written with a decimal comma: not in comma-delimited files,
    /// where an unquoted `1,5` would be two fields and `1,234` means one thousand.
    public var allowsDecimalComma: Bool { delimiter != UInt8(ascii: ",") }

    /// The delimiter as text ("," ";" "\t" "|").
    public var delimiterText: String { String(UnicodeScalar(delimiter)) }
}

public enum DialectDetector {
    public static let candidates: [UInt8] = [UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "\t"), UInt8(ascii: "|")]
    /// Records looked at for the header and delimiter decisions.
    static let maxSampleRows = 200

    /// Rejects binary files: NUL bytes or too many control characters.
    public static func checkLooksLikeText(_ raw: UnsafeRawBufferPointer) throws(LumiereError) {
        var controls = 0
        for b in raw {
            if b == 0 {
                throw LumiereError(.notCSV, "the file contains NUL bytes, so it is binary, not CSV text",
                                   hint: "upload a CSV file; a spreadsheet (.xlsx) or a UTF-16 export must first be saved as \"CSV UTF-8\"")
            }
            if (b < 0x20 && b != 0x09 && b != 0x0A && b != 0x0D && b != 0x0C) || b == 0x7F { controls += 1 }
        }
        if raw.count > 0 && controls * 100 > raw.count {
            throw LumiereError(.notCSV, "the file contains many control characters, so it is binary, not CSV text",
                               hint: "upload a CSV file; a spreadsheet or archive must first be exported as CSV")
        }
    }

    public static func detect(sample: UnsafeRawBufferPointer, isComplete: Bool,
                              limits: CSVLimits) throws(LumiereError) -> CSVDialect {
        var best: (delimiter: UInt8, share: Double, rows: [[[UInt8]]], width: Int)?
        var firstError: LumiereError?
        for delimiter in candidates {
            let sampled: (rows: [[[UInt8]]], counts: [Int])
            do {
                sampled = try sampleRows(sample, delimiter: delimiter, isComplete: isComplete, limits: limits)
            } catch {
                if firstError == nil { firstError = error }
                continue
            }
            let counts = sampled.counts
            guard !counts.isEmpty else { continue }
            var frequency: [Int: Int] = [:]
            for c in counts { frequency[c, default: 0] += 1 }
            // Modal field count; prefer the wider one on a tie.
            guard let mode = frequency.max(by: { $0.value < $1.value || ($0.value == $1.value && $0.key < $1.key) }),
                  mode.key > 1 else { continue }
            let share = Double(mode.value) / Double(counts.count)
            if best == nil || share > best!.share + 1e-9 {
                best = (delimiter, share, sampled.rows, counts.max() ?? mode.key)
            }
        }
        guard let best else {
            // No delimiter gives more than one field: a one-column file, read with commas.
            if let firstError, firstError.code != .malformedCSV { throw firstError }
            let sampled = try sampleRows(sample, delimiter: UInt8(ascii: ","), isComplete: isComplete, limits: limits)
            return CSVDialect(delimiter: UInt8(ascii: ","), hasHeader: detectHeader(sampled.rows), columnCount: 1)
        }
        let hasHeader = detectHeader(best.rows, decimalComma: best.delimiter != UInt8(ascii: ","))
        let width = hasHeader ? (best.rows.first?.count ?? best.width) : best.width
        return CSVDialect(delimiter: best.delimiter, hasHeader: hasHeader, columnCount: max(1, width))
    }

    /// Complete records of the sample (fields as bytes, first `maxSampleRows`) and the
    /// field count of every complete record.
    static func sampleRows(_ sample: UnsafeRawBufferPointer, delimiter: UInt8, isComplete: Bool,
                           limits: CSVLimits) throws(LumiereError) -> (rows: [[[UInt8]]], counts: [Int]) {
        let tokenizer = CSVTokenizer(delimiter: delimiter, limits: limits)
        var rows: [[[UInt8]]] = []
        var counts: [Int] = []
        let collect = { (row: CSVRow) throws(LumiereError) -> Void in
            counts.append(row.count)
            if rows.count < maxSampleRows {
                rows.append((0..<row.count).map { Array(row.field($0)) })
            }
        }
        try tokenizer.feed(sample, collect)
        if isComplete {
            do { try tokenizer.finish(collect) } catch where error.code == .malformedCSV {
                // An unclosed quote is reported with its line by the full read.
            }
        }
        return (rows, counts)
    }

    static func isTyped(_ field: [UInt8], decimalComma: Bool = false) -> Bool {
        field.withUnsafeBytes { raw in
            let t = ValueParsing.trim(raw)
            if ValueParsing.isNull(t) { return false }
            return ValueParsing.parseNumber(t) != nil || DateParsing.parse(t) != nil
                || (decimalComma && ValueParsing.parseDecimalCommaNumber(t) != nil)
        }
    }

    static func isBlank(_ field: [UInt8]) -> Bool {
        field.withUnsafeBytes { ValueParsing.trim($0).isEmpty }
    }

    static func detectHeader(_ rows: [[[UInt8]]], decimalComma: Bool = false) -> Bool {
        let isTyped = { (field: [UInt8]) in Self.isTyped(field, decimalComma: decimalComma) }
        guard let first = rows.first else { return true }
        if first.contains(where: isTyped) { return false }
        let data = rows.dropFirst()
        if data.isEmpty { return true }
        for column in first.indices {
            var typed = 0, filled = 0
            for row in data where column < row.count {
                let f = row[column]
                if isBlank(f) { continue }
                filled += 1
                if isTyped(f) { typed += 1 }
            }
            if filled > 0 && typed * 2 >= filled { return true }
        }
        // Text only: a header value would not repeat as data in its own column.
        for (column, value) in first.enumerated() where !isBlank(value) {
            if data.contains(where: { column < $0.count && $0[column] == value }) { return false }
        }
        return true
    }
}

// JSONLinesReader: both passes over a JSON Lines upload (`.jsonl`), streamed in chunks.
//
// Inputs: the file's bytes (already decompressed) in chunks of any size, split anywhere.
// Outputs: `JSONLinesAnalyzer` (pass 1) gives a `CSVAnalysis`: one column per key, the
// union of every line's keys in first-seen order, typed by the CSV rules from the values'
// text (a JSON string "12" is a number like a CSV field 12; true/false are BOOLEAN; null
// and missing keys are NULL). Nested objects and arrays are kept as their JSON text in a
// TEXT column, with a warning. `JSONLinesConverter` (pass 2) hands each line to
// `CSVConverter` as fields, so storage and profile are exactly CSV's.
// Rules: blank lines are skipped; a UTF-8 BOM is ignored; CRLF is accepted. A key given
// twice in one object keeps its last value (as JavaScript does).
// Memory: one line (at most `CSVLimits.maxRowBytes`) plus its decoded values.
// Failure modes: `malformed_json` (a line that is not one JSON object, not UTF-8, a UTF-16
// file), `json_too_deep`, `field_too_large` (a value, or a line over the row cap),
// `too_many_columns` (more distinct keys than `maxColumns`), `empty_file`.

import Foundation

/// Splits a byte stream into lines without copying those that lie inside one chunk.
struct LineSplitter {
    let maxLineBytes: Int
    private var partial: [UInt8] = []
    private var line = 0
    private var atStart = true
    private var head: [UInt8] = []

    init(maxLineBytes: Int) { self.maxLineBytes = maxLineBytes }

    mutating func feed(_ chunk: UnsafeRawBufferPointer,
                       _ onLine: (UnsafeRawBufferPointer, Int) throws(LumiereError) -> Void) throws(LumiereError) {
        var chunk = chunk
        if atStart {
            // The first three bytes are held until the BOM question is settled: a feed may
            // split a BOM anywhere.
            let take = min(3 - head.count, chunk.count)
            head += UnsafeRawBufferPointer(rebasing: chunk[..<take])
            chunk = UnsafeRawBufferPointer(rebasing: chunk[take...])
            if head.count < 3 { return }
            try settleStart(onLine)
        }
        try split(chunk, onLine)
    }

    /// Drops a UTF-8 BOM, refuses UTF-16, and passes the held bytes on as text.
    private mutating func settleStart(_ onLine: (UnsafeRawBufferPointer, Int) throws(LumiereError) -> Void) throws(LumiereError) {
        atStart = false
        let held = head
        head = []
        if held == [0xEF, 0xBB, 0xBF] { return }
        if held.withUnsafeBytes({ CSVByteDecoder.utf16BOM($0) }) != nil {
            throw LumiereError(.malformedJSON, "the file is UTF-16; JSON Lines must be UTF-8",
                               hint: "save the file as UTF-8")
        }
        try held.withBytes { (p) throws(LumiereError) in try split(p, onLine) }
    }

    private mutating func split(_ chunk: UnsafeRawBufferPointer,
                                _ onLine: (UnsafeRawBufferPointer, Int) throws(LumiereError) -> Void) throws(LumiereError) {
        var start = 0
        let n = chunk.count
        while start < n {
            guard let base = chunk.baseAddress,
                  let found = memchr(base + start, 0x0A, n - start) else {
                try append(UnsafeRawBufferPointer(rebasing: chunk[start..<n]))
                return
            }
            let end = base.distance(to: UnsafeRawPointer(found))
            if partial.isEmpty {
                try emit(UnsafeRawBufferPointer(rebasing: chunk[start..<end]), onLine)
            } else {
                try append(UnsafeRawBufferPointer(rebasing: chunk[start..<end]))
                let whole = partial
                partial.removeAll(keepingCapacity: true)
                try whole.withBytes { (p) throws(LumiereError) in try emit(p, onLine) }
            }
            start = end + 1
        }
    }

    mutating func finish(_ onLine: (UnsafeRawBufferPointer, Int) throws(LumiereError) -> Void) throws(LumiereError) {
        if atStart { try settleStart(onLine) }
        guard !partial.isEmpty else { return }
        let whole = partial
        partial = []
        try whole.withBytes { (p) throws(LumiereError) in try emit(p, onLine) }
    }

    private mutating func append(_ bytes: UnsafeRawBufferPointer) throws(LumiereError) {
        if partial.count + bytes.count > maxLineBytes { throw tooLong(line + 1) }
        partial.append(contentsOf: bytes)
    }

    private mutating func emit(_ bytes: UnsafeRawBufferPointer,
                               _ onLine: (UnsafeRawBufferPointer, Int) throws(LumiereError) -> Void) throws(LumiereError) {
        line += 1
        if bytes.count > maxLineBytes { throw tooLong(line) }
        var end = bytes.count
        if end > 0 && bytes[end - 1] == 0x0D { end -= 1 }
        let text = UnsafeRawBufferPointer(rebasing: bytes[..<end])
        if text.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return }
        try onLine(text, line)
    }

    private func tooLong(_ line: Int) -> LumiereError {
        LumiereError(.fieldTooLarge, "line \(line) is longer than \(maxLineBytes) bytes",
                     hint: "JSON Lines uploads need one object per line; split very large records")
    }
}

/// Finds a key's column, remembering the previous line's key order so that files whose
/// lines repeat the same keys never hash or allocate a key.
struct KeyColumns {
    private var index: [String: Int] = [:]
    private(set) var keys: [String] = []
    private var lastKeys: [[UInt8]] = []
    private var lastColumns: [Int] = []

    init(keys: [String] = []) {
        for key in keys { _ = insert(key) }
    }

    /// The column of the key at `position` in the line; new keys get the next column
    /// when `adding`, else nil (pass 2 knows every key from pass 1).
    mutating func column(_ key: UnsafeRawBufferPointer, position: Int, adding: Bool) -> Int? {
        if position < lastKeys.count, Self.same(lastKeys[position], key) { return lastColumns[position] }
        let text = String(decoding: key, as: UTF8.self)
        let column: Int
        if let known = index[text] {
            column = known
        } else {
            guard adding else { return nil }
            column = insert(text)
        }
        if position < lastKeys.count {
            lastKeys[position] = Array(key)
            lastColumns[position] = column
        } else if position == lastKeys.count {
            lastKeys.append(Array(key))
            lastColumns.append(column)
        }
        return column
    }

    @inline(__always)
    private static func same(_ known: [UInt8], _ key: UnsafeRawBufferPointer) -> Bool {
        guard known.count == key.count else { return false }
        guard let base = key.baseAddress, !known.isEmpty else { return true }
        return known.withUnsafeBytes { memcmp($0.baseAddress!, base, key.count) == 0 }
    }

    private mutating func insert(_ key: String) -> Int {
        let column = keys.count
        index[key] = column
        keys.append(key)
        return column
    }
}

public final class JSONLinesAnalyzer {
    public let limits: CSVLimits
    private var splitter: LineSplitter
    private var parser: JSONLineParser
    private var validator = UTF8Validator()
    private var keyColumns = KeyColumns()
    private let table: RecordTableAnalyzer
    private var fields: [UnsafeRawBufferPointer?] = []
    private var nestedColumns = Set<Int>()
    private var duplicateKeyLines = 0

    public init(limits: CSVLimits = CSVLimits(), maxDepth: Int = 32) {
        self.limits = limits
        splitter = LineSplitter(maxLineBytes: limits.maxRowBytes)
        parser = JSONLineParser(maxDepth: maxDepth, maxFieldBytes: limits.maxFieldBytes, maxKeys: limits.maxColumns)
        table = RecordTableAnalyzer(limits: limits)
    }

    public func feed(_ chunk: UnsafeRawBufferPointer) throws(LumiereError) {
        validator.validate(chunk)
        try splitter.feed(chunk) { (line, number) throws(LumiereError) in try handle(line, number) }
    }

    public func finish() throws(LumiereError) -> CSVAnalysis {
        try splitter.finish { (line, number) throws(LumiereError) in try handle(line, number) }
        validator.finish()
        if !validator.isValid {
            throw LumiereError(.malformedJSON, "the file is not valid UTF-8, which JSON Lines requires",
                               hint: "save the file as UTF-8")
        }
        var notes: [String] = []
        let keys = keyColumns.keys
        for column in nestedColumns.sorted() {
            notes.append("key \(keys[column]): nested objects or arrays are stored as their JSON text")
        }
        if duplicateKeyLines > 0 {
            notes.append("\(duplicateKeyLines) line(s) gave a key twice; the last value was kept")
        }
        return try table.finish(format: .jsonl, keys: keys, notes: notes)
    }

    private func handle(_ line: UnsafeRawBufferPointer, _ number: Int) throws(LumiereError) {
        try parser.parse(line, line: number)
        let entries = parser.entries
        try parser.arena.withBytes { (arena) throws(LumiereError) in
            for i in fields.indices { fields[i] = nil }
            var duplicate = false
            for (position, entry) in entries.enumerated() {
                let column = keyColumns.column(UnsafeRawBufferPointer(rebasing: arena[entry.key]), position: position, adding: true)!
                if column >= fields.count {
                    try table.widen(to: column + 1)
                    fields += Array(repeating: nil, count: column + 1 - fields.count)
                }
                if fields[column] != nil { duplicate = true }
                if entry.kind == .nested { nestedColumns.insert(column) }
                fields[column] = entry.kind == .null ? nil : UnsafeRawBufferPointer(rebasing: arena[entry.value])
            }
            if duplicate { duplicateKeyLines += 1 }
            try fields.withUnsafeBufferPointerTyped { (f) throws(LumiereError) in try table.observe(f) }
        }
    }
}

public final class JSONLinesConverter: UploadRowConverter {
    public let converter: CSVConverter
    private var splitter: LineSplitter
    private var parser: JSONLineParser
    private var keyColumns: KeyColumns
    private var fields: [UnsafeRawBufferPointer?]

    public init(analysis: CSVAnalysis, limits: CSVLimits = CSVLimits(),
                profileOptions: CSVProfileOptions = CSVProfileOptions(), maxDepth: Int = 32) {
        converter = CSVConverter(analysis: analysis, limits: limits, profileOptions: profileOptions)
        splitter = LineSplitter(maxLineBytes: limits.maxRowBytes)
        parser = JSONLineParser(maxDepth: maxDepth, maxFieldBytes: limits.maxFieldBytes, maxKeys: limits.maxColumns)
        keyColumns = KeyColumns(keys: analysis.recordKeys ?? [])
        fields = Array(repeating: nil, count: analysis.columns.count)
    }

    public func feed<Sink: CSVRowSink>(_ chunk: UnsafeRawBufferPointer, into sink: inout Sink) throws(LumiereError) {
        try splitter.feed(chunk) { (line, number) throws(LumiereError) in try handle(line, number, &sink) }
    }

    public func finish<Sink: CSVRowSink>(into sink: inout Sink) throws(LumiereError) {
        try splitter.finish { (line, number) throws(LumiereError) in try handle(line, number, &sink) }
    }

    public func profile() -> (SourceProfile, ValueIndex) { converter.profile() }

    private func handle<Sink: CSVRowSink>(_ line: UnsafeRawBufferPointer, _ number: Int,
                                          _ sink: inout Sink) throws(LumiereError) {
        try parser.parse(line, line: number)
        let entries = parser.entries
        try parser.arena.withBytes { (arena) throws(LumiereError) in
            for i in fields.indices { fields[i] = nil }
            for (position, entry) in entries.enumerated() {
                // Pass 1 saw the same bytes, so every key has its column.
                guard let column = keyColumns.column(UnsafeRawBufferPointer(rebasing: arena[entry.key]),
                                                     position: position, adding: false), column < fields.count else {
                    throw LumiereError(.internalError, "line \(number) has a key the first pass did not see",
                                       hint: "the file changed while it was read; upload it again", transient: true)
                }
                fields[column] = entry.kind == .null ? nil : UnsafeRawBufferPointer(rebasing: arena[entry.value])
            }
            try fields.withUnsafeBufferPointerTyped { (f) throws(LumiereError) in
                try converter.convert(fields: f, into: &sink)
            }
        }
    }
}

/// Both passes over JSON Lines bytes already in memory, in chunks of a chosen size (tests
/// use tiny chunks to split lines, escapes and the BOM anywhere), as `CSVMemoryReader` does
/// for CSV.
public enum JSONLinesMemoryReader {
    public static func read(_ bytes: [UInt8], limits: CSVLimits = CSVLimits(),
                            profileOptions: CSVProfileOptions = CSVProfileOptions(), maxDepth: Int = 32,
                            chunkSize: Int = 1 << 20) throws(LumiereError) -> CSVTable {
        let chunk = max(1, chunkSize)
        func chunks(_ body: (UnsafeRawBufferPointer) throws(LumiereError) -> Void) throws(LumiereError) {
            try bytes.withBytes { (all) throws(LumiereError) in
                var at = 0
                while at < all.count {
                    let end = min(all.count, at + chunk)
                    try body(UnsafeRawBufferPointer(rebasing: all[at..<end]))
                    at = end
                }
            }
        }
        let analyzer = JSONLinesAnalyzer(limits: limits, maxDepth: maxDepth)
        try chunks { (c) throws(LumiereError) in try analyzer.feed(c) }
        let analysis = try analyzer.finish()
        let converter = JSONLinesConverter(analysis: analysis, limits: limits, profileOptions: profileOptions,
                                           maxDepth: maxDepth)
        var sink = CSVMemoryReader.CollectingSink()
        try chunks { (c) throws(LumiereError) in try converter.feed(c, into: &sink) }
        try converter.finish(into: &sink)
        let (profile, index) = converter.profile()
        return CSVTable(analysis: analysis, rows: sink.rows, profile: profile, valueIndex: index)
    }
}

// CSVTokenizer: an incremental, byte-level RFC 4180 tokenizer.
//
// Inputs: UTF-8 (or any ASCII-compatible) bytes in chunks of any size, split anywhere.
// Outputs: one `CSVRow` per record, handed to a closure. A row's fields are ranges in a
// buffer the tokenizer reuses, so no String is built per field; the row is only valid
// during the call.
// Rules: a field starting with `"` is quoted and may hold delimiters, `""` and line
// breaks; CRLF, LF and lone CR all end a record; blank lines are skipped. Leniency where
// RFC 4180 is silent (as Python's csv module does): a quote inside an unquoted field is
// kept as text, and text after a closing quote is appended to the field.
// Failure modes: `malformed_csv` for a quoted field still open at the end of input,
// `field_too_large` for a field or row over the caps, `too_many_columns` for a row with
// more fields than `maxColumns`; each message names the line.

/// One record: fields are `bounds[i]..<bounds[i+1]` in `base`. Valid only during the
/// callback that receives it.
public struct CSVRow {
    public let base: UnsafeRawPointer
    let bounds: UnsafePointer<Int>
    /// Number of fields.
    public let count: Int
    /// The physical line (1-based) the record starts on.
    public let line: Int

    @inline(__always)
    public func field(_ i: Int) -> UnsafeRawBufferPointer {
        let start = bounds[i]
        return UnsafeRawBufferPointer(start: base + start, count: bounds[i + 1] - start)
    }

    /// The fields as Strings (for samples, headers and tests; not the hot path).
    public var strings: [String] {
        (0..<count).map { String(decoding: field($0), as: UTF8.self) }
    }
}

public final class CSVTokenizer {
    // Stored properties skip Swift's dynamic exclusivity checks (about 4% of ingest time
    // in perf): the instance is used from one thread and no method overlaps accesses.
    private enum State: UInt8 { case fieldStart, unquoted, quoted, quoteInQuoted }

    public let delimiter: UInt8
    public let limits: CSVLimits

    @exclusivity(unchecked) private var buffer: UnsafeMutablePointer<UInt8>
    @exclusivity(unchecked) private var capacity: Int
    @exclusivity(unchecked) private var used = 0
    private let bounds: UnsafeMutablePointer<Int>
    @exclusivity(unchecked) private var fieldCount = 0
    @exclusivity(unchecked) private var state = State.fieldStart
    @exclusivity(unchecked) private var skipLF = false
    @exclusivity(unchecked) private var rowHadQuote = false
    /// Physical line of the next byte (1-based).
    @exclusivity(unchecked) public private(set) var line = 1
    @exclusivity(unchecked) private var rowLine = 1
    @exclusivity(unchecked) private var quoteLine = 1
    /// Records emitted so far.
    @exclusivity(unchecked) public private(set) var rowCount = 0

    private static let quote = UInt8(ascii: "\"")
    private static let lf = UInt8(ascii: "\n")
    private static let cr = UInt8(ascii: "\r")

    public init(delimiter: UInt8, limits: CSVLimits = CSVLimits()) {
        self.delimiter = delimiter
        self.limits = limits
        capacity = 64 * 1024
        buffer = .allocate(capacity: capacity)
        bounds = .allocate(capacity: limits.maxColumns + 2)
        bounds[0] = 0
    }

    deinit {
        buffer.deallocate()
        bounds.deallocate()
    }

    /// Feed the next chunk; `onRow` is called for every record completed in it.
    public func feed(_ chunk: UnsafeRawBufferPointer,
                     _ onRow: (CSVRow) throws(LumiereError) -> Void) throws(LumiereError) {
        guard let base = chunk.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        let n = chunk.count
        let delim = delimiter
        var i = 0
        while i < n {
            switch state {
            case .fieldStart:
                let b = base[i]
                if skipLF {
                    skipLF = false
                    if b == Self.lf { i += 1; continue }
                }
                if b == Self.quote {
                    state = .quoted
                    rowHadQuote = true
                    quoteLine = line
                    i += 1
                } else if b == delim {
                    try endField()
                    i += 1
                } else if b == Self.lf || b == Self.cr {
                    try endField()
                    try endRow(onRow)
                    skipLF = b == Self.cr
                    line += 1
                    i += 1
                } else {
                    state = .unquoted
                }
            case .unquoted:
                // Hot loop: scan and copy in one pass (fields are short, so a memmove
                // call per field would cost more than the bytes).
                try reserve(n - i)
                let out = buffer + used - i
                var j = i
                while j < n {
                    let c = base[j]
                    if c == delim || c == Self.lf || c == Self.cr { break }
                    out[j] = c
                    j += 1
                }
                try commit(j - i)
                i = j
                if j == n { break }
                let c = base[j]
                i += 1
                try endField()
                state = .fieldStart
                if c != delim {
                    try endRow(onRow)
                    skipLF = c == Self.cr
                    line += 1
                }
            case .quoted:
                try reserve(n - i)
                let out = buffer + used - i
                var j = i
                var lines = 0
                while j < n {
                    let c = base[j]
                    if c == Self.quote { break }
                    if c == Self.lf { lines += 1 }
                    out[j] = c
                    j += 1
                }
                line += lines
                try commit(j - i)
                i = j
                if j < n {
                    state = .quoteInQuoted
                    i += 1
                }
            case .quoteInQuoted:
                let b = base[i]
                i += 1
                if b == Self.quote {
                    var q = Self.quote
                    try append(&q, 1)
                    state = .quoted
                } else if b == delim {
                    try endField()
                    state = .fieldStart
                } else if b == Self.lf || b == Self.cr {
                    try endField()
                    state = .fieldStart
                    try endRow(onRow)
                    skipLF = b == Self.cr
                    line += 1
                } else {
                    var c = b
                    try append(&c, 1)
                    state = .unquoted
                }
            }
        }
    }

    /// Signal the end of input; emits the last record if it had no line break.
    public func finish(_ onRow: (CSVRow) throws(LumiereError) -> Void) throws(LumiereError) {
        switch state {
        case .quoted:
            throw LumiereError(.malformedCSV, "a quoted field starting on line \(quoteLine) is never closed",
                               hint: "every field that opens with a double quote must end with one; write a quote inside a field as two quotes (\"\")")
        case .unquoted, .quoteInQuoted:
            try endField()
            try endRow(onRow)
        case .fieldStart:
            // "a,b," at the very end: the trailing empty field still counts.
            if fieldCount > 0 {
                try endField()
                try endRow(onRow)
            }
        }
        state = .fieldStart
    }

    /// Room for `count` more bytes after `used` (at most the rest of a chunk).
    @inline(__always)
    private func reserve(_ count: Int) throws(LumiereError) {
        if used + count > capacity { grow(to: used + count) }
    }

    /// Takes `count` bytes written after `used` into the current field, enforcing the caps.
    @inline(__always)
    private func commit(_ count: Int) throws(LumiereError) {
        used += count
        if used - bounds[fieldCount] > limits.maxFieldBytes {
            throw LumiereError(.fieldTooLarge,
                               "a field on line \(rowLine) is longer than \(limits.maxFieldBytes) bytes",
                               hint: "check that the file is really CSV (a missing closing quote swallows the rest of the file), or raise the field size limit")
        }
        if used > limits.maxRowBytes {
            throw LumiereError(.fieldTooLarge, "the row starting on line \(rowLine) is longer than \(limits.maxRowBytes) bytes",
                               hint: "check that the file is really CSV, or raise the size limits")
        }
    }

    @inline(__always)
    private func append(_ p: UnsafePointer<UInt8>, _ count: Int) throws(LumiereError) {
        try reserve(count)
        (buffer + used).update(from: p, count: count)
        try commit(count)
    }

    /// The buffer holds at most one row plus one chunk, because caps are checked after
    /// every run.
    private func grow(to needed: Int) {
        var newCapacity = capacity
        while newCapacity < needed { newCapacity *= 2 }
        let newBuffer = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
        newBuffer.update(from: buffer, count: used)
        buffer.deallocate()
        buffer = newBuffer
        capacity = newCapacity
    }

    @inline(__always)
    private func endField() throws(LumiereError) {
        if fieldCount == limits.maxColumns {
            throw LumiereError(.tooManyColumns,
                               "the row starting on line \(rowLine) has more than \(limits.maxColumns) fields",
                               hint: "SQLite tables hold at most \(limits.maxColumns) columns; split the file, or check the delimiter")
        }
        fieldCount += 1
        bounds[fieldCount] = used
    }

    @inline(__always)
    private func endRow(_ onRow: (CSVRow) throws(LumiereError) -> Void) throws(LumiereError) {
        // A blank line tokenizes as one empty unquoted field: skip it.
        if !(fieldCount == 1 && used == 0 && !rowHadQuote) {
            rowCount += 1
            try onRow(CSVRow(base: UnsafeRawPointer(buffer), bounds: UnsafePointer(bounds), count: fieldCount, line: rowLine))
        }
        used = 0
        fieldCount = 0
        rowHadQuote = false
        // The record after this one starts on the next line (the caller bumps `line`).
        rowLine = line + 1
    }
}

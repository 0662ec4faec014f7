// JSONLineParser: one line of a JSON Lines file → its top-level keys and values, in the
// order written.
//
// Why not JSONSerialization or JSONDecoder: both give dictionaries, which lose the key
// order (columns are the union of keys in first-seen order) and read every number as a
// Double (so 2^53+1 would change); neither lets us cap nesting below its own limit.
// This parser is strict RFC 8259 for one value per line and does not build objects.
//
// Inputs: the line's bytes (UTF-8; the stream is validated by the caller).
// Outputs: `entries` — key, kind and value bytes in `arena`: strings decoded (escapes
// resolved, lone surrogates as U+FFFD), numbers and `true`/`false` as written, nested
// objects and arrays as their JSON text as written (they are stored as TEXT), `null`
// with no bytes. Valid until the next `parse`.
// Failure modes: `malformed_json` (not JSON, not an object, text after it; with the line
// number), `json_too_deep` (nesting beyond `maxDepth`; the top-level object is depth 1),
// `field_too_large` (a key or value over `maxFieldBytes`), `too_many_columns` (more
// than `maxKeys` pairs on the line).

public struct JSONLineParser {
    public enum Kind: UInt8, Sendable {
        case string, number, boolean, null, nested
    }

    public struct Entry: Sendable {
        public var key: Range<Int>
        public var kind: Kind
        public var value: Range<Int>
    }

    public let maxDepth: Int
    public let maxFieldBytes: Int
    /// The most key/value pairs one line may hold. More distinct keys could not become
    /// columns anyway, and the cap keeps a 64 MiB line of `"a":1,"a":1,...` from
    /// building millions of entries.
    public let maxKeys: Int
    public private(set) var arena: [UInt8] = []
    public private(set) var entries: [Entry] = []
    private var line = 0

    public init(maxDepth: Int = 32, maxFieldBytes: Int = 1 << 20, maxKeys: Int = 2000) {
        self.maxDepth = max(1, maxDepth)
        self.maxFieldBytes = maxFieldBytes
        self.maxKeys = max(1, maxKeys)
    }

    public mutating func parse(_ p: UnsafeRawBufferPointer, line: Int) throws(LumiereError) {
        self.line = line
        arena.removeAll(keepingCapacity: true)
        entries.removeAll(keepingCapacity: true)
        let n = p.count
        var i = 0
        skipSpace(p, &i)
        guard i < n, p[i] == UInt8(ascii: "{") else {
            throw LumiereError(.malformedJSON, "line \(line) is not a JSON object",
                               hint: "JSON Lines uploads need one object per line, like {\"region\": \"North\", \"sales\": 12}")
        }
        i += 1
        skipSpace(p, &i)
        if i < n && p[i] == UInt8(ascii: "}") {
            i += 1
        } else {
            while true {
                skipSpace(p, &i)
                guard i < n, p[i] == UInt8(ascii: "\"") else { throw malformed("a key in double quotes was expected") }
                if entries.count == maxKeys {
                    throw LumiereError(.tooManyColumns, "line \(line) has more than \(maxKeys) keys",
                                       hint: "remove keys, or raise ingest.max_columns (SQLite allows up to 2000)")
                }
                let keyStart = arena.count
                try readString(p, &i)
                let key = keyStart..<arena.count
                if key.count > maxFieldBytes { throw tooLarge() }
                skipSpace(p, &i)
                guard i < n, p[i] == UInt8(ascii: ":") else { throw malformed("a colon was expected after a key") }
                i += 1
                skipSpace(p, &i)
                guard i < n else { throw malformed("the line ends before a value") }
                let valueStart = arena.count
                let kind: Kind
                switch p[i] {
                case UInt8(ascii: "\""):
                    try readString(p, &i)
                    kind = .string
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    let start = i
                    try skipValue(p, &i, depth: 2)
                    if i - start > maxFieldBytes { throw tooLarge() }
                    arena.append(contentsOf: UnsafeRawBufferPointer(rebasing: p[start..<i]))
                    kind = .nested
                case UInt8(ascii: "t"), UInt8(ascii: "f"):
                    let start = i
                    try skipLiteral(p, &i)
                    arena.append(contentsOf: UnsafeRawBufferPointer(rebasing: p[start..<i]))
                    kind = .boolean
                case UInt8(ascii: "n"):
                    try skipLiteral(p, &i)
                    kind = .null
                default:
                    let start = i
                    try skipNumber(p, &i)
                    arena.append(contentsOf: UnsafeRawBufferPointer(rebasing: p[start..<i]))
                    kind = .number
                }
                if arena.count - valueStart > maxFieldBytes { throw tooLarge() }
                entries.append(Entry(key: key, kind: kind, value: valueStart..<arena.count))
                skipSpace(p, &i)
                guard i < n else { throw malformed("the object is not closed with }") }
                if p[i] == UInt8(ascii: ",") { i += 1; continue }
                if p[i] == UInt8(ascii: "}") { i += 1; break }
                throw malformed("a comma or } was expected after a value")
            }
        }
        skipSpace(p, &i)
        if i != n { throw malformed("there is more text after the object (one object per line)") }
    }

    private func malformed(_ what: String) -> LumiereError {
        LumiereError(.malformedJSON, "line \(line) is not valid JSON: \(what)",
                     hint: "check the line with a JSON validator; each line must be one complete JSON object")
    }

    private func tooLarge() -> LumiereError {
        LumiereError(.fieldTooLarge, "line \(line) has a key or value longer than \(maxFieldBytes) bytes",
                     hint: "shorten the value, or raise ingest.max_field_kb")
    }

    @inline(__always)
    private func skipSpace(_ p: UnsafeRawBufferPointer, _ i: inout Int) {
        while i < p.count {
            let b = p[i]
            if b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D { i += 1 } else { return }
        }
    }

    /// Reads a string at `i` (on its opening quote), appending its decoded bytes.
    private mutating func readString(_ p: UnsafeRawBufferPointer, _ i: inout Int) throws(LumiereError) {
        let n = p.count
        i += 1
        var runStart = i
        while i < n {
            let b = p[i]
            if b == UInt8(ascii: "\"") {
                arena.append(contentsOf: UnsafeRawBufferPointer(rebasing: p[runStart..<i]))
                i += 1
                return
            }
            if b < 0x20 { throw malformed("a control character inside a string must be escaped") }
            if b != UInt8(ascii: "\\") {
                i += 1
                continue
            }
            arena.append(contentsOf: UnsafeRawBufferPointer(rebasing: p[runStart..<i]))
            i += 1
            guard i < n else { break }
            let e = p[i]
            i += 1
            switch e {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): arena.append(e)
            case UInt8(ascii: "b"): arena.append(0x08)
            case UInt8(ascii: "f"): arena.append(0x0C)
            case UInt8(ascii: "n"): arena.append(0x0A)
            case UInt8(ascii: "r"): arena.append(0x0D)
            case UInt8(ascii: "t"): arena.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = try hex4(p, &i)
                if (0xD800...0xDBFF).contains(scalar) {
                    // A high surrogate: a low one must follow as another \u escape.
                    if i + 1 < n && p[i] == UInt8(ascii: "\\") && p[i + 1] == UInt8(ascii: "u") {
                        var j = i + 2
                        let low = try hex4(p, &j)
                        if (0xDC00...0xDFFF).contains(low) {
                            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                            i = j
                        } else {
                            scalar = 0xFFFD
                        }
                    } else {
                        scalar = 0xFFFD
                    }
                } else if (0xDC00...0xDFFF).contains(scalar) {
                    scalar = 0xFFFD
                }
                appendUTF8(scalar)
            default:
                throw malformed("\\\(String(UnicodeScalar(e))) is not a JSON escape")
            }
            runStart = i
        }
        throw malformed("a string is not closed")
    }

    private func hex4(_ p: UnsafeRawBufferPointer, _ i: inout Int) throws(LumiereError) -> UInt32 {
        guard i + 4 <= p.count else { throw malformed("\\u needs four hex digits") }
        var v: UInt32 = 0
        for _ in 0..<4 {
            let b = p[i]
            let d: UInt32
            switch b {
            case 0x30...0x39: d = UInt32(b - 0x30)
            case 0x41...0x46: d = UInt32(b - 0x41 + 10)
            case 0x61...0x66: d = UInt32(b - 0x61 + 10)
            default: throw malformed("\\u needs four hex digits")
            }
            v = v << 4 | d
            i += 1
        }
        return v
    }

    private mutating func appendUTF8(_ scalar: UInt32) {
        switch scalar {
        case 0..<0x80: arena.append(UInt8(scalar))
        case 0x80..<0x800:
            arena.append(UInt8(0xC0 | (scalar >> 6)))
            arena.append(UInt8(0x80 | (scalar & 0x3F)))
        case 0x800..<0x10000:
            arena.append(UInt8(0xE0 | (scalar >> 12)))
            arena.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            arena.append(UInt8(0x80 | (scalar & 0x3F)))
        default:
            arena.append(UInt8(0xF0 | (scalar >> 18)))
            arena.append(UInt8(0x80 | ((scalar >> 12) & 0x3F)))
            arena.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
            arena.append(UInt8(0x80 | (scalar & 0x3F)))
        }
    }

    /// Skips (and checks) any JSON value at `i`; objects and arrays count toward `depth`.
    private func skipValue(_ p: UnsafeRawBufferPointer, _ i: inout Int, depth: Int) throws(LumiereError) {
        let n = p.count
        guard i < n else { throw malformed("the line ends before a value") }
        let open = p[i]
        switch open {
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            if depth > maxDepth {
                throw LumiereError(.jsonTooDeep, "line \(line) nests objects or arrays more than \(maxDepth) levels deep",
                                   hint: "flatten the records; nested values are stored as JSON text, but only \(maxDepth) levels are accepted")
            }
            let isObject = open == UInt8(ascii: "{")
            let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
            i += 1
            skipSpace(p, &i)
            if i < n && p[i] == close { i += 1; return }
            while true {
                skipSpace(p, &i)
                if isObject {
                    guard i < n, p[i] == UInt8(ascii: "\"") else { throw malformed("a key in double quotes was expected") }
                    try skipString(p, &i)
                    skipSpace(p, &i)
                    guard i < n, p[i] == UInt8(ascii: ":") else { throw malformed("a colon was expected after a key") }
                    i += 1
                    skipSpace(p, &i)
                }
                try skipValue(p, &i, depth: depth + 1)
                skipSpace(p, &i)
                guard i < n else { throw malformed("an object or array is not closed") }
                if p[i] == UInt8(ascii: ",") { i += 1; continue }
                if p[i] == close { i += 1; return }
                throw malformed("a comma or closing bracket was expected")
            }
        case UInt8(ascii: "\""): try skipString(p, &i)
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"): try skipLiteral(p, &i)
        default: try skipNumber(p, &i)
        }
    }

    private func skipString(_ p: UnsafeRawBufferPointer, _ i: inout Int) throws(LumiereError) {
        let n = p.count
        i += 1
        while i < n {
            let b = p[i]
            if b == UInt8(ascii: "\"") { i += 1; return }
            if b < 0x20 { throw malformed("a control character inside a string must be escaped") }
            if b == UInt8(ascii: "\\") {
                i += 1
                guard i < n else { break }
                switch p[i] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    i += 1
                case UInt8(ascii: "u"):
                    i += 1
                    _ = try hex4(p, &i)
                default:
                    throw malformed("a backslash starts an unknown escape")
                }
                continue
            }
            i += 1
        }
        throw malformed("a string is not closed")
    }

    private func skipLiteral(_ p: UnsafeRawBufferPointer, _ i: inout Int) throws(LumiereError) {
        // Compared byte by byte: this runs for every true/false/null, so nothing is allocated.
        @inline(__always) func matches(_ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard i + count <= p.count else { return false }
            let w = word.utf8Start
            for k in 0..<count where p[i + k] != w[k] { return false }
            return true
        }
        for word: StaticString in ["true", "false", "null"] where matches(word) {
            i += word.utf8CodeUnitCount
            return
        }
        throw malformed("a value must be a string, number, object, array, true, false or null")
    }

    /// `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`
    private func skipNumber(_ p: UnsafeRawBufferPointer, _ i: inout Int) throws(LumiereError) {
        let n = p.count
        // Built only when thrown: this runs for every number.
        func bad() -> LumiereError { malformed("a value must be a string, number, object, array, true, false or null") }
        func digits(_ i: inout Int) -> Int {
            var count = 0
            while i < n && p[i] >= 0x30 && p[i] <= 0x39 { i += 1; count += 1 }
            return count
        }
        if i < n && p[i] == UInt8(ascii: "-") { i += 1 }
        guard i < n else { throw bad() }
        if p[i] == UInt8(ascii: "0") {
            i += 1
        } else if digits(&i) == 0 {
            throw bad()
        }
        if i < n && p[i] == UInt8(ascii: ".") {
            i += 1
            if digits(&i) == 0 { throw bad() }
        }
        if i < n && (p[i] == UInt8(ascii: "e") || p[i] == UInt8(ascii: "E")) {
            i += 1
            if i < n && (p[i] == UInt8(ascii: "+") || p[i] == UInt8(ascii: "-")) { i += 1 }
            if digits(&i) == 0 { throw bad() }
        }
    }
}

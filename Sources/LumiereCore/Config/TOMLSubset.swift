// A parser for the subset of TOML that config/lumiere.toml uses: comments, [section]
// headers, and `key = value` with basic strings, integers, floats, booleans and arrays of
// those. Inline tables, dotted keys, multi-line strings and dates are rejected with a line
// number rather than misread.
//
// Why hand-written: LebJe/TOMLKit (the TOML package this machine can resolve) depends on a
// package that is not resolvable here, and the subset we need is ~150 lines that are
// tested exhaustively in TOMLSubsetTests.

public enum TOMLValue: Sendable, Equatable, CustomStringConvertible {
    case string(String)
    case integer(Int64)
    case float(Double)
    case bool(Bool)
    case array([TOMLValue])

    public var description: String {
        switch self {
        case .string(let s): return s
        case .integer(let i): return String(i)
        case .float(let d): return String(d)
        case .bool(let b): return b ? "true" : "false"
        case .array(let a): return a.map(\.description).joined(separator: ",")
        }
    }
}

public enum TOMLSubset {
    /// Parse into a flat map of "section.key" (or "key" before any section) → value.
    public static func parse(_ text: String) throws(LumiereError) -> [String: TOMLValue] {
        var result: [String: TOMLValue] = [:]
        var section = ""
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNo = index + 1
            var line = Substring(stripComment(String(rawLine)))
            line = line.trimmingWhitespace()
            if line.isEmpty { continue }
            if line.hasPrefix("[") {
                guard line.hasSuffix("]"), !line.hasPrefix("[[") else {
                    throw bad(lineNo, "a section header looks like [name]")
                }
                let name = line.dropFirst().dropLast().trimmingWhitespace()
                guard !name.isEmpty, name.allSatisfy(isBareKeyChar) else {
                    throw bad(lineNo, "section names use letters, digits, _ and -")
                }
                section = String(name)
                continue
            }
            guard let eq = line.firstIndex(of: "=") else {
                throw bad(lineNo, "expected key = value")
            }
            let key = line[..<eq].trimmingWhitespace()
            guard !key.isEmpty, key.allSatisfy(isBareKeyChar) else {
                throw bad(lineNo, "keys use letters, digits, _ and - (no dotted or quoted keys)")
            }
            var rest = line[line.index(after: eq)...].trimmingWhitespace()
            let value = try parseValue(&rest, line: lineNo)
            guard rest.trimmingWhitespace().isEmpty else {
                throw bad(lineNo, "unexpected text after the value")
            }
            let fullKey = section.isEmpty ? String(key) : "\(section).\(key)"
            if result[fullKey] != nil { throw bad(lineNo, "key \(fullKey) is set twice") }
            result[fullKey] = value
        }
        return result
    }

    private static func isBareKeyChar(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || c == "_" || c == "-")
    }

    private static func bad(_ line: Int, _ what: String) -> LumiereError {
        LumiereError(.configError, "config line \(line): \(what)",
                     hint: "see config/lumiere.toml in the repository for the documented keys")
    }

    /// Drop a `#` comment that is not inside a string.
    private static func stripComment(_ line: String) -> String {
        var inString = false
        var escaped = false
        var out = ""
        for c in line {
            if inString {
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inString = false }
            } else if c == "\"" {
                inString = true
            } else if c == "#" {
                break
            }
            out.append(c)
        }
        return out
    }

    private static func parseValue(_ s: inout Substring, line: Int) throws(LumiereError) -> TOMLValue {
        s = s.trimmingWhitespace()
        guard let first = s.first else { throw bad(line, "missing value") }
        if first == "\"" {
            s = s.dropFirst()
            var out = ""
            while let c = s.first {
                s = s.dropFirst()
                if c == "\"" { return .string(out) }
                if c == "\\" {
                    guard let e = s.first else { break }
                    s = s.dropFirst()
                    switch e {
                    case "n": out.append("\n")
                    case "t": out.append("\t")
                    case "\\": out.append("\\")
                    case "\"": out.append("\"")
                    default: throw bad(line, "unsupported escape \\\(e)")
                    }
                } else {
                    out.append(c)
                }
            }
            throw bad(line, "unterminated string")
        }
        if first == "[" {
            s = s.dropFirst()
            var items: [TOMLValue] = []
            while true {
                s = s.trimmingWhitespace()
                if s.first == "]" { s = s.dropFirst(); return .array(items) }
                items.append(try parseValue(&s, line: line))
                s = s.trimmingWhitespace()
                if s.first == "," { s = s.dropFirst(); continue }
                if s.first == "]" { s = s.dropFirst(); return .array(items) }
                throw bad(line, "arrays are written [a, b, c] on one line")
            }
        }
        var token = ""
        while let c = s.first, c != ",", c != "]", !c.isWhitespace {
            token.append(c)
            s = s.dropFirst()
        }
        if token == "true" { return .bool(true) }
        if token == "false" { return .bool(false) }
        let digits = token.replacingOccurrences(of: "_", with: "")
        if let i = Int64(digits) { return .integer(i) }
        if let d = Double(digits), digits.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) { return .float(d) }
        throw bad(line, "cannot read value \"\(token.prefix(40))\" (strings need double quotes)")
    }
}

extension Substring {
    func trimmingWhitespace() -> Substring {
        var s = self
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return s
    }
}

// SQLValue: one cell of a typed table or a query result, as SQLite stores it.
// Encodes to JSON as the natural JSON value (null, number, string).

public enum SQLValue: Sendable, Hashable, Codable, CustomStringConvertible {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null; return }
        if let i = try? c.decode(Int64.self) { self = .integer(i); return }
        if let d = try? c.decode(Double.self) { self = .real(d); return }
        if let b = try? c.decode(Bool.self) { self = .integer(b ? 1 : 0); return }
        self = .text(try c.decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .integer(let i): try c.encode(i)
        case .real(let d):
            // JSON has no NaN/Infinity; SQLite can produce them (1e308*10).
            if d.isFinite { try c.encode(d) } else { try c.encodeNil() }
        case .text(let s): try c.encode(s)
        }
    }

    public var isNull: Bool { if case .null = self { return true } else { return false } }

    /// The numeric value of an integer or real cell; nil for text and null.
    public var doubleValue: Double? {
        switch self {
        case .integer(let i): return Double(i)
        case .real(let d): return d
        default: return nil
        }
    }

    public var textValue: String? {
        if case .text(let s) = self { return s }
        return nil
    }

    /// A plain rendering for tables and labels (no quotes; NULL shown as empty).
    public var description: String {
        switch self {
        case .null: return ""
        case .integer(let i): return String(i)
        case .real(let d):
            if d.rounded() == d && abs(d) < 1e15 { return String(Int64(d)) }
            return String(d)
        case .text(let s): return s
        }
    }
}

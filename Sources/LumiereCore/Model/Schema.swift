// The description of a data source that every engine reads: columns with their inferred
// types and profile statistics, and a value index of distinct text values.

/// The inferred logical type of a column. Storage in SQLite: integer and boolean as
/// INTEGER (booleans 0/1), real as REAL, text as TEXT, date and datetime as ISO-8601 TEXT
/// (`YYYY-MM-DD`, `YYYY-MM-DD HH:MM:SS`) so SQLite's date functions work on them.
public enum ColumnType: String, Sendable, Codable, CaseIterable {
    case integer = "INTEGER"
    case real = "REAL"
    case text = "TEXT"
    case date = "DATE"
    case datetime = "DATETIME"
    case boolean = "BOOLEAN"

    /// The declared type used in `CREATE TABLE` (gives the matching SQLite affinity).
    public var sqliteDeclaredType: String {
        switch self {
        case .integer, .boolean: return "INTEGER"
        case .real: return "REAL"
        case .text, .date, .datetime: return "TEXT"
        }
    }

    public var isNumeric: Bool { self == .integer || self == .real }
    public var isTemporal: Bool { self == .date || self == .datetime }
}

/// Statistics of one column, computed during ingest.
public struct ColumnProfile: Sendable, Codable, Equatable {
    public var name: String
    public var type: ColumnType
    public var nullCount: Int
    /// Number of distinct non-null values; exact when `distinctIsEstimate` is false.
    public var distinctCount: Int
    public var distinctIsEstimate: Bool
    public var min: SQLValue?
    public var max: SQLValue?
    /// A few distinct non-null values as they are stored, in first-seen order.
    public var samples: [String]

    public init(name: String, type: ColumnType, nullCount: Int = 0, distinctCount: Int = 0,
                distinctIsEstimate: Bool = false, min: SQLValue? = nil, max: SQLValue? = nil,
                samples: [String] = []) {
        self.name = name
        self.type = type
        self.nullCount = nullCount
        self.distinctCount = distinctCount
        self.distinctIsEstimate = distinctIsEstimate
        self.min = min
        self.max = max
        self.samples = samples
    }

    enum CodingKeys: String, CodingKey {
        case name, type, min, max, samples
        case nullCount = "null_count"
        case distinctCount = "distinct_count"
        case distinctIsEstimate = "distinct_is_estimate"
    }
}

/// Distinct values of text columns (capped per column), for matching words in questions
/// to data values ("in the North region" → Region = 'North').
public struct ValueIndex: Sendable, Codable, Equatable {
    /// Column name → distinct values as stored (first-seen order, capped).
    public var values: [String: [String]]
    /// Columns whose distinct values exceeded the cap (their list is incomplete).
    public var truncatedColumns: [String]

    public init(values: [String: [String]] = [:], truncatedColumns: [String] = []) {
        self.values = values
        self.truncatedColumns = truncatedColumns
    }

    enum CodingKeys: String, CodingKey {
        case values
        case truncatedColumns = "truncated_columns"
    }
}

/// Everything an engine knows about a source: its table is always named `data`.
public struct SourceSchema: Sendable, Codable, Equatable {
    public static let tableName = "data"
    public var rowCount: Int
    public var columns: [ColumnProfile]
    public var valueIndex: ValueIndex
    /// The source's name as its owner gave it ("mtcars", "diamonds"): its last word names what
    /// a row is, so "top 5 cars by mpg" over `mtcars` reads "cars" as the rows. Not stored with
    /// the schema; whoever opens the source sets it. The default is nil (no row noun known).
    public var sourceName: String? = nil
    /// The owner's words for this source (Glossary.swift). Like `sourceName`, not stored
    /// with the schema: the catalog keeps it per source name and sets it on open.
    public var glossary: [GlossaryEntry] = []

    public init(rowCount: Int, columns: [ColumnProfile], valueIndex: ValueIndex = ValueIndex(), sourceName: String? = nil,
                glossary: [GlossaryEntry] = []) {
        self.rowCount = rowCount
        self.columns = columns
        self.valueIndex = valueIndex
        self.sourceName = sourceName
        self.glossary = glossary
    }

    public func column(named name: String) -> ColumnProfile? {
        columns.first { $0.name == name }
    }

    enum CodingKeys: String, CodingKey {
        case columns
        case rowCount = "row_count"
        case valueIndex = "value_index"
    }
}

/// Quote an identifier for SQLite ("Sales Tax" → "\"Sales Tax\"").
public func quoteIdentifier(_ name: String) -> String {
    "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
}

/// Quote a string literal for SQLite ('O''Brien').
public func quoteLiteral(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "'", with: "''") + "'"
}

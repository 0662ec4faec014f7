// The rows a query returned, with column names and the types SQLite reported.

public struct ResultColumn: Sendable, Codable, Equatable {
    public var name: String
    /// The column's type as best known: declared type of a source column, or the storage
    /// class of the first non-null value (INTEGER, REAL, TEXT), or NULL when all are null.
    public var type: String

    public init(name: String, type: String) {
        self.name = name
        self.type = type
    }
}

public struct QueryResult: Sendable, Codable, Equatable {
    public var columns: [ResultColumn]
    public var rows: [[SQLValue]]
    /// True when the row cap cut the result short.
    public var truncated: Bool

    public init(columns: [ResultColumn], rows: [[SQLValue]], truncated: Bool = false) {
        self.columns = columns
        self.rows = rows
        self.truncated = truncated
    }

    public var rowCount: Int { rows.count }
}

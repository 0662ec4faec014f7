// ResultDiff: what changed between two answers to the same standing question (issue 14
// item 1) — the previous run's rows and this run's — computed here, pure, so the daemon
// only fetches the two tables and stores the outcome.
//
// Rows are matched by their key: the values of the non-measure columns. A measure is a
// column whose every non-null value, in either table, is a number (INTEGER or REAL) and
// that has at least one; every other column is part of the key. A key that appears more
// than once (a table without a distinguishing column, or all-numeric columns where the key
// is empty) is matched by occurrence: the k-th row with key K before against the k-th row
// with key K now, in row order — deterministic, and exact for the common one-row aggregate.
//
// Inputs: two tables (column names and rows). Output: rows added, removed and changed,
// each changed measure with its absolute change (new − old) and relative change
// ((new − old) / |old|, null when old is 0 or either value is null). Tables whose columns
// differ (the question was planned differently on the new version) are not compared: the
// outcome says why instead.

/// A table as the diff sees it: column names in order, rows of values.
public struct DiffTable: Sendable, Codable, Equatable {
    public var columns: [String]
    public var rows: [[SQLValue]]
    /// The row cap cut this result short: rows beyond it are neither added nor removed.
    public var truncated: Bool

    public init(columns: [String], rows: [[SQLValue]], truncated: Bool = false) {
        self.columns = columns
        self.rows = rows
        self.truncated = truncated
    }

    public init(_ result: QueryResult) {
        self.init(columns: result.columns.map(\.name), rows: result.rows, truncated: result.truncated)
    }
}

/// One measure of a changed row: its values before and now, and the change.
public struct MeasureChange: Sendable, Codable, Equatable {
    public var column: String
    public var old: SQLValue
    public var new: SQLValue
    /// new − old; null when either is null.
    public var absolute: Double?
    /// (new − old) / |old|; null when old is 0 or either is null.
    public var relative: Double?

    public init(column: String, old: SQLValue, new: SQLValue, absolute: Double?, relative: Double?) {
        self.column = column
        self.old = old
        self.new = new
        self.absolute = absolute
        self.relative = relative
    }

    public func encode(to encoder: any Encoder) throws {
        // absolute/relative are written as null, not left out: "no relative change" is an answer.
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(column, forKey: .column)
        try c.encode(old, forKey: .old)
        try c.encode(new, forKey: .new)
        try c.encode(absolute, forKey: .absolute)
        try c.encode(relative, forKey: .relative)
    }

    enum CodingKeys: String, CodingKey { case column, old, new, absolute, relative }
}

/// A row present in both tables whose measures differ.
public struct RowChange: Sendable, Codable, Equatable {
    /// The key values, in `ResultDiff.keyColumns` order.
    public var key: [SQLValue]
    /// Every measure of the row, changed or not, in `measureColumns` order.
    public var measures: [MeasureChange]

    public init(key: [SQLValue], measures: [MeasureChange]) {
        self.key = key
        self.measures = measures
    }
}

public struct ResultDiff: Sendable, Codable, Equatable {
    public var keyColumns: [String]
    public var measureColumns: [String]
    /// Rows now whose key was not there before (whole rows, in the result's column order).
    public var added: [[SQLValue]]
    /// Rows before whose key is gone now.
    public var removed: [[SQLValue]]
    public var changed: [RowChange]
    public var unchanged: Int
    /// Either table was cut short by the row cap: rows past it were not compared.
    public var truncated: Bool

    public init(keyColumns: [String], measureColumns: [String], added: [[SQLValue]], removed: [[SQLValue]],
                changed: [RowChange], unchanged: Int, truncated: Bool) {
        self.keyColumns = keyColumns
        self.measureColumns = measureColumns
        self.added = added
        self.removed = removed
        self.changed = changed
        self.unchanged = unchanged
        self.truncated = truncated
    }

    enum CodingKeys: String, CodingKey {
        case added, removed, changed, unchanged, truncated
        case keyColumns = "key_columns"
        case measureColumns = "measure_columns"
    }

    /// Nothing was added, removed or changed.
    public var isEmpty: Bool { added.isEmpty && removed.isEmpty && changed.isEmpty }
}

/// The diff, or why there is none.
public enum DiffOutcome: Sendable, Equatable {
    case compared(ResultDiff)
    case notCompared(reason: String)
}

public enum ResultDiffer {
    /// Compare `previous` (the last run's table) with `current`; nil `previous`: the first run.
    public static func diff(previous: DiffTable?, current: DiffTable) -> DiffOutcome {
        guard let previous else {
            return .notCompared(reason: "first run: there is no earlier answer to compare with")
        }
        guard previous.columns == current.columns else {
            return .notCompared(reason: "the result's columns changed (\(previous.columns.joined(separator: ", ")) → \(current.columns.joined(separator: ", "))), so rows cannot be matched")
        }
        let columns = current.columns
        let measureIndexes = columns.indices.filter { isMeasure($0, in: [previous.rows, current.rows]) }
        let keyIndexes = columns.indices.filter { !measureIndexes.contains($0) }

        // Old rows' positions by key, in order; matched by occurrence.
        var pending: [[SQLValue]: ArraySlice<Int>] = [:]
        for (index, row) in previous.rows.enumerated() {
            pending[keyIndexes.map { value(row, $0) }, default: []].append(index)
        }
        var matched = Set<Int>()
        var added: [[SQLValue]] = []
        var changed: [RowChange] = []
        var unchanged = 0
        for row in current.rows {
            let key = keyIndexes.map { value(row, $0) }
            guard let oldIndex = pending[key]?.popFirst() else {
                added.append(row)
                continue
            }
            matched.insert(oldIndex)
            let old = previous.rows[oldIndex]
            let differs = measureIndexes.contains { !sameNumber(value(old, $0), value(row, $0)) }
            if differs {
                changed.append(RowChange(key: key, measures: measureIndexes.map {
                    change(columns[$0], old: value(old, $0), new: value(row, $0))
                }))
            } else {
                unchanged += 1
            }
        }
        // Removed: old rows nobody matched, in their original order.
        let removed = previous.rows.indices.filter { !matched.contains($0) }.map { previous.rows[$0] }
        return .compared(ResultDiff(keyColumns: keyIndexes.map { columns[$0] },
                                    measureColumns: measureIndexes.map { columns[$0] },
                                    added: added, removed: removed, changed: changed, unchanged: unchanged,
                                    truncated: previous.truncated || current.truncated))
    }

    /// The change of one measure. Values that are not numbers count as null.
    public static func change(_ column: String, old: SQLValue, new: SQLValue) -> MeasureChange {
        guard let o = number(old), let n = number(new) else {
            return MeasureChange(column: column, old: old, new: new, absolute: nil, relative: nil)
        }
        let absolute = n - o
        return MeasureChange(column: column, old: old, new: new, absolute: absolute,
                             relative: o == 0 ? nil : absolute / abs(o))
    }

    static func isMeasure(_ index: Int, in tables: [[[SQLValue]]]) -> Bool {
        var sawNumber = false
        for rows in tables {
            for row in rows {
                switch value(row, index) {
                case .null: continue
                case .integer, .real: sawNumber = true
                case .text: return false
                }
            }
        }
        return sawNumber
    }

    /// A short row (a malformed stored table) reads as nulls rather than trapping.
    static func value(_ row: [SQLValue], _ index: Int) -> SQLValue {
        index < row.count ? row[index] : .null
    }

    static func number(_ v: SQLValue) -> Double? {
        switch v {
        case .integer(let i): Double(i)
        case .real(let d): d
        case .null, .text: nil
        }
    }

    /// Equal measures: both null, or numerically equal (3 and 3.0 are the same amount).
    static func sameNumber(_ a: SQLValue, _ b: SQLValue) -> Bool {
        switch (number(a), number(b)) {
        case (nil, nil): return a == b
        case (let x?, let y?): return x == y
        default: return false
        }
    }
}

// RowShaper: fits records with the wrong number of fields to the header's width.
//
// Inputs: tokenized rows and the column count.
// Outputs: per column, the field bytes or nil (a missing field, stored as NULL), and
// counts for the warnings. Rules: too few fields → padded with NULL; too many → when
// every surplus field is empty they are dropped, otherwise the last column receives the
// last field and the surplus joined by the delimiter (nothing is lost).
// Failure modes: none.

public final class RowShaper {
    // Stored properties skip Swift's dynamic exclusivity checks (about 4% of ingest time
    // in perf): the instance is used from one thread and no method overlaps accesses.
    public let columnCount: Int
    let delimiter: UInt8
    @exclusivity(unchecked) public private(set) var paddedRows = 0
    @exclusivity(unchecked) public private(set) var droppedEmptyRows = 0
    @exclusivity(unchecked) public private(set) var joinedRows = 0
    @exclusivity(unchecked) private var joined: UnsafeMutableRawPointer?
    @exclusivity(unchecked) private var joinedCapacity = 0
    @exclusivity(unchecked) private var joinedCount = 0
    @exclusivity(unchecked) private var useJoined = false

    public init(columnCount: Int, delimiter: UInt8) {
        self.columnCount = columnCount
        self.delimiter = delimiter
    }

    deinit { joined?.deallocate() }

    /// Look at a row before reading its fields; records the ragged-row counts.
    @inline(__always)
    public func prepare(_ row: CSVRow) {
        useJoined = false
        if row.count == columnCount { return }
        if row.count < columnCount {
            paddedRows += 1
            return
        }
        var surplusEmpty = true
        for i in columnCount..<row.count where row.field(i).count > 0 { surplusEmpty = false; break }
        if surplusEmpty {
            droppedEmptyRows += 1
            return
        }
        joinedRows += 1
        // Join fields columnCount-1 ... end with the delimiter.
        var total = row.count - columnCount
        for i in (columnCount - 1)..<row.count { total += row.field(i).count }
        if total > joinedCapacity {
            joined?.deallocate()
            joinedCapacity = max(total, 256)
            joined = .allocate(byteCount: joinedCapacity, alignment: 1)
        }
        guard let joined else { return }
        var at = 0
        for i in (columnCount - 1)..<row.count {
            if i > columnCount - 1 {
                joined.storeBytes(of: delimiter, toByteOffset: at, as: UInt8.self)
                at += 1
            }
            let f = row.field(i)
            if let src = f.baseAddress, f.count > 0 { (joined + at).copyMemory(from: src, byteCount: f.count) }
            at += f.count
        }
        joinedCount = at
        useJoined = true
    }

    /// The bytes of column `i` of the prepared row, or nil when the row had no such field.
    @inline(__always)
    public func field(_ row: CSVRow, _ i: Int) -> UnsafeRawBufferPointer? {
        if i >= row.count { return nil }
        if useJoined && i == columnCount - 1 {
            return UnsafeRawBufferPointer(start: joined, count: joinedCount)
        }
        return row.field(i)
    }

    /// Human-readable notes on the rows that did not fit.
    public var warnings: [String] {
        var notes: [String] = []
        func rows(_ n: Int) -> String { n == 1 ? "1 row" : "\(n) rows" }
        if paddedRows > 0 {
            notes.append("\(rows(paddedRows)) had fewer fields than the header (padded with NULL)")
        }
        if droppedEmptyRows > 0 {
            notes.append("\(rows(droppedEmptyRows)) had more fields than the header; the extra fields were empty and were dropped")
        }
        if joinedRows > 0 {
            notes.append("\(rows(joinedRows)) had more fields than the header; the surplus was joined into the last column")
        }
        return notes
    }
}

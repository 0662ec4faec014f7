// FixtureDatabase: loads a fixture table (CSV + a JSON of column types) into an in-memory
// SQLite database as table `data`, builds its `SourceSchema` with SQL (row count, per-column
// null/distinct counts, min/max, distinct text values), and runs queries.
//
// Stands in for the real ingest (written elsewhere) so the analyst's suite can run alone.
// It also registers `median`, as the sandboxed executor does, so generated SQL can use it.

import Foundation
import GRDBSQLite
import LumiereCore
import LumiereStore

enum FixtureError: Error, CustomStringConvertible {
    case missing(String)
    case bad(String)
    var description: String {
        switch self {
        case .missing(let s): return "missing fixture \(s)"
        case .bad(let s): return s
        }
    }
}

final class FixtureDatabase {
    let connection: SQLiteConnection
    let schema: SourceSchema
    let name: String

    static func url(_ file: String) throws -> URL {
        guard let base = Bundle.module.url(forResource: "Fixtures", withExtension: nil) else {
            throw FixtureError.missing("Fixtures")
        }
        return base.appendingPathComponent(file)
    }

    init(_ name: String) throws {
        self.name = name
        let csv = try String(contentsOf: FixtureDatabase.url("\(name).csv"), encoding: .utf8)
        let typesData = try Data(contentsOf: FixtureDatabase.url("\(name).types.json"))
        let types = try JSONDecoder().decode([String: String].self, from: typesData)
        let records = CSVReader.parse(csv)
        guard let header = records.first else { throw FixtureError.bad("\(name).csv is empty") }
        let columnTypes: [ColumnType] = try header.map {
            guard let t = types[$0].flatMap(ColumnType.init(rawValue:)) else {
                throw FixtureError.bad("\(name): no type for column \($0)")
            }
            return t
        }
        connection = try SQLiteConnection(path: ":memory:", mode: .create)
        FixtureDatabase.registerMedian(connection)
        let columnsSQL = zip(header, columnTypes).map { "\(quoteIdentifier($0)) \($1.sqliteDeclaredType)" }
        try connection.execute("CREATE TABLE data (\(columnsSQL.joined(separator: ", ")))")
        let placeholders = Array(repeating: "?", count: header.count).joined(separator: ", ")
        let insert = try connection.prepare("INSERT INTO data VALUES (\(placeholders))")
        try connection.execute("BEGIN")
        for record in records.dropFirst() where !(record.count == 1 && record[0].isEmpty) {
            insert.reset()
            for (i, type) in columnTypes.enumerated() {
                let raw = i < record.count ? record[i] : ""
                insert.bind(Int32(i + 1), FixtureDatabase.typedValue(raw, type))
            }
            try insert.step()
        }
        try connection.execute("COMMIT")
        schema = try FixtureDatabase.buildSchema(connection, header: header, types: columnTypes)
    }

    static func typedValue(_ raw: String, _ type: ColumnType) -> SQLValue {
        let s = raw.trimmingCharacters(in: .whitespaces)
        if s.isEmpty { return .null }
        switch type {
        case .integer: return Int64(s).map(SQLValue.integer) ?? .text(s)
        case .real: return Double(s).map(SQLValue.real) ?? .text(s)
        case .boolean: return .integer(["true", "yes", "1", "y", "t"].contains(s.lowercased()) ? 1 : 0)
        case .text, .date, .datetime: return .text(s)
        }
    }

    static func buildSchema(_ db: SQLiteConnection, header: [String], types: [ColumnType]) throws -> SourceSchema {
        let rowCount = try Int(db.prepare("SELECT COUNT(*) FROM data").allRows()[0][0].doubleValue ?? 0)
        var profiles: [ColumnProfile] = []
        var values: [String: [String]] = [:]
        for (name, type) in zip(header, types) {
            let c = quoteIdentifier(name)
            let stats = try db.prepare(
                "SELECT COUNT(*) - COUNT(\(c)), COUNT(DISTINCT \(c)), MIN(\(c)), MAX(\(c)) FROM data").allRows()[0]
            let distinct = try db.prepare(
                "SELECT \(c) FROM data WHERE \(c) IS NOT NULL GROUP BY \(c) ORDER BY MIN(rowid) LIMIT 200").allRows()
                .map { $0[0].description }
            profiles.append(ColumnProfile(
                name: name, type: type, nullCount: Int(stats[0].doubleValue ?? 0),
                distinctCount: Int(stats[1].doubleValue ?? 0), min: stats[2], max: stats[3],
                samples: Array(distinct.prefix(5))))
            if type == .text { values[name] = distinct }
        }
        return SourceSchema(rowCount: rowCount, columns: profiles, valueIndex: ValueIndex(values: values))
    }

    struct Result {
        var columns: [String]
        var rows: [[SQLValue]]
    }

    func run(_ sql: String) throws -> Result {
        let statement = try connection.prepare(sql)
        let columns = (0..<statement.columnCount).map(statement.columnName)
        return Result(columns: columns, rows: try statement.allRows())
    }

    /// True when `sql` prepares as exactly one read-only statement with nothing after it.
    func isSingleReadOnlyStatement(_ sql: String) -> Bool {
        var stmt: OpaquePointer?
        var tail: UnsafePointer<CChar>?
        let ok = sql.withCString { base -> Bool in
            let rc = sqlite3_prepare_v2(connection.handle, base, -1, &stmt, &tail)
            defer { sqlite3_finalize(stmt) }
            guard rc == SQLITE_OK, let stmt, sqlite3_stmt_readonly(stmt) != 0 else { return false }
            let rest = tail.map { String(cString: $0) } ?? ""
            return rest.trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: ";"))).isEmpty
        }
        return ok
    }

    // MARK: - median(x), as the executor registers it

    final class MedianBox { var values: [Double] = [] }

    static func registerMedian(_ db: SQLiteConnection) {
        let step: @convention(c) (OpaquePointer?, Int32, UnsafeMutablePointer<OpaquePointer?>?) -> Void = { ctx, _, argv in
            guard let argv, let value = argv[0], sqlite3_value_type(value) != SQLITE_NULL else { return }
            let slot = sqlite3_aggregate_context(ctx, Int32(MemoryLayout<UnsafeMutableRawPointer?>.size))!
                .assumingMemoryBound(to: UnsafeMutableRawPointer?.self)
            if slot.pointee == nil { slot.pointee = Unmanaged.passRetained(MedianBox()).toOpaque() }
            Unmanaged<MedianBox>.fromOpaque(slot.pointee!).takeUnretainedValue().values.append(sqlite3_value_double(value))
        }
        let final: @convention(c) (OpaquePointer?) -> Void = { ctx in
            guard let raw = sqlite3_aggregate_context(ctx, 0) else { sqlite3_result_null(ctx); return }
            let slot = raw.assumingMemoryBound(to: UnsafeMutableRawPointer?.self)
            guard let p = slot.pointee else { sqlite3_result_null(ctx); return }
            let box = Unmanaged<MedianBox>.fromOpaque(p).takeRetainedValue()
            let v = box.values.sorted()
            if v.isEmpty { sqlite3_result_null(ctx); return }
            let m = v.count % 2 == 1 ? v[v.count / 2] : (v[v.count / 2 - 1] + v[v.count / 2]) / 2
            sqlite3_result_double(ctx, m)
        }
        sqlite3_create_function_v2(db.handle, "median", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC, nil, nil, step, final, nil)
    }
}

/// A small RFC 4180 reader for fixtures (quoted fields, doubled quotes, CRLF).
enum CSVReader {
    static func parse(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var inQuotes = false
        var chars = Array(text.unicodeScalars)[...]
        while let c = chars.popFirst() {
            if inQuotes {
                if c == "\"" {
                    if chars.first == "\"" { field.unicodeScalars.append("\""); chars.removeFirst() } else { inQuotes = false }
                } else {
                    field.unicodeScalars.append(c)
                }
            } else if c == "\"" {
                inQuotes = true
            } else if c == "," {
                record.append(field); field = ""
            } else if c == "\n" || c == "\r" {
                if c == "\r", chars.first == "\n" { chars.removeFirst() }
                record.append(field); field = ""
                records.append(record); record = []
            } else {
                field.unicodeScalars.append(c)
            }
        }
        if !field.isEmpty || !record.isEmpty { record.append(field); records.append(record) }
        return records
    }
}

// Helpers for the ingest tests: a fresh temporary directory per test, fixtures,
// and small queries against the built database.

import Foundation
import Testing
@testable import LumiereCore
@testable import LumiereStore

enum IngestTest {
    /// Runs `body` with a new temporary directory, removed afterwards.
    static func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
        let dir = FileManager.default.temporaryDirectory
            .appendingPathComponent("lumiere-ingest-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        return try body(dir)
    }

    static func fixturePath(_ name: String) throws -> String {
        try #require(Bundle.module.url(forResource: "Fixtures/\(name)", withExtension: nil)).path
    }

    static func write(_ bytes: [UInt8], to path: String) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    static func rows(_ database: String, _ sql: String) throws -> [[SQLValue]] {
        let connection = try SQLiteConnection(path: database, mode: .readOnly)
        return try connection.prepare(sql).allRows()
    }

    /// (name, declared type) of every column of `data`.
    static func schema(_ database: String) throws -> [[SQLValue]] {
        try rows(database, "SELECT name, type FROM pragma_table_info('data') ORDER BY cid")
    }

    static func ingestError(_ body: () throws(LumiereError) -> IngestOutcome) -> LumiereError? {
        do { _ = try body(); return nil } catch { return error }
    }
}

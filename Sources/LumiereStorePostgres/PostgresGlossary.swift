// The glossary table in PostgreSQL: the same rows and rules as the SQLite store's
// (LumiereStore State/Glossary.swift). Adding a term is one transaction that counts the
// glossary under a row lock on its source name's newest version, so two daemons adding
// terms at once never pass `GlossaryEntry.maxEntries` together.

import Foundation
import LumiereCore
import LumiereStore
import PostgresNIO

extension PostgresStateStore { // GlossaryStore
    static func glossary(_ client: PostgresClient, tenant: String, source: String, logger: Logger) async throws -> [GlossaryEntry] {
        var entries: [GlossaryEntry] = []
        for try await (term, column, value) in try await client.query("""
            SELECT term, column_name, value FROM glossary WHERE tenant = \(tenant) AND source_name = \(source)
            ORDER BY created_at, term_key
            """, logger: logger).decode((String, String, String?).self) {
            entries.append(GlossaryEntry(term: term, column: column, value: value))
        }
        return entries
    }

    static func withGlossary(_ record: SourceRecord?, _ client: PostgresClient, logger: Logger) async throws -> SourceRecord? {
        guard var r = record else { return nil }
        r.glossary = try await glossary(client, tenant: r.tenant, source: r.name, logger: logger)
        return r
    }

    public func glossary(tenant: String, source: String) throws(LumiereError) -> [GlossaryEntry] {
        try db.call("reading a glossary") { [logger] client in
            try await Self.glossary(client, tenant: tenant, source: source, logger: logger)
        }
    }

    @discardableResult
    public func putGlossaryEntry(tenant: String, source: String, _ entry: GlossaryEntry) throws(LumiereError) -> Bool {
        let key = entry.key
        let t = Date().timeIntervalSince1970
        let outcome: Int = try db.transaction("adding a glossary term") { [logger] connection in
            // Serialize writers of one glossary on its source rows.
            try await connection.query("""
                SELECT id FROM sources WHERE tenant = \(tenant) AND name = \(source) FOR UPDATE
                """, logger: logger)
            var exists = false
            for try await _ in try await connection.query("""
                SELECT 1 FROM glossary WHERE tenant = \(tenant) AND source_name = \(source) AND term_key = \(key)
                """, logger: logger).decode(Int.self) { exists = true }
            if !exists {
                var count = 0
                for try await n in try await connection.query("""
                    SELECT COUNT(*) FROM glossary WHERE tenant = \(tenant) AND source_name = \(source)
                    """, logger: logger).decode(Int.self) { count = n }
                if count >= GlossaryEntry.maxEntries { return -1 }
            }
            try await connection.query("""
                INSERT INTO glossary (tenant, source_name, term_key, term, column_name, value, created_at)
                VALUES (\(tenant), \(source), \(key), \(entry.term), \(entry.column), \(entry.value), \(t))
                ON CONFLICT (tenant, source_name, term_key)
                DO UPDATE SET term = excluded.term, column_name = excluded.column_name, value = excluded.value
                """, logger: logger)
            return exists ? 1 : 0
        }
        if outcome < 0 { throw GlossaryLimits.full(source) }
        return outcome == 1
    }

    @discardableResult
    public func deleteGlossaryEntry(tenant: String, source: String, term: String) throws(LumiereError) -> Bool {
        let key = GlossaryEntry.key(term)
        return try db.call("deleting a glossary term") { [logger] client in
            var deleted = false
            for try await _ in try await client.query("""
                DELETE FROM glossary WHERE tenant = \(tenant) AND source_name = \(source) AND term_key = \(key) RETURNING 1
                """, logger: logger).decode(Int.self) { deleted = true }
            return deleted
        }
    }
}

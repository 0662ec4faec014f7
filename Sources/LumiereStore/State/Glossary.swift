// The glossary table of the embedded store: a source name's terms (Core's GlossaryEntry),
// one row per normalized term, so "Revenue" and "revenues" are one entry and adding it again
// replaces it. Source renames and deletes keep it in step (Sources.swift).

import Foundation
import GRDB
import LumiereCore

extension StateStore {
    public func glossary(tenant: String, source: String) throws(LumiereError) -> [GlossaryEntry] {
        try read("reading a glossary") { db in try Self.glossary(db, tenant: tenant, source: source) }
    }

    static func glossary(_ db: Database, tenant: String, source: String) throws -> [GlossaryEntry] {
        try Row.fetchAll(db, sql: """
            SELECT term, column_name, value FROM glossary WHERE tenant = ? AND source_name = ?
            ORDER BY created_at, term_key
            """, arguments: [tenant, source]).map { GlossaryEntry(term: $0["term"], column: $0["column_name"], value: $0["value"]) }
    }

    /// Add an entry or replace the one with the same normalized term. Returns true when it
    /// replaced one. Refuses a new term beyond `GlossaryEntry.maxEntries`.
    @discardableResult
    public func putGlossaryEntry(tenant: String, source: String, _ entry: GlossaryEntry) throws(LumiereError) -> Bool {
        try write("adding a glossary term") { db in
            let key = entry.key
            let exists = try Bool.fetchOne(db, sql: """
                SELECT 1 FROM glossary WHERE tenant = ? AND source_name = ? AND term_key = ?
                """, arguments: [tenant, source, key]) ?? false
            if !exists {
                let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM glossary WHERE tenant = ? AND source_name = ?",
                                             arguments: [tenant, source]) ?? 0
                if count >= GlossaryEntry.maxEntries { throw GlossaryLimits.full(source) }
            }
            try db.execute(sql: """
                INSERT INTO glossary (tenant, source_name, term_key, term, column_name, value, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (tenant, source_name, term_key)
                DO UPDATE SET term = excluded.term, column_name = excluded.column_name, value = excluded.value
                """, arguments: [tenant, source, key, entry.term, entry.column, entry.value, now()])
            return exists
        }
    }

    /// Remove a term (matched by its normalized words). Returns false when there was none.
    @discardableResult
    public func deleteGlossaryEntry(tenant: String, source: String, term: String) throws(LumiereError) -> Bool {
        try write("deleting a glossary term") { db in
            try db.execute(sql: "DELETE FROM glossary WHERE tenant = ? AND source_name = ? AND term_key = ?",
                           arguments: [tenant, source, GlossaryEntry.key(term)])
            return db.changesCount > 0
        }
    }
}

/// The errors every backend's glossary gives alike.
public enum GlossaryLimits {
    public static func full(_ source: String) -> LumiereError {
        LumiereError(.invalidGlossaryTerm, "the glossary of \(source) already has \(GlossaryEntry.maxEntries) terms",
                     hint: "delete terms no one uses first (lumiere sources glossary delete)")
    }
}

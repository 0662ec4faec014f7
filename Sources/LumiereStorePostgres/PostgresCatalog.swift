// The source catalog, the query history and the LLM usage counters in PostgreSQL: the
// same statements as the SQLite store's (State/Sources.swift, Queries.swift, LLMBudget.swift).
// Two daemons recording the same source version at once: the UNIQUE (tenant, name,
// version) constraint refuses the second (`database_busy`, transient: it retries and
// takes the next version).

import Foundation
import LumiereCore
import LumiereStore
import PostgresNIO

extension PostgresStateStore { // SourceCatalogStore
    static func source(_ row: PostgresRow) throws -> SourceRecord {
        let r = row.makeRandomAccess()
        return SourceRecord(
            id: try r["id"].decode(Int64.self), tenant: try r["tenant"].decode(String.self),
            name: try r["name"].decode(String.self), version: try r["version"].decode(Int.self),
            description: try r["description"].decode(String.self), fileName: try r["file_name"].decode(String.self),
            sizeBytes: try r["size_bytes"].decode(Int64.self), sha256: try r["sha256"].decode(String.self),
            rowCount: try r["row_count"].decode(Int.self), columnCount: try r["column_count"].decode(Int.self),
            profile: StoredJSON.decode(SourceProfile.self, try r["profile"].decode(String.self))
                ?? SourceProfile(rowCount: 0, columns: []),
            valueIndex: StoredJSON.decode(ValueIndex.self, try r["value_index"].decode(String.self)) ?? ValueIndex(),
            databaseFile: try r["db_file"].decode(String.self), createdAt: try r["created_at"].decode(Double.self),
            updatedAt: try r["updated_at"].decode(Double.self))
    }

    static func sources(_ rows: PostgresRowSequence) async throws -> [SourceRecord] {
        var all: [SourceRecord] = []
        for try await row in rows { all.append(try source(row)) }
        return all
    }

    public func nextVersion(tenant: String, name: String) throws(LumiereError) -> Int {
        try db.call("reading source versions") { [logger] client in
            var newest = 0
            for try await v in try await client.query("""
                SELECT MAX(version) FROM sources WHERE tenant = \(tenant) AND name = \(name)
                """, logger: logger).decode(Int?.self) { newest = v ?? 0 }
            return newest + 1
        }
    }

    public func addSource(_ new: NewSourceVersion, version: Int, databaseFile: String) throws(LumiereError) -> SourceRecord {
        let t = Date().timeIntervalSince1970
        let profile = StoredJSON.encode(new.profile)
        let valueIndex = StoredJSON.encode(new.valueIndex)
        // One transaction with the standing runs it queues (PostgresSubscriptions.swift).
        return try db.transaction("recording a source") { [logger] connection in
            let rows = try await connection.query("""
                INSERT INTO sources (tenant, name, version, file_name, size_bytes, sha256, row_count, column_count,
                                     profile, value_index, db_file, created_at, updated_at)
                VALUES (\(new.tenant), \(new.name), \(version), \(new.fileName), \(new.sizeBytes), \(new.sha256),
                        \(new.profile.rowCount), \(new.profile.columns.count), \(profile), \(valueIndex), \(databaseFile),
                        \(t), \(t))
                RETURNING *
                """, logger: logger)
            let record = try await Self.sources(rows)[0]
            try await Self.enqueueStandingRuns(connection, source: record, logger: logger)
            return record
        }
    }

    public func source(tenant: String, name: String, version: Int? = nil) throws(LumiereError) -> SourceRecord? {
        try db.call("reading a source") { [logger] client in
            let record = if let version {
                try await Self.sources(try await client.query("""
                    SELECT * FROM sources WHERE tenant = \(tenant) AND name = \(name) AND version = \(version)
                    """, logger: logger)).first
            } else {
                try await Self.sources(try await client.query("""
                    SELECT * FROM sources WHERE tenant = \(tenant) AND name = \(name) ORDER BY version DESC LIMIT 1
                    """, logger: logger)).first
            }
            return try await Self.withGlossary(record, client, logger: logger)
        }
    }

    public func source(id: Int64) throws(LumiereError) -> SourceRecord? {
        try db.call("reading a source") { [logger] client in
            let record = try await Self.sources(try await client.query("SELECT * FROM sources WHERE id = \(id)", logger: logger)).first
            return try await Self.withGlossary(record, client, logger: logger)
        }
    }

    public func listSources(tenant: String) throws(LumiereError) -> [SourceRecord] {
        try db.call("listing sources") { [logger] client in
            try await Self.sources(try await client.query("""
                SELECT s.* FROM sources s
                WHERE s.tenant = \(tenant) AND s.version = (SELECT MAX(version) FROM sources t WHERE t.tenant = s.tenant AND t.name = s.name)
                ORDER BY s.name
                """, logger: logger))
        }
    }

    public func versions(tenant: String, name: String) throws(LumiereError) -> [SourceRecord] {
        try db.call("listing source versions") { [logger] client in
            try await Self.sources(try await client.query("""
                SELECT * FROM sources WHERE tenant = \(tenant) AND name = \(name) ORDER BY version
                """, logger: logger))
        }
    }

    public func renameSource(tenant: String, name: String, to newName: String) throws(LumiereError) {
        let t = Date().timeIntervalSince1970
        let taken = try db.transaction("renaming a source") { [logger] connection in
            var count = 0
            for try await n in try await connection.query("""
                SELECT COUNT(*) FROM sources WHERE tenant = \(tenant) AND name = \(newName)
                """, logger: logger).decode(Int.self) { count = n }
            if count > 0 { return true }
            try await connection.query("""
                UPDATE sources SET name = \(newName), updated_at = \(t) WHERE tenant = \(tenant) AND name = \(name)
                """, logger: logger)
            // The history follows the rename, so `queries list --source NEW` finds old questions.
            try await connection.query("""
                UPDATE queries SET source_name = \(newName) WHERE tenant = \(tenant) AND source_name = \(name)
                """, logger: logger)
            try await connection.query("""
                UPDATE subscriptions SET source_name = \(newName) WHERE tenant = \(tenant) AND source_name = \(name)
                """, logger: logger)
            // So does the glossary (a stale one under the new name would otherwise apply).
            try await connection.query("""
                DELETE FROM glossary WHERE tenant = \(tenant) AND source_name = \(newName)
                """, logger: logger)
            try await connection.query("""
                UPDATE glossary SET source_name = \(newName) WHERE tenant = \(tenant) AND source_name = \(name)
                """, logger: logger)
            return false
        }
        if taken {
            throw LumiereError(.malformedRequest, "a source named \(newName) already exists",
                               hint: "pick another name or delete that source first")
        }
    }

    public func describeSource(tenant: String, name: String, description: String) throws(LumiereError) {
        let t = Date().timeIntervalSince1970
        try db.call("describing a source") { [logger] client in
            try await client.query("""
                UPDATE sources SET description = \(description), updated_at = \(t) WHERE tenant = \(tenant) AND name = \(name)
                """, logger: logger)
            return ()
        }
    }

    public func deleteSource(tenant: String, name: String, version: Int? = nil) throws(LumiereError) -> [SourceRecord] {
        try db.transaction("deleting a source") { [logger] connection in
            let rows = if let version {
                try await connection.query("""
                    DELETE FROM sources WHERE tenant = \(tenant) AND name = \(name) AND version = \(version) RETURNING *
                    """, logger: logger)
            } else {
                try await connection.query("DELETE FROM sources WHERE tenant = \(tenant) AND name = \(name) RETURNING *",
                                           logger: logger)
            }
            var deleted: [SourceRecord] = []
            for try await row in rows { deleted.append(try Self.source(row)) }
            // The glossary goes with the last version: a new upload of the name starts afresh.
            try await connection.query("""
                DELETE FROM glossary WHERE tenant = \(tenant) AND source_name = \(name)
                  AND NOT EXISTS (SELECT 1 FROM sources WHERE tenant = \(tenant) AND name = \(name))
                """, logger: logger)
            return deleted.sorted { $0.version < $1.version }
        }
    }

    public func pruneVersions(tenant: String, name: String, keep: Int) throws(LumiereError) -> [SourceRecord] {
        try db.call("pruning source versions") { [logger] client in
            try await Self.sources(try await client.query("""
                DELETE FROM sources WHERE id IN (
                    SELECT id FROM sources WHERE tenant = \(tenant) AND name = \(name) ORDER BY version DESC OFFSET \(keep))
                RETURNING *
                """, logger: logger)).sorted { $0.version > $1.version }
        }
    }

    public func allSourceFiles() throws(LumiereError) -> Set<String> {
        try db.call("listing source files") { [logger] client in
            var files = Set<String>()
            for try await f in try await client.query("SELECT db_file FROM sources", logger: logger).decode(String.self) {
                files.insert(f)
            }
            return files
        }
    }
}

extension PostgresStateStore { // QueryHistoryStore
    static func query(_ row: PostgresRow) throws -> QueryRecord {
        let r = row.makeRandomAccess()
        return QueryRecord(
            id: try r["id"].decode(Int64.self), tenant: try r["tenant"].decode(String.self),
            jobID: try r["job_id"].decode(Int64?.self), rerunOf: try r["rerun_of"].decode(Int64?.self),
            sourceID: try r["source_id"].decode(Int64?.self), sourceName: try r["source_name"].decode(String?.self),
            sourceVersion: try r["source_version"].decode(Int?.self), action: try r["action"].decode(String.self),
            question: try r["question"].decode(String?.self), status: try r["status"].decode(String.self),
            engine: try r["engine"].decode(String?.self), sql: try r["sql"].decode(String?.self),
            document: StoredJSON.decode(ResultDocument.self, try r["document"].decode(String.self)),
            interpretation: try r["interpretation"].decode(String?.self),
            confidence: try r["confidence"].decode(Double?.self), rowCount: try r["row_count"].decode(Int?.self),
            request: StoredJSON.decode(JSONValue.self, try r["request"].decode(String?.self)),
            errorCode: try r["error_code"].decode(String?.self), createdAt: try r["created_at"].decode(Double.self),
            finishedAt: try r["finished_at"].decode(Double?.self))
    }

    static func queries(_ rows: PostgresRowSequence) async throws -> [QueryRecord] {
        var all: [QueryRecord] = []
        for try await row in rows { all.append(try query(row)) }
        return all
    }

    public func createQuery(tenant: String, jobID: Int64?, action: String, question: String?,
                            sourceName: String?, rerunOf: Int64? = nil, request: Request? = nil) throws(LumiereError) -> Int64 {
        let t = Date().timeIntervalSince1970
        let requestText = request.map { StoredJSON.encode($0.jsonValue) }
        return try db.call("recording a query") { [logger] client in
            var id: Int64 = 0
            for try await value in try await client.query("""
                INSERT INTO queries (tenant, job_id, rerun_of, source_name, action, question, status, document, created_at, request)
                VALUES (\(tenant), \(jobID), \(rerunOf), \(sourceName), \(action), \(question), 'running', '{}', \(t), \(requestText))
                RETURNING id
                """, logger: logger).decode(Int64.self) { id = value }
            return id
        }
    }

    public func finishQuery(id: Int64, document: ResultDocument, keepRows: Int) throws(LumiereError) {
        var stored = document
        if let rows = stored.rows, rows.count > keepRows { stored.rows = Array(rows.prefix(keepRows)) }
        let s = stored
        let text = StoredJSON.encode(stored)
        let t = Date().timeIntervalSince1970
        try db.call("storing a query result") { [logger] client in
            try await client.query("""
                UPDATE queries SET status = \(s.status.rawValue), engine = \(s.engine), sql = \(s.sql),
                    interpretation = \(s.interpretation), confidence = \(s.confidence), row_count = \(s.rowCount),
                    source_id = \(s.source?.id), source_name = COALESCE(\(s.source?.name), source_name),
                    source_version = \(s.source?.version), document = \(text), finished_at = \(t), error_code = \(s.error?.code)
                WHERE id = \(id)
                """, logger: logger)
            return ()
        }
    }

    public func query(tenant: String, id: Int64) throws(LumiereError) -> QueryRecord? {
        try db.call("reading a query") { [logger] client in
            try await Self.queries(try await client.query("""
                SELECT * FROM queries WHERE tenant = \(tenant) AND id = \(id)
                """, logger: logger)).first
        }
    }

    public func listQueries(tenant: String, source: String? = nil, status: String? = nil,
                            limit: Int = 50) throws(LumiereError) -> [QueryRecord] {
        // NULL filters match everything: one statement instead of SQL assembled per filter.
        try db.call("listing queries") { [logger] client in
            try await Self.queries(try await client.query("""
                SELECT * FROM queries WHERE tenant = \(tenant)
                  AND (\(source)::text IS NULL OR source_name = \(source))
                  AND (\(status)::text IS NULL OR status = \(status))
                ORDER BY id DESC LIMIT \(limit)
                """, logger: logger))
        }
    }

    /// At start-up: query rows reserved by jobs whose daemon died mid-answer (the job runs
    /// again and reserves a fresh row). Rows of jobs another daemon is running right now
    /// (a live lease) are kept, and so are rows of `lumiere ask` (no job).
    @discardableResult
    public func deleteAbandonedQueries() throws(LumiereError) -> Int {
        try db.call("removing abandoned queries") { [logger] client in
            var n = 0
            for try await _ in try await client.query("""
                DELETE FROM queries WHERE status = 'running' AND job_id IS NOT NULL
                  AND job_id NOT IN (SELECT id FROM jobs WHERE state = 'running' AND lease_until >= \(unescaped: Self.serverNow))
                RETURNING id
                """, logger: logger) { n += 1 }
            return n
        }
    }

    @discardableResult
    public func deleteQuery(tenant: String, id: Int64) throws(LumiereError) -> Bool {
        try db.call("deleting a query") { [logger] client in
            var n = 0
            for try await _ in try await client.query("""
                DELETE FROM queries WHERE tenant = \(tenant) AND id = \(id) RETURNING id
                """, logger: logger) { n += 1 }
            return n > 0
        }
    }

    @discardableResult
    public func updateQueryDocument(tenant: String, id: Int64, document: ResultDocument,
                                    keepRows: Int) throws(LumiereError) -> Bool {
        var stored = document
        if let rows = stored.rows, rows.count > keepRows { stored.rows = Array(rows.prefix(keepRows)) }
        let text = StoredJSON.encode(stored)
        return try db.call("updating a query") { [logger] client in
            var n = 0
            for try await _ in try await client.query("""
                UPDATE queries SET document = \(text) WHERE tenant = \(tenant) AND id = \(id) RETURNING id
                """, logger: logger) { n += 1 }
            return n > 0
        }
    }

    @discardableResult
    public func pruneQueries(before cutoff: Double) throws(LumiereError) -> Int {
        try db.call("pruning the query history") { [logger] client in
            var n = 0
            for try await _ in try await client.query("""
                DELETE FROM queries WHERE COALESCE(finished_at, created_at) < \(cutoff)
                  AND (job_id IS NULL OR job_id NOT IN (SELECT id FROM jobs WHERE state IN ('queued', 'running')))
                  AND (status != 'running' OR created_at < \(cutoff))
                RETURNING id
                """, logger: logger) { n += 1 }
            return n
        }
    }
}

extension PostgresStateStore { // LLMUsageStore
    /// Check and count in one transaction with the day's row locked, so daemons on several
    /// hosts never overshoot the budget together.
    public func reserveLLMRequest(day: String, requestLimit: Int, tokenLimit: Int) throws(LumiereError) -> LLMDayUsage {
        let outcome: Result<LLMDayUsage, LumiereError> = try db.transaction("counting an LLM request") { [logger] connection in
            try await connection.query("INSERT INTO llm_usage (day) VALUES (\(day)) ON CONFLICT (day) DO NOTHING",
                                       logger: logger)
            var used = LLMDayUsage(day: day)
            for try await (requests, prompt, completion) in try await connection.query("""
                SELECT requests, prompt_tokens, completion_tokens FROM llm_usage WHERE day = \(day) FOR UPDATE
                """, logger: logger).decode((Int, Int, Int).self) {
                used = LLMDayUsage(day: day, requests: requests, promptTokens: prompt, completionTokens: completion)
            }
            if requestLimit > 0 && used.requests >= requestLimit {
                return .failure(LumiereError(.llmBudgetExhausted,
                                             "the LLM request budget for \(day) (UTC) is used up: \(used.requests) of \(requestLimit) requests",
                                             hint: "wait for the next UTC day, or raise llm.daily_request_budget"))
            }
            if tokenLimit > 0 && used.tokens >= tokenLimit {
                return .failure(LumiereError(.llmBudgetExhausted,
                                             "the LLM token budget for \(day) (UTC) is used up: \(used.tokens) of \(tokenLimit) tokens",
                                             hint: "wait for the next UTC day, or raise llm.daily_token_budget"))
            }
            try await connection.query("UPDATE llm_usage SET requests = requests + 1 WHERE day = \(day)", logger: logger)
            used.requests += 1
            return .success(used)
        }
        return try outcome.get()
    }

    public func addLLMTokens(day: String, prompt: Int, completion: Int) throws(LumiereError) {
        let p = max(0, prompt), c = max(0, completion)
        try db.call("counting LLM tokens") { [logger] client in
            try await client.query("""
                INSERT INTO llm_usage (day, prompt_tokens, completion_tokens) VALUES (\(day), \(p), \(c))
                ON CONFLICT (day) DO UPDATE SET prompt_tokens = llm_usage.prompt_tokens + excluded.prompt_tokens,
                                                completion_tokens = llm_usage.completion_tokens + excluded.completion_tokens
                """, logger: logger)
            return ()
        }
    }

    public func llmUsage(day: String) throws(LumiereError) -> LLMDayUsage {
        try db.call("reading LLM usage") { [logger] client in
            var used = LLMDayUsage(day: day)
            for try await (requests, prompt, completion) in try await client.query("""
                SELECT requests, prompt_tokens, completion_tokens FROM llm_usage WHERE day = \(day)
                """, logger: logger).decode((Int, Int, Int).self) {
                used = LLMDayUsage(day: day, requests: requests, promptTokens: prompt, completionTokens: completion)
            }
            return used
        }
    }
}

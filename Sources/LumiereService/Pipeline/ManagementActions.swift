// ManagementActions: the request-file actions besides asking — the prototype's source and
// history endpoints — answered with a result document whose `data` carries the payload:
//   list_sources, show_source, update_source (name, description), preview_source (limit,
//   offset), delete_source (catalog rows and database files), list_queries (source,
//   status, limit), show_query, delete_query, rerun (the stored SQL on the newest version
//   of the source, recorded as a new query with rerun_of), chart / insight (regenerate a
//   stored query's chart or insights, with another chart_type or engine), glossary_add /
//   glossary_delete (the source name's glossary: term, column, value); watch_add,
//   watch_list, watch_pause, watch_resume, watch_delete (standing questions: WatchActions).
// The daemon's workers and the `lumiere sources|queries` commands both call `manage`, so
// a command and its request file give the same document.
//
// Tenant scoping: every lookup is by (tenant, name) or (tenant, id). Another tenant's
// source or query is indistinguishable from one that does not exist: the same
// `unknown_source` / `unknown_query` error with the same message.
// Failure modes: a failed document with the error; only transient errors are thrown.

import Foundation
import LumiereCore
import LumiereSpool
import LumiereStore

public enum ManagementActions {
    static let actions: Set<Request.Action> = [
        .rerun, .deleteQuery, .listQueries, .showQuery, .listSources, .showSource, .updateSource,
        .previewSource, .deleteSource, .chart, .insight, .glossaryAdd, .glossaryDelete,
        .watchAdd, .watchList, .watchPause, .watchResume, .watchDelete,
    ]

    /// Is `action` answered by `Analyst.manage` (rather than `Analyst.answer`)?
    public static func handles(_ action: Request.Action) -> Bool { actions.contains(action) }

    /// Largest preview window and list length.
    public static let maxPreviewRows = 1000
    public static let maxListItems = 1000
}

extension Analyst {
    /// Perform a management action. Throws only transient errors; anything else is a
    /// failed document. Returns the HTML report for rerun / chart / insight.
    public func manage(_ request: Request, tenant: String, jobID: Int64?,
                       file: String?) throws(LumiereError) -> (ResultDocument, html: String?) {
        var doc = ResultDocument(status: .succeeded,
                                 request: RequestInfo(file: file, id: request.clientID, action: request.action.rawValue),
                                 createdAt: isoTimestamp())
        doc.jobID = jobID
        var html: String?
        let started = Date()
        do throws(LumiereError) {
            var data = ManagementData()
            switch request.action {
            case .listSources:
                let limit = min(request.limit ?? ManagementActions.maxListItems, ManagementActions.maxListItems)
                data.sources = try store.listSources(tenant: tenant).prefix(limit).map { record throws(LumiereError) in
                    try info(record, tenant: tenant, detailed: false)
                }
            case .showSource:
                let record = try requireSource(request.source, version: request.sourceVersion, tenant: tenant)
                doc.source = record.ref
                data.source = try info(record, tenant: tenant, detailed: true)
            case .updateSource:
                data.source = try updateSource(request, tenant: tenant, doc: &doc)
            case .glossaryAdd, .glossaryDelete:
                let record = try changeGlossary(request, tenant: tenant)
                doc.source = record.ref
                data.source = try info(record, tenant: tenant, detailed: false)
                data.source?.glossary = record.glossary.map { GlossaryInfo($0, schema: record.schema) }
            case .previewSource:
                data.preview = try preview(request, tenant: tenant, doc: &doc)
            case .deleteSource:
                data.deleted = try deleteSource(request, tenant: tenant)
            case .listQueries:
                data.queries = try listQueries(request, tenant: tenant)
            case .showQuery:
                let record = try requireQuery(request.queryID, tenant: tenant)
                doc.queryID = record.id
                doc.source = record.document?.source
                data.query = info(record, detailed: true)
            case .deleteQuery:
                let id = try requireQuery(request.queryID, tenant: tenant).id
                try store.deleteQuery(tenant: tenant, id: id)
                data.deleted = ManagementData.Deleted(queryID: id)
            case .rerun:
                html = try rerun(request, tenant: tenant, jobID: jobID, file: file, doc: &doc)
                data.rerunOf = request.queryID
            case .chart, .insight:
                html = try regenerate(request, tenant: tenant, doc: &doc)
                data.regenerated = request.action.rawValue
            case .watchAdd, .watchList, .watchPause, .watchResume, .watchDelete:
                try watch(request, tenant: tenant, jobID: jobID, into: &data)  // WatchActions.swift
            case .ask, .sql, .choose:
                throw LumiereError(.internalError, "\(request.action.rawValue) is not a management action",
                                   hint: "this is a bug: please report it")
            }
            doc.data = .encoding(data)
        } catch {
            if error.isTransient { throw error }
            doc.fail(error)
        }
        doc.timingsMs["total"] = ms(since: started)
        return (doc, html)
    }

    // MARK: sources

    func requireSource(_ name: String?, version: Int?, tenant: String) throws(LumiereError) -> SourceRecord {
        guard let name, let record = try store.source(tenant: tenant, name: name, version: version) else {
            throw unknownSource(name ?? "", version: version, tenant: tenant)
        }
        return record
    }

    func info(_ record: SourceRecord, tenant: String, detailed: Bool) throws(LumiereError) -> SourceInfo {
        let versions = try store.versions(tenant: tenant, name: record.name).map(\.version)
        var info = SourceInfo(id: record.id, name: record.name, version: record.version, versions: versions,
                              description: record.description, fileName: record.fileName, sizeBytes: record.sizeBytes,
                              sha256: record.sha256, rowCount: record.rowCount, columnCount: record.columnCount,
                              createdAt: isoTimestamp(Date(timeIntervalSince1970: record.createdAt)),
                              updatedAt: isoTimestamp(Date(timeIntervalSince1970: record.updatedAt)))
        if detailed {
            info.columns = record.profile.columns
            info.encoding = record.profile.encoding
            info.delimiter = record.profile.delimiter
            info.format = record.profile.format
            info.warnings = record.profile.warnings.isEmpty ? nil : record.profile.warnings
            info.glossary = record.glossary.map { GlossaryInfo($0, schema: record.schema) }
        }
        return info
    }

    /// Add (checked against the newest version's schema) or remove one glossary term;
    /// returns the source read back with its glossary.
    private func changeGlossary(_ request: Request, tenant: String) throws(LumiereError) -> SourceRecord {
        let record = try requireSource(request.source, version: nil, tenant: tenant)
        let term = request.term ?? ""
        if request.action == .glossaryAdd {
            let entry = try GlossaryEntry(term: term, column: request.column ?? "", value: request.value)
                .validated(against: record.schema)
            try store.putGlossaryEntry(tenant: tenant, source: record.name, entry)
        } else if try !store.deleteGlossaryEntry(tenant: tenant, source: record.name, term: term) {
            throw LumiereError(.invalidGlossaryTerm, "\(record.name) has no glossary term \"\(term.prefix(60))\"",
                               hint: "lumiere sources show \(record.name) lists its terms")
        }
        return try requireSource(record.name, version: nil, tenant: tenant)
    }

    private func updateSource(_ request: Request, tenant: String, doc: inout ResultDocument) throws(LumiereError) -> SourceInfo {
        guard request.name != nil || request.description != nil else {
            throw LumiereError(.malformedRequest, "update_source needs \"name\" (to rename) or \"description\"",
                               hint: "e.g. {\"action\": \"update_source\", \"source\": \"sales\", \"description\": \"2024 sales\"}")
        }
        var record = try requireSource(request.source, version: nil, tenant: tenant)
        if let newName = request.name, newName != record.name {
            guard SpoolNames.sanitize(newName) == newName else {
                throw LumiereError(.malformedRequest, "\"\(newName.prefix(60))\" is not a valid source name",
                                   hint: "source names use letters, digits, _, - and ., and do not start with ., e.g. \"\(SpoolNames.sanitize(newName))\"")
            }
            try store.renameSource(tenant: tenant, name: record.name, to: newName)
            record.name = newName
        }
        if let description = request.description {
            try store.describeSource(tenant: tenant, name: record.name, description: description)
        }
        let fresh = try requireSource(record.name, version: nil, tenant: tenant)
        doc.source = fresh.ref
        return try info(fresh, tenant: tenant, detailed: false)
    }

    private func preview(_ request: Request, tenant: String, doc: inout ResultDocument) throws(LumiereError) -> ManagementData.PreviewWindow {
        let record = try requireSource(request.source, version: request.sourceVersion, tenant: tenant)
        let limit = request.limit ?? 20
        guard limit <= ManagementActions.maxPreviewRows else {
            throw LumiereError(.malformedRequest, "preview_source shows at most \(ManagementActions.maxPreviewRows) rows at a time",
                               hint: "page with \"offset\": e.g. limit 1000, offset 1000 for the next page")
        }
        let offset = request.offset ?? 0
        doc.source = record.ref
        var limits = sandboxLimits
        limits.maxRows = max(1, limit)
        let t = Date()
        let executor = try SandboxedExecutor(databasePath: "\(layout.state)/\(record.databaseFile)", limits: limits)
        // rowid order is file order: ingest inserts rows as they come.
        let result = try executor.run("SELECT * FROM data ORDER BY rowid LIMIT \(limit) OFFSET \(offset)")
        doc.timingsMs["execution"] = ms(since: t)
        doc.setResult(result)
        return ManagementData.PreviewWindow(limit: limit, offset: offset, totalRows: record.rowCount)
    }

    private func deleteSource(_ request: Request, tenant: String) throws(LumiereError) -> ManagementData.Deleted {
        guard let name = request.source else { throw unknownSource("", version: nil, tenant: tenant) }
        let removed = try store.deleteSource(tenant: tenant, name: name, version: request.sourceVersion)
        if removed.isEmpty { throw unknownSource(name, version: request.sourceVersion, tenant: tenant) }
        var files = 0
        for record in removed {
            let path = "\(layout.state)/\(record.databaseFile)"
            for suffix in ["", "-wal", "-shm", "-journal"] where unlink(path + suffix) == 0 { files += 1 }
        }
        return ManagementData.Deleted(source: name, versions: removed.map(\.version).sorted(), files: files)
    }

    // MARK: queries

    func requireQuery(_ id: Int64?, tenant: String) throws(LumiereError) -> QueryRecord {
        guard let id, let record = try store.query(tenant: tenant, id: id) else {
            throw LumiereError(.unknownQuery, "there is no query \(id ?? 0)",
                               hint: "list the history with {\"action\": \"list_queries\"} or `lumiere queries list`")
        }
        return record
    }

    func info(_ record: QueryRecord, detailed: Bool) -> QueryInfo {
        var info = QueryInfo(id: record.id, action: record.action, status: record.status,
                             createdAt: isoTimestamp(Date(timeIntervalSince1970: record.createdAt)))
        info.question = record.question
        info.sql = record.sql
        info.interpretation = record.interpretation
        info.confidence = record.confidence
        info.engine = record.engine
        info.sourceID = record.sourceID
        info.sourceName = record.sourceName
        info.sourceVersion = record.sourceVersion
        info.rowCount = record.rowCount
        info.errorCode = record.errorCode
        info.rerunOf = record.rerunOf
        info.jobID = record.jobID
        info.finishedAt = record.finishedAt.map { isoTimestamp(Date(timeIntervalSince1970: $0)) }
        if detailed {
            info.request = record.request
            info.document = record.document
        }
        return info
    }

    private func listQueries(_ request: Request, tenant: String) throws(LumiereError) -> [QueryInfo] {
        let limit = min(request.limit ?? 50, ManagementActions.maxListItems)
        return try store.listQueries(tenant: tenant, source: request.source, status: request.status?.rawValue, limit: limit)
            .map { info($0, detailed: false) }
    }

    /// The source a stored query ran on, as it is called now: its version row by id (in
    /// this tenant; renames follow), else its recorded name.
    private func currentSourceName(of record: QueryRecord, tenant: String) throws(LumiereError) -> String? {
        if let id = record.sourceID, let row = try store.source(id: id), row.tenant == tenant { return row.name }
        return record.sourceName
    }

    /// Run a stored query's SQL again on the newest version of its source; a new query
    /// records it with rerun_of.
    private func rerun(_ request: Request, tenant: String, jobID: Int64?, file: String?,
                       doc: inout ResultDocument) throws(LumiereError) -> String? {
        let original = try requireQuery(request.queryID, tenant: tenant)
        guard let sql = original.sql, !sql.isEmpty else {
            throw LumiereError(.notRerunnable, "query \(original.id) has no SQL to run again (status \(original.status))",
                               hint: original.status == "needs_clarification"
                                   ? "choose a reading first: {\"action\": \"choose\", \"query_id\": \(original.id), \"choice\": N}"
                                   : "ask the question again")
        }
        let sourceName = try currentSourceName(of: original, tenant: tenant)
        let queryID = try store.createQuery(tenant: tenant, jobID: jobID, action: "rerun", question: original.question,
                                            sourceName: sourceName, rerunOf: original.id, request: request)
        doc.queryID = queryID
        doc.question = original.question
        doc.sql = sql
        doc.interpretation = original.document?.interpretation ?? original.interpretation
        doc.confidence = original.document?.confidence ?? original.confidence
        doc.engine = original.engine
        doc.engines = original.document?.engines.map { EngineInfo(sql: $0.sql) } ?? EngineInfo(sql: original.engine ?? "builtin")
        var svg: String?
        do throws(LumiereError) {
            guard let sourceName, let source = try store.source(tenant: tenant, name: sourceName) else {
                throw unknownSource(sourceName ?? "", version: nil, tenant: tenant)
            }
            doc.source = source.ref
            var stage = request
            stage.question = original.question
            let intent = original.engine == "builtin" ? recoverIntent(question: original.question, sql: sql, schema: source.schema) : nil
            try execute(sql, on: source, request: stage, intent: intent, into: &doc, svg: &svg)
            doc.provenance = provenance(source, engine: doc.engine ?? "builtin")
        } catch {
            if error.isTransient { throw error }
            doc.fail(error)
        }
        try store.finishQuery(id: queryID, document: doc, keepRows: config.results.historyRows)
        return config.results.writeReport ? HTMLReport.render(doc, svg: svg) : nil
    }

    /// Draw a stored query's chart again, or write its insights again: from its result
    /// re-run on the same source version when that version is still kept, else from the
    /// rows the history stored. The stored query gets the new chart / insights.
    private func regenerate(_ request: Request, tenant: String, doc: inout ResultDocument) throws(LumiereError) -> String? {
        let original = try requireQuery(request.queryID, tenant: tenant)
        guard var stored = original.document, stored.status == .succeeded, let sql = stored.sql, stored.columns != nil else {
            throw LumiereError(.notRerunnable,
                               "query \(original.id) has no result to \(request.action == .chart ? "chart" : "write insights about") (status \(original.status))",
                               hint: "rerun or ask it again first")
        }
        let engine = request.engine ?? .builtin
        // The full result when the source version is still there; the stored rows otherwise.
        var result = QueryResult(columns: stored.columns ?? [], rows: stored.rows ?? [], truncated: stored.truncated ?? false)
        var schema: SourceSchema?
        var warnings = stored.warnings ?? []
        // This action's own stage timings (the stored ones stay with the stored query).
        var timings: [String: Double] = [:]
        if let id = original.sourceID, let source = try store.source(id: id), source.tenant == tenant {
            schema = source.schema
            let t = Date()
            let executor = try SandboxedExecutor(databasePath: "\(layout.state)/\(source.databaseFile)", limits: sandboxLimits)
            result = try executor.run(sql)
            timings["execution"] = ms(since: t)
            stored.setResult(result)
        } else if (stored.rowCount ?? 0) > result.rows.count {
            warnings.append("source version \(stored.source?.version ?? 0) is no longer kept; drawn from the \(result.rows.count) rows the history stored")
        }
        let intent = stored.engine == "builtin" && schema != nil
            ? recoverIntent(question: stored.question, sql: sql, schema: schema!) : nil
        var svg: String?
        // Before the stage, which may add its own (an unusable LLM answer, say).
        stored.warnings = warnings
        if request.action == .chart {
            try chartStage(engine: engine, result: result, question: stored.question, chartType: request.chartType,
                           intent: intent, into: &stored, svg: &svg)
        } else {
            try insightStage(engine: engine, result: result, schema: schema, question: stored.question, intent: intent,
                             into: &stored)
            if let chart = stored.chart { svg = SVGChartRenderer().render(chart) }
        }
        if stored.warnings?.isEmpty == true { stored.warnings = nil }
        let stage = request.action == .chart ? "chart" : "insights"
        timings[stage] = stored.timingsMs[stage]
        try store.updateQueryDocument(tenant: tenant, id: original.id, document: stored,
                                      keepRows: config.results.historyRows)
        // The answer: the stored query as it is now, under this request.
        let info = doc.request
        let jobID = doc.jobID
        doc = stored
        doc.request = info
        doc.jobID = jobID
        doc.createdAt = isoTimestamp()
        doc.queryID = original.id
        doc.timingsMs = timings
        return config.results.writeReport ? HTMLReport.render(doc, svg: svg) : nil
    }
}

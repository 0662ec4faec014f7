// Analyst: the stages that turn a request into a result document, shared by the daemon's
// workers and `lumiere ask` (so both write the same document):
//   SQL generation (builtin, LLM or auto: EngineSelection.swift) → sandboxed execution →
//   chart → insights → report.
// Also ingest of uploads into a new source version. Each stage is timed into timings_ms.
//
// Inputs: the state store, the spool layout (for source database files), the config.
// Failure modes: every failure becomes a LumiereError in the document (`status: failed`),
// never a crash; transient ones (busy database, disk full) are thrown to the scheduler.

import Foundation
import Logging
import LumiereCore
import LumiereLLM
import LumiereSpool
import LumiereStore

public struct Analyst: Sendable {
    public let store: any StateBackend
    public let layout: SpoolLayout
    public let config: LumiereConfig
    public let logger: Logger
    /// Counters the stages feed (LLM calls, errors and tokens); nil outside the daemon.
    public let metrics: DaemonMetrics?
    /// The LLM engine (built from `[llm]`; unused with engine = builtin).
    public let llm: LLMRuntime

    public init(store: any StateBackend, layout: SpoolLayout, config: LumiereConfig, logger: Logger,
                environment: [String: String] = ProcessInfo.processInfo.environment, metrics: DaemonMetrics? = nil) {
        self.store = store
        self.layout = layout
        self.config = config
        self.logger = logger
        self.metrics = metrics
        self.llm = LLMRuntime(config: config, store: store, environment: environment, logger: logger,
                              onCall: metrics?.llmCallObserver)
    }

    var ingestLimits: IngestLimits {
        var limits = IngestLimits()
        limits.maxBytes = config.spool.maxFileBytes
        limits.maxColumns = config.ingest.maxColumns
        limits.maxFieldBytes = config.ingest.maxFieldBytes
        limits.valueIndexCap = config.ingest.valueIndexCap
        return limits
    }

    var sandboxLimits: SandboxLimits {
        var limits = SandboxLimits()
        limits.timeoutSeconds = config.sql.timeoutSeconds
        limits.maxRows = config.sql.maxRows
        limits.heapLimitBytes = config.sql.heapLimitBytes
        return limits
    }

    // MARK: uploads

    /// Ingest an upload as the next version of its source. Returns the source document.
    /// `sheet` (workbooks): the sheet to read; default the one the name asks for
    /// (`SOURCE#SHEET.xlsx`), else the first.
    public func ingest(inputPath: String, inputName: String, tenant: String, jobID: Int64?,
                       sourceName: String? = nil, sheet: String? = nil) throws(LumiereError) -> (SourceDocument, SourceRecord) {
        let name = sourceName ?? SpoolNames.sourceName(forUpload: inputName)
        let sheetName: String?
        if let sheet { sheetName = sheet } else { sheetName = try SpoolNames.sheet(forUpload: inputName) }
        let version = try store.nextVersion(tenant: tenant, name: name)
        let relative = "sources/\(SpoolNames.sanitize(tenant.isEmpty ? "_" : tenant))-\(name).v\(version).\(UInt32.random(in: 0...UInt32.max)).sqlite"
        let dbPath = "\(layout.state)/\(relative)"
        let started = Date()
        let outcome = try SourceIngestor.ingest(inputPath: inputPath, gzip: SpoolNames.isGzip(inputName),
                                                format: SpoolNames.uploadFormat(of: inputName) ?? .csv, sheet: sheetName,
                                                databasePath: dbPath, limits: ingestLimits)
        let record: SourceRecord
        do {
            record = try store.addSource(NewSourceVersion(tenant: tenant, name: name, fileName: inputName,
                                                          sizeBytes: outcome.sizeBytes, sha256: outcome.sha256,
                                                          profile: outcome.profile, valueIndex: outcome.valueIndex),
                                         version: version, databaseFile: relative)
        } catch {
            unlink(dbPath)
            throw error
        }
        // Old versions beyond the configured count go, with their files.
        if let pruned = try? store.pruneVersions(tenant: tenant, name: name, keep: config.sources.keepVersions) {
            for old in pruned { unlink("\(layout.state)/\(old.databaseFile)") }
        }
        var doc = SourceDocument(status: .succeeded, request: RequestInfo(file: inputName, id: nil, action: "upload"),
                                 createdAt: isoTimestamp())
        doc.jobID = jobID
        doc.source = record.ref
        doc.fileName = inputName
        doc.sizeBytes = outcome.sizeBytes
        doc.sha256 = outcome.sha256
        doc.profile = outcome.profile
        doc.timingsMs = outcome.timingsMs
        doc.timingsMs["total"] = Date().timeIntervalSince(started) * 1000
        return (doc, record)
    }

    // MARK: questions and SQL

    /// The answer to an `ask` or `sql` request. Throws only transient errors; everything
    /// else is a failed document.
    public func answer(_ request: Request, tenant: String, jobID: Int64?, file: String?,
                       queryID: Int64?) throws(LumiereError) -> (ResultDocument, html: String?) {
        var request = request
        var chosen: Candidate?
        if request.action == .choose {
            // A follow-up to a needs_clarification result: run the chosen candidate's SQL
            // against the source (and version) the original question used.
            do throws(LumiereError) {
                guard let id = request.queryID, let original = try store.query(tenant: tenant, id: id) else {
                    throw LumiereError(.unknownQuery, "there is no query \(request.queryID ?? 0)",
                                       hint: "use the query_id of a needs_clarification result")
                }
                let candidates = original.document?.candidates ?? []
                guard let choice = request.choice, (1...max(1, candidates.count)).contains(choice), !candidates.isEmpty else {
                    throw LumiereError(.malformedRequest, "query \(id) has \(candidates.count) candidate(s); choice \(request.choice ?? 0) is not one of them",
                                       hint: candidates.isEmpty ? "only needs_clarification results can be chosen from" : "choose 1 to \(candidates.count)")
                }
                chosen = candidates[choice - 1]
                request.source = original.sourceName
                request.sourceVersion = original.document?.source?.version
                request.question = original.question
            } catch {
                var doc = ResultDocument(status: .failed,
                                         request: RequestInfo(file: file, id: request.clientID, action: request.action.rawValue),
                                         createdAt: isoTimestamp())
                doc.jobID = jobID
                doc.queryID = queryID
                doc.fail(error)
                return (doc, config.results.writeReport ? HTMLReport.render(doc, svg: nil) : nil)
            }
        }
        var doc = ResultDocument(status: .succeeded,
                                 request: RequestInfo(file: file, id: request.clientID, action: request.action.rawValue),
                                 createdAt: isoTimestamp())
        doc.jobID = jobID
        doc.queryID = queryID
        doc.question = request.question
        var svg: String?
        do throws(LumiereError) {
            guard let sourceName = request.source,
                  let source = try store.source(tenant: tenant, name: sourceName, version: request.sourceVersion) else {
                throw unknownSource(request.source ?? "", version: request.sourceVersion, tenant: tenant)
            }
            doc.source = source.ref
            var intent: QueryIntent?
            var ran: QueryResult?
            let sql: String
            if let chosen {
                sql = chosen.sql
                doc.engine = "builtin"
                doc.engines = EngineInfo(sql: "builtin")
                doc.interpretation = chosen.interpretation
            } else if let given = request.sql {
                sql = given
                doc.engine = "sql"
                doc.engines = EngineInfo(sql: "user")
                doc.interpretation = "SQL as given"
            } else {
                let t0 = Date()
                let selection = selectSQL(request, source: source, into: &doc)
                doc.timingsMs["sql_generation"] = ms(since: t0)
                switch selection.outcome {
                case .answer(let q):
                    sql = q.sql
                    doc.interpretation = q.interpretation
                    doc.confidence = selection.result == nil ? q.confidence : selection.llmConfidence
                    intent = selection.result == nil ? q.intent : selection.llmIntent
                    ran = selection.result
                case .clarify(let candidates) where request.choice.map({ (1...candidates.count).contains($0) }) ?? false:
                    let q = candidates[request.choice! - 1]
                    sql = q.sql
                    doc.interpretation = q.interpretation
                    doc.confidence = q.confidence
                    intent = q.intent
                case .clarify(let candidates):
                    doc.status = .needsClarification
                    doc.candidates = candidates.enumerated().map {
                        Candidate(choice: $0.offset + 1, interpretation: $0.element.interpretation, sql: $0.element.sql)
                    }
                    doc.error = LumiereError(.needsClarification, "the question can be read in \(candidates.count) ways",
                                             hint: "pick one: drop {\"action\": \"choose\", \"query_id\": \(queryID ?? 0), \"choice\": N}").payload
                    doc.provenance = provenance(source, engine: "builtin")
                    return (doc, HTMLReport.render(doc, svg: nil))
                case .refuse(let error):
                    throw error
                }
            }
            doc.sql = sql
            try execute(sql, on: source, request: request, intent: intent, into: &doc, svg: &svg, ran: ran)
            if request.sql == nil, let question = request.question {
                // Questions only: SQL as given has no plan to follow up on.
                let t = Date()
                doc.suggestions = FollowUpSuggester().suggest(question: question, answeredSQL: sql, schema: source.schema)
                doc.timingsMs["suggestions"] = ms(since: t)
            }
            doc.provenance = provenance(source, engine: doc.engine ?? "builtin")
        } catch {
            if error.isTransient { throw error }
            doc.fail(error)
        }
        let html = config.results.writeReport ? HTMLReport.render(doc, svg: svg) : nil
        return (doc, html)
    }

    /// Run SQL in the sandbox and add rows, chart and insights to the document.
    /// `ran`: the rows when the engine already ran `sql` (the LLM's repair loop does).
    func execute(_ sql: String, on source: SourceRecord, request: Request, intent: QueryIntent?,
                 into doc: inout ResultDocument, svg: inout String?, ran: QueryResult? = nil) throws(LumiereError) {
        let result: QueryResult
        if let ran {
            result = ran
        } else {
            let t1 = Date()
            let executor = try SandboxedExecutor(databasePath: "\(layout.state)/\(source.databaseFile)", limits: sandboxLimits)
            result = try executor.run(sql)
            doc.timingsMs["execution"] = ms(since: t1)
        }
        doc.setResult(result)
        // The stages are separate functions taking the engine name (AnalystStages.swift).
        if request.chart {
            try chartStage(engine: .auto, result: result, question: request.question, chartType: request.chartType,
                           intent: intent, into: &doc, svg: &svg)
        }
        if request.insight {
            try insightStage(engine: .auto, result: result, schema: source.schema, question: request.question,
                             intent: intent, into: &doc)
        }
    }

    func provenance(_ source: SourceRecord, engine: String) -> Provenance {
        let version = engine == "builtin" ? BuiltinAnalyst.engineVersion : engine == "llm" ? llm.engineVersion : "-"
        return Provenance(sourceSHA256: source.sha256, sourceVersion: source.version, engine: engine,
                          engineVersion: version, configDigest: config.digest, model: engine == "llm" ? llm.model : nil)
    }

    func unknownSource(_ name: String, version: Int?, tenant: String) -> LumiereError {
        let known = (try? store.listSources(tenant: tenant).map(\.name)) ?? []
        let what = version.map { "version \($0) of source \"\(name)\"" } ?? "source \"\(name)\""
        return LumiereError(.unknownSource, "there is no \(what)",
                            hint: known.isEmpty
                                ? "upload a CSV first: drop \(name.isEmpty ? "data" : name).csv into the inbox"
                                : "known sources: \(known.prefix(20).joined(separator: ", "))")
    }
}

func ms(since t: Date) -> Double { (Date().timeIntervalSince(t) * 1000 * 100).rounded() / 100 }

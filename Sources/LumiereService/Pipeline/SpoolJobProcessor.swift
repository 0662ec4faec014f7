// SpoolJobProcessor: the daemon's JobProcessor. Maps a claimed job to the analyst's
// stages and to outbox documents:
//   upload  → ingest → outbox/<stem>.source.json
//   request → parse → answer → outbox/<stem>.result.json (+ <stem>.report.html)
//   reject  → outbox/<name>.result.json with the refusal
//   management actions (list_sources, rerun, chart, ...) → ManagementActions → result.json
//   standing (a subscription's rerun on a new source version) → StandingRuns → result.json
// A question whose source is still being uploaded waits (deferral) instead of failing.
// Every store call is scoped to the job's tenant. Each output carries JobFacts (stage
// timings, query id, source, rows ingested) for the history, metrics and index.jsonl.

import Foundation
import Logging
import LumiereCore
import LumiereSpool
import LumiereStore

public struct SpoolJobProcessor: JobProcessor {
    let analyst: Analyst
    let sourceWait: Double
    let waits: SourceWaits

    public init(analyst: Analyst) {
        self.init(analyst: analyst, waits: SourceWaits())
    }

    init(analyst: Analyst, waits: SourceWaits) {
        self.analyst = analyst
        self.sourceWait = analyst.config.queue.sourceWaitSeconds
        self.waits = waits
    }

    /// A new analyst on the same state database and metrics, with the reloaded settings
    /// (sandbox limits, engine, LLM endpoint and key, reports, ...).
    public func reloaded(config: LumiereConfig) -> any JobProcessor {
        SpoolJobProcessor(analyst: Analyst(store: analyst.store, layout: analyst.layout, config: config,
                                           logger: analyst.logger, metrics: analyst.metrics),
                          waits: waits)
    }

    public func process(job: Job, inputPath: String) -> JobOutput {
        switch job.kind {
        case .reject:
            let error = job.rejectError.map { LumiereError(LumiereError.Code(rawValue: $0.code), $0.message, hint: $0.hint) }
                ?? LumiereError(.unsupportedFile, "\(job.inputName) was refused", hint: nil)
            return JobOutput(documents: failureDocuments(job: job, error: error), error: error)
        case .upload:
            return processUpload(job, inputPath)
        case .request:
            return processRequest(job, inputPath)
        case .standing:
            return processStanding(job)
        }
    }

    private func processUpload(_ job: Job, _ inputPath: String) -> JobOutput {
        do {
            let (doc, _) = try analyst.ingest(inputPath: inputPath, inputName: job.inputName, tenant: job.tenant,
                                              jobID: job.id)
            var output = JobOutput(documents: [OutboxDocument(name: SpoolNames.resultName(forInput: job.inputName, kind: .upload),
                                                              data: encodeDocument(doc))])
            output.facts.action = "upload"
            output.facts.status = doc.status.rawValue
            output.facts.source = doc.source
            output.facts.timings = doc.timingsMs
            output.facts.ingestedRows = doc.source?.rowCount
            output.facts.ingestedBytes = doc.sizeBytes
            return output
        } catch {
            if error.isTransient { return JobOutput(error: error) }
            return JobOutput(documents: failureDocuments(job: job, error: error), error: error)
        }
    }

    private func processRequest(_ job: Job, _ inputPath: String) -> JobOutput {
        let resultName = SpoolNames.resultName(forInput: job.inputName, kind: .request)
        let request: Request
        do {
            let data = try readSmallFile(inputPath, limit: 1 << 20)
            request = try Request.parse(data)
        } catch {
            return JobOutput(documents: failureDocuments(job: job, error: error), error: error)
        }
        do throws(LumiereError) {
            // Wait for an upload of the named source that is still queued, being ingested,
            // or settling in the inbox.
            if let name = request.source, [.ask, .sql].contains(request.action),
               try analyst.store.source(tenant: job.tenant, name: name, version: request.sourceVersion) == nil,
               try uploadPending(tenant: job.tenant, sourceName: name) {
                let waited = waits.waited(job)
                if waited < sourceWait {
                    return JobOutput(deferral: min(2, 0.2 + waited / 10))
                }
            }
            waits.forget(job.id)
            let doc: ResultDocument
            let html: String?
            if ManagementActions.handles(request.action) {
                (doc, html) = try analyst.manage(request, tenant: job.tenant, jobID: job.id, file: job.inputName)
            } else {
                let queryID = try analyst.store.createQuery(tenant: job.tenant, jobID: job.id, action: request.action.rawValue,
                                                            question: request.question, sourceName: request.source,
                                                            request: request)
                do throws(LumiereError) {
                    (doc, html) = try analyst.answer(request, tenant: job.tenant, jobID: job.id, file: job.inputName,
                                                     queryID: queryID)
                } catch {
                    // Transient (answer throws nothing else): the job is retried and that
                    // attempt reserves a row of its own. This attempt's row records why it
                    // failed, instead of staying `running` in the history.
                    var attempt = ResultDocument(status: .failed,
                                                 request: RequestInfo(file: job.inputName, id: request.clientID,
                                                                      action: request.action.rawValue),
                                                 createdAt: isoTimestamp())
                    attempt.jobID = job.id
                    attempt.queryID = queryID
                    attempt.question = request.question
                    attempt.fail(error)
                    attempt.warnings = ["attempt \(job.attempts) of job \(job.id) failed transiently; the job is retried"]
                    try? analyst.store.finishQuery(id: queryID, document: attempt, keepRows: 0)
                    throw error
                }
                try analyst.store.finishQuery(id: queryID, document: doc, keepRows: analyst.config.results.historyRows)
            }
            var output = JobOutput(result: doc, named: resultName, report: html, for: job)
            output.facts.action = request.action.rawValue
            output.facts.status = doc.status.rawValue
            output.facts.queryID = doc.queryID
            output.facts.source = doc.source
            output.facts.timings = doc.timingsMs
            return output
        } catch {
            if error.isTransient { return JobOutput(error: error) }
            var doc = ResultDocument(status: .failed,
                                     request: RequestInfo(file: job.inputName, id: request.clientID, action: request.action.rawValue),
                                     createdAt: isoTimestamp())
            doc.jobID = job.id
            doc.question = request.question
            doc.fail(error)
            return JobOutput(documents: [OutboxDocument(name: resultName, data: encodeDocument(doc))], error: error)
        }
    }

    /// Is an upload of `sourceName` on its way? It is in the inbox (settling), then in the
    /// work area from its claim until its job finishes (the job row is inserted a moment
    /// after the rename, so the queue alone misses that window), and queued or running in
    /// the database. The inbox is listed before the work area: a claim renames the file
    /// from one to the other, so it cannot slip between the two listings. Once the job has
    /// finished the source exists, and `answer` looks it up again.
    private func uploadPending(tenant: String, sourceName: String) throws(LumiereError) -> Bool {
        func isUpload(_ name: String) -> Bool {
            SpoolNames.kind(of: name) == .upload && SpoolNames.sourceName(forUpload: name) == sourceName
        }
        let inbox = (try? FileManager.default.contentsOfDirectory(atPath: analyst.layout.inbox(tenant: tenant))) ?? []
        if inbox.contains(where: isUpload) { return true }
        let work = WorkArea.shared(analyst.layout).allWorkNames()
        if work.contains(where: { Intake.tenant(fromWorkName: $0) == tenant && isUpload(Intake.inputName(fromWorkName: $0)) }) {
            return true
        }
        return try analyst.store.hasPendingUpload(tenant: tenant, sourceName: sourceName)
    }

    public func failureDocuments(job: Job, error: LumiereError) -> [OutboxDocument] {
        // A refused file with an upload or request name (a symlink named x.csv) is answered
        // where its submitter looks for that kind's result.
        let kind: InputKind? = switch job.kind {
        case .upload: .upload
        case .request, .standing: .request
        case .reject: SpoolNames.kind(of: job.inputName)
        }
        let info = RequestInfo(file: job.inputName, id: nil, action: kind == .upload ? "upload" : "request")
        let name = SpoolNames.resultName(forInput: job.inputName, kind: kind)
        if kind == .upload {
            var doc = SourceDocument(status: .failed, request: info, createdAt: isoTimestamp())
            doc.jobID = job.id
            doc.fileName = job.inputName
            doc.error = error.payload
            return [OutboxDocument(name: name, data: encodeDocument(doc))]
        }
        var doc = ResultDocument(status: .failed, request: info, createdAt: isoTimestamp())
        doc.jobID = job.id
        doc.fail(error)
        return [OutboxDocument(name: name, data: encodeDocument(doc))]
    }
}

/// Read a small daemon-private file whole (request files: capped at `limit`).
func readSmallFile(_ path: String, limit: Int) throws(LumiereError) -> Data {
    let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
    guard fd >= 0 else { throw AtomicFile.ioError("opening", path) }
    defer { close(fd) }
    var data = Data()
    var buf = [UInt8](repeating: 0, count: 65536)
    while true {
        let n = read(fd, &buf, buf.count)
        if n < 0 { if errno == EINTR { continue }; throw AtomicFile.ioError("reading", path) }
        if n == 0 { break }
        data.append(contentsOf: buf[0..<n])
        if data.count > limit {
            throw LumiereError(.malformedRequest, "the request file is larger than \(limit) bytes",
                               hint: "requests are small JSON documents; put data in a CSV upload")
        }
    }
    return data
}

/// How long each question has waited for its source, on the monotonic clock, so a wall-clock
/// step neither ends a wait early (forward) nor stretches it (back). A job first seen
/// waiting after a restart starts from its stored wall-clock start, clamped to be positive.
final class SourceWaits: @unchecked Sendable {
    // @unchecked: `starts` is only touched under `lock`.
    private let lock = NSLock()
    private var starts: [Int64: Double] = [:]

    func waited(_ job: Job) -> Double {
        let now = Intake.monotonicSeconds()
        return lock.withLock {
            if let start = starts[job.id] { return now - start }
            let already = job.waitSince.map { max(0, Date().timeIntervalSince1970 - $0) } ?? 0
            starts[job.id] = now - already
            return already
        }
    }

    func forget(_ id: Int64) { lock.withLock { _ = starts.removeValue(forKey: id) } }
}

extension JobOutput {
    /// A question's outbox documents (the report, when there is one, ahead of the result
    /// document) and the error of a failed result; shared by questions and standing reruns.
    init(result doc: ResultDocument, named resultName: String, report html: String?, for job: Job) {
        var docs = [OutboxDocument(name: resultName, data: encodeDocument(doc))]
        if let html {
            docs.insert(OutboxDocument(name: SpoolNames.reportName(forInput: job.inputName), data: Data(html.utf8)), at: 0)
        }
        let error = doc.status == .failed
            ? doc.error.map { LumiereError(LumiereError.Code(rawValue: $0.code), $0.message, hint: $0.hint) }
            : nil
        self.init(documents: docs, error: error)
    }
}

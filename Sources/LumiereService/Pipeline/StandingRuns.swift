// StandingRuns: a standing question's rerun on a new source version (issue 14 item 1).
// The job was queued with the version (LumiereStore State/Subscriptions.swift); its run
// row names the subscription and the version. The question or SQL is answered like an
// `ask` / `sql` request pinned to that version, recorded in the history, and the answer
// gets a `standing` block: the diff against the newest earlier run that has an answer
// (ResultDiffer, LumiereCore). The run's table is stored before the document is written,
// so a job killed in between and run again computes the same diff and stores the same
// table again.
//
// Failure modes: a deleted subscription, or a version no longer kept → a failed document
// (unknown_subscription / unknown_source); transient errors are thrown to the scheduler.

import Foundation
import LumiereCore
import LumiereSpool
import LumiereStore

extension Analyst {
    /// Answer a standing job. Throws only transient errors.
    public func runStanding(job: Job) throws(LumiereError) -> (ResultDocument, html: String?) {
        var failed = ResultDocument(status: .failed, request: RequestInfo(file: job.inputName, id: nil, action: "standing"),
                                    createdAt: isoTimestamp())
        failed.jobID = job.id
        guard let run = try store.subscriptionRun(jobID: job.id),
              let subscription = try store.subscription(tenant: job.tenant, id: run.subscriptionID) else {
            failed.fail(LumiereError(.unknownSubscription, "the subscription of standing job \(job.id) was deleted before it ran",
                                     hint: "nothing to do: a deleted subscription reruns nothing"))
            return (failed, nil)
        }
        guard let source = try store.source(id: run.sourceID), source.tenant == job.tenant else {
            failed.fail(LumiereError(.unknownSource, "version \(run.sourceVersion) of source \"\(subscription.sourceName)\" is no longer kept",
                                     hint: "raise sources.keep_versions if versions are replaced faster than they are answered"))
            return (failed, nil)
        }
        let request = Request(clientID: "watch-\(subscription.id)", action: subscription.sql == nil ? .ask : .sql,
                              source: source.name, sourceVersion: source.version, question: subscription.question,
                              sql: subscription.sql)
        let queryID = try store.createQuery(tenant: job.tenant, jobID: job.id, action: request.action.rawValue,
                                            question: request.question, sourceName: source.name, request: request)
        var (doc, html) = try answer(request, tenant: job.tenant, jobID: job.id, file: job.inputName, queryID: queryID)
        doc.request.action = "standing"
        if doc.status == .succeeded, let columns = doc.columns, let rows = doc.rows {
            let current = DiffTable(columns: columns.map(\.name), rows: rows, truncated: doc.truncated ?? false)
            let previous = try store.previousSubscriptionRun(subscriptionID: subscription.id, beforeSourceID: source.id,
                                                             answeredOnly: true)
            doc.standing = StandingInfo(subscriptionID: subscription.id, sourceVersion: source.version, sourceID: source.id,
                                        previousVersion: previous?.sourceVersion,
                                        outcome: ResultDiffer.diff(previous: previous?.result, current: current))
            try store.finishSubscriptionRun(subscriptionID: subscription.id, sourceID: source.id, result: current)
        } else {
            // No table to compare: the next version is compared with the last answer before this one.
            doc.standing = StandingInfo(subscriptionID: subscription.id, sourceVersion: source.version, sourceID: source.id,
                                        previousVersion: nil,
                                        outcome: .notCompared(reason: "this run has no result (status \(doc.status.rawValue))"))
        }
        try store.finishQuery(id: queryID, document: doc, keepRows: config.results.historyRows)
        if html != nil {
            // Drawn again with the standing block ("What changed"); the chart as `answer` drew it.
            html = HTMLReport.render(doc, svg: doc.chart.flatMap { SVGChartRenderer().render($0) })
        }
        return (doc, html)
    }
}

extension Analyst {
    /// Must this standing job wait? Yes while the run on the version before its own is
    /// still queued or running: diffing now would compare with an older answer, and which
    /// one would depend on worker timing. A run whose job is gone (pruned) is finished.
    public func standingRunMustWait(job: Job) throws(LumiereError) -> Bool {
        guard let run = try store.subscriptionRun(jobID: job.id),
              let prior = try store.previousSubscriptionRun(subscriptionID: run.subscriptionID, beforeSourceID: run.sourceID,
                                                            answeredOnly: false),
              prior.result == nil, let priorJob = prior.jobID, let state = try store.job(id: priorJob)?.state else {
            return false
        }
        return state == .queued || state == .running
    }
}

extension SpoolJobProcessor {
    func processStanding(_ job: Job) -> JobOutput {
        do throws(LumiereError) {
            // The run before this one first; a deferral gives the attempt back.
            if try analyst.standingRunMustWait(job: job) { return JobOutput(deferral: 0.2) }
            let (doc, html) = try analyst.runStanding(job: job)
            var output = JobOutput(result: doc, named: SpoolNames.resultName(forInput: job.inputName, kind: .request),
                                   report: html, for: job)
            output.facts.action = "standing"
            output.facts.status = doc.status.rawValue
            output.facts.queryID = doc.queryID
            output.facts.source = doc.source
            output.facts.timings = doc.timingsMs
            return output
        } catch {
            if error.isTransient { return JobOutput(error: error) }
            return JobOutput(documents: failureDocuments(job: job, error: error), error: error)
        }
    }
}

// Scheduler: the bounded worker pool. Claims runnable jobs from the durable queue while a
// worker slot is free, runs each on a Dispatch queue (blocking work — SQLite, file I/O —
// never runs on Swift's cooperative pool), then records the outcome and moves the input.
//
// Order of a job's last steps, which crash recovery relies on:
//   1. result documents → outbox (atomic, fixed names: a rerun replaces)
//   2. failed/NAME.error.json (for failures)
//   3. job row → succeeded/failed with the input's final name   (durable: synchronous=FULL)
//   4. rename work/… → archive/ or failed/
//   5. append the job's line (recorded in 3) to outbox/index.jsonl, mark it appended
// A crash before 3 re-runs the job; a crash between 3 and 5 is finished at start-up.
// A re-run must land under the same name: a failure record left in failed/ by an earlier,
// killed attempt of the same job id is that job's own, not an earlier input's (`freeName`),
// and is removed if the re-run succeeds instead.
// With tenants, 1, 2, 4 and 5 use the tenant's folders (outbox/<t>/, failed/<t>/, ...).

import Foundation
import Logging
import LumiereCore
import LumiereService
import LumiereSpool
import LumiereStore

final class Scheduler: @unchecked Sendable {
    // @unchecked: mutable state is touched only on `control` (serial); `workQueue` runs
    // jobs and hops back to `control` to report.
    let control = DispatchQueue(label: "lumiere.scheduler")
    private let workQueue = DispatchQueue(label: "lumiere.workers", attributes: .concurrent)
    private let layout: SpoolLayout
    private let store: any StateBackend
    /// Replaced by a SIGHUP reload (`replaceProcessor`); each job keeps the one it started with.
    private var processor: any JobProcessor
    private let logger: Logger
    private(set) var busy = 0
    var workers: Int
    var maxAttempts: Int
    var retryBase: Double
    var retryMax: Double
    var draining = false
    var pausedReason: String?
    /// Called (on `control`) when a job hit ENOSPC/SQLITE_FULL: the daemon pauses intake.
    var onDiskFull: (() -> Void)?
    /// Called (on `control`) after every finished job.
    var onJobFinished: ((Job, JobState, [String: Double]) -> Void)?
    /// Called (on `control`) after every finished job with what it did (metrics).
    var onJobOutcome: ((Job, JobState, JobFacts) -> Void)?
    /// Append finished jobs to outbox/index.jsonl (results.index).
    var indexEnabled = true
    private var idleWaiters: [() -> Void] = []

    init(layout: SpoolLayout, store: any StateBackend, processor: any JobProcessor, workers: Int,
         maxAttempts: Int, retryBase: Double, retryMax: Double, logger: Logger) {
        self.layout = layout
        self.store = store
        self.processor = processor
        self.workers = workers
        self.maxAttempts = maxAttempts
        self.retryBase = retryBase
        self.retryMax = retryMax
        self.logger = logger
    }

    /// What a job runs with, taken on `control` when it starts: a reload meanwhile (which
    /// changes these on `control`) never races a worker thread reading them.
    private struct RunSettings {
        var processor: any JobProcessor
        var maxAttempts: Int
        var retryBase: Double
        var retryMax: Double
        var indexEnabled: Bool
    }

    /// Start as many jobs as there are free workers. Runs on `control`.
    func pump() {
        dispatchPrecondition(condition: .onQueue(control))
        while busy < workers && !draining && pausedReason == nil {
            let job: Job?
            // Retry delays are at most retryMax; a source wait defers by at most 2 s.
            do { job = try store.claimNext(maxDelay: max(retryMax, 2) + 5) } catch {
                logger.error("cannot claim a job", metadata: ["error.code": "\(error.code)", "error": "\(error.message)"])
                return
            }
            guard let job else { return }
            busy += 1
            let settings = RunSettings(processor: processor, maxAttempts: maxAttempts, retryBase: retryBase,
                                       retryMax: retryMax, indexEnabled: indexEnabled)
            workQueue.async { [self] in
                self.run(job, settings)
                self.control.async {
                    self.busy -= 1
                    if self.busy == 0 { self.idleWaiters.forEach { $0() }; self.idleWaiters.removeAll() }
                    self.pump()
                }
            }
        }
    }

    /// Jobs started from now on use `fresh` (a reloaded configuration); running ones finish
    /// with the processor they started with. Runs on `control`.
    func replaceProcessor(_ fresh: any JobProcessor) {
        dispatchPrecondition(condition: .onQueue(control))
        processor = fresh
    }

    /// Call `done` (on `control`) once no job is running.
    func whenIdle(_ done: @escaping () -> Void) {
        dispatchPrecondition(condition: .onQueue(control))
        if busy == 0 { done() } else { idleWaiters.append(done) }
    }

    private func run(_ job: Job, _ settings: RunSettings) {
        var jobLogger = logger.with(["job.id": "\(job.id)", "job.kind": "\(job.kind.rawValue)", "file": "\(job.inputName)"])
        if !job.tenant.isEmpty { jobLogger[metadataKey: "job.tenant"] = "\(job.tenant)" }  // journal field JOB_TENANT
        let inputPath = "\(layout.work)/\(job.workName)"
        let started = Date()
        let processor = settings.processor
        if job.attempts > settings.maxAttempts {
            // The daemon died while running this job on each of its attempts.
            let error = LumiereError(.tooManyAttempts,
                                     "processing \(job.inputName) was interrupted \(job.attempts - 1) times (the daemon crashed or was killed while running it)",
                                     hint: "check the journal for the crash; fix the input or raise queue.max_attempts and drop it again")
            complete(job, JobOutput(documents: processor.failureDocuments(job: job, error: error), error: error),
                     settings: settings, logger: jobLogger, started: started)
            return
        }
        var st = stat()
        // A standing rerun has no input file (its run row says what to answer).
        if job.kind != .standing && lstat(inputPath, &st) != 0 {
            let error = LumiereError(.ioError, "the input \(job.inputName) vanished from the work area",
                                     hint: "something removed a file from the daemon's private state/work/ folder")
            finishWithoutInput(job, error, settings: settings, logger: jobLogger)
            return
        }
        jobLogger.debug("job started", metadata: ["attempt": "\(job.attempts)"])
        let output = processor.process(job: job, inputPath: inputPath)
        complete(job, output, settings: settings, logger: jobLogger, started: started)
    }

    private func complete(_ job: Job, _ output: JobOutput, settings: RunSettings, logger jobLogger: Logger,
                          started: Date) {
        if let delay = output.deferral {
            do {
                try store.requeue(jobID: job.id, delay: delay, error: output.error?.payload, keepAttempt: false,
                                  waitingSince: Date().timeIntervalSince1970)
            } catch { jobLogger.error("cannot re-queue a job", metadata: ["error": "\(error.message)"]) }
            return
        }
        var output = output
        if let error = output.error, error.isTransient {
            if job.attempts < settings.maxAttempts {
                retryLater(job, error, settings: settings, logger: jobLogger)
                return
            }
            let final = LumiereError(.tooManyAttempts, "gave up after \(job.attempts) attempts: \(error.message)",
                                     hint: error.hint, underlying: error.code.rawValue)
            output = JobOutput(documents: settings.processor.failureDocuments(job: job, error: final), error: final)
        }
        do {
            try layout.createTenantFolders(job.tenant)
            let outbox = layout.outbox(tenant: job.tenant)
            for doc in output.documents {
                try AtomicFile.write(doc.data, directory: outbox, name: doc.name)
            }
            Failpoint.reach(.afterOutboxWrite)
            let disposition: Disposition = output.error == nil ? .archive : .failed
            let dir = disposition == .archive ? layout.archive(tenant: job.tenant) : layout.failed(tenant: job.tenant)
            // A standing rerun has no input to move: no final name, its failure record
            // goes under the job's input name.
            let hasInput = job.kind != .standing
            let finalName = hasInput ? Self.freeName(in: dir, for: job.inputName, jobID: job.id) : ""
            if let error = output.error {
                let record = FailureRecord(file: job.inputName, jobID: job.id, attempts: job.attempts,
                                           error: error.payload, failedAt: isoTimestamp())
                try AtomicFile.write(encodeDocument(record), directory: layout.failed(tenant: job.tenant),
                                     name: (hasInput ? finalName : job.inputName) + ".error.json")
                Failpoint.reach(.afterFailureRecord)
            } else if hasInput {
                Self.removeOwnFailureRecords(in: layout.failed(tenant: job.tenant), for: job.inputName, jobID: job.id)
            }
            let state: JobState = output.error == nil ? .succeeded : .failed
            let finishedAt = Date().timeIntervalSince1970
            output.facts.timings["total"] = Date().timeIntervalSince(started) * 1000
            let line = settings.indexEnabled
                ? JobIndex.line(job: job, state: state, output: output, disposition: disposition, finalName: finalName,
                                finishedAt: finishedAt).text
                : nil
            try store.finish(jobID: job.id, state: state, disposition: disposition, finalName: finalName,
                             error: output.error?.payload, timings: output.facts.timings, summary: line,
                             finishedAt: finishedAt)
            if hasInput { try Self.moveInput(layout: layout, workName: job.workName, to: dir, finalName: finalName) }
            if let line { JobIndex.append(job, line: line, layout: layout, store: store, logger: jobLogger) }
            let ms = Date().timeIntervalSince(started) * 1000
            if let error = output.error {
                jobLogger.notice("job failed", metadata: ["error.code": "\(error.code)", "duration_ms": "\(Int(ms))"])
            } else {
                jobLogger.info("job succeeded", metadata: ["duration_ms": "\(Int(ms))"])
            }
            let facts = output.facts
            control.async {
                self.onJobFinished?(job, state, ["total": ms])
                self.onJobOutcome?(job, state, facts)
            }
        } catch {
            // Writing the outcome failed (disk full, I/O error): the job stays claimed-able.
            retryLater(job, error, settings: settings, logger: jobLogger)
        }
    }

    private func retryLater(_ job: Job, _ error: LumiereError, settings: RunSettings, logger jobLogger: Logger) {
        let exp = min(settings.retryMax, settings.retryBase * pow(2, Double(max(0, job.attempts - 1))))
        let delay = exp * Double.random(in: 0.5...1.0)  // jitter: retries of a burst spread out
        jobLogger.warning("job will be retried", metadata: ["error.code": "\(error.code)", "error": "\(error.message)",
                                                           "retry_in_s": "\(String(format: "%.2f", delay))"])
        do {
            try store.requeue(jobID: job.id, delay: delay, error: error.payload, keepAttempt: true)
        } catch {
            jobLogger.error("cannot re-queue a job", metadata: ["error": "\(error.message)"])
        }
        if error.code == .diskFull { control.async { self.onDiskFull?() } }
    }

    private func finishWithoutInput(_ job: Job, _ error: LumiereError, settings: RunSettings,
                                    logger jobLogger: Logger) {
        do {
            try layout.createTenantFolders(job.tenant)
            let output = JobOutput(documents: settings.processor.failureDocuments(job: job, error: error), error: error)
            for doc in output.documents {
                try AtomicFile.write(doc.data, directory: layout.outbox(tenant: job.tenant), name: doc.name)
            }
            let finishedAt = Date().timeIntervalSince1970
            let line = settings.indexEnabled
                ? JobIndex.line(job: job, state: .failed, output: output, disposition: .failed, finalName: "",
                                finishedAt: finishedAt).text
                : nil
            try store.finish(jobID: job.id, state: .failed, disposition: .failed, finalName: "", error: error.payload, timings: [:],
                             summary: line, finishedAt: finishedAt)
            if let line { JobIndex.append(job, line: line, layout: layout, store: store, logger: jobLogger) }
            jobLogger.error("job input vanished", metadata: ["error.code": "\(error.code)"])
        } catch {
            retryLater(job, error, settings: settings, logger: jobLogger)
        }
    }

    /// `name` if free in `dir`, else `stem.job<ID>.ext` — never overwrite an earlier input.
    /// A `name.error.json` written by this same job id (an attempt killed before the store
    /// recorded its outcome) does not make the name taken: without that, every such crash
    /// left the input under a job-suffixed name beside a stale record of itself.
    static func freeName(in dir: String, for name: String, jobID: Int64) -> String {
        var st = stat()
        let inputTaken = lstat("\(dir)/\(name)", &st) == 0
        let recordPath = "\(dir)/\(name).error.json"
        let recordTaken = lstat(recordPath, &st) == 0 && !isFailureRecord(at: recordPath, ofJob: jobID)
        if !inputTaken && !recordTaken { return name }
        return suffixedName(name, jobID: jobID)
    }

    static func suffixedName(_ name: String, jobID: Int64) -> String {
        let stem = SpoolNames.stem(of: name)
        let ext = String(name.dropFirst(stem.count))
        return "\(stem).job\(jobID)\(ext)"
    }

    /// Whether the failure record at `path` was written by job `jobID`.
    static func isFailureRecord(at path: String, ofJob jobID: Int64) -> Bool {
        guard let data = FileManager.default.contents(atPath: path),
              let record = try? JSONDecoder().decode(FailureRecord.self, from: data) else { return false }
        return record.jobID == jobID
    }

    /// A re-run that succeeds after a killed attempt had failed: that attempt's failure
    /// record would otherwise sit in failed/ for an input that is in archive/.
    static func removeOwnFailureRecords(in failedDir: String, for name: String, jobID: Int64) {
        for candidate in [name, suffixedName(name, jobID: jobID)] {
            let path = "\(failedDir)/\(candidate).error.json"
            if isFailureRecord(at: path, ofJob: jobID) { unlink(path) }
        }
    }

    static func moveInput(layout: SpoolLayout, workName: String, to dir: String, finalName: String) throws(LumiereError) {
        if rename("\(layout.work)/\(workName)", "\(dir)/\(finalName)") != 0 {
            if errno == ENOENT { return }  // already moved (recovery ran twice)
            throw AtomicFile.ioError("moving the input to", "\(dir)/\(finalName)")
        }
        try AtomicFile.syncDirectory(dir)
    }
}

extension Logger {
    func with(_ metadata: Logger.Metadata) -> Logger {
        var copy = self
        for (k, v) in metadata { copy[metadataKey: k] = v }
        return copy
    }
}

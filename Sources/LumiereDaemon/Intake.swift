// Intake: inbox → work area + queue row. The pick-up of Postfix, for Lumiere.
//
// Input: names in inbox/ (scanned: at start, when inotify hints, on IN_Q_OVERFLOW and
// every spool.rescan_ms). Output: files renamed into state/work/<uniq>--<name> and a job
// row for each, inserted in one transaction per batch. Failure modes: a crash between the
// rename and the insert leaves a work file without a row, which start-up reconciliation
// enqueues; an insert that fails (the state database locked by another process past the
// busy timeout, or full) is retried by every later scan until it succeeds; nothing is
// ever deleted here.
//
// A regular file is claimed only once its size and mtime have been stable for the settle
// interval (measured on the monotonic clock) and no process still has it open for writing
// (see InboxSafety). Everything
// that is not a readable regular file is claimed at once as a `reject` job and ends in
// failed/ with the reason, without having been opened.

import Foundation
import Logging
import LumiereCore
import LumiereSpool
import LumiereStore

final class Intake: @unchecked Sendable {
    // @unchecked: all mutable state is touched only on `queue` (a serial queue).
    let queue = DispatchQueue(label: "lumiere.intake")
    private let layout: SpoolLayout
    private let store: StateStore
    private var settings: Settings
    private let logger: Logger
    private let inbox: DirectoryHandle
    private let workDir: DirectoryHandle

    /// What was seen of an unsettled name, and since when it has not changed.
    private struct Sighting { var identity: FileIdentity; var stableSince: Double }
    private var sightings: [String: Sighting] = [:]
    private var counter: UInt64 = 0
    /// Files already renamed into the work area whose job rows could not be inserted yet.
    /// Without this they sat in state/work until the next restart (found by scripts/soak:
    /// the state database locked for longer than the busy timeout).
    private var unrecorded: [NewJob] = []

    struct Settings {
        var settleSeconds: Double
        var maxFileBytes: Int64
        var maxQueued: Int
    }

    /// Set by the daemon from its control queue: intake claims nothing while paused (disk
    /// low, shutting down). A lock, not the intake queue, guards it, so setting it never
    /// waits for a scan in progress.
    var pausedReason: String? {
        get { pauseLock.withLock { _pausedReason } }
        set { pauseLock.withLock { _pausedReason = newValue } }
    }
    private var _pausedReason: String?
    private let pauseLock = NSLock()

    init(layout: SpoolLayout, store: StateStore, settings: Settings, logger: Logger) throws(LumiereError) {
        self.layout = layout
        self.store = store
        self.settings = settings
        self.logger = logger
        inbox = try DirectoryHandle(path: layout.inbox)
        workDir = try DirectoryHandle(path: layout.work)
    }

    func update(settings: Settings) { queue.async { self.settings = settings } }

    /// Scan the inbox once and claim what is ready. Returns the delay after which a scan
    /// should run again because some file is still settling (nil: nothing pending).
    /// Must run on `queue`.
    func scan(queuedJobs: Int) -> (claimed: Int, recheckAfter: Double?) {
        dispatchPrecondition(condition: .onQueue(queue))
        var recorded = 0
        if !unrecorded.isEmpty {
            let pending = unrecorded.count
            var none: [NewJob] = []
            flush(&none)
            if !unrecorded.isEmpty { return (0, 1) }
            recorded = pending
        }
        if pausedReason != nil { return (0, nil) }
        let names: [String]
        do { names = try inbox.names() } catch {
            logger.error("cannot list the inbox", metadata: ["error.code": "\(error.code)", "error": "\(error.message)"])
            return (0, 1)
        }
        // Monotonic: with the wall clock, a file seen just before a backward clock step
        // (NTP, a VM resumed) waited for the whole step before it was claimed — found by
        // scripts/soak's clock fault.
        let now = Self.monotonicSeconds()
        var claimedCount = recorded
        var seen = Set<String>()
        var batch: [NewJob] = []
        var recheck: Double?
        var capacity = max(0, settings.maxQueued - queuedJobs)
        for name in names where !SpoolNames.isIgnored(name) {
            seen.insert(name)
            if capacity == 0 { recheck = min(recheck ?? 0.5, 0.5); break }
            guard let id = inbox.identity(of: name) else { continue }  // vanished meanwhile
            // Not a regular file / hard link / too big: refuse at once, never opened.
            if let refusal = InboxSafety.refusal(for: id, name: name, maxBytes: settings.maxFileBytes),
               !id.isRegular || id.links > 1 {
                if let job = claim(name, kind: .reject, refusal: refusal.payload) { batch.append(job); capacity -= 1 }
                continue
            }
            // Regular file: wait until it is stable for the settle interval.
            if let s = sightings[name], s.identity == id {
                let stableFor = now - s.stableSince
                if stableFor < settings.settleSeconds {
                    recheck = min(recheck ?? .infinity, settings.settleSeconds - stableFor + 0.01)
                    continue
                }
            } else {
                sightings[name] = Sighting(identity: id, stableSince: now)
                if settings.settleSeconds > 0 {
                    recheck = min(recheck ?? .infinity, settings.settleSeconds + 0.01)
                    continue
                }
            }
            switch InboxSafety.verifyByOpening(inbox, name: name, expected: id, maxBytes: settings.maxFileBytes) {
            case .busy:
                sightings[name] = Sighting(identity: id, stableSince: now)
                recheck = min(recheck ?? .infinity, max(settings.settleSeconds, 0.05))
                continue
            case .refused(let error):
                if let job = claim(name, kind: .reject, refusal: error.payload) { batch.append(job); capacity -= 1 }
            case .ok:
                if let refusal = InboxSafety.refusal(for: id, name: name, maxBytes: settings.maxFileBytes) {
                    if let job = claim(name, kind: .reject, refusal: refusal.payload) { batch.append(job); capacity -= 1 }
                } else if let kind = SpoolNames.kind(of: name) {
                    if let job = claim(name, kind: kind == .upload ? .upload : .request, refusal: nil) {
                        batch.append(job); capacity -= 1
                    }
                } else {
                    let error = LumiereError(.unsupportedFile, "\(name) is not a supported file type",
                                             hint: "drop .csv, .tsv or .csv.gz files to upload data and .json files to ask questions")
                    if let job = claim(name, kind: .reject, refusal: error.payload) { batch.append(job); capacity -= 1 }
                }
            }
            sightings[name] = nil
            if batch.count >= 256 { claimedCount += batch.count; flush(&batch) }
        }
        claimedCount += batch.count
        flush(&batch)
        if !unrecorded.isEmpty { recheck = min(recheck ?? 1, 1) }
        // Forget sightings of names that are gone.
        for name in sightings.keys where !seen.contains(name) { sightings[name] = nil }
        return (claimedCount, recheck)
    }

    /// Rename one inbox name into the work area. The job row is inserted with its batch.
    private func claim(_ name: String, kind: JobKind, refusal: ErrorPayload?) -> NewJob? {
        counter += 1
        let uniq = String(format: "%012llx%04llx", UInt64(Date().timeIntervalSince1970 * 1000), counter & 0xffff)
        let workName = "\(uniq)--\(name)"
        if renameat(inbox.fd, name, workDir.fd, workName) != 0 {
            let e = errno
            if e != ENOENT {
                logger.warning("cannot claim an inbox file", metadata: ["file": "\(name)", "errno": "\(String(cString: strerror(e)))"])
            }
            return nil
        }
        return NewJob(kind: kind, inputName: name, workName: workName, rejectError: refusal)
    }

    private func flush(_ batch: inout [NewJob]) {
        let jobs = unrecorded + batch
        batch.removeAll()
        guard !jobs.isEmpty else { return }
        do {
            // The directory entry of each rename must be durable before the row says so.
            try AtomicFile.syncDirectory(layout.work)
            try AtomicFile.syncDirectory(layout.inbox)
            // Work names are unique, so inserting a batch again never duplicates a job.
            let ids = try store.enqueue(jobs)
            unrecorded = []
            logger.debug("claimed inbox files", metadata: ["count": "\(ids.count)"])
        } catch {
            // The files are in the work area: the next scan inserts them (start-up
            // reconciliation does, if the daemon stops first).
            unrecorded = jobs
            logger.error("cannot enqueue claimed files; retrying", metadata: [
                "error.code": "\(error.code)", "error": "\(error.message)", "count": "\(jobs.count)"])
        }
    }

    static func monotonicSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }

    /// Work-area name → original inbox name.
    static func inputName(fromWorkName work: String) -> String {
        guard let r = work.range(of: "--") else { return work }
        return String(work[r.upperBound...])
    }
}

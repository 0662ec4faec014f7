// Reconciler: at start-up, before any worker runs, make the work area and the queue agree
// (both ways), after an unclean stop left them apart:
//   - jobs marked running (the daemon died under them) are queued again;
//   - work files without a row (claimed, then killed before the insert) get one;
//   - finished jobs whose input was not yet moved have the move finished;
//   - source databases no catalog row points to (an ingest killed before it was
//     recorded) are removed once older than a minute;
//   - stale temporary files of atomic writes are removed from outbox/ and failed/.
// With several daemons on one spool (the PostgreSQL backend) each reconciles only its own
// work folder: a file in another daemon's folder without a row may be that daemon's claim
// in progress. Finished jobs' inputs are moved from any folder (the job is over; whoever
// renames first wins, the other sees ENOENT), and orphaned source databases must be a day
// old, since another host may be ingesting a large upload right now.

import Foundation
import Logging
import LumiereCore
import LumiereService
import LumiereSpool
import LumiereStore

struct Reconciler {
    let layout: SpoolLayout
    let workArea: WorkArea
    let store: any StateBackend
    let logger: Logger

    /// Returns how many items needed recovery.
    func run() throws(LumiereError) -> Int {
        AtomicFile.removeStaleTemps(in: layout.outbox)
        AtomicFile.removeStaleTemps(in: layout.failed)
        var recovered = try store.requeueInterrupted()
        try store.deleteAbandonedQueries()
        let own = Set(try DirectoryHandle(path: workArea.path).names().map(workArea.workName))
        recovered += try enqueueOrphans(own.subtracting(try store.allWorkNames()))
        recovered += try finishMoves(workArea.isShared ? own : Set(workArea.allWorkNames()))
        removeOrphanedSourceDatabases(olderThan: workArea.isShared ? 60 : 86_400)
        // Queued jobs whose input is gone cannot run; the worker fails them with a result.
        if recovered > 0 { logger.notice("recovered work after an unclean stop", metadata: ["items": "\(recovered)"]) }
        let indexed = JobIndex.appendPending(layout: layout, store: store, logger: logger,
                                             finishedBefore: workArea.isShared ? .infinity : Date().timeIntervalSince1970 - 60)
        if indexed > 0 { logger.notice("appended job index lines left by an unclean stop", metadata: ["jobs": "\(indexed)"]) }
        return recovered
    }

    /// Work files without a row: claimed, then killed before the insert.
    private func enqueueOrphans(_ names: Set<String>) throws(LumiereError) -> Int {
        var orphans: [NewJob] = []
        for name in names.sorted() {
            let input = Intake.inputName(fromWorkName: name)
            let kind: JobKind
            switch SpoolNames.kind(of: input) {
            case .upload?: kind = .upload
            case .request?: kind = .request
            case nil: kind = .reject
            }
            let refusal = kind == .reject
                ? LumiereError(.unsupportedFile, "\(input) is not a supported file type",
                               hint: SpoolNames.supportedFilesHint).payload
                : nil
            orphans.append(NewJob(kind: kind, tenant: Intake.tenant(fromWorkName: name), inputName: input,
                                  workName: name, rejectError: refusal))
        }
        _ = try store.enqueue(orphans)
        return orphans.count
    }

    /// Finished jobs whose input is still in the work area: finish the move.
    private func finishMoves(_ files: Set<String>) throws(LumiereError) -> Int {
        var moved = 0
        for job in try store.jobs(inStates: [.succeeded, .failed]) where files.contains(job.workName) {
            guard let disposition = job.disposition, let finalName = job.finalName, !finalName.isEmpty else { continue }
            try layout.createTenantFolders(job.tenant)
            let dir = disposition == .archive ? layout.archive(tenant: job.tenant) : layout.failed(tenant: job.tenant)
            try Scheduler.moveInput(layout: layout, workName: job.workName, to: dir, finalName: finalName)
            moved += 1
        }
        return moved
    }

    /// Source databases no catalog row points to: an ingest killed before it was recorded
    /// (or its temp file). Only those older than `age` seconds, so a concurrent
    /// `lumiere ask --spool` ingest (or another host's) is left alone.
    private func removeOrphanedSourceDatabases(olderThan age: Double) {
        guard let referenced = try? store.allSourceFiles() else { return }
        let cutoff = Date().timeIntervalSince1970 - age
        for name in (try? FileManager.default.contentsOfDirectory(atPath: layout.sources)) ?? []
        where !referenced.contains("sources/\(name)") {
            let path = "\(layout.sources)/\(name)"
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
                  attributes[.type] as? FileAttributeType == .typeRegular,
                  let modified = attributes[.modificationDate] as? Date,
                  modified.timeIntervalSince1970 < cutoff else { continue }
            try? FileManager.default.removeItem(atPath: path)
            logger.info("removed an orphaned source database", metadata: ["file": "\(name)"])
        }
    }
}

// Retention: the daemon deletes what is older than the configured limits, at start-up and
// every retention.interval_s:
//   archive/, failed/  inputs (and .error.json files) by retention.archive_days / failed_days
//   outbox/            result documents and reports by retention.outbox_days; index.jsonl
//                      is never pruned (it is the log ETL tools tail)
//   history            finished queries and finished job rows by retention.history_days
// A limit of 0 keeps that kind forever.
//
// Age of a file: the later of its mtime and ctime — ctime is set when the input was
// renamed into archive/ or failed/, so an input dropped with an old mtime is kept for the
// full period after it was processed. Tenant folders (outbox/<t>/, ...) are walked one
// level; the folders themselves are never removed. A directory that is itself a refused
// input (failed/folder.csv/, failed/<t>/nested/) goes as a whole once old.
//
// Never pruned: anything of a job still in flight — files named like the input or the
// results of a queued or running job, the queries of such jobs, their job rows (the
// database queries check the state; the file walk skips those names).
// Failure modes: nothing thrown; files that cannot be removed are skipped (and counted
// again next time). Inputs: the layout, the store, the limits, "now" (tests pass a later
// one instead of waiting a month).

import Foundation
import Logging
import LumiereCore
import LumiereSpool
import LumiereStore

public struct RetentionLimits: Sendable, Equatable {
    public var archiveDays: Double
    public var failedDays: Double
    public var outboxDays: Double
    public var historyDays: Double

    public init(archiveDays: Double = 30, failedDays: Double = 30, outboxDays: Double = 30, historyDays: Double = 30) {
        self.archiveDays = archiveDays
        self.failedDays = failedDays
        self.outboxDays = outboxDays
        self.historyDays = historyDays
    }

    public init(config: LumiereConfig) {
        let r = config.retention
        self.init(archiveDays: r.archiveDays, failedDays: r.failedDays, outboxDays: r.outboxDays, historyDays: r.historyDays)
    }
}

public struct RetentionReport: Sendable, Equatable {
    public var archive = 0
    public var failed = 0
    public var outbox = 0
    public var queries = 0
    public var jobs = 0

    public init() {}

    public var total: Int { archive + failed + outbox + queries + jobs }
}

public enum Retention {
    public static func prune(layout: SpoolLayout, store: any StateBackend, limits: RetentionLimits, tenantsEnabled: Bool,
                             now: Double = Date().timeIntervalSince1970, logger: Logger? = nil) -> RetentionReport {
        var report = RetentionReport()
        // Names that belong to jobs still in flight, per folder kind and tenant.
        var activeInputs = Set<String>()
        var activeResults = Set<String>()
        for job in (try? store.activeJobs()) ?? [] {
            activeInputs.insert("\(job.tenant)/\(job.inputName)")
            activeInputs.insert("\(job.tenant)/\(job.inputName).error.json")
            let kind = SpoolNames.kind(of: job.inputName)
            activeResults.insert("\(job.tenant)/\(SpoolNames.resultName(forInput: job.inputName, kind: kind))")
            activeResults.insert("\(job.tenant)/\(SpoolNames.reportName(forInput: job.inputName))")
        }
        func cutoff(_ days: Double) -> Double? { days > 0 ? now - days * 86_400 : nil }

        if let c = cutoff(limits.archiveDays) {
            report.archive = pruneFolder(layout.archive, before: c, keep: activeInputs, inputs: true,
                                         tenantsEnabled: tenantsEnabled)
        }
        if let c = cutoff(limits.failedDays) {
            report.failed = pruneFolder(layout.failed, before: c, keep: activeInputs, inputs: true,
                                        tenantsEnabled: tenantsEnabled)
        }
        if let c = cutoff(limits.outboxDays) {
            report.outbox = pruneFolder(layout.outbox, before: c, keep: activeResults, inputs: false,
                                        tenantsEnabled: tenantsEnabled)
        }
        if let c = cutoff(limits.historyDays) {
            report.queries = (try? store.pruneQueries(before: c)) ?? 0
            report.jobs = (try? store.pruneJobs(finishedBefore: c)) ?? 0
        }
        if report.total > 0, let logger {
            logger.info("retention pruned old files and history", metadata: [
                "archive": "\(report.archive)", "failed": "\(report.failed)", "outbox": "\(report.outbox)",
                "queries": "\(report.queries)", "jobs": "\(report.jobs)",
            ])
        }
        return report
    }

    /// Prune one top folder and its tenant folders. `inputs`: directories found are refused
    /// inputs (removed whole when old); otherwise (outbox) directories are only walked.
    private static func pruneFolder(_ root: String, before cutoff: Double, keep: Set<String>, inputs: Bool,
                                    tenantsEnabled: Bool) -> Int {
        var removed = 0
        for name in entries(root) {
            let path = "\(root)/\(name)"
            guard let st = lstatOf(path) else { continue }
            if (st.st_mode & S_IFMT) == S_IFDIR {
                let isTenantFolder = inputs ? tenantsEnabled && TenantPolicy.validate(name) == nil
                                            : TenantPolicy.validate(name) == nil
                if isTenantFolder {
                    removed += pruneTenantFolder(path, tenant: name, before: cutoff, keep: keep, inputs: inputs)
                } else if inputs, touched(st) < cutoff, !keep.contains("/\(name)") {
                    if (try? FileManager.default.removeItem(atPath: path)) != nil { removed += 1 }
                }
                continue
            }
            if isProtected(name) || keep.contains("/\(name)") || touched(st) >= cutoff { continue }
            if unlink(path) == 0 { removed += 1 }
        }
        return removed
    }

    private static func pruneTenantFolder(_ dir: String, tenant: String, before cutoff: Double, keep: Set<String>,
                                          inputs: Bool) -> Int {
        var removed = 0
        for name in entries(dir) {
            let path = "\(dir)/\(name)"
            guard let st = lstatOf(path), touched(st) < cutoff, !isProtected(name),
                  !keep.contains("\(tenant)/\(name)") else { continue }
            if (st.st_mode & S_IFMT) == S_IFDIR {
                if inputs, (try? FileManager.default.removeItem(atPath: path)) != nil { removed += 1 }
            } else if unlink(path) == 0 {
                removed += 1
            }
        }
        return removed
    }

    /// Dotfiles are in-progress temp files of writers; index.jsonl is the job log.
    private static func isProtected(_ name: String) -> Bool { name.hasPrefix(".") || name == "index.jsonl" }

    private static func entries(_ dir: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).sorted()
    }

    private static func lstatOf(_ path: String) -> stat? {
        var st = stat()
        return lstat(path, &st) == 0 ? st : nil
    }

    private static func touched(_ st: stat) -> Double {
        let m = Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9
        let c = Double(st.st_ctim.tv_sec) + Double(st.st_ctim.tv_nsec) / 1e9
        return max(m, c)
    }
}

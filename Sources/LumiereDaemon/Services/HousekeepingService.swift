// HousekeepingService: the metrics file every metrics.interval_s and retention every
// retention.interval_s, on a queue of their own so the scheduler's tick never waits for a
// long prune. At shutdown it waits for a prune in progress and writes the metrics file
// one last time with lumiere_up 0. On a spool shared by several daemons it also appends,
// every minute, index lines a daemon killed between finishing a job and appending left
// behind (at start-up only jobs finished a minute ago are taken, see JobIndex).

import Foundation
import Logging
import LumiereCore
import LumiereService
import LumiereStore
import LumiereSpool
import ServiceLifecycle

final class HousekeepingService: Service, ReloadableService, @unchecked Sendable {
    // @unchecked: `config`, the last-run times and `timer` live on `control`; the prune
    // and the file writes run on `queue`.
    private let layout: SpoolLayout
    private let store: any StateBackend
    private let scheduler: Scheduler
    private let metrics: DaemonMetrics
    private let logger: Logger
    private let queue = DispatchQueue(label: "lumiere.housekeeping")
    private let startedAt = Date()
    private var config: LumiereConfig
    private var lastMetricsWrite = Date.distantPast
    private var lastRetention = Date.distantPast
    private var lastIndexSweep = Date()
    private let sharedSpool: Bool
    private var retentionRunning = false
    private var timer: (any DispatchSourceTimer)?

    init(layout: SpoolLayout, store: any StateBackend, scheduler: Scheduler, metrics: DaemonMetrics,
         settings: DaemonSettings, sharedSpool: Bool, logger: Logger) {
        self.sharedSpool = sharedSpool
        self.layout = layout
        self.store = store
        self.scheduler = scheduler
        self.metrics = metrics
        self.logger = logger
        self.config = settings.config
    }

    private var control: DispatchQueue { scheduler.control }

    func start() {
        let timer = DispatchSource.makeTimerSource(queue: control)
        timer.schedule(deadline: .now() + 0.25, repeating: 0.25)
        timer.setEventHandler { [weak self] in self?.housekeep() }
        timer.resume()
        control.sync { self.timer = timer }
    }

    func run() async throws {
        try? await gracefulShutdown()
        let write = await onQueue(control) { [self] () -> (@Sendable () -> Void)? in
            timer?.cancel()
            return metricsWrite(up: false)
        }
        // The housekeeping queue is serial: this runs after a prune in progress.
        await onQueue(queue) { write?() }
    }

    func apply(_ settings: DaemonSettings) { config = settings.config }

    /// On `control`.
    private func housekeep() {
        let now = Date()
        if !config.metrics.file.isEmpty, now.timeIntervalSince(lastMetricsWrite) >= config.metrics.intervalSeconds {
            lastMetricsWrite = now
            if let write = metricsWrite(up: true) { queue.async(execute: write) }
        }
        if sharedSpool, now.timeIntervalSince(lastIndexSweep) >= 60 {
            lastIndexSweep = now
            let (layout, store, logger) = (self.layout, self.store, self.logger)
            queue.async {
                _ = JobIndex.appendPending(layout: layout, store: store, logger: logger,
                                           finishedBefore: Date().timeIntervalSince1970 - 60)
            }
        }
        if !retentionRunning, now.timeIntervalSince(lastRetention) >= config.retention.intervalSeconds {
            lastRetention = now
            retentionRunning = true
            let (layout, store, logger, metrics) = (self.layout, self.store, self.logger, self.metrics)
            let limits = RetentionLimits(config: config)
            let tenants = config.tenants.enabled
            queue.async { [self] in
                let report = Retention.prune(layout: layout, store: store, limits: limits, tenantsEnabled: tenants,
                                             logger: logger)
                metrics.recordPruned("archive", report.archive)
                metrics.recordPruned("failed", report.failed)
                metrics.recordPruned("outbox", report.outbox)
                metrics.recordPruned("queries", report.queries)
                metrics.recordPruned("jobs", report.jobs)
                control.async { [self] in retentionRunning = false }
            }
        }
    }

    /// On `control`: sample the gauges now; the returned closure renders and writes them
    /// (on `queue`). Nil when no metrics file is configured.
    private func metricsWrite(up: Bool) -> (@Sendable () -> Void)? {
        let file = config.metrics.file
        guard !file.isEmpty else { return nil }
        let path = file.hasPrefix("/") ? file : "\(layout.root)/\(file)"
        let (counts, oldest) = (try? store.queueCounts()) ?? ([:], nil)
        let gauges = DaemonMetrics.Gauges(
            jobsByState: counts, workersBusy: scheduler.busy, workers: scheduler.workers,
            oldestQueuedSeconds: oldest.map { max(0, Date().timeIntervalSince1970 - $0) } ?? 0,
            paused: scheduler.pausedReason != nil || scheduler.draining, up: up,
            startedAt: startedAt.timeIntervalSince1970)
        let (metrics, logger) = (self.metrics, self.logger)
        return {
            let url = URL(fileURLWithPath: path)
            do throws(LumiereError) {
                try AtomicFile.write(Data(metrics.render(gauges).utf8), directory: url.deletingLastPathComponent().path,
                                     name: url.lastPathComponent, mode: 0o644)
            } catch {
                logger.warning("cannot write the metrics file", metadata: ["file": "\(path)", "error": "\(error.message)"])
            }
        }
    }
}

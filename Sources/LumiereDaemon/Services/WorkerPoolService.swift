// WorkerPoolService: the scheduler and its worker pool, and the disk guard that pauses
// intake and claiming while free space is low. A 250 ms tick on `control` pumps the queue
// (retry timers, deferred jobs) and checks the disk. At shutdown it stops claiming and
// lets running jobs finish within daemon.shutdown_timeout_s; jobs still running then are
// re-queued at the next start.

import Foundation
import Logging
import LumiereCore
import LumiereService
import LumiereSpool
import ServiceLifecycle

final class WorkerPoolService: Service, ReloadableService, @unchecked Sendable {
    // @unchecked: everything mutable lives on `scheduler.control`.
    let scheduler: Scheduler
    private let intake: Intake
    private let spoolRoot: String
    private let logger: Logger
    /// The processor the daemon started with; a reload derives the next one from it.
    private let processor: any JobProcessor
    private var diskGuard: DiskGuard
    private var shutdownTimeout: Double
    private var tick: (any DispatchSourceTimer)?
    private var drained: CheckedContinuation<Void, Never>?

    init(scheduler: Scheduler, processor: any JobProcessor, intake: Intake, spoolRoot: String,
         settings: DaemonSettings, logger: Logger) {
        self.scheduler = scheduler
        self.processor = processor
        self.intake = intake
        self.spoolRoot = spoolRoot
        self.logger = logger
        self.diskGuard = DiskGuard(floor: settings.config.spool.minFreeBytes)
        self.shutdownTimeout = settings.config.daemon.shutdownTimeoutSeconds
    }

    var control: DispatchQueue { scheduler.control }

    func start() {
        scheduler.onDiskFull = { [weak self] in self?.checkDisk(forcePause: true) }
        let tick = DispatchSource.makeTimerSource(queue: control)
        tick.schedule(deadline: .now() + 0.25, repeating: 0.25)
        tick.setEventHandler { [weak self] in
            guard let self else { return }
            self.checkDisk(forcePause: false)
            self.scheduler.pump()
        }
        tick.resume()
        control.sync {
            self.tick = tick
            checkDisk(forcePause: false)
            scheduler.pump()
        }
    }

    /// On `control`: stop claiming at once (SIGTERM); returns the number of running jobs.
    func beginDrain() -> Int {
        dispatchPrecondition(condition: .onQueue(control))
        scheduler.draining = true
        intake.pausedReason = "shutting down"
        return scheduler.busy
    }

    func run() async throws {
        try? await gracefulShutdown()
        await drain()
    }

    /// Wait until no job runs, or the shutdown timeout, whichever comes first.
    private func drain() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            control.async { [self] in
                _ = beginDrain()
                drained = continuation
                scheduler.whenIdle { [self] in finishDrain(timedOut: false) }
                control.asyncAfter(deadline: .now() + shutdownTimeout) { [self] in finishDrain(timedOut: true) }
            }
        }
    }

    /// On `control`, once: the pool is idle or the shutdown timeout passed.
    private func finishDrain(timedOut: Bool) {
        guard let continuation = drained else { return }
        drained = nil
        tick?.cancel()
        if timedOut {
            logger.warning("shutdown timeout reached; unfinished jobs are re-queued at the next start",
                           metadata: ["running_jobs": "\(scheduler.busy)"])
        }
        continuation.resume()
    }

    func apply(_ settings: DaemonSettings) {
        let config = settings.config
        scheduler.replaceProcessor(processor.reloaded(config: config))
        scheduler.workers = config.workerCount
        scheduler.maxAttempts = config.queue.maxAttempts
        scheduler.retryBase = config.queue.retryBaseSeconds
        scheduler.retryMax = config.queue.retryMaxSeconds
        scheduler.indexEnabled = config.results.writeIndex
        diskGuard.floor = config.spool.minFreeBytes
        shutdownTimeout = config.daemon.shutdownTimeoutSeconds
        checkDisk(forcePause: false)
        scheduler.pump()
    }

    /// On `control`: pause intake and claiming while free space is under the floor.
    private func checkDisk(forcePause: Bool) {
        let paused = diskGuard.check(path: spoolRoot, forcePause: forcePause, logger: logger)
        scheduler.pausedReason = paused
        intake.pausedReason = paused ?? (scheduler.draining ? "shutting down" : nil)
    }
}

/// Free space against spool.min_free_bytes: the reason to pause, or nil.
struct DiskGuard {
    var floor: Int64
    private(set) var paused: String?
    /// Free bytes when a job last hit ENOSPC: resuming needs a MiB more than that.
    private var pausedAtFree: Int64?

    init(floor: Int64) { self.floor = floor }

    mutating func check(path: String, forcePause: Bool, logger: Logger) -> String? {
        var vfs = statvfs()
        guard statvfs(path, &vfs) == 0 else { return paused }
        let free = Int64(vfs.f_bavail) * Int64(vfs.f_frsize)
        if forcePause || free < floor {
            if paused == nil {
                paused = "paused: disk space low (\(free / 1_048_576) MB free, floor \(floor / 1_048_576) MB)"
                logger.error("intake paused: disk space low", metadata: ["free_mb": "\(free / 1_048_576)",
                                                                        "floor_mb": "\(floor / 1_048_576)"])
            }
            // Only a real ENOSPC raises the bar: a pause under the configured floor ends as
            // soon as free space is above it (or the floor is lowered by a reload).
            if forcePause { pausedAtFree = free }
        } else if paused != nil, free > max(floor, (pausedAtFree ?? 0) + 1_048_576) {
            paused = nil
            pausedAtFree = nil
            logger.notice("intake resumed: disk space is back", metadata: ["free_mb": "\(free / 1_048_576)"])
        }
        return paused
    }
}

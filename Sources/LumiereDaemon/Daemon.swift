// Daemon: wires the spool, the queue, intake, the worker pool and systemd together, and
// owns the process lifecycle.
//
// Start: create folders → take the spool lock → open the state database → reconcile the
// work area with the queue (both ways) → watch the inbox → scan → READY=1.
// Run: inotify hints and a periodic timer trigger scans; a 250 ms tick pumps the queue
// (retry timers), checks free disk space, refreshes STATUS= and status.json, and feeds the
// watchdog heartbeat. SIGHUP reloads the config. SIGTERM/SIGINT: stop claiming, let
// running jobs finish within daemon.shutdown_timeout_s, STOPPING=1, exit 0.
// Housekeeping (a queue of its own, so the tick never waits for it): the metrics file
// every metrics.interval_s, retention every retention.interval_s. With tenants, each
// tenant folder of the inbox is watched too, including folders created while running.

import Foundation
import Logging
import LumiereCore
import LumiereLLM
import LumiereService
import LumiereSpool
import LumiereStore

public final class Daemon: @unchecked Sendable {
    // @unchecked: mutable state lives on `scheduler.control` (serial) except `config`,
    // which is replaced only on that queue too.
    private var config: LumiereConfig
    private let reloadConfig: @Sendable () throws(LumiereError) -> LumiereConfig
    private let layout: SpoolLayout
    private let logger: Logger
    private let notifier: SystemdNotifier
    private let processor: any JobProcessor
    private var lock: SpoolLock?
    private var store: StateStore!
    private var intake: Intake!
    private var scheduler: Scheduler!
    private var watcher: InotifyWatcher?
    private var timers: [any DispatchSourceTimer] = []
    private var signalSources: [any DispatchSourceSignal] = []
    private let finished = DispatchSemaphore(value: 0)
    private var exitCode: Int32 = 0
    private var lastRescan = Date.distantPast
    private var diskPaused: String?
    private var lastStatus = ""
    private var heartbeat = Date()
    private var stats = DaemonStats()
    private let metrics: DaemonMetrics
    private let housekeeping = DispatchQueue(label: "lumiere.housekeeping")
    private var lastMetricsWrite = Date.distantPast
    private var lastRetention = Date.distantPast
    private var retentionRunning = false
    private let startedAt = Date()

    public init(config: LumiereConfig, processor: any JobProcessor, logger: Logger,
                notifier: SystemdNotifier = SystemdNotifier(), metrics: DaemonMetrics = DaemonMetrics(),
                reloadConfig: @escaping @Sendable () throws(LumiereError) -> LumiereConfig) {
        self.config = config
        self.metrics = metrics
        self.processor = processor
        self.logger = logger
        self.notifier = notifier
        self.reloadConfig = reloadConfig
        self.layout = SpoolLayout(root: config.spoolDirectory)
    }

    var workerCount: Int { config.workerCount }

    /// Run until SIGTERM/SIGINT. Returns the process exit code.
    public func run() -> Int32 {
        // Signals first: a SIGTERM that arrives while we start up is remembered and honoured
        // once the daemon is up, instead of being lost or killing it half-started.
        installSignalHandlers()
        do {
            try start()
        } catch {
            logger.critical("cannot start", metadata: ["error.code": "\(error.code)", "error": "\(error.message)"])
            FileHandle.standardError.write(Data("lumiere: error: \(error.message)\n\(error.hint.map { "hint: \($0)\n" } ?? "")".utf8))
            return error.code == .spoolLocked ? 3 : 1
        }
        finished.wait()
        return exitCode
    }

    private func start() throws(LumiereError) {
        try layout.create()
        lock = try SpoolLock(path: layout.lockFile)
        store = try StateStore(path: layout.database)
        let recovered = try reconcile()
        let indexed = JobIndex.appendPending(layout: layout, store: store, logger: logger)
        if indexed > 0 { logger.notice("appended job index lines left by an unclean stop", metadata: ["jobs": "\(indexed)"]) }
        intake = try Intake(layout: layout, store: store, settings: try intakeSettings(), logger: logger)
        scheduler = Scheduler(layout: layout, store: store, processor: processor, workers: workerCount,
                              maxAttempts: config.queue.maxAttempts,
                              retryBase: config.queue.retryBaseSeconds,
                              retryMax: config.queue.retryMaxSeconds, logger: logger)
        scheduler.onDiskFull = { [weak self] in self?.checkDisk(forcePause: true) }
        scheduler.onJobFinished = { [weak self] _, state, timings in
            self?.stats.record(state: state, totalMs: timings["total"] ?? 0)
            self?.requestScan()
        }
        scheduler.indexEnabled = config.results.writeIndex
        scheduler.onJobOutcome = { [metrics] job, state, facts in
            metrics.recordJob(kind: job.kind.rawValue, state: state.rawValue, facts: facts)
        }
        let watcher = try InotifyWatcher { [weak self] overflow in
            guard let self else { return }
            if overflow { self.logger.warning("inotify queue overflowed; rescanning the inbox") }
            self.scheduler.control.async { self.requestScan() }
        }
        try watcher.watch(layout.inbox)
        watcher.start()
        self.watcher = watcher
        installTimers()
        scheduler.control.sync {
            checkDisk(forcePause: false)
            requestScan()
            scheduler.pump()
        }
        logger.info("daemon started", metadata: [
            "spool": "\(layout.root)", "workers": "\(workerCount)", "recovered": "\(recovered)",
            "pid": "\(getpid())", "config_digest": "\(config.digest)", "llm_key": "\(Self.llmKeyOrigin(config))",
        ])
        // statusLine reads the scheduler's state, which lives on `control`.
        notifier.ready(status: scheduler.control.sync { statusLine() })
        markStarted()
    }

    /// Where an LLM API key would come from — never the key itself: llm.api_key_file,
    /// systemd's credential (LoadCredential=llm-api-key), the environment, or nowhere.
    static func llmKeyOrigin(_ config: LumiereConfig) -> String {
        APIKey.origin(settings: LLMSettings(config: config), environment: ProcessInfo.processInfo.environment)
    }

    private func intakeSettings() throws(LumiereError) -> Intake.Settings {
        Intake.Settings(settleSeconds: config.spool.settleSeconds,
                        maxFileBytes: config.spool.maxFileBytes,
                        maxQueued: config.spool.maxQueued,
                        tenants: try TenantPolicy(config: config))
    }

    // MARK: reconciliation

    /// Make the work area and the queue agree. Returns how many items needed recovery.
    private func reconcile() throws(LumiereError) -> Int {
        AtomicFile.removeStaleTemps(in: layout.outbox)
        AtomicFile.removeStaleTemps(in: layout.failed)
        var recovered = try store.requeueInterrupted()
        try store.deleteAbandonedQueries()
        let workDir = try DirectoryHandle(path: layout.work)
        let files = Set(try workDir.names())
        let known = try store.allWorkNames()
        // Work files without a row: claimed, then crashed before the insert.
        var orphans: [NewJob] = []
        for name in files.subtracting(known).sorted() {
            let input = Intake.inputName(fromWorkName: name)
            let tenant = Intake.tenant(fromWorkName: name)
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
            orphans.append(NewJob(kind: kind, tenant: tenant, inputName: input, workName: name, rejectError: refusal))
        }
        try store.enqueue(orphans)
        recovered += orphans.count
        // Finished jobs whose input was not yet moved: finish the move.
        for job in try store.jobs(inStates: [.succeeded, .failed]) where files.contains(job.workName) {
            guard let disposition = job.disposition, let finalName = job.finalName, !finalName.isEmpty else { continue }
            try layout.createTenantFolders(job.tenant)
            try Scheduler.moveInput(layout: layout, workName: job.workName,
                                    to: disposition == .archive ? layout.archive(tenant: job.tenant) : layout.failed(tenant: job.tenant),
                                    finalName: finalName)
            recovered += 1
        }
        // Source databases no catalog row points to: an ingest killed before it was recorded
        // (or its temp file). Older than a minute, so a concurrent `lumiere ask --spool`
        // ingest is left alone.
        let referenced = try store.allSourceFiles()
        for name in (try? FileManager.default.contentsOfDirectory(atPath: layout.sources)) ?? []
        where !referenced.contains("sources/\(name)") {
            var st = stat()
            if lstat("\(layout.sources)/\(name)", &st) == 0, Double(st.st_mtim.tv_sec) < Date().timeIntervalSince1970 - 60 {
                unlink("\(layout.sources)/\(name)")
                logger.info("removed an orphaned source database", metadata: ["file": "\(name)"])
            }
        }
        // Queued jobs whose input is gone cannot run; the worker fails them with a result.
        if recovered > 0 { logger.notice("recovered work after an unclean stop", metadata: ["items": "\(recovered)"]) }
        return recovered
    }

    // MARK: scanning

    /// Coalesce scan requests: at most one scan waiting to start. The flag is cleared when
    /// a scan starts (before it lists the inbox), so a request arriving during a scan
    /// queues another one and no event is lost. Callable from any queue; never blocks on
    /// another queue (the intake and control queues must not wait for each other).
    private let scanLock = NSLock()
    private var scanPending = false

    private func requestScan(after delay: Double = 0) {
        if delay > 0 {
            intake.queue.asyncAfter(deadline: .now() + delay) { [self] in requestScan() }
            return
        }
        let alreadyPending = scanLock.withLock { () -> Bool in
            if scanPending { return true }
            scanPending = true
            return false
        }
        if alreadyPending { return }
        intake.queue.async { [self] in
            scanLock.withLock { scanPending = false }
            let queued = (try? store.queueCounts().counts[.queued]) ?? 0
            let result = intake.scan(queuedJobs: queued)
            scheduler.control.async { [self] in
                lastRescan = Date()
                if result.claimed > 0 { scheduler.pump() }
                watchTenantFolders()
            }
            if let recheck = result.recheckAfter { requestScan(after: recheck) }
        }
    }

    /// Add inotify watches for tenant folders the last scan found and no watch covers yet
    /// (new ones, or ones deleted and created again). A file dropped before the watch was
    /// in place is found by the scan requested right after.
    private func watchTenantFolders() {
        guard let watcher else { return }
        let folders = intake.tenantFolders
        guard !folders.isEmpty else { return }
        let watched = watcher.watchedPaths
        var added = 0
        for tenant in folders where !watched.contains(layout.inbox(tenant: tenant)) {
            do {
                try watcher.watch(layout.inbox(tenant: tenant))
                added += 1
                logger.info("watching a tenant folder", metadata: ["tenant": "\(tenant)"])
            } catch {
                logger.warning("cannot watch a tenant folder; the periodic rescan covers it",
                               metadata: ["tenant": "\(tenant)", "error": "\(error.message)"])
            }
        }
        if added > 0 { requestScan() }
    }

    // MARK: housekeeping: metrics file, retention

    private func housekeep() {
        let now = Date()
        if !config.metrics.file.isEmpty,
           now.timeIntervalSince(lastMetricsWrite) >= config.metrics.intervalSeconds {
            lastMetricsWrite = now
            writeMetrics(up: true)
        }
        if !retentionRunning, now.timeIntervalSince(lastRetention) >= config.retention.intervalSeconds {
            lastRetention = now
            retentionRunning = true
            let (layout, store, logger, metrics) = (self.layout, self.store!, self.logger, self.metrics)
            let limits = RetentionLimits(config: config)
            let tenants = config.tenants.enabled
            housekeeping.async { [self] in
                let report = Retention.prune(layout: layout, store: store, limits: limits, tenantsEnabled: tenants,
                                             logger: logger)
                metrics.recordPruned("archive", report.archive)
                metrics.recordPruned("failed", report.failed)
                metrics.recordPruned("outbox", report.outbox)
                metrics.recordPruned("queries", report.queries)
                metrics.recordPruned("jobs", report.jobs)
                scheduler.control.async { [self] in retentionRunning = false }
            }
        }
    }

    /// Sample the gauges here (on `control`), render and write on the housekeeping queue.
    private func writeMetrics(up: Bool, wait: Bool = false) {
        let file = config.metrics.file
        guard !file.isEmpty else { return }
        let path = file.hasPrefix("/") ? file : "\(layout.root)/\(file)"
        let (counts, oldest) = (try? store.queueCounts()) ?? ([:], nil)
        let gauges = DaemonMetrics.Gauges(
            jobsByState: counts, workersBusy: scheduler.busy, workers: scheduler.workers,
            oldestQueuedSeconds: oldest.map { max(0, Date().timeIntervalSince1970 - $0) } ?? 0,
            paused: diskPaused != nil || scheduler.draining, up: up, startedAt: startedAt.timeIntervalSince1970)
        let (metrics, logger) = (self.metrics, self.logger)
        let work: @Sendable () -> Void = {
            let url = URL(fileURLWithPath: path)
            do throws(LumiereError) {
                try AtomicFile.write(Data(metrics.render(gauges).utf8), directory: url.deletingLastPathComponent().path,
                                     name: url.lastPathComponent, mode: 0o644)
            } catch {
                logger.warning("cannot write the metrics file", metadata: ["file": "\(path)", "error": "\(error.message)"])
            }
        }
        if wait { housekeeping.sync(execute: work) } else { housekeeping.async(execute: work) }
    }

    // MARK: timers, signals

    private func installTimers() {
        let tick = DispatchSource.makeTimerSource(queue: scheduler.control)
        tick.schedule(deadline: .now() + 0.25, repeating: 0.25)
        tick.setEventHandler { [weak self] in self?.onTick() }
        tick.resume()
        timers.append(tick)
        if let interval = notifier.watchdogInterval {
            // Ping at a third of the interval, but only while the control queue is alive:
            // a hung daemon stops pinging and systemd restarts it.
            let wd = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "lumiere.watchdog"))
            wd.schedule(deadline: .now(), repeating: interval / 3)
            wd.setEventHandler { [weak self] in
                guard let self else { return }
                let last = self.heartbeatTime()
                if Date().timeIntervalSince(last) < interval / 2 { self.notifier.watchdog() }
            }
            wd.resume()
            timers.append(wd)
        }
    }

    private let heartbeatLock = NSLock()
    private func heartbeatTime() -> Date { heartbeatLock.withLock { heartbeat } }

    private func onTick() {
        heartbeatLock.withLock { heartbeat = Date() }
        checkDisk(forcePause: false)
        scheduler.pump()
        let rescanEvery = config.spool.rescanSeconds
        if Date().timeIntervalSince(lastRescan) >= rescanEvery { requestScan() }
        let line = statusLine()
        if line != lastStatus {
            lastStatus = line
            notifier.status(line)
        }
        stats.maybeWriteStatus(to: layout, daemon: self)
        housekeep()
    }

    private let signalQueue = DispatchQueue(label: "lumiere.signals")
    private var started = false        // on signalQueue
    private var pendingSignal: Int32?  // on signalQueue: arrived before start-up finished

    private func installSignalHandlers() {
        for sig in [SIGTERM, SIGINT, SIGHUP] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: signalQueue)
            source.setEventHandler { [weak self] in
                guard let self else { return }
                guard self.started else {
                    if sig != SIGHUP { self.pendingSignal = sig }
                    return
                }
                self.deliver(sig)
            }
            source.resume()
            signalSources.append(source)
        }
    }

    private func deliver(_ sig: Int32) {
        scheduler.control.async { [self] in
            if sig == SIGHUP { reload() } else { shutdown(signal: sig) }
        }
    }

    /// Called once start-up is complete: signals from now on act at once.
    private func markStarted() {
        signalQueue.sync {
            started = true
            if let sig = pendingSignal { deliver(sig) }
        }
    }

    private func reload() {
        notifier.reloading()
        do {
            let fresh = try reloadConfig()
            if fresh.spoolDirectory != config.spoolDirectory {
                logger.warning("spool.dir cannot change while running; restart to move the spool")
            }
            config = fresh
            scheduler.replaceProcessor(processor.reloaded(config: fresh))
            scheduler.workers = workerCount
            scheduler.maxAttempts = config.queue.maxAttempts
            scheduler.retryBase = config.queue.retryBaseSeconds
            scheduler.retryMax = config.queue.retryMaxSeconds
            scheduler.indexEnabled = config.results.writeIndex
            intake.update(settings: try intakeSettings())
            logger.notice("configuration reloaded", metadata: ["config_digest": "\(config.digest)"])
        } catch {
            logger.error("configuration reload failed; keeping the old one",
                         metadata: ["error.code": "\(error.code)", "error": "\(error.message)"])
        }
        notifier.ready(status: statusLine())
        scheduler.pump()
    }

    private func shutdown(signal sig: Int32) {
        guard !scheduler.draining else { return }
        scheduler.draining = true
        intake.pausedReason = "shutting down"
        let running = scheduler.busy
        logger.notice("shutting down", metadata: ["signal": "\(sig)", "running_jobs": "\(running)"])
        notifier.stopping(status: "stopping: waiting for \(running) running job(s)")
        let timeout = config.daemon.shutdownTimeoutSeconds
        scheduler.whenIdle { [self] in finishShutdown(timedOut: false) }
        scheduler.control.asyncAfter(deadline: .now() + timeout) { [self] in finishShutdown(timedOut: true) }
    }

    private var shutdownFinished = false

    /// On `control`: the last steps of a shutdown, once (idle or timed out, whichever first).
    private func finishShutdown(timedOut: Bool) {
        guard !shutdownFinished else { return }
        shutdownFinished = true
        if timedOut {
            logger.warning("shutdown timeout reached; unfinished jobs are re-queued at the next start",
                           metadata: ["running_jobs": "\(scheduler.busy)"])
        }
        watcher?.stop()
        timers.forEach { $0.cancel() }
        stats.writeStatus(to: layout, daemon: self, running: false)
        writeMetrics(up: false, wait: true)
        store.checkpoint()
        logger.notice("daemon stopped")
        exitCode = 0
        finished.signal()
    }

    // MARK: disk guard and status

    /// Pause intake and claiming while free space is under the floor; resume when back.
    private func checkDisk(forcePause: Bool) {
        let floor = config.spool.minFreeBytes
        var vfs = statvfs()
        guard statvfs(layout.root, &vfs) == 0 else { return }
        let free = Int64(vfs.f_bavail) * Int64(vfs.f_frsize)
        // After an ENOSPC the floor is at least 1 MiB above what was free, so we do not
        // resume into the same wall.
        if forcePause || free < floor {
            if diskPaused == nil {
                diskPaused = "paused: disk space low (\(free / 1_048_576) MB free, floor \(floor / 1_048_576) MB)"
                logger.error("intake paused: disk space low", metadata: ["free_mb": "\(free / 1_048_576)",
                                                                        "floor_mb": "\(floor / 1_048_576)"])
            }
            // Only a real ENOSPC raises the bar: a pause under the configured floor ends as
            // soon as free space is above it (or the floor is lowered by a reload).
            if forcePause { diskPausedAtFree = free }
        } else if let _ = diskPaused, free > max(floor, (diskPausedAtFree ?? 0) + 1_048_576) {
            diskPaused = nil
            diskPausedAtFree = nil
            logger.notice("intake resumed: disk space is back", metadata: ["free_mb": "\(free / 1_048_576)"])
        }
        scheduler.pausedReason = diskPaused
        intake.pausedReason = diskPaused ?? (scheduler.draining ? "shutting down" : nil)
    }
    private var diskPausedAtFree: Int64?

    func statusLine() -> String {
        let counts = (try? store.queueCounts().counts) ?? [:]
        let base = "\(counts[.queued] ?? 0) queued, \(scheduler.busy)/\(scheduler.workers) workers busy, "
            + "\(counts[.succeeded] ?? 0) done, \(counts[.failed] ?? 0) failed"
        if let diskPaused { return "\(diskPaused); \(base)" }
        return base
    }

    var busyWorkers: Int { scheduler.busy }
    var configuredWorkers: Int { scheduler.workers }
    var pauseReason: String? { diskPaused }
    var storeForStatus: StateStore { store }
}

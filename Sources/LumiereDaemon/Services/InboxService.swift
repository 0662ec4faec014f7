// InboxService: the watcher and intake. inotify hints, a periodic rescan (spool.rescan_ms)
// and tenant folders created while running all end in one coalesced scan of the inbox on
// the intake queue; claimed files wake the worker pool. With tenants, each tenant folder
// of the inbox gets a watch of its own as soon as a scan finds it.

import Foundation
import Logging
import LumiereCore
import LumiereService
import LumiereSpool
import LumiereStore
import ServiceLifecycle

final class InboxService: Service, ReloadableService, @unchecked Sendable {
    // @unchecked: `rescanSeconds`, `lastRescan`, `watcher` and `timer` live on `control`;
    // `scanPending` is guarded by `scanLock`; Intake guards its own state.
    let intake: Intake
    private let layout: SpoolLayout
    private let store: any StateBackend
    private let control: DispatchQueue
    private let logger: Logger
    /// Called on `control` after a scan claimed files (the worker pool pumps).
    private let onClaimed: () -> Void
    private var rescanSeconds: Double
    private var lastRescan = Date.distantPast
    private var watcher: InotifyWatcher?
    private var timer: (any DispatchSourceTimer)?
    private let scanLock = NSLock()
    private var scanPending = false

    init(layout: SpoolLayout, workArea: WorkArea, store: any StateBackend, settings: DaemonSettings,
         control: DispatchQueue, logger: Logger, onClaimed: @escaping () -> Void) throws(LumiereError) {
        self.layout = layout
        self.store = store
        self.control = control
        self.logger = logger
        self.onClaimed = onClaimed
        self.rescanSeconds = settings.config.spool.rescanSeconds
        self.intake = try Intake(layout: layout, store: store, settings: settings.intake, logger: logger,
                                 workArea: workArea)
    }

    /// Watch the inbox, start the rescan timer and request the first scan. The watch is in
    /// place before that scan lists the inbox, so no file dropped meanwhile is missed.
    func start() throws(LumiereError) {
        let watcher = try InotifyWatcher { [weak self] overflow in
            guard let self else { return }
            if overflow { self.logger.warning("inotify queue overflowed; rescanning the inbox") }
            self.requestScan()
        }
        try watcher.watch(layout.inbox)
        watcher.start()
        let timer = DispatchSource.makeTimerSource(queue: control)
        timer.schedule(deadline: .now() + 0.25, repeating: 0.25)
        timer.setEventHandler { [weak self] in
            guard let self else { return }
            if Date().timeIntervalSince(self.lastRescan) >= self.rescanSeconds { self.requestScan() }
        }
        timer.resume()
        control.sync {
            self.watcher = watcher
            self.timer = timer
        }
        requestScan()
    }

    func run() async throws {
        try? await gracefulShutdown()
        // Claim nothing more, then wait for a scan in progress to finish.
        intake.pausedReason = "shutting down"
        await onQueue(control) { [self] in
            watcher?.stop()
            timer?.cancel()
        }
        await onQueue(intake.queue) {}
    }

    func apply(_ settings: DaemonSettings) {
        rescanSeconds = settings.config.spool.rescanSeconds
        intake.update(settings: settings.intake)
    }

    /// Coalesce scan requests: at most one scan waiting to start. The flag is cleared when
    /// a scan starts (before it lists the inbox), so a request arriving during a scan
    /// queues another one and no event is lost. Callable from any queue; never blocks on
    /// another queue (the intake and control queues must not wait for each other).
    func requestScan(after delay: Double = 0) {
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
            control.async { [self] in
                lastRescan = Date()
                if result.claimed > 0 { onClaimed() }
                watchTenantFolders()
            }
            if let recheck = result.recheckAfter { requestScan(after: recheck) }
        }
    }

    /// On `control`: add inotify watches for tenant folders the last scan found and no
    /// watch covers yet (new ones, or ones deleted and created again). A file dropped
    /// before the watch was in place is found by the scan requested right after.
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
}

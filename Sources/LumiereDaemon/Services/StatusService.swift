// StatusService: what the daemon tells about itself. systemd's STATUS= line whenever it
// changes, and state/status.json (for `lumiere status`) every couple of seconds and a last
// time with running=false at shutdown; job latencies come from the scheduler.

import Foundation
import LumiereCore
import LumiereService
import LumiereStore
import LumiereSpool
import ServiceLifecycle

final class StatusService: Service, @unchecked Sendable {
    // @unchecked: `stats`, `lastStatus` and `timer` live on `control`.
    private let layout: SpoolLayout
    private let store: any StateBackend
    private let scheduler: Scheduler
    private let notifier: SystemdNotifier
    private var stats = DaemonStats()
    private var lastStatus = ""
    private var timer: (any DispatchSourceTimer)?

    init(layout: SpoolLayout, store: any StateBackend, scheduler: Scheduler, notifier: SystemdNotifier) {
        self.layout = layout
        self.store = store
        self.scheduler = scheduler
        self.notifier = notifier
    }

    private var control: DispatchQueue { scheduler.control }

    /// On `control`: count a finished job's latency.
    func record(state: JobState, totalMs: Double) { stats.record(state: state, totalMs: totalMs) }

    func start() {
        let timer = DispatchSource.makeTimerSource(queue: control)
        timer.schedule(deadline: .now() + 0.25, repeating: 0.25)
        timer.setEventHandler { [weak self] in self?.refresh() }
        timer.resume()
        control.sync { self.timer = timer }
    }

    func run() async throws {
        try? await gracefulShutdown()
        await onQueue(control) { [self] in
            timer?.cancel()
            stats.writeStatus(to: layout, snapshot: snapshot, running: false)
        }
    }

    /// On `control`: the one-line summary systemd shows in `systemctl status`.
    func statusLine() -> String {
        let counts = (try? store.queueCounts().counts) ?? [:]
        let base = "\(counts[.queued] ?? 0) queued, \(scheduler.busy)/\(scheduler.workers) workers busy, "
            + "\(counts[.succeeded] ?? 0) done, \(counts[.failed] ?? 0) failed"
        if let paused = scheduler.pausedReason { return "\(paused); \(base)" }
        return base
    }

    private var snapshot: DaemonStats.Snapshot {
        DaemonStats.Snapshot(workersBusy: scheduler.busy, workers: scheduler.workers, paused: scheduler.pausedReason)
    }

    private func refresh() {
        let line = statusLine()
        if line != lastStatus {
            lastStatus = line
            notifier.status(line)
        }
        stats.maybeWriteStatus(to: layout, snapshot: snapshot)
    }
}

// WatchdogService: systemd's watchdog (WatchdogSec=). A heartbeat on the scheduler's
// `control` queue, and pings at a third of the interval from a queue of its own — but only
// while the heartbeat is fresh: a daemon whose control queue hangs stops pinging and
// systemd restarts it. Without WatchdogSec= it does nothing.

import Foundation
import ServiceLifecycle

final class WatchdogService: Service, @unchecked Sendable {
    // @unchecked: `heartbeat` is guarded by `lock`; the timers are set before run().
    private let notifier: SystemdNotifier
    private let control: DispatchQueue
    private let lock = NSLock()
    private var heartbeat = Date()
    private var timers: [any DispatchSourceTimer] = []

    init(notifier: SystemdNotifier, control: DispatchQueue) {
        self.notifier = notifier
        self.control = control
    }

    func start() {
        guard let interval = notifier.watchdogInterval else { return }
        let beat = DispatchSource.makeTimerSource(queue: control)
        beat.schedule(deadline: .now(), repeating: 0.25)
        beat.setEventHandler { [weak self] in self?.lock.withLock { self?.heartbeat = Date() } }
        let ping = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "lumiere.watchdog"))
        ping.schedule(deadline: .now(), repeating: interval / 3)
        ping.setEventHandler { [weak self] in
            guard let self else { return }
            let last = self.lock.withLock { self.heartbeat }
            if Date().timeIntervalSince(last) < interval / 2 { self.notifier.watchdog() }
        }
        timers = [beat, ping]
        timers.forEach { $0.resume() }
    }

    func run() async throws {
        try? await gracefulShutdown()
        timers.forEach { $0.cancel() }
    }
}

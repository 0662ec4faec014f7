// DaemonSettings: the daemon's view of a configuration, derived and checked whole before
// any service sees it. Start-up builds one; a SIGHUP reload builds a fresh one and hands it
// to every service, so a reload that fails part-way never leaves half the daemon on the
// new settings and half on the old.

import Dispatch
import LumiereCore
import LumiereService

struct DaemonSettings: Sendable {
    let config: LumiereConfig
    let intake: Intake.Settings

    init(_ config: LumiereConfig) throws(LumiereError) {
        self.config = config
        self.intake = Intake.Settings(settleSeconds: config.spool.settleSeconds,
                                      maxFileBytes: config.spool.maxFileBytes,
                                      maxQueued: config.spool.maxQueued,
                                      tenants: try TenantPolicy(config: config))
    }
}

/// A service that takes reloaded settings. Called on the scheduler's `control` queue.
protocol ReloadableService: AnyObject {
    func apply(_ settings: DaemonSettings)
}

/// Run blocking work on a Dispatch queue and await it, so SQLite, file I/O and waits on
/// serial queues never block a thread of Swift's cooperative pool.
func onQueue<T: Sendable>(_ queue: DispatchQueue,
                          _ work: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        queue.async { continuation.resume(returning: work()) }
    }
}

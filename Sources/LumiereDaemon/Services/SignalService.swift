// SignalService: SIGHUP reloads the configuration; SIGTERM and SIGINT start a graceful
// shutdown. The group's own `gracefulShutdownSignals` is not used: ServiceGroup traps
// signals only once it runs, and the daemon must not lose (or die of) a SIGTERM that
// arrives during start-up (lock, reconciliation). So `SignalInbox` ignores the signals'
// default actions and buffers them from the first line of `Daemon.run`, and this service,
// run by the group, reads them. Returning from `run` on SIGTERM shuts the group down
// (its ServiceConfiguration says `.gracefullyShutdownGroup`).

import Dispatch
import Foundation
import ServiceLifecycle

/// The daemon's signals, caught from the moment it is created.
final class SignalInbox: @unchecked Sendable {
    // @unchecked: `sources` is set once in init and only cancelled in deinit.
    let signals: AsyncStream<Int32>
    private let sources: [any DispatchSourceSignal]

    init() {
        let (stream, continuation) = AsyncStream<Int32>.makeStream()
        let queue = DispatchQueue(label: "lumiere.signals")
        var sources: [any DispatchSourceSignal] = []
        for sig in [SIGTERM, SIGINT, SIGHUP] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            source.setEventHandler { continuation.yield(sig) }
            source.resume()
            sources.append(source)
        }
        self.signals = stream
        self.sources = sources
    }

    deinit { sources.forEach { $0.cancel() } }
}

final class SignalService: Service {
    private let inbox: SignalInbox
    private let reload: @Sendable () -> Void
    private let shutdown: @Sendable (Int32) -> Void

    /// `reload` runs on SIGHUP; `shutdown` on SIGTERM/SIGINT, before the group stops its services.
    init(inbox: SignalInbox, reload: @escaping @Sendable () -> Void, shutdown: @escaping @Sendable (Int32) -> Void) {
        self.inbox = inbox
        self.reload = reload
        self.shutdown = shutdown
    }

    func run() async throws {
        for await sig in inbox.signals.cancelOnGracefulShutdown() {
            if sig == SIGHUP {
                reload()
            } else {
                shutdown(sig)
                return
            }
        }
    }
}

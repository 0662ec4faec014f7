// Daemon: the process lifecycle of `lumiere daemon`.
//
// Start: catch signals (so a SIGTERM during start-up waits instead of killing a half-started
// daemon) → create folders → take the spool lock → open the state store → reconcile the
// work area with the queue → start the services in order (DaemonBuilder) → READY=1.
// Run: a ServiceGroup holds the services until SIGTERM/SIGINT; SIGHUP reloads.
// Stop: intake stops, running jobs finish within daemon.shutdown_timeout_s, STOPPING=1,
// the last status and metrics are written, the store is checkpointed, exit 0.
//
// ServiceGroup starts its services concurrently; the daemon needs an order (the inotify
// watch before the first scan, READY=1 after everything), so each service's start() runs
// in sequence first and its run() only holds it until the group shuts it down, in
// reverse order.

import Foundation
import Logging
import LumiereCore
import LumiereService
import ServiceLifecycle

public final class Daemon: Sendable {
    private let config: LumiereConfig
    private let logger: Logger
    private let notifier: SystemdNotifier
    private let reloadConfig: @Sendable () throws(LumiereError) -> LumiereConfig

    public init(config: LumiereConfig, logger: Logger, notifier: SystemdNotifier = SystemdNotifier(),
                reloadConfig: @escaping @Sendable () throws(LumiereError) -> LumiereConfig) {
        self.config = config
        self.logger = logger
        self.notifier = notifier
        self.reloadConfig = reloadConfig
    }

    /// Run until SIGTERM/SIGINT. Returns the process exit code: 0 after a clean stop,
    /// 3 when another daemon holds the spool, 1 for any other start-up failure.
    public func run() async -> Int32 {
        let signals = SignalInbox()
        let builder = DaemonBuilder(config: config, logger: logger, notifier: notifier, reloadConfig: reloadConfig)
        let startup = await onQueue(DispatchQueue(label: "lumiere.startup")) {
            () -> Result<StartedDaemon, LumiereError> in
            do throws(LumiereError) { return .success(try builder.start(signals: signals)) } catch { return .failure(error) }
        }
        let daemon: StartedDaemon
        switch startup {
        case .success(let started): daemon = started
        case .failure(let error):
            logger.critical("cannot start", metadata: ["error.code": "\(error.code)", "error": "\(error.message)"])
            FileHandle.standardError.write(Data("lumiere: error: \(error.message)\n\(error.hint.map { "hint: \($0)\n" } ?? "")".utf8))
            return error.code == .spoolLocked ? 3 : 1
        }
        notifier.ready(status: daemon.statusLine())

        let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: daemon.services, logger: logger))
        var code: Int32 = 0
        do {
            try await group.run()
        } catch {
            logger.error("a daemon service failed", metadata: ["error": "\(error)"])
            code = 1
        }
        await onQueue(DispatchQueue(label: "lumiere.stop")) { daemon.store.close() }
        logger.notice("daemon stopped")
        withExtendedLifetime(daemon.lock) {}
        return code
    }
}
